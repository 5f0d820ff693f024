import Bot
import Exchange
import Foundation

/// `trading-bot backtest` without the argument parsing.
public enum BacktestPipeline {
    public struct Outcome {
        public var report: BacktestReport
        public var result: BacktestResult
        public var predictSeconds: Double
        public var simulateSeconds: Double
    }

    /// `trader`: the live Trader with its journal (the default). `replay`: `StrategyReplay`, same decisions, faster.
    public enum Engine: String, CaseIterable { case trader, replay }

    /// - Parameter market: the simulated market's filters (`--market-filters FILE`); nil derives them from the candles.
    public static func run(setup: OfflineSetup, from: Int64?, to: Int64?, simulation: SimulationSettings,
                           journalPath: String = ":memory:", engine: Engine = .trader, market given: Market? = nil) async throws -> Outcome {
        let candles = setup.input.candles
        let batch = ModelBatchPredictor(setup.predictor)
        let range = try TraderBacktest.decisionRange(candles: candles, windowSize: batch.windowSize, from: from, to: to)
        let tp = Date()
        let precomputed = try TraderBacktest.precompute(candles: candles, range: range, predictor: batch)
        let predictSeconds = Date().timeIntervalSince(tp)
        var market = given ?? TraderBacktest.market(symbol: setup.config.symbol, candles: Array(candles[range]),
                                                    balance: simulation.initialBalance, leverage: setup.config.leverage)
        market.taker = simulation.takerFee
        market.maker = simulation.makerFee
        let ts = Date()
        let result: BacktestResult
        switch engine {
        case .trader:
            result = try await TraderBacktest.run(config: setup.config, candles: candles, timeframe: setup.input.timeframe,
                                                  range: range, predictor: precomputed, simulation: simulation,
                                                  market: market, journalPath: journalPath)
        case .replay:
            result = try await StrategyReplay.run(config: setup.config, candles: candles, timeframe: setup.input.timeframe,
                                                  range: range, predictions: precomputed, simulation: simulation, market: market)
        }
        let simulateSeconds = Date().timeIntervalSince(ts)
        let interval = setup.input.timeframe.milliseconds
        let periodStart = candles[range.lowerBound].timestamp                // first candle traded on
        let periodEnd = candles[range.upperBound - 1].timestamp + interval - 1
        let c = setup.config
        // Honest inputs: how many decisions were made on windows outside the scalers' fitted range.
        let flags = setup.predictor.rangeCheck.flags(candles: candles, windowSize: batch.windowSize,
                                                     ends: (range.lowerBound - 1)..<(range.upperBound - 1)).outside
        let outside = flags.filter { $0 }.count
        let inputWarnings = outside == 0 ? [] : ["\(outside) of \(flags.count) decisions (\(Fmt.pct(Double(outside) / Double(flags.count)))) were made on windows whose inputs lie outside the scalers' fitted range (the model extrapolates there)"]
        let settings = BacktestReport.Settings(symbol: setup.identity.symbol, interval: setup.input.timeframe.name, leverage: c.leverage,
                                               marginMode: c.marginType, orderType: c.orderType, threshold: c.threshold,
                                               stopLoss: c.stopLoss, stopLossOnExchange: c.stopLossOnExchange,
                                               takerFee: simulation.takerFee, makerFee: simulation.makerFee,
                                               fundingRatePer8h: simulation.fundingRate,
                                               marketFilters: MarketFilters.describe(market)
                                                   + (given == nil ? " (derived from the candles' prices; --market-filters FILE for a real exchangeInfo entry)"
                                                                   : " (from --market-filters)"))
        let report = BacktestReport(candlesFile: setup.input.path, model: c.modelPath, settings: settings, result: result,
                                    intervalMs: interval,
                                    warnings: setup.warnings + setup.overlapWarnings(from: periodStart, to: periodEnd, what: "backtested") + inputWarnings,
                                    seconds: predictSeconds + simulateSeconds)
        return Outcome(report: report, result: result, predictSeconds: predictSeconds, simulateSeconds: simulateSeconds)
    }
}
