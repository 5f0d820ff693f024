import Bot
import Exchange
import Foundation

/// Predictions computed ahead in big batches, served to the Trader window by window. Keyed by the open time of the
/// window's last candle, so a window the Trader builds differently from the batch (a missing or extra candle) is
/// refused instead of silently getting another window's number.
public final class PrecomputedPredictor: PricePredicting, @unchecked Sendable {
    public let windowSize: Int
    let table: [Int64: Double]
    let firstTime: [Int64: Int64]
    /// The predictions in decision order, and the candle index of the first decision (for index lookups).
    public let values: [Double]
    public let decisionStart: Int?

    public init(windowSize: Int, lastTimes: [Int64], firstTimes: [Int64], predictions: [Double], decisionStart: Int? = nil) {
        self.windowSize = windowSize
        self.values = predictions
        self.decisionStart = decisionStart
        var t: [Int64: Double] = [:], f: [Int64: Int64] = [:]
        t.reserveCapacity(lastTimes.count); f.reserveCapacity(lastTimes.count)
        for i in lastTimes.indices { t[lastTimes[i]] = predictions[i]; f[lastTimes[i]] = firstTimes[i] }
        table = t; firstTime = f
    }

    public func predict(_ candles: [Candle]) throws -> Double {
        guard let last = candles.last, let p = table[last.timestamp], firstTime[last.timestamp] == candles.first?.timestamp,
              candles.count == windowSize else {
            throw BacktestSetupError.windowMismatch(time: candles.last?.timestamp ?? 0, count: candles.count, expected: windowSize)
        }
        return p
    }
}

public enum BacktestSetupError: Error, CustomStringConvertible, Equatable {
    case windowMismatch(time: Int64, count: Int, expected: Int)
    case noCandles(candles: Int, windowSize: Int)

    public var description: String {
        switch self {
        case .windowMismatch(let t, let n, let w):
            return "the trader asked for a window ending at \(UTCTime.iso(t)) with \(n) candles that was not precomputed (expected \(w)); this is a bug in the backtest wiring — report it"
        case .noCandles(let n, let w):
            return "nothing to backtest: \(n) candles in the selected period, the model needs \(w) closed candles before the first decision; widen --from/--to"
        }
    }
}

/// The live bot's Trader, Strategy and Orderer run against a `SimulatedExchange` over a candle file.
public struct TraderBacktest {
    /// Decision candles: the trader decides at the open of each candle whose open time is in [from, to].
    public static func decisionRange(candles: [Candle], windowSize: Int, from: Int64?, to: Int64?) throws -> Range<Int> {
        var lo = windowSize, hi = candles.count
        if let from { while lo < hi && candles[lo].timestamp < from { lo += 1 } }
        if let to { while hi > lo && candles[hi - 1].timestamp > to { hi -= 1 } }
        guard lo < hi else { throw BacktestSetupError.noCandles(candles: candles.count, windowSize: windowSize) }
        return lo..<hi
    }

    /// Precomputes the prediction of every decision in `range` (window ending at the candle before) in batches.
    public static func precompute(candles: [Candle], range: Range<Int>, predictor: any WindowBatchPredicting,
                                  batch: Int = 4096) throws -> PrecomputedPredictor {
        let w = predictor.windowSize
        let ends = (range.lowerBound - 1)..<(range.upperBound - 1)
        var predictions: [Double] = []
        predictions.reserveCapacity(ends.count)
        var s = ends.lowerBound
        while s < ends.upperBound {
            let e = min(ends.upperBound, s + batch)
            predictions += try predictor.predict(candles: candles, ends: s..<e)
            s = e
        }
        return PrecomputedPredictor(windowSize: w, lastTimes: ends.map { candles[$0].timestamp },
                                    firstTimes: ends.map { candles[$0 - w + 1].timestamp }, predictions: predictions,
                                    decisionStart: range.lowerBound)
    }

    /// Runs the backtest. `journalPath` ":memory:" keeps the journal in memory (the default: it is not needed after).
    public static func run(config: BotConfig, candles: [Candle], timeframe: Timeframe, range: Range<Int>,
                           predictor: any PricePredicting, simulation: SimulationSettings, market: Market,
                           journalPath: String = ":memory:") async throws -> BacktestResult {
        let exchange = SimulatedExchange(market: market, timeframe: timeframe, candles: candles, settings: simulation,
                                         start: range.lowerBound)
        let trader = try makeTrader(config: config, exchange: exchange, symbol: market.symbol, predictor: predictor,
                                    journalPath: journalPath)
        // A stake (STAKE_AMOUNT / STAKE_FRACTION of the wallet when flat) sizes entries as the portfolio backtest does.
        if config.stakeAmount != nil || config.stakeFraction != nil {
            let stake = Stake(config: config)
            trader.entryGate = { _, free in
                let margin = min(stake.margin(equity: exchange.walletBalance), free)
                return margin > 0 ? .allow(margin: margin) : .refuse("no free balance for an entry (free \(free))")
            }
        }
        let backtester = Backtester(exchange: exchange, start: range.lowerBound, end: range.upperBound)
        return await backtester.run { now in
            let report = await trader.runCycle(now: now)
            return CycleOutcome(report)
        }
    }

    /// The live Trader wired to a simulated market (no retries, no pauses, exchange-side stops as configured).
    public static func makeTrader(config: BotConfig, exchange: any Exchange, symbol: String, predictor: any PricePredicting,
                                  journalPath: String = ":memory:") throws -> Trader {
        var settings = try Trader.Settings(config: config)
        settings.symbol = symbol
        settings.maxRetries = 0
        // Trader turns exchange-side stops off in dry-run (nothing to hold them); the simulated exchange holds them.
        settings.stopLossOnExchange = config.stopLossOnExchange
        return Trader(settings: settings, exchange: exchange, journal: try Journal(path: journalPath),
                      predictor: predictor, strategy: ReferenceStrategy(threshold: config.threshold, stopLoss: config.stopLoss),
                      orderer: Orderer(config: config), pause: { _ in })
    }

    /// A market whose filters suit the price scale of `candles` (`MarketFilters.derived`).
    public static func market(symbol: String, candles: [Candle], balance: Decimal = 10_000, leverage: Int = 1) -> Market {
        MarketFilters.derived(symbol: symbol, candles: candles, balance: balance, leverage: leverage)
    }
}

extension CycleOutcome {
    /// What the backtest driver needs from one Trader cycle.
    public init(_ report: CycleReport) {
        self.init(error: report.status == .failed ? (report.error ?? "failed") : nil,
                  exitReason: report.decision?.exitReason, entryNotPlaced: report.entryNotPlaced,
                  entriesCancelled: report.entriesCancelled, notes: report.notes)
    }
}
