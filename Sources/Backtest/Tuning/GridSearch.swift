import Bot
import Exchange
import Foundation

/// One grid point's backtest over one window, without its equity curve (a year of minutes × 100 points would not fit).
public struct TrialResult: Sendable {
    public var point: GridPoint
    public var metrics: BacktestMetrics
    /// Per-candle (not annualised) Sharpe ratio, population moments, as the deflated Sharpe ratio wants; nil if flat.
    public var perPeriodSharpe: Double?
    public var score: Double
}

/// Runs every grid point over one window with predictions computed once, split across `workers` tasks.
///
/// Each point is `StrategyReplay` (the Trader's decisions, tested trade for trade against the Trader) with the config's
/// THRESHOLD / STOP_LOSS / LEVERAGE replaced by the point's. Points are dealt round-robin to the workers; results come
/// back in the grid's order whatever finishes first.
public enum GridSearch {
    /// Everything a window's replays share.
    public struct Context: Sendable {
        public var config: BotConfig
        public var candles: [Candle]
        public var timeframe: Timeframe
        public var predictions: PrecomputedPredictor
        public var simulation: SimulationSettings
        /// The simulated market for a leverage (its filters may depend on it).
        public var market: @Sendable (Int) -> Market

        public init(config: BotConfig, candles: [Candle], timeframe: Timeframe, predictions: PrecomputedPredictor,
                    simulation: SimulationSettings, market: @escaping @Sendable (Int) -> Market) {
            self.config = config; self.candles = candles; self.timeframe = timeframe; self.predictions = predictions
            self.simulation = simulation; self.market = market
        }

        /// The config with the point's settings.
        public func config(for point: GridPoint) -> BotConfig {
            var c = config
            if let v = point.values[.threshold] { c.threshold = v }
            if let v = point.values[.stopLoss] { c.stopLoss = v }
            if let v = point.values[.leverage] { c.leverage = Int(v) }
            return c
        }

        /// One point's full backtest (equity curve and trades) over `range`.
        public func replay(_ point: GridPoint, range: Range<Int>) async throws -> BacktestResult {
            let c = config(for: point)
            return try await StrategyReplay.run(config: c, candles: candles, timeframe: timeframe, range: range,
                                                predictions: predictions, simulation: simulation, market: market(c.leverage))
        }
    }

    /// Per-candle returns of an equity curve starting from `initial`.
    public static func returns(initial: Decimal, equity: [EquityPoint]) -> [Double] {
        var prev = NSDecimalNumber(decimal: initial).doubleValue
        var out: [Double] = []
        out.reserveCapacity(equity.count)
        for p in equity {
            if prev != 0 { out.append(p.equity / prev - 1) }
            prev = p.equity
        }
        return out
    }

    public static func run(_ context: Context, points: [GridPoint], range: Range<Int>, objective: Objective,
                           workers: Int = 2) async throws -> [TrialResult] {
        let n = max(1, min(workers, points.count))
        let chunks: [[(Int, TrialResult)]] = try await withThrowingTaskGroup(of: [(Int, TrialResult)].self) { group in
            for w in 0..<n {
                group.addTask {
                    var mine: [(Int, TrialResult)] = []
                    for i in stride(from: w, to: points.count, by: n) {
                        let r = try await context.replay(points[i], range: range)
                        let sharpe = DeflatedSharpe.perPeriodSharpe(returns(initial: context.simulation.initialBalance, equity: r.equity))
                        mine.append((i, TrialResult(point: points[i], metrics: r.metrics, perPeriodSharpe: sharpe,
                                                    score: objective.score(r.metrics))))
                    }
                    return mine
                }
            }
            var all: [[(Int, TrialResult)]] = []
            for try await c in group { all.append(c) }
            return all
        }
        return chunks.joined().sorted { $0.0 < $1.0 }.map(\.1)
    }

    /// Index of the best score (the first in grid order on ties).
    public static func best(_ trials: [TrialResult]) -> Int? {
        guard var b = trials.indices.first else { return nil }
        for i in trials.indices where trials[i].score > trials[b].score { b = i }
        return b
    }
}
