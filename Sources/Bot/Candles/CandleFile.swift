import Exchange
import Foundation

/// Reads candle files: the bot's own `timestamp,open,high,low,close,volume` (timestamp in milliseconds or ISO 8601,
/// the candle's open time) and the CoinMarketCap-style files in `../shared/data`
/// (`SNo,Name,Symbol,Date,High,Low,Open,Close,Volume,Marketcap`, where `Date` is the *end* of a UTC day, so the
/// candle's open time is 00:00 of that day). Columns are found by header name, in any order.
public enum CandleFile {
    /// Which kind of file was read, for messages and for the open-time convention.
    public enum Format: String, Sendable { case standard, coinMarketCap }

    public static func read(path: String) throws -> [Candle] {
        try read(path: path, format: nil).candles
    }

    public static func read(path: String, format: Format?) throws -> (candles: [Candle], format: Format) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CandleFileError(file: path, line: 0, problem: "no such file; pass the path of a CSV with timestamp,open,high,low,close,volume")
        }
        guard !isDirectory.boolValue else { throw CandleFileError(file: path, line: 0, problem: "is a directory, not a candle CSV file") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CandleFileError(file: path, line: 0, problem: "cannot be read (permissions?)")
        }
        return try parse(data: data, file: path)
    }

    /// Parses CSV bytes. Rows must be in strictly increasing time order (a duplicate or out-of-order row is an error,
    /// never silently dropped: a backtest over a file with holes in it would be a wrong number).
    public static func parse(data: Data, file: String) throws -> (candles: [Candle], format: Format) {
        guard let text = String(data: data, encoding: .utf8) else {
            throw CandleFileError(file: file, line: 0, problem: "is not UTF-8 text")
        }
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
        while let last = lines.last, last.trimmingCharacters(in: .whitespaces).isEmpty { lines.removeLast() }
        guard let headerLine = lines.first else { throw CandleFileError(file: file, line: 0, problem: "is empty; expected a header line") }
        let header = headerLine.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces).lowercased().replacingOccurrences(of: "\u{FEFF}", with: "") }
        func column(_ names: [String]) -> Int? { header.firstIndex(where: names.contains) }
        let isCMC = header.contains("date") && header.contains("marketcap") || (header.contains("date") && !header.contains("timestamp"))
        let format: Format = isCMC ? .coinMarketCap : .standard
        guard let timeColumn = column(["timestamp", "date", "open_time", "time"]),
              let openColumn = column(["open"]), let highColumn = column(["high"]), let lowColumn = column(["low"]),
              let closeColumn = column(["close"]), let volumeColumn = column(["volume"]) else {
            throw CandleFileError(file: file, line: 1, problem: "header must name timestamp (or Date), open, high, low, close, volume; found: \(header.joined(separator: ","))")
        }
        let needed = Swift.max(timeColumn, openColumn, highColumn, lowColumn, closeColumn, volumeColumn) + 1
        var candles: [Candle] = []
        candles.reserveCapacity(lines.count - 1)
        for (index, line) in lines.enumerated().dropFirst() {
            let lineNumber = index + 1
            if line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            guard fields.count >= needed else {
                throw CandleFileError(file: file, line: lineNumber, problem: "has \(fields.count) fields, header needs at least \(needed)")
            }
            func value(_ column: Int, _ name: String) throws -> Double {
                let field = fields[column].trimmingCharacters(in: .whitespaces)
                guard let number = Double(field), number.isFinite else {
                    throw CandleFileError(file: file, line: lineNumber, problem: "\(name) '\(field)' is not a number")
                }
                return number
            }
            let timeField = fields[timeColumn].trimmingCharacters(in: .whitespaces)
            var timestamp: Int64
            if let ms = Int64(timeField) {
                timestamp = ms
            } else if let parsed = UTCTime.parse(timeField) {
                timestamp = parsed
            } else {
                throw CandleFileError(file: file, line: lineNumber, problem: "time '\(timeField)' is neither milliseconds nor an ISO 8601 date")
            }
            if format == .coinMarketCap {
                // CoinMarketCap stamps a daily candle with the last second of its UTC day: the open is 00:00 that day.
                timestamp -= ((timestamp % 86_400_000) + 86_400_000) % 86_400_000
            }
            let candle = Candle(timestamp: timestamp, open: try value(openColumn, "open"), high: try value(highColumn, "high"),
                                low: try value(lowColumn, "low"), close: try value(closeColumn, "close"),
                                volume: try value(volumeColumn, "volume"))
            if let previous = candles.last, candle.timestamp <= previous.timestamp {
                let what = candle.timestamp == previous.timestamp ? "duplicates" : "is earlier than"
                throw CandleFileError(file: file, line: lineNumber,
                                      problem: "time \(UTCTime.iso(candle.timestamp)) \(what) the previous row; rows must be in increasing time order")
            }
            candles.append(candle)
        }
        guard !candles.isEmpty else { throw CandleFileError(file: file, line: 0, problem: "has a header but no candles") }
        return (candles, format)
    }

    /// Writes candles in the bot's own format (timestamp in milliseconds), used by tests and `download`.
    public static func csv(_ candles: [Candle]) -> String {
        var text = "timestamp,open,high,low,close,volume\n"
        for c in candles {
            text += "\(c.timestamp),\(format(c.open)),\(format(c.high)),\(format(c.low)),\(format(c.close)),\(format(c.volume))\n"
        }
        return text
    }

    /// Shortest text that reads back as the same Double.
    static func format(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }
}
