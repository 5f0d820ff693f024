/// The command line of `trading-bot lambda`, read without ArgumentParser on the cold-start path: its reflection and
/// the protocol casts behind it are a few milliseconds of every new Lambda sandbox. Anything this does not know
/// (help, a typo) is left to ArgumentParser, so usage and error messages stay the tree's own.
public struct LambdaOptions: Sendable, Equatable {
    /// `--config FILE` (default: ./config.yaml, or CONFIG_PATH).
    public var config: String?
    /// `--confirm-live`: with MODE=live, trade real money.
    public var confirmLive: Bool
    /// `--max-invocations N`: exit after N invocations (tests and benchmarks).
    public var maxInvocations: Int?

    public init(config: String? = nil, confirmLive: Bool = false, maxInvocations: Int? = nil) {
        self.config = config; self.confirmLive = confirmLive; self.maxInvocations = maxInvocations
    }

    /// The options in `arguments` (after `lambda`), or nil when anything there is not one of them, written as
    /// ArgumentParser accepts it (`--name value` or `--name=value`), or is given twice.
    public static func parse(_ arguments: [String]) -> LambdaOptions? {
        var options = LambdaOptions()
        var seen = Set<String>()
        var index = arguments.startIndex
        while index < arguments.endIndex {
            let argument = arguments[index]
            index += 1
            let name: Substring, inline: Substring?
            if let equals = argument.firstIndex(of: "=") {
                name = argument[..<equals]
                inline = argument[argument.index(after: equals)...]
            } else {
                name = argument[...]
                inline = nil
            }
            guard seen.insert(String(name)).inserted else { return nil }
            func value() -> String? {
                if let inline { return String(inline) }
                guard index < arguments.endIndex, !arguments[index].hasPrefix("-") else { return nil }
                defer { index += 1 }
                return arguments[index]
            }
            switch name {
            case "--config":
                guard let file = value(), !file.isEmpty else { return nil }
                options.config = file
            case "--max-invocations":
                guard let text = value(), let count = Int(text) else { return nil }
                options.maxInvocations = count
            case "--confirm-live" where inline == nil:
                options.confirmLive = true
            default:
                return nil
            }
        }
        return options
    }
}
