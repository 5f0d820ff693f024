import Bot
import Exchange
import Foundation

/// `trading-bot backtest --grid` without the argument parsing: predictions once over every window, then the grid.
public enum TuningPipeline {
    public enum Split: Sendable {
        /// `--tune-until`: choose before this time (ms), report after.
        case until(Int64)
        /// `--walk-forward N`.
        case walkForward(Int)
    }

    public static func context(setup: OfflineSetup, simulation: SimulationSettings, predictions: PrecomputedPredictor,
                               range: Range<Int>, market given: Market?) -> GridSearch.Context {
        let candles = setup.input.candles
        let symbol = setup.config.symbol
        let slice = Array(candles[range])
        let balance = simulation.initialBalance
        return GridSearch.Context(config: setup.config, candles: candles, timeframe: setup.input.timeframe,
                                  predictions: predictions, simulation: simulation) { leverage in
            var m = given ?? TraderBacktest.market(symbol: symbol, candles: slice, balance: balance, leverage: leverage)
            m.taker = simulation.takerFee
            m.maker = simulation.makerFee
            return m
        }
    }

    public static func run(setup: OfflineSetup, spec: GridSpec, split: Split, objective: Objective, from: Int64?, to: Int64?,
                           simulation: SimulationSettings, market: Market? = nil) async throws -> TuningReport {
        let candles = setup.input.candles
        let batch = ModelBatchPredictor(setup.predictor)
        let range = try TraderBacktest.decisionRange(candles: candles, windowSize: batch.windowSize, from: from, to: to)
        let windows: [TuningWindow]
        switch split {
        case .until(let t): windows = [try WalkForward.split(range: range, candles: candles, until: t)]
        case .walkForward(let n): windows = try WalkForward.rolling(range: range, folds: n)
        }
        let tp = Date()
        let predictions = try TraderBacktest.precompute(candles: candles, range: range, predictor: batch)
        let predictSeconds = Date().timeIntervalSince(tp)
        let ctx = context(setup: setup, simulation: simulation, predictions: predictions, range: range, market: market)
        let tg = Date()
        let folds = try await TuningStudy.run(ctx, spec: spec, windows: windows, objective: objective)
        let gridSeconds = Date().timeIntervalSince(tg)
        let interval = setup.input.timeframe.milliseconds
        let warnings = setup.warnings + setup.overlapWarnings(from: candles[range.lowerBound].timestamp,
                                                              to: candles[range.upperBound - 1].timestamp + interval - 1, what: "tuned and tested")
        return TuningReport(candlesFile: setup.input.path, model: setup.config.modelPath, spec: spec, objective: objective,
                            folds: folds, candles: candles, warnings: warnings, predictSeconds: predictSeconds, gridSeconds: gridSeconds)
    }
}
