import Bot
import Exchange
import XCTest
@testable import Backtest

/// Test predictors: pure functions of the window (and, for the oracle, of the file), batched like the model.
struct RulePredictor: WindowBatchPredicting {
    let windowSize: Int
    let rule: ([Candle], Int) -> Double          // (all candles, window end) → prediction
    func predict(candles: [Candle], ends: Range<Int>) throws -> [Double] { ends.map { rule(candles, $0) } }
}

/// Records every window the Trader hands to the model, with the exchange time it was asked at.
final class RecordingPredictor: PricePredicting, @unchecked Sendable {
    let windowSize: Int
    let exchange: () -> Int64
    var calls: [(now: Int64, window: [Candle])] = []
    let rule: ([Candle]) -> Double
    init(windowSize: Int, now: @escaping () -> Int64, rule: @escaping ([Candle]) -> Double) {
        self.windowSize = windowSize; self.exchange = now; self.rule = rule
    }
    func predict(_ candles: [Candle]) throws -> Double { calls.append((exchange(), candles)); return rule(candles) }
}

final class TraderBacktestTests: XCTestCase {
    /// 60 daily candles: a slow zig-zag between 100 and ~130.
    static let candles: [Candle] = (0..<60).map { i in
        let base = 100 + 30 * abs(sin(Double(i) / 6))
        let close = base + (i % 2 == 0 ? 1 : -1)
        return Candle(timestamp: 1_609_459_200_000 + Int64(i) * 86_400_000, open: base, high: max(base, close) + 2,
                      low: min(base, close) - 2, close: close, volume: 10)
    }

    func config(_ overrides: [String: String] = [:]) throws -> BotConfig {
        var o = ["WINDOW_SIZE": "5", "THRESHOLD": "0.01", "STOP_LOSS": "0.05", "LEVERAGE": "2", "RETRY_DELAY": "0"]
        o.merge(overrides) { $1 }
        return try ConfigLoader(path: nil, environment: [:], overrides: o, requireModelFiles: false).load().config
    }

    func testOracleTradesProfitablyAndLaggingModelNeverTrades() async throws {
        let candles = Self.candles
        let market = TraderBacktest.market(symbol: "BTC/USDT:USDT", candles: candles)
        let range = try TraderBacktest.decisionRange(candles: candles, windowSize: 5, from: nil, to: nil)
        XCTAssertEqual(range, 5..<60)
        // Oracle: knows the close of the candle about to form (test only) → should make money.
        let oracle = RulePredictor(windowSize: 5) { c, end in end + 1 < c.count ? c[end + 1].close : c[end].close }
        let pre = try TraderBacktest.precompute(candles: candles, range: range, predictor: oracle)
        let good = try await TraderBacktest.run(config: try config(), candles: candles, timeframe: .oneDay, range: range,
                                                predictor: pre, simulation: SimulationSettings(), market: market)
        XCTAssertTrue(good.failedCycles.isEmpty, "\(good.failedCycles)")
        XCTAssertGreaterThan(good.metrics.trades, 3)
        XCTAssertGreaterThan(good.metrics.totalReturn, 0.1)
        XCTAssertEqual(good.equity.count, 55)
        // Lagging "model": predicts the last close → change 0, below the threshold → no trade at all.
        let lag = RulePredictor(windowSize: 5) { c, end in c[end].close }
        let flat = try await TraderBacktest.run(config: try config(), candles: candles, timeframe: .oneDay, range: range,
                                                predictor: try TraderBacktest.precompute(candles: candles, range: range, predictor: lag),
                                                simulation: SimulationSettings(), market: market)
        XCTAssertEqual(flat.metrics.trades, 0)
        XCTAssertEqual(flat.metrics.finalBalance, 10_000)
    }

    /// The Trader is only ever shown candles that had closed at decision time, and always the latest closed ones.
    func testTraderSeesOnlyClosedCandles() async throws {
        let candles = Self.candles
        let market = TraderBacktest.market(symbol: "BTC/USDT:USDT", candles: candles)
        let range = 5..<60
        var exchangeRef: SimulatedExchange?
        let rec = RecordingPredictor(windowSize: 5, now: { exchangeRef?.now ?? 0 }) { w in (w.last?.close ?? 0) * 1.03 }
        let ex = SimulatedExchange(market: market, timeframe: .oneDay, candles: candles, start: range.lowerBound)
        exchangeRef = ex
        let cfg = try config()
        let trader = Trader(settings: try Trader.Settings(config: cfg), exchange: ex, journal: try Journal(path: ":memory:"),
                            predictor: rec, strategy: ReferenceStrategy(threshold: cfg.threshold, stopLoss: cfg.stopLoss),
                            orderer: Orderer(config: cfg), pause: { _ in })
        let result = await Backtester(exchange: ex, start: range.lowerBound, end: range.upperBound).run { now in
            let r = await trader.runCycle(now: now)
            return CycleOutcome(error: r.status == .failed ? r.error : nil)
        }
        XCTAssertTrue(result.failedCycles.isEmpty, "\(result.failedCycles)")
        XCTAssertEqual(rec.calls.count, 55)
        for (now, window) in rec.calls {
            let i = try XCTUnwrap(candles.firstIndex { $0.timestamp == now })
            XCTAssertEqual(window, Array(candles[(i - 5)..<i]), "window at \(now) is the 5 candles closed by then, untouched")
        }
        XCTAssertGreaterThan(result.metrics.trades, 0)
    }

    /// evaluate's series, the backtest's precomputed table and a window-by-window run give the same numbers.
    func testEvaluateBacktestAndPerWindowAgree() throws {
        let candles = Self.candles
        let rule: ([Candle]) -> Double = { w in w.map(\.close).reduce(0, +) / Double(w.count) + w[w.count - 1].volume }
        let batch = RulePredictor(windowSize: 5) { c, end in rule(Array(c[(end - 4)...end])) }
        let series = try ForecastSeries.build(candles: candles, targetColumn: 3, predictor: batch, batch: 7)
        let range = try TraderBacktest.decisionRange(candles: candles, windowSize: 5, from: nil, to: nil)
        let pre = try TraderBacktest.precompute(candles: candles, range: range, predictor: batch, batch: 3)
        for (k, end) in series.ends.enumerated() {
            let window = Array(candles[(end - 4)...end])
            XCTAssertEqual(series.predicted[k], rule(window))
            XCTAssertEqual(try pre.predict(window), series.predicted[k])
        }
        XCTAssertThrowsError(try pre.predict(Array(candles[0..<4])), "a short window is refused")
        XCTAssertEqual(series.actual.first, candles[5].close)
        XCTAssertEqual(series.current.first, candles[4].close)
    }
}

/// The fast replay engine makes exactly the Trader's trades, for every order type and stop placement.
final class StrategyReplayTests: XCTestCase {
    func testReplayMatchesTheTraderTradeForTrade() async throws {
        let candles = TraderBacktestTests.candles
        let market = TraderBacktest.market(symbol: "BTC/USDT:USDT", candles: candles)
        let range = 5..<60
        // A noisy predictor: the next close, plus or minus 3 % depending on the day, so both signals and stops occur.
        let noisy = RulePredictor(windowSize: 5) { c, end in
            let next = end + 1 < c.count ? c[end + 1].close : c[end].close
            return next * (end % 3 == 0 ? 0.97 : 1.03)
        }
        let pre = try TraderBacktest.precompute(candles: candles, range: range, predictor: noisy)
        for overrides in [["LEVERAGE": "3"], ["ORDER_TYPE": "limit"], ["STOP_LOSS_ON_EXCHANGE": "true", "STOP_LOSS": "0.02", "LEVERAGE": "5"],
                          ["MARGIN_TYPE": "cross", "LEVERAGE": "20"]] {
            var o = ["WINDOW_SIZE": "5", "THRESHOLD": "0.01", "RETRY_DELAY": "0"]
            o.merge(overrides) { $1 }
            let config = try ConfigLoader(path: nil, environment: [:], overrides: o, requireModelFiles: false).load().config
            var sim = SimulationSettings()
            sim.fundingRate = Decimal(string: "0.0001")
            let trader = try await TraderBacktest.run(config: config, candles: candles, timeframe: .oneDay, range: range,
                                                      predictor: pre, simulation: sim, market: market)
            let replay = try await StrategyReplay.run(config: config, candles: candles, timeframe: .oneDay, range: range,
                                                      predictions: pre, simulation: sim, market: market)
            XCTAssertTrue(trader.failedCycles.isEmpty && replay.failedCycles.isEmpty, "\(overrides) \(trader.failedCycles) \(replay.failedCycles)")
            XCTAssertGreaterThan(trader.trades.count, 2, "\(overrides)")
            XCTAssertEqual(trader.trades, replay.trades, "\(overrides)")
            XCTAssertEqual(trader.equity, replay.equity, "\(overrides)")
            XCTAssertEqual(trader.metrics, replay.metrics, "\(overrides)")
            if overrides["STOP_LOSS_ON_EXCHANGE"] != nil {
                XCTAssertTrue(trader.trades.contains { $0.exit == .exchangeStop }, "exchange-side stops fired: \(trader.trades.map(\.exit))")
            }
        }
    }
}
