import Bot
import Exchange
import XCTest
@testable import Backtest

/// Pagination, resume and gap logic against the simulated exchange (an in-memory `Exchange`).
final class CandleDownloaderTests: XCTestCase {
    static let hour: Int64 = 3_600_000
    static let t0: Int64 = 1_609_459_200_000

    /// Hourly candles 0..<n, minus the indices in `holes`; the exchange stands at candle `at` (still forming).
    func exchange(n: Int, holes: Set<Int> = [], at: Int, maxLimit: Int = 1500) -> SimulatedExchange {
        var candles: [Candle] = []
        for i in 0..<n where !holes.contains(i) {
            let x = Double(i)
            let t: Int64 = Self.t0 + Int64(i) * Self.hour
            candles.append(Candle(timestamp: t, open: 100 + x, high: 101 + x, low: 99 + x, close: 100.5 + x, volume: x))
        }
        var s = SimulationSettings()
        s.maxLimit = maxLimit
        let start = candles.firstIndex { $0.timestamp >= Self.t0 + Int64(at) * Self.hour } ?? candles.count
        return SimulatedExchange(market: SimulationSettings.market(), timeframe: .oneHour, candles: candles, settings: s, start: start)
    }

    func tempFile() -> String {
        NSTemporaryDirectory() + "dl-\(UUID().uuidString).csv"
    }

    func testPaginatesOnlyClosedCandlesAndResumesWithoutDuplicates() async throws {
        let ex = exchange(n: 100, at: 40, maxLimit: 7)     // 40 closed candles, pages of 7
        let dl = CandleDownloader(exchange: ex, symbol: "BTC/USDT:USDT", timeframe: .oneHour, pageLimit: 7)
        let path = tempFile()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let file = CandleCSVAppender(path: path)
        var pages = 0
        let s1 = try await dl.download(since: Self.t0, until: Self.t0 + 25 * Self.hour, now: ex.now,
                                       resumeAfter: try file.lastTimestamp(), write: { try file.append($0); pages += 1 })
        XCTAssertEqual(s1.written, 25); XCTAssertEqual(pages, 4); XCTAssertTrue(s1.gaps.isEmpty)
        XCTAssertEqual(try file.lastTimestamp(), Self.t0 + 24 * Self.hour)
        // Resume with no --until: appends 25..39 (40 is still forming, never written).
        let s2 = try await dl.download(since: Self.t0, until: nil, now: ex.now, resumeAfter: try file.lastTimestamp(),
                                       write: { try file.append($0) })
        XCTAssertEqual(s2.written, 15); XCTAssertEqual(s2.first, Self.t0 + 25 * Self.hour)
        let candles = try CandleFile.read(path: path)
        XCTAssertEqual(candles.map(\.timestamp), (0..<40).map { Self.t0 + Int64($0) * Self.hour })
        XCTAssertEqual(candles[39].close, 139.5)
        // Nothing new: a third run writes nothing.
        let s3 = try await dl.download(since: Self.t0, until: nil, now: ex.now, resumeAfter: try file.lastTimestamp(), write: { try file.append($0) })
        XCTAssertEqual(s3.written, 0)
    }

    func testGapsAreReportedNotInvented() async throws {
        let ex = exchange(n: 30, holes: [5, 6, 7, 20], at: 30, maxLimit: 4)
        let dl = CandleDownloader(exchange: ex, symbol: "BTC/USDT:USDT", timeframe: .oneHour, pageLimit: 4)
        var got: [Candle] = []
        let s = try await dl.download(since: Self.t0, until: nil, now: ex.now, resumeAfter: nil, write: { got += $0 })
        XCTAssertEqual(s.written, 26)
        XCTAssertEqual(s.gaps, [CandleGap(from: Self.t0 + 5 * Self.hour, to: Self.t0 + 7 * Self.hour, missing: 3),
                                CandleGap(from: Self.t0 + 20 * Self.hour, to: Self.t0 + 20 * Self.hour, missing: 1)])
        XCTAssertEqual(Set(got.map(\.timestamp)).count, got.count)
        XCTAssertFalse(got.contains { $0.timestamp == Self.t0 + 6 * Self.hour })
    }

    func testResumeRefusesForeignFilesAndReportsHistoryEnd() async throws {
        let path = tempFile()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "Date,Open\n2021-01-01,1\n".write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try CandleCSVAppender(path: path).lastTimestamp())
        // The exchange stops at candle 10 but the clock says 20 are closed: the missing tail is a reported gap.
        let ex = exchange(n: 10, at: 10)
        let dl = CandleDownloader(exchange: ex, symbol: "BTC/USDT:USDT", timeframe: .oneHour)
        let s = try await dl.download(since: Self.t0, until: nil, now: Self.t0 + 20 * Self.hour, resumeAfter: nil, write: { _ in })
        XCTAssertEqual(s.written, 10)
        XCTAssertTrue(s.endedEarly)
        XCTAssertEqual(s.gaps.last?.missing, 10)
    }
}
