import Bot
import Exchange
import XCTest
@testable import Backtest

final class GridSpecTests: XCTestCase {
    func testRangesListsAndTheirOrder() throws {
        let spec = try GridSpec.parse("THRESHOLD=0.01:0.05:0.01,STOP_LOSS=0.02,0.05,0.1,LEVERAGE=1,2")
        XCTAssertEqual(spec.axes.map(\.key), [.threshold, .stopLoss, .leverage])
        XCTAssertEqual(spec.axes[0].values, [0.01, 0.02, 0.03, 0.04, 0.05])
        XCTAssertEqual(spec.axes[1].values, [0.02, 0.05, 0.1])
        XCTAssertEqual(spec.axes[2].values, [1, 2])
        XCTAssertEqual(spec.count, 30)
        let points = spec.points
        XCTAssertEqual(points.count, 30)
        XCTAssertEqual(points[0].label, "THRESHOLD=0.01 STOP_LOSS=0.02 LEVERAGE=1")
        XCTAssertEqual(points[1].label, "THRESHOLD=0.01 STOP_LOSS=0.02 LEVERAGE=2")
        XCTAssertEqual(points[29].label, "THRESHOLD=0.05 STOP_LOSS=0.1 LEVERAGE=2")
        // A range whose stop is not on a step stops before it; lower-case keys and spaces are accepted.
        XCTAssertEqual(try GridSpec.parse("threshold = 0.01:0.045:0.01").axes[0].values, [0.01, 0.02, 0.03, 0.04])
        XCTAssertEqual(try GridSpec.parse("LEVERAGE=1:10:3,STOP_LOSS=0.05").axes.map(\.values), [[1, 4, 7, 10], [0.05]])
    }

    func testErrorsNameTheKeyAndTheToken() {
        let cases: [(String, String, String, String)] = [
            ("THRESHOLD=0.01:abc:0.01", "THRESHOLD", "0.01:abc:0.01", "is not a number"),
            ("FOO=1", "FOO", "FOO", "is not a grid key"),
            ("THRESHOLD=0.01,LEVERAGE=1.5", "LEVERAGE", "1.5", "whole number"),
            ("STOP_LOSS=0.1:0.05:0.01", "STOP_LOSS", "0.1:0.05:0.01", "stop below start"),
            ("THRESHOLD=0.01:0.05:0", "THRESHOLD", "0.01:0.05:0", "step"),
            ("0.01,THRESHOLD=1", "?", "0.01", "before any KEY="),
            ("THRESHOLD=0.01,THRESHOLD=0.02", "THRESHOLD", "THRESHOLD", "twice"),
            ("THRESHOLD=0.01:0.02", "THRESHOLD", "0.01:0.02", "neither"),
            ("STOP_LOSS=0.02,,0.05", "STOP_LOSS", "", "is not a number"),
            ("THRESHOLD=-0.01", "THRESHOLD", "-0.01", "above 0"),
            ("LEVERAGE=0:200:1", "LEVERAGE", "0:200:1", "1 to 125"),
        ]
        for (text, key, token, reason) in cases {
            XCTAssertThrowsError(try GridSpec.parse(text), text) { error in
                guard let e = error as? GridSpecError else { return XCTFail("\(text): \(error)") }
                XCTAssertEqual(e.key, key, text)
                XCTAssertEqual(e.token, token, text)
                XCTAssertTrue(e.reason.contains(reason), "\(text): \(e.reason)")
                XCTAssertTrue(e.description.contains(key) && e.description.contains("'\(token)'"), e.description)
            }
        }
        XCTAssertThrowsError(try GridSpec.parse("THRESHOLD=0.0001:1:0.0001,STOP_LOSS=0.01:0.1:0.01")) { error in
            XCTAssertTrue("\(error)".contains("more than 10000"), "\(error)")
        }
    }
}

final class WalkForwardTests: XCTestCase {
    func testRollingBlocksAndTimeSplit() throws {
        let w = try WalkForward.rolling(range: 10..<110, folds: 3)
        XCTAssertEqual(w, [TuningWindow(train: 10..<35, test: 35..<60), TuningWindow(train: 35..<60, test: 60..<85),
                           TuningWindow(train: 60..<85, test: 85..<110)])
        XCTAssertEqual(try WalkForward.rolling(range: 0..<11, folds: 1), [TuningWindow(train: 0..<5, test: 5..<11)])
        XCTAssertThrowsError(try WalkForward.rolling(range: 0..<5, folds: 3))
        XCTAssertThrowsError(try WalkForward.rolling(range: 0..<50, folds: 0))
        let candles = TuningTests.candles
        let split = try WalkForward.split(range: 5..<200, candles: candles, until: candles[120].timestamp)
        XCTAssertEqual(split, TuningWindow(train: 5..<120, test: 120..<200))
        XCTAssertThrowsError(try WalkForward.split(range: 5..<200, candles: candles, until: candles[199].timestamp)) { e in
            XCTAssertTrue("\(e)".contains("--tune-until"), "\(e)")
        }
    }
}

final class TuningTests: XCTestCase {
    /// 200 daily candles moving ±1…6 % a day in a fixed pseudo-random pattern.
    static let candles: [Candle] = {
        var out: [Candle] = []
        var price = 100.0
        for i in 0..<200 {
            let move = (sin(Double(i) * 1.7) + 0.3 * cos(Double(i) * 0.45)) * 0.045
            let open = price, close = price * (1 + move)
            out.append(Candle(timestamp: 1_609_459_200_000 + Int64(i) * 86_400_000, open: open,
                              high: max(open, close) * 1.002, low: min(open, close) * 0.998, close: close, volume: 10))
            price = close
        }
        return out
    }()
    static let cut = 120

    func config() throws -> BotConfig {
        try ConfigLoader(path: nil, environment: [:], overrides: ["WINDOW_SIZE": "5", "THRESHOLD": "0.01", "STOP_LOSS": "0.05",
                                                                   "LEVERAGE": "1", "RETRY_DELAY": "0"],
                         requireModelFiles: false).load().config
    }

    /// A predictor that knows the next close before `cut` (luck in sample) and predicts the opposite move after it.
    static let lucky = RulePredictor(windowSize: 5) { c, end in
        let now = c[end].close
        let next = end + 1 < c.count ? c[end + 1].close : now
        return end + 1 < cut ? next : now - (next - now)
    }

    func context(_ predictor: RulePredictor, range: Range<Int>) throws -> GridSearch.Context {
        let candles = Self.candles
        let pre = try TraderBacktest.precompute(candles: candles, range: range, predictor: predictor)
        let config = try config()
        return GridSearch.Context(config: config, candles: candles, timeframe: .oneDay, predictions: pre,
                                  simulation: SimulationSettings()) { leverage in
            TraderBacktest.market(symbol: "BTC/USDT:USDT", candles: Array(candles[range]), leverage: leverage)
        }
    }

    /// The in-sample best of a grid whose predictions are right only before the split is reported as failing after it.
    func testInSampleBestThatFailsOutOfSampleIsReportedSo() async throws {
        let range = 5..<200
        let ctx = try context(Self.lucky, range: range)
        let spec = try GridSpec.parse("THRESHOLD=0.005,0.01,0.02,0.04,STOP_LOSS=0.03,0.1,LEVERAGE=1,3")
        let window = try WalkForward.split(range: range, candles: Self.candles, until: Self.candles[Self.cut].timestamp)
        let folds = try await TuningStudy.run(ctx, spec: spec, windows: [window], objective: .profit)
        let f = try XCTUnwrap(folds.first)
        XCTAssertEqual(f.inSample.count, 16)
        XCTAssertGreaterThan(f.inSample[f.chosen].metrics.totalReturn, 0.5, "in sample the lucky predictor wins big")
        XCTAssertLessThan(f.outOfSample[f.chosen].metrics.totalReturn, 0, "and the same setting loses after")
        XCTAssertFalse(f.survives)
        let report = TuningReport(candlesFile: "fixture", model: "lucky", spec: spec, objective: .profit, folds: folds,
                                  candles: Self.candles, warnings: [], predictSeconds: 0, gridSeconds: 0)
        XCTAssertFalse(report.survives)
        XCTAssertTrue(report.verdict.hasPrefix("The best setting does not survive out of sample"), report.verdict)
        XCTAssertTrue(report.verdict.contains("out of sample") && report.verdict.contains(f.inSample[f.chosen].point.label), report.verdict)
        let text = report.text()
        XCTAssertTrue(text.contains("in-sample best (chosen)") && text.contains("out-of-sample best (hindsight)"), text)
        XCTAssertTrue(text.contains("trials: 16"), text)
        XCTAssertTrue(text.contains(report.verdict), text)
        let html = report.html()
        XCTAssertEqual(html.components(separatedBy: "<svg").count - 1, 2, "heatmaps in and out of sample")
        XCTAssertTrue(html.contains("does not survive"))

        // Control: the same grid on a predictor right on both sides keeps making money after the split.
        let honest = RulePredictor(windowSize: 5) { c, end in end + 1 < c.count ? c[end + 1].close : c[end].close }
        let good = try await TuningStudy.run(try context(honest, range: range), spec: spec, windows: [window], objective: .profit)
        XCTAssertGreaterThan(good[0].outOfSample[good[0].chosen].metrics.totalReturn, 0)
        XCTAssertTrue(good[0].survives, "\(good[0].failures)")
    }

    /// Each grid point's replay makes the same trades as the Trader-based backtest with those settings.
    func testGridPointsMatchTheTraderBacktest() async throws {
        let range = 5..<200
        let ctx = try context(Self.lucky, range: range)
        let spec = try GridSpec.parse("THRESHOLD=0.005,0.02,STOP_LOSS=0.03,0.1,LEVERAGE=1,4")
        let trials = try await GridSearch.run(ctx, points: spec.points, range: range, objective: .sharpe, workers: 2)
        let serial = try await GridSearch.run(ctx, points: spec.points, range: range, objective: .sharpe, workers: 1)
        XCTAssertEqual(trials.map(\.point), spec.points, "results in grid order")
        XCTAssertEqual(trials.map(\.metrics), serial.map(\.metrics), "two workers give what one gives")
        for (i, point) in spec.points.enumerated() {
            let config = ctx.config(for: point)
            let trader = try await TraderBacktest.run(config: config, candles: ctx.candles, timeframe: .oneDay, range: range,
                                                      predictor: ctx.predictions, simulation: ctx.simulation,
                                                      market: ctx.market(config.leverage))
            let replay = try await ctx.replay(point, range: range)
            XCTAssertGreaterThan(trader.trades.count, 2, point.label)
            XCTAssertEqual(replay.trades, trader.trades, point.label)
            XCTAssertEqual(trials[i].metrics, trader.metrics, point.label)
        }
        XCTAssertGreaterThan(Set(trials.map(\.metrics.trades)).count, 1, "the settings change the trades")
    }

    /// The reported DSR is the chosen point's in-sample returns deflated by every trial's Sharpe.
    func testDeflatedSharpeOfTheChosenPoint() async throws {
        let range = 5..<200
        // Right two days in three, wrong on the third: a modest edge, so the DSR is neither 0 nor 1.
        let mixed = RulePredictor(windowSize: 5) { c, end in
            let now = c[end].close, next = end + 1 < c.count ? c[end + 1].close : now
            return end % 3 == 0 ? now - (next - now) : next
        }
        let ctx = try context(mixed, range: range)
        let spec = try GridSpec.parse("THRESHOLD=0.005:0.03:0.005,STOP_LOSS=0.03,0.1")
        let window = try WalkForward.split(range: range, candles: Self.candles, until: Self.candles[Self.cut].timestamp)
        let f = try await TuningStudy.run(ctx, spec: spec, windows: [window], objective: .sharpe)[0]
        let top = f.inSample.map(\.score).max()!
        XCTAssertEqual(f.chosen, f.inSample.firstIndex { $0.score == top }, "the first in-sample best in grid order")
        XCTAssertEqual(f.inSample[f.chosen].score, f.inSample[f.chosen].metrics.sharpe ?? 0)
        // Independently: every trial through the Trader, its per-candle Sharpe from its own equity.
        var sharpes: [Double] = []
        var chosenReturns: [Double] = []
        for (i, point) in spec.points.enumerated() {
            let config = ctx.config(for: point)
            let r = try await TraderBacktest.run(config: config, candles: ctx.candles, timeframe: .oneDay, range: window.train,
                                                 predictor: ctx.predictions, simulation: ctx.simulation, market: ctx.market(config.leverage))
            let initial = NSDecimalNumber(decimal: ctx.simulation.initialBalance).doubleValue
            let eq = [initial] + r.equity.map(\.equity)
            let rets = (1..<eq.count).map { eq[$0] / eq[$0 - 1] - 1 }
            sharpes.append(DeflatedSharpe.perPeriodSharpe(rets) ?? 0)
            if i == f.chosen { chosenReturns = rets }
        }
        let expected = try XCTUnwrap(DeflatedSharpe.compute(returns: chosenReturns, trialSharpes: sharpes))
        let got = try XCTUnwrap(f.deflatedSharpe)
        XCTAssertEqual(got.trials, 12)
        XCTAssertEqual(got.observations, window.train.count)
        XCTAssertEqual(got.sharpe, expected.sharpe, accuracy: 1e-12)
        XCTAssertEqual(got.expectedMaxSharpe, expected.expectedMaxSharpe, accuracy: 1e-12)
        XCTAssertEqual(got.probability, expected.probability, accuracy: 1e-12)
        XCTAssertGreaterThan(got.expectedMaxSharpe, 0, "12 trials with different Sharpes raise the bar above 0")
        let single = try XCTUnwrap(DeflatedSharpe.compute(returns: chosenReturns, trialSharpes: [expected.sharpe]))
        XCTAssertLessThan(got.probability, single.probability, "more trials deflate more")
        XCTAssertGreaterThan(got.probability, 0.001)
        XCTAssertLessThan(got.probability, 0.999)
    }

    func testHeatmapHoldsTheOtherKeysAtTheChosenPoint() throws {
        let spec = try GridSpec.parse("THRESHOLD=0.01,0.02,STOP_LOSS=0.05,0.1,LEVERAGE=1,2")
        let metrics = BacktestMetrics(roundTrips: [], equity: [1], initialBalance: 1, finalBalance: 1, exposed: 0, feesPaid: 0,
                                      fundingPaid: 0, firstPrice: 1, lastPrice: 1, intervalMs: 60_000)
        let trials = spec.points.enumerated().map { i, p in TrialResult(point: p, metrics: metrics, perPeriodSharpe: nil, score: Double(i)) }
        let chosen = spec.points[5]     // THRESHOLD=0.02 STOP_LOSS=0.05 LEVERAGE=2
        XCTAssertEqual(Heatmap.axes(spec).map { [$0.0, $0.1] }, [.threshold, .stopLoss])
        let map = Heatmap(spec: spec, trials: trials, x: .threshold, y: .stopLoss, fixed: chosen, mark: chosen)
        XCTAssertEqual(map.cells, [[1, 5], [3, 7]])        // rows STOP_LOSS, columns THRESHOLD, LEVERAGE=2 held
        XCTAssertEqual(map.mark?.column, 1)
        XCTAssertEqual(map.mark?.row, 0)
        let svg = map.svg(title: "t", format: { String(Int($0)) })
        XCTAssertEqual(svg.components(separatedBy: "<rect").count - 1, 5, "four cells and the outline")
        XCTAssertTrue(svg.contains(">7</text>") && svg.contains("THRESHOLD") && svg.contains("STOP_LOSS"))
        XCTAssertEqual(Heatmap.color(0), "rgb(215,48,39)")
        XCTAssertEqual(Heatmap.color(1), "rgb(26,152,80)")
        XCTAssertNil(Heatmap.axes(try GridSpec.parse("THRESHOLD=0.01,0.02,LEVERAGE=2")))
    }
}
