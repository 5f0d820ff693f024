import Bot
import Foundation

/// Small helpers the offline commands share: stderr lines, a progress bar, time arguments.
public enum Console {
    public static func error(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    public static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) != 0 }

    /// A one-line progress bar redrawn in place on stderr (only when stderr is a terminal).
    public final class ProgressBar {
        let label: String
        let enabled: Bool
        var lastDrawn = -1
        public init(label: String, enabled: Bool = Console.stderrIsTerminal) { self.label = label; self.enabled = enabled }
        public func update(done: Int, total: Int) {
            guard enabled, total > 0 else { return }
            let pct = min(100, done * 100 / total)
            guard pct != lastDrawn else { return }
            lastDrawn = pct
            let width = 30, filled = pct * width / 100
            let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
            FileHandle.standardError.write(Data("\r\(label) [\(bar)] \(pct)% \(done)/\(total)".utf8))
        }
        public func finish() { if enabled && lastDrawn >= 0 { FileHandle.standardError.write(Data("\n".utf8)) } }
    }

    /// Parses an ISO 8601 date/time (UTC) or milliseconds since 1970; the error names the option.
    public static func time(_ text: String?, option: String) throws -> Int64? {
        guard let text else { return nil }
        if let ms = Int64(text), ms > 100_000_000_000 { return ms }
        if let t = UTCTime.parse(text) { return t }
        throw OptionError(message: "\(option) '\(text)' is not a date: use 2021-01-01, 2021-01-01T12:00:00Z or milliseconds since 1970")
    }
}

/// A bad command-line value: one line, naming the option.
public struct OptionError: Error, CustomStringConvertible {
    public var message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}
