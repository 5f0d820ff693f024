import Bot
import Exchange
import Foundation
import XCTest

/// A temporary directory with a candle file, a config.yaml and (optionally) a running loopback exchange.
final class Scenario {
    let directory: URL
    let candles: [Candle]
    let candleFile: URL
    var exchange: TestExchange?
    static let start: Int64 = 1_577_836_800_000  // 2020-01-01T00:00:00Z
    static let day: Int64 = 86_400_000

    /// Daily candles on a slow wave around 9,000 USDT: inside the range the shipped scalers were fitted on, with
    /// turns the model follows a candle late, so the reference strategy opens, closes and reverses.
    static func waveCandles(count: Int) -> [Candle] {
        (0..<count).map { i in
            let t = Double(i)
            let close = 9_000 + 900 * sin(t / 3.0) + 150 * sin(t * 1.7)
            let open = 9_000 + 900 * sin((t - 1) / 3.0) + 150 * sin((t - 1) * 1.7)
            let high = max(open, close) * 1.012, low = min(open, close) * 0.988
            let volume = 2.0e10 + 6.0e9 * sin(t / 2.0)
            // Prices on BTCUSDT's 0.1 tick and volumes on its 0.001 step, as the exchange serves them.
            func r(_ x: Double) -> Double { (x * 10).rounded() / 10 }
            return Candle(timestamp: start + Int64(i) * day, open: r(open), high: r(high), low: r(low), close: r(close), volume: r(volume))
        }
    }

    init(_ testCase: XCTestCase, candles: [Candle] = Scenario.waveCandles(count: 40)) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        self.candles = candles
        candleFile = directory.appendingPathComponent("candles.csv")
        try CandleFile.csv(candles).write(to: candleFile, atomically: true, encoding: .utf8)
        let dir = directory
        testCase.addTeardownBlock { [weak self] in
            self?.exchange?.stop()
            try? FileManager.default.removeItem(at: dir)
        }
    }

    func startExchange() throws -> TestExchange {
        let exchange = try TestExchange(candles: candleFile, interval: "1d", startMs: after(5))
        self.exchange = exchange
        return exchange
    }

    static var modelPath: String { Harness.root.appendingPathComponent("models/model.keras").path }
    static var scalersPath: String { Harness.root.appendingPathComponent("scalers/scalers.pkl").path }

    /// Writes config.yaml; `extra` lines go under `default:` after the base keys (later keys win in YAML? no: keys
    /// must be unique, so callers pass only keys not in the base).
    @discardableResult
    func writeConfig(mode: String, journal: String = "journal.sqlite", extra: [String: String] = [:]) throws -> URL {
        var keys: [String: String] = [
            "SYMBOL": "BTC/USDT:USDT", "INTERVAL": "1d", "MODE": mode, "LEVERAGE": "2", "THRESHOLD": "0.002", "STOP_LOSS": "0.9",
            "MIN_ORDER_AMOUNT": "0.001", "MODEL_PATH": Scenario.modelPath, "SCALERS_PATH": Scenario.scalersPath,
            "JOURNAL_PATH": journal, "MAX_RETRIES": "3", "RETRY_DELAY": "0.05", "DRY_RUN_BALANCE": "10000",
        ]
        if let exchange { keys["EXCHANGE_URL"] = exchange.baseURL }
        keys.merge(extra) { _, new in new }
        let yaml = "default:\n" + keys.sorted { $0.key < $1.key }.map { "  \($0.key): \"\($0.value)\"" }.joined(separator: "\n") + "\n"
        let url = directory.appendingPathComponent("config.yaml")
        try yaml.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    var credentials: [String: String] { ["EXCHANGE_API_KEY": TestExchange.apiKey, "EXCHANGE_API_SECRET": TestExchange.apiSecret] }

    func bot(_ arguments: [String], environment: [String: String] = [:], timeout: TimeInterval = 60) throws -> Harness.Output {
        try Harness.run(arguments, environment: environment, directory: directory, timeout: timeout)
    }

    /// Exchange time one second after candle `index` closed.
    func after(_ index: Int) -> Int64 { Scenario.start + Int64(index + 1) * Scenario.day + 1_000 }

    /// The decisions the reference strategy makes on these candles with the shipped model, computed in-process with
    /// the same Predictor the binary uses; positions follow the decisions (the stop loss is set out of reach).
    func expectedDecisions(indices: ClosedRange<Int>, threshold: Double) throws -> [String] {
        let predictor = try Predictor.load(modelPath: Scenario.modelPath, scalersPath: Scenario.scalersPath, windowSize: 5, targetColumn: 3)
        let strategy = ReferenceStrategy(threshold: threshold, stopLoss: 0.9)
        var position: PositionSnapshot?
        var labels: [String] = []
        for index in indices {
            let window = Array(candles[(index - 4)...index])
            let close = Decimal(string: "\(candles[index].close)") ?? 0
            let decision = strategy.decide(StrategyInput(currentPrice: close, predictedPrice: try predictor.predict(window), position: position))
            labels.append(decision.label)
            if decision.close { position = nil }
            if let side = decision.open, position == nil { position = PositionSnapshot(side: side, amount: 1, entryPrice: close) }
        }
        return labels
    }

    /// `trading-bot journal --json` parsed.
    func journal(_ path: String = "journal.sqlite", limit: Int = 1000) throws -> (cycles: [[String: Any]], orders: [[String: Any]]) {
        let output = try bot(["journal", "--journal", path, "--limit", String(limit), "--json", "--config", directory.appendingPathComponent("config.yaml").path])
        guard output.status == 0, let object = try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any] else {
            throw NSError(domain: "journal", code: Int(output.status), userInfo: [NSLocalizedDescriptionKey: output.stderr])
        }
        let cycles = (object["cycles"] as? [[String: Any]] ?? []).reversed().map { $0 }
        let orders = (object["orders"] as? [[String: Any]] ?? []).reversed().map { $0 }
        return (cycles, orders)
    }
}
