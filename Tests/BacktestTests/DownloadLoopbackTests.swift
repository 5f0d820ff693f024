import Binance
import BinanceTestServer
import Bot
import Exchange
import XCTest
@testable import Backtest

/// The downloader through the real Binance client, over real HTTP, against the loopback Binance server.
final class DownloadLoopbackTests: XCTestCase {
    static let minute: Int64 = 60_000
    static let start: Int64 = 28_333_334 * 60_000

    func testDownloadsPagesResumesAndReportsGapsOverHTTP() async throws {
        var options = BinanceTestServer.Options()
        options.startTimeMs = Self.start + 3_000 * Self.minute + 30_000    // mid-candle 3000: it is still open
        options.clockRunning = false
        let server = BinanceTestServer(options: options)
        try await server.start()
        defer { Task { await server.stop() } }
        XCTAssertTrue(server.baseURL.hasPrefix("http://127.0.0.1:"))
        let holes: Set<Int> = [1_000, 1_001, 2_500]
        var candles: [BinanceTestServer.Candle] = []
        for i in 0...3_000 where !holes.contains(i) {
            let base = Decimal(60_000 + (i % 50) * 10)
            candles.append(BinanceTestServer.Candle(openTime: Self.start + Int64(i) * Self.minute, open: base, high: base + 20,
                                                    low: base - 20, close: base + 5, volume: 12))
        }
        server.loadCandles(symbol: "BTCUSDT", interval: "1m", candles: candles)

        let client = BinanceUSDM(configuration: BinanceConfiguration(baseURL: server.baseURL))
        let now = try await client.fetchTime()
        let path = NSTemporaryDirectory() + "loopback-\(UUID().uuidString).csv"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let file = CandleCSVAppender(path: path)
        let dl = CandleDownloader(exchange: client, symbol: "BTC/USDT:USDT", timeframe: .oneMinute)
        let first = try await dl.download(since: Self.start, until: Self.start + 1_800 * Self.minute, now: now,
                                          resumeAfter: try file.lastTimestamp(), write: { try file.append($0) })
        XCTAssertEqual(first.written, 1_798)
        XCTAssertEqual(first.gaps, [CandleGap(from: Self.start + 1_000 * Self.minute, to: Self.start + 1_001 * Self.minute, missing: 2)])
        let second = try await dl.download(since: Self.start, until: nil, now: now, resumeAfter: try file.lastTimestamp(),
                                           write: { try file.append($0) })
        XCTAssertEqual(second.written, 1_199, "1800…2999 minus the hole at 2500; candle 3000 is still open")
        XCTAssertEqual(second.gaps.map(\.missing), [1])
        let read = try CandleFile.read(path: path)
        XCTAssertEqual(read.count, 2_997)
        XCTAssertEqual(read.last?.timestamp, Self.start + 2_999 * Self.minute)
        XCTAssertEqual(Set(read.map(\.timestamp)).count, read.count)
        XCTAssertEqual(read.first?.close, 60_005)
    }
}
