import Foundation

/// Why a candle file could not be loaded: one line naming the file, the line and what to fix.
public struct CandleFileError: Error, CustomStringConvertible, Equatable {
    public var file: String
    public var line: Int
    public var problem: String

    public var description: String {
        line > 0 ? "\(file):\(line): \(problem)" : "\(file): \(problem)"
    }
}

/// Reads candles from CSV. Two layouts are accepted, recognised by their header:
/// `timestamp,open,high,low,close,volume` (timestamp in ms, or seconds, or ISO-8601) and the
/// CoinMarketCap export used in shared/data (`...,Date,High,Low,Open,Close,Volume,...`, where
/// Date "2013-04-29 23:59:59" is the day's close: the candle opens at that day's 00:00 UTC).
public enum CandleFile {
    public static func load(path: String, intervalMs: Int64 = 86_400_000) throws -> [BinanceTestServer.Candle] {
        let name = (path as NSString).lastPathComponent
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CandleFileError(file: path, line: 0, problem: "cannot read the file; check the path")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw CandleFileError(file: name, line: 0, problem: "not UTF-8 text; export the candles as CSV")
        }
        return try parse(text, file: name, intervalMs: intervalMs)
    }

    public static func parse(_ text: String, file: String = "<csv>", intervalMs: Int64 = 86_400_000) throws -> [BinanceTestServer.Candle] {
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
            .map { String($0).trimmingCharacters(in: .whitespacesAndNewlines) }
        while lines.last == "" { lines.removeLast() }
        guard let headerLine = lines.first else {
            throw CandleFileError(file: file, line: 0, problem: "empty file; expected a header like timestamp,open,high,low,close,volume")
        }
        let header = headerLine.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        func column(_ names: [String]) -> Int? { names.lazy.compactMap { header.firstIndex(of: $0) }.first }
        guard let tCol = column(["timestamp", "open_time", "opentime", "date", "time"]),
              let oCol = column(["open"]), let hCol = column(["high"]), let lCol = column(["low"]),
              let cCol = column(["close"]) else {
            throw CandleFileError(file: file, line: 1, problem: "header '\(headerLine)' lacks timestamp/date, open, high, low, close columns")
        }
        let vCol = column(["volume"])
        let isCoinMarketCap = header[tCol] == "date"
        var candles: [BinanceTestServer.Candle] = []
        for (index, line) in lines.enumerated().dropFirst() where !line.isEmpty {
            let lineNo = index + 1
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            let needed = [tCol, oCol, hCol, lCol, cCol] + (vCol.map { [$0] } ?? [])
            guard let maxCol = needed.max(), fields.count > maxCol else {
                throw CandleFileError(file: file, line: lineNo, problem: "has \(fields.count) fields, expected at least \((needed.max() ?? 0) + 1)")
            }
            guard var t = parseTime(fields[tCol]) else {
                throw CandleFileError(file: file, line: lineNo, problem: "time '\(fields[tCol])' is not ms/seconds since epoch or an ISO date")
            }
            if isCoinMarketCap { t = t - t % intervalMs }
            func number(_ col: Int, _ what: String) throws -> Decimal {
                guard let v = WireDecimal.parse(fields[col]) ?? scientific(fields[col]) else {
                    throw CandleFileError(file: file, line: lineNo, problem: "\(what) '\(fields[col])' is not a number")
                }
                return v
            }
            let candle = BinanceTestServer.Candle(
                openTime: t, open: try number(oCol, "open"), high: try number(hCol, "high"),
                low: try number(lCol, "low"), close: try number(cCol, "close"),
                volume: try vCol.map { try number($0, "volume") } ?? 0)
            if let last = candles.last, candle.openTime <= last.openTime {
                throw CandleFileError(file: file, line: lineNo, problem: "time \(candle.openTime) is not after the previous row; sort the file by time")
            }
            candles.append(candle)
        }
        return candles
    }

    /// ms or seconds since epoch, or "YYYY-MM-DD[ T]HH:MM:SS[Z]" / "YYYY-MM-DD" in UTC.
    static func parseTime(_ text: String) -> Int64? {
        if let n = Int64(text) { return n < 100_000_000_000 ? n * 1000 : n }
        return parseISO(text)
    }

    /// Parses "YYYY-MM-DD[( |T)HH:MM[:SS[.fff]]][Z]" as UTC to ms; nil when malformed.
    /// Hand-written (no DateFormatter): it runs once per row of multi-thousand-row files.
    public static func parseISO(_ text: String) -> Int64? {
        var s = Substring(text)
        if s.hasSuffix("Z") { s = s.dropLast() }
        let parts = s.split(whereSeparator: { $0 == " " || $0 == "T" })
        guard parts.count == 1 || parts.count == 2 else { return nil }
        let date = parts[0].split(separator: "-")
        guard date.count == 3, date[0].count == 4, let y = Int64(date[0]), let m = Int64(date[1]), let d = Int64(date[2]),
              (1...12).contains(m), (1...31).contains(d) else { return nil }
        var seconds: Double = 0
        if parts.count == 2 {
            let hms = parts[1].split(separator: ":")
            guard hms.count == 2 || hms.count == 3, let h = Int64(hms[0]), let mi = Int64(hms[1]),
                  (0...23).contains(h), (0...59).contains(mi) else { return nil }
            let sec = hms.count == 3 ? Double(hms[2]) : 0
            guard let sec, sec >= 0, sec < 61 else { return nil }
            seconds = Double(h * 3600 + mi * 60) + sec
        }
        // Days from 1970-01-01 (Howard Hinnant's days_from_civil).
        let yy = m <= 2 ? y - 1 : y
        let era = (yy >= 0 ? yy : yy - 399) / 400
        let yoe = yy - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        return days * 86_400_000 + Int64((seconds * 1000).rounded())
    }

    /// Accepts "1.5e-05"-style numbers some exports contain.
    private static func scientific(_ text: String) -> Decimal? {
        guard text.contains("e") || text.contains("E"), let d = Double(text), d.isFinite else { return nil }
        return Decimal(string: String(d))
    }
}
