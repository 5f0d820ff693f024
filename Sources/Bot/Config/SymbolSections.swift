import Foundation
import Yams

/// The `symbols:` part of config.yaml: one mapping per traded symbol with the keys that differ for it.
///
/// ```yaml
/// default:
///   SYMBOLS: [BTC/USDT:USDT, ETH/USDT:USDT]
///   MAX_OPEN_POSITIONS: 2
/// symbols:
///   ETH/USDT:USDT:
///     MODEL_PATH: models/eth.keras
///     STAKE_FRACTION: 0.3
/// ```
///
/// A per-symbol key beats the global one wherever that came from (file, environment, command line); the rest of
/// the symbol's configuration is the global one. Every symbol's configuration is validated like the global one,
/// and its problems name the symbol and the key.
struct SymbolSections {
    struct Section {
        var symbol: String
        var file: String
        var origin: String
        var entries: [(key: String, node: Node)]
    }

    static let sectionName = "symbols"

    var sections: [Section] = []

    /// Takes the `symbols:` section out of the file's sections (it is not an environment section).
    static func split(_ sections: [(name: String, entries: [(key: String, node: Node)])], file: String,
                      issues: inout [ConfigIssue]) -> (rest: [(name: String, entries: [(key: String, node: Node)])], symbols: SymbolSections) {
        var result = SymbolSections()
        var rest: [(name: String, entries: [(key: String, node: Node)])] = []
        for section in sections {
            guard section.name == sectionName else { rest.append(section); continue }
            for (symbol, node) in section.entries {
                let origin = "\(file)\(node.mark.map { ":\($0.line)" } ?? "") (symbols › \(symbol))"
                guard let mapping = node.mapping else {
                    issues.append(ConfigIssue(key: symbol.isEmpty ? sectionName : symbol, value: nil, origin: origin,
                                              problem: "must be a mapping of keys for that symbol, e.g. symbols: {ETH/USDT:USDT: {THRESHOLD: 0.02}}"))
                    continue
                }
                result.sections.append(Section(symbol: symbol, file: file, origin: origin, entries: mapping.map { ($0.key.string ?? "", $0.value) }))
            }
        }
        return (rest, result)
    }

    /// Builds the per-symbol configurations on top of the global raw values and checks what only the whole list
    /// can show: allotments over 100 %, one model file read with two windows, keys that cannot differ per symbol.
    func configurations(global raw: [String: ConfigLoader.RawValue], configDirectory: String, environment: String?, checkFiles: Bool,
                        issues: inout [ConfigIssue], warnings: inout [String]) -> [BotConfig] {
        var list = raw["SYMBOLS"].map { ConfigValidator.symbolList($0.text) } ?? []
        if raw["SYMBOLS"] == nil { list = sections.map(\.symbol) }
        guard !list.isEmpty else { return [] }
        for section in sections where !list.contains(section.symbol) {
            warnings.append("\(section.origin): \(section.symbol) is not in SYMBOLS (section ignored); add it to SYMBOLS to trade it")
        }
        var configs: [BotConfig] = []
        var ok = true
        for symbol in list {
            var values = raw
            values["SYMBOL"] = ConfigLoader.RawValue(text: symbol, origin: raw["SYMBOLS"]?.origin ?? "symbols:", baseDirectory: "")
            values["SYMBOLS"] = nil
            var own: Set<String> = ["SYMBOL"]
            for section in sections where section.symbol == symbol {
                for (key, node) in section.entries {
                    let origin = SymbolSections.origin(section: section, node: node)
                    guard ConfigKey.byName[key] != nil else {
                        let close = EditDistance.closest(to: key, in: ConfigKey.perSymbol.sorted())
                        warnings.append("\(origin): unknown key \(key) (ignored)" + (close.map { "; did you mean \($0)?" } ?? ""))
                        continue
                    }
                    guard ConfigKey.perSymbol.contains(key) else {
                        issues.append(ConfigIssue(key: key, value: nil, origin: origin,
                                                  problem: "cannot differ per symbol; set it under default: (per-symbol keys: \(ConfigKey.perSymbol.sorted().joined(separator: ", ")))"))
                        ok = false
                        continue
                    }
                    guard let scalar = node.scalar else {
                        issues.append(ConfigIssue(key: key, value: nil, origin: origin, problem: "must be a single value, not a list or mapping"))
                        ok = false
                        continue
                    }
                    values[key] = ConfigLoader.RawValue(text: scalar.string, origin: origin, baseDirectory: configDirectory)
                    own.insert(key)
                }
            }
            var validator = ConfigValidator(raw: values, checkFiles: checkFiles)
            let built = validator.build(environment: environment, requireCredentials: false)
            // Problems of keys the symbol did not set are the global ones, already reported once.
            let mine = validator.issues.filter { own.contains($0.key) }
            issues += mine
            if !mine.isEmpty { ok = false }
            if var built { built.symbolConfigs = []; configs.append(built) }
        }
        guard ok, configs.count == list.count else { return [] }
        return SymbolSections.allot(configs, issues: &issues) ?? []
    }

    static func origin(section: Section, node: Node) -> String {
        "\(section.file)\(node.mark.map { ":\($0.line)" } ?? "") (symbols › \(section.symbol))"
    }

    /// Gives symbols without STAKE_FRACTION/STAKE_AMOUNT an equal share of what the fractions leave, and refuses
    /// allotments over 100 % or one model file read with two different windows.
    static func allot(_ configs: [BotConfig], issues: inout [ConfigIssue]) -> [BotConfig]? {
        var configs = configs
        let before = issues.count
        for c in configs where c.stakeFraction != nil && c.stakeAmount != nil {
            issues.append(ConfigIssue(key: "STAKE_FRACTION", value: nil, origin: "symbols › \(c.symbol)",
                                      problem: "both STAKE_FRACTION and STAKE_AMOUNT are set for \(c.symbol); keep one"))
        }
        let fractions = configs.compactMap(\.stakeFraction)
        let total = fractions.reduce(Decimal(0), +)
        if total > 1 {
            let parts = configs.compactMap { c in c.stakeFraction.map { "\(c.symbol) \($0)" } }.joined(separator: ", ")
            issues.append(ConfigIssue(key: "STAKE_FRACTION", value: "\(total)", origin: "symbols",
                                      problem: "the symbols' allotments add up to \(total * 100) % of the account (\(parts)); lower them to 100 % or less in total"))
        }
        let unallotted = configs.indices.filter { configs[$0].stakeFraction == nil && configs[$0].stakeAmount == nil }
        if !unallotted.isEmpty {
            let left = 1 - total
            if left <= 0 {
                issues.append(ConfigIssue(key: "STAKE_FRACTION", value: nil, origin: "symbols",
                                          problem: "nothing left to allot to \(unallotted.map { configs[$0].symbol }.joined(separator: ", ")): the other symbols' STAKE_FRACTION take 100 %; give them STAKE_FRACTION or STAKE_AMOUNT"))
            } else {
                var share = left / Decimal(unallotted.count)
                var rounded = Decimal()
                NSDecimalRound(&rounded, &share, 8, .down)
                for i in unallotted { configs[i].stakeFraction = rounded }
            }
        }
        let settles = Set(configs.map { $0.symbol.split(separator: ":").last.map(String.init) ?? "" })
        if settles.count > 1 {
            issues.append(ConfigIssue(key: "SYMBOLS", value: nil, origin: "symbols",
                                      problem: "the symbols settle in \(settles.sorted().joined(separator: " and ")); one account shares one settle currency: list symbols of one of them"))
        }
        var windows: [String: [(String, Int)]] = [:]
        for c in configs { windows[c.modelPath, default: []].append((c.symbol, c.windowSize)) }
        for (model, uses) in windows.sorted(by: { $0.key < $1.key }) where Set(uses.map(\.1)).count > 1 {
            issues.append(ConfigIssue(key: "WINDOW_SIZE", value: nil, origin: "symbols",
                                      problem: "\(model) is read with different windows (\(uses.map { "\($0.0) \($0.1)" }.joined(separator: ", "))); one model has one input window: fix WINDOW_SIZE or MODEL_PATH of one of them"))
        }
        return issues.count == before ? configs : nil
    }
}
