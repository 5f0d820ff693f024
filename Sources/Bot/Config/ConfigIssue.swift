/// One problem with one configuration key: where the value came from, what it was, and what is allowed.
public struct ConfigIssue: Error, Sendable, Equatable, CustomStringConvertible {
    public let key: String
    /// The offending value, already redacted for secrets.
    public let value: String?
    /// "config.yaml:7 (default)", "environment", "command line".
    public let origin: String
    public let problem: String

    public var description: String {
        if let value { return "\(origin): \(key) = \"\(value)\": \(problem)" }
        return "\(origin): \(key): \(problem)"
    }
}

/// Errors that stop the bot before it touches the network. The CLI prints each issue on its own line and exits 2.
public enum ConfigError: Error, Sendable, CustomStringConvertible {
    /// The file could not be read or parsed at all.
    case unreadable(file: String, reason: String)
    /// Every invalid key, all at once.
    case invalid([ConfigIssue])

    public var issues: [String] {
        switch self {
        case .unreadable(let file, let reason): return ["\(file): \(reason)"]
        case .invalid(let issues): return issues.map(\.description)
        }
    }

    public var description: String {
        switch self {
        case .unreadable(let file, let reason): return "\(file): \(reason)"
        case .invalid(let issues):
            return "\(issues.count) configuration problem\(issues.count == 1 ? "" : "s"): "
                + issues.map(\.description).joined(separator: "; ")
        }
    }
}
