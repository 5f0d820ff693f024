import Foundation
import XCTest
import Exchange
import BinanceTestServer
@testable import Binance

/// A Binance-compatible server on 127.0.0.1 (ephemeral port) with one funded account and 3,200 one-minute
/// BTCUSDT candles, plus clients that talk to it over real HTTP through libcurl.
final class Loopback {
    static let apiKey = "loopback-key-0001"
    /// A canary: if this text shows up in any log line, trace line or error, the secret leaked.
    static let secret = "CANARY-SECRET-7d41f09c2be85a63"
    static let start: Int64 = 28_333_334 * 60_000          // minute-aligned, Nov 2023
    static let candleCount = 3_200

    let server: BinanceTestServer
    let logs = LogCapture()
    private let traceLock = NSLock()
    private var traceLines: [String] = []

    init(clockRunning: Bool = false) {
        var options = BinanceTestServer.Options()
        options.startTimeMs = Loopback.start + Int64(Loopback.candleCount) * 60_000
        options.clockRunning = clockRunning
        server = BinanceTestServer(options: options)
    }

    func start() async throws {
        try await server.start()
        XCTAssertTrue(server.baseURL.hasPrefix("http://127.0.0.1:"), "tests must never leave loopback")
        server.addAccount(apiKey: Loopback.apiKey, secret: Loopback.secret, balanceUSDT: 10_000)
        let candles = (0..<Loopback.candleCount).map { i -> BinanceTestServer.Candle in
            let base = Decimal(60_000 + (i % 50) * 10)
            return BinanceTestServer.Candle(openTime: Loopback.start + Int64(i) * 60_000, open: base, high: base + 20,
                                            low: base - 20, close: base + 5, volume: 12)
        }
        server.loadCandles(symbol: "BTCUSDT", interval: "1m", candles: candles)
    }

    var trace: [String] { traceLock.lock(); defer { traceLock.unlock() }; return traceLines }

    /// A client on the loopback server with its own manual clock (so waits cost no real time).
    func client(secret: String = Loopback.secret, clock: ManualTime = ManualTime(startMs: 1_600_000_000_000)) -> BinanceUSDM {
        client(secret: secret, time: clock.timeSource, transport: CurlTransport(connectTimeoutMs: 2_000, totalTimeoutMs: 5_000))
    }

    func client(secret: String = Loopback.secret, time: TimeSource, transport: HTTPTransport, recvWindow: Int = 5_000) -> BinanceUSDM {
        var config = BinanceConfiguration(baseURL: server.baseURL, credentials: .init(apiKey: Loopback.apiKey, secret: secret))
        config.logger = logs.logger
        config.backoffBaseMs = 250
        config.recvWindow = recvWindow
        config.trace = { [weak self] line in
            guard let self else { return }
            self.traceLock.lock(); self.traceLines.append(line); self.traceLock.unlock()
        }
        return BinanceUSDM(configuration: config, transport: transport, time: time)
    }

    func requests(_ method: String, _ path: String) -> [BinanceTestServer.RecordedRequest] {
        server.requests.filter { $0.method == method && $0.path == path }
    }
}
