import Exchange
import Foundation

/// Appends candles to a `timestamp,open,high,low,close,volume` file, creating it with its header, and finds where
/// an existing file stops so a download can resume after it.
public struct CandleCSVAppender {
    public static let header = "timestamp,open,high,low,close,volume"
    public let path: String

    public init(path: String) { self.path = path }

    /// Open time of the last candle in the file; nil when the file is missing or has only a header.
    /// Throws when the file is not in the bot's own format (resuming into another format would corrupt it).
    public func lastTimestamp() throws -> Int64? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        guard let text = String(data: data, encoding: .utf8) else {
            throw DownloadError(message: "\(path): not UTF-8 text; choose another --out file")
        }
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard let first = lines.first else { return nil }
        guard first.lowercased() == Self.header else {
            throw DownloadError(message: "\(path): header is '\(first)', not '\(Self.header)'; resume only into files this command wrote, or choose another --out")
        }
        guard lines.count > 1, let last = lines.last else { return nil }
        guard let field = last.split(separator: ",").first, let t = Int64(field) else {
            throw DownloadError(message: "\(path): last line '\(last.prefix(60))' does not start with a millisecond timestamp; fix or remove it to resume")
        }
        return t
    }

    /// Appends rows (creating the file with its header when needed).
    public func append(_ candles: [Candle]) throws {
        var text = ""
        let fm = FileManager.default
        if !fm.fileExists(atPath: path) || (fm.contents(atPath: path)?.isEmpty ?? true) {
            let dir = (path as NSString).deletingLastPathComponent
            if !dir.isEmpty { try? fm.createDirectory(atPath: dir, withIntermediateDirectories: true) }
            guard fm.createFile(atPath: path, contents: nil) else {
                throw DownloadError(message: "\(path): cannot create the file; check the directory is writable")
            }
            text = Self.header + "\n"
        } else if let data = fm.contents(atPath: path), data.last != UInt8(ascii: "\n") {
            text = "\n"
        }
        for c in candles { text += "\(c.timestamp),\(c.open),\(c.high),\(c.low),\(c.close),\(c.volume)\n" }
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw DownloadError(message: "\(path): cannot open for appending; check permissions")
        }
        defer { try? handle.close() }
        do {
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(text.utf8))
        } catch {
            throw DownloadError(message: "\(path): write failed (\(error.localizedDescription))")
        }
    }
}
