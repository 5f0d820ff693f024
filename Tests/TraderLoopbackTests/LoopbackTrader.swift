import Binance
import BinanceTestServer
@testable import Bot
import Exchange
import Foundation
import Logging
import XCTest

/// The loopback Binance server with one funded account and daily BTCUSDT candles, and a Trader on it through the real
/// `BinanceUSDM` client over HTTP (testnet mode) or through `PaperExchange` on its public market data (dry-run).
final class LoopbackVenue {
    static let apiKey = "trader-loopback-key-01"
    static let secret = "trader-loopback-CANARY-secret"
    static let start: Int64 = 1_704_067_200_000            // 2024-01-01
    static let day: Int64 = 86_400_000

    let server: BinanceTestServer
    let candles: [BinanceTestServer.Candle]
    let logs = WarningCapture()

    /// Daily candles on a wave around 42,000 whose opens differ from the previous close (as real files do).
    static func wave(count: Int) -> [BinanceTestServer.Candle] {
        (0..<count).map { i in
            let t = Double(i)
            let close = 42_000 + 2_500 * sin(t / 2.5)
            let open = 42_000 + 2_500 * sin((t - 1) / 2.5) + 60 * cos(t)
            func d(_ x: Double) -> Decimal { Decimal(string: String(format: "%.1f", x)) ?? 0 }
            return BinanceTestServer.Candle(openTime: start + Int64(i) * day, open: d(open), high: d(max(open, close) * 1.01),
                                            low: d(min(open, close) * 0.99), close: d(close), volume: 1_000)
        }
    }

    init(candles: [BinanceTestServer.Candle] = LoopbackVenue.wave(count: 40), balance: Decimal = 10_000) async throws {
        var options = BinanceTestServer.Options()
        options.startTimeMs = LoopbackVenue.start
        options.clockRunning = false
        options.weightLimitPerMinute = 1_000_000
        options.orderLimitPerMinute = 1_000_000
        options.orderLimitPer10s = 1_000_000
        server = BinanceTestServer(options: options)
        try await server.start()
        XCTAssertTrue(server.baseURL.hasPrefix("http://127.0.0.1:"), "tests never leave loopback")
        server.loadCandles(symbol: "BTCUSDT", interval: "1d", candles: candles)
        server.addAccount(apiKey: Self.apiKey, secret: Self.secret, balanceUSDT: balance)
        self.candles = candles
    }

    func stop() async { await server.stop() }

    /// Exchange time one second after candle `index` closed.
    func after(_ index: Int) -> Int64 { Self.start + Int64(index + 1) * Self.day + 1_000 }

    func client(signed: Bool) -> BinanceUSDM {
        var config = BinanceConfiguration(baseURL: server.baseURL,
                                          credentials: signed ? BinanceCredentials(apiKey: Self.apiKey, secret: Self.secret) : nil)
        config.logger = logs.logger
        config.backoffBaseMs = 10
        return BinanceUSDM(configuration: config)
    }

    static func config(mode: String, leverage: Int = 2, extra: [String: String] = [:]) throws -> BotConfig {
        let dir = Self.scratch
        return try ConfigLoader(path: nil, environment: [:], overrides: [
            "MODEL_PATH": dir.appendingPathComponent("m.keras").path, "SCALERS_PATH": dir.appendingPathComponent("s.pkl").path,
            "MODE": mode, "LEVERAGE": String(leverage), "THRESHOLD": "0.01", "STOP_LOSS": "0.5", "MAX_RETRIES": "1",
            "RETRY_DELAY": "0", "MIN_ORDER_AMOUNT": "0.001",
        ].merging(extra) { _, new in new }).load().config
    }

    /// A Trader like `trading-bot run` builds it: testnet → the signed client; dry-run → PaperExchange on the public one.
    func trader(mode: String, journal: Journal, predictor: any PricePredicting, leverage: Int = 2,
                extra: [String: String] = [:]) throws -> Trader {
        let config = try Self.config(mode: mode, leverage: leverage, extra: extra)
        let exchange: any Exchange
        if mode == "dry-run" {
            let market = client(signed: false)
            let clock = server.clock
            exchange = try PaperExchange(market: market, journal: journal, symbol: config.symbol, timeframe: .oneDay,
                                         startingBalance: 10_000, now: { clock.nowMs })
        } else {
            exchange = client(signed: true)
        }
        return Trader(settings: try Trader.Settings(config: config), exchange: exchange, journal: journal, predictor: predictor,
                      strategy: ReferenceStrategy(threshold: config.threshold, stopLoss: config.stopLoss),
                      orderer: Orderer(config: config), pause: { _ in })
    }

    func cycle(_ trader: Trader, at index: Int) async -> CycleReport {
        server.clock.set(ms: after(index))
        return await trader.runCycle(now: after(index))
    }

    func orderPosts() -> [BinanceTestServer.RecordedRequest] {
        server.requests.filter { $0.method == "POST" && $0.path == "/fapi/v1/order" }
    }

    static func journal() throws -> Journal {
        try Journal(path: scratch.appendingPathComponent("journal-\(UUID().uuidString).sqlite").path)
    }

    /// One scratch directory per test process: the placeholder model files (written once) and the journals. Removed
    /// when the process exits; a directory per test used to be left in /tmp by every run.
    static let scratch: URL = {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("trader-loopback-\(getpid())-\(UUID().uuidString.prefix(8))")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try? Data("m".utf8).write(to: dir.appendingPathComponent("m.keras"))
        try? Data("s".utf8).write(to: dir.appendingPathComponent("s.pkl"))
        atexit { try? FileManager.default.removeItem(at: LoopbackVenue.scratch) }
        return dir
    }()
}

/// Predicts the next close as a function of the window's last candle.
final class RulePredictor: PricePredicting, @unchecked Sendable {
    let windowSize = 5
    let rule: @Sendable (Candle) -> Double
    init(_ rule: @escaping @Sendable (Candle) -> Double) { self.rule = rule }
    func predict(_ candles: [Candle]) throws -> Double { rule(candles[candles.count - 1]) }
    /// Always 5 % above the close: open long when flat, hold while long.
    static let bullish = RulePredictor { $0.close * 1.05 }
    /// 5 % up after an even day, 5 % down after an odd one: an order (and so `prepare`) every cycle.
    static let flipping = RulePredictor { $0.close * ((($0.timestamp / LoopbackVenue.day) % 2 == 0) ? 1.05 : 0.95) }
}

/// Log lines at warning level or above from the Binance client.
final class WarningCapture: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    var warnings: [String] { lock.withLock { lines } }
    var logger: Logger { Logger(label: "binance") { _ in Handler(capture: self) } }

    struct Handler: LogHandler {
        let capture: WarningCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] } set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            guard event.level >= .warning else { return }
            capture.lock.withLock { capture.lines.append("\(event.level) \(event.message)") }
        }
    }
}
