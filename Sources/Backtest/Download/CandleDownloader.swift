import Exchange
import Foundation

/// A hole in the exchange's history: candles that should exist between two that do. Reported, never invented.
public struct CandleGap: Sendable, Equatable, Codable {
    /// Open time of the first missing candle and of the last one.
    public var from: Int64
    public var to: Int64
    public var missing: Int
}

public struct DownloadSummary: Sendable, Equatable {
    public var written: Int
    public var gaps: [CandleGap]
    /// Candles the exchange sent twice or out of order (dropped).
    public var duplicates: Int
    /// First and last candle written (nil if none).
    public var first: Int64?
    public var last: Int64?
    /// True when the download stopped early because the exchange had nothing more.
    public var endedEarly: Bool
}

public struct DownloadError: Error, CustomStringConvertible, Equatable {
    public var message: String
    public var description: String { message }
}

/// Pages through `fetchOHLCV` from a start time to an end time, keeping only closed candles, in order, once each.
public struct CandleDownloader {
    public var exchange: any Exchange
    public var symbol: String
    public var timeframe: Timeframe
    /// Candles per request (Binance USDⓈ-M allows up to 1500).
    public var pageLimit: Int = 1500

    public init(exchange: any Exchange, symbol: String, timeframe: Timeframe, pageLimit: Int = 1500) {
        self.exchange = exchange; self.symbol = symbol; self.timeframe = timeframe; self.pageLimit = pageLimit
    }

    /// Downloads candles with open time in [since, until) that are closed at `now`, starting after `resumeAfter`
    /// (the last candle already in the file) when given. `write` receives each page's new candles in order;
    /// `progress` (done, expected) after each page.
    public func download(since: Int64, until: Int64?, now: Int64, resumeAfter: Int64?,
                         write: ([Candle]) throws -> Void,
                         progress: (Int, Int) -> Void = { _, _ in }) async throws -> DownloadSummary {
        let step = timeframe.milliseconds
        // First open time: aligned up to the interval, and after what the file already holds.
        var start = (since + step - 1) / step * step
        if let resumeAfter {
            guard resumeAfter % step == 0 else {
                throw DownloadError(message: "the file's last candle (\(resumeAfter)) is not on the \(timeframe.name) grid; was it downloaded with another --interval?")
            }
            start = max(start, resumeAfter + step)
        }
        // Last allowed open time + 1: closed by `now`, and before `until`.
        let closedLimit = now - step + 1
        let end = min(until ?? closedLimit, closedLimit)
        var summary = DownloadSummary(written: 0, gaps: [], duplicates: 0, first: nil, last: nil, endedEarly: false)
        guard start < end else { progress(0, 0); return summary }
        let expected = Int((end - start + step - 1) / step)
        var cursor = start
        var lastWritten = resumeAfter
        var expectedNext = start
        if let resumeAfter, start > resumeAfter + step {
            summary.gaps.append(CandleGap(from: resumeAfter + step, to: start - step, missing: Int((start - resumeAfter - step) / step)))
        }
        while cursor < end {
            let page = try await exchange.fetchOHLCV(symbol: symbol, timeframe: timeframe, since: cursor, limit: pageLimit)
            var fresh: [Candle] = []
            var newest = cursor - step
            for c in page.sorted(by: { $0.timestamp < $1.timestamp }) {
                guard c.timestamp >= cursor, c.timestamp < end else {
                    if c.timestamp < cursor { summary.duplicates += 1 }
                    continue
                }
                if let lastWritten, c.timestamp <= lastWritten { summary.duplicates += 1; continue }
                if let prev = fresh.last, c.timestamp <= prev.timestamp { summary.duplicates += 1; continue }
                guard c.timestamp % step == 0 else {
                    throw DownloadError(message: "the exchange sent a candle at \(c.timestamp), off the \(timeframe.name) grid; refusing to write it")
                }
                if c.timestamp > expectedNext {
                    summary.gaps.append(CandleGap(from: expectedNext, to: c.timestamp - step, missing: Int((c.timestamp - expectedNext) / step)))
                }
                expectedNext = c.timestamp + step
                fresh.append(c)
                newest = c.timestamp
            }
            if fresh.isEmpty {
                // Nothing at or after the cursor: the exchange's history ends here.
                let missing = Int((end - cursor + step - 1) / step)
                if missing > 0 {
                    summary.gaps.append(CandleGap(from: cursor, to: cursor + Int64(missing - 1) * step, missing: missing))
                }
                summary.endedEarly = true
                break
            }
            try write(fresh)
            summary.written += fresh.count
            summary.first = summary.first ?? fresh.first?.timestamp
            summary.last = newest
            lastWritten = newest
            cursor = newest + step
            progress(Int((cursor - start) / step), expected)
        }
        return summary
    }
}
