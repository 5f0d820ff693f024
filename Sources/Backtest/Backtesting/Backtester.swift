import Bot
import Exchange
import Foundation

/// One point of the equity curve, at a candle's close.
public struct EquityPoint: Sendable, Equatable, Codable {
    public var time: Int64
    public var equity: Double
    public var price: Double
    public var inPosition: Bool
}

/// What one decision cycle tells the backtest driver.
public struct CycleOutcome: Sendable {
    /// Set when the cycle failed.
    public var error: String?
    /// Why the cycle sent a closing order (names the simulated exchange's `.order` exit when it fills, now or later).
    public var exitReason: ExitReason?
    /// A decided entry that ended with nothing placed (Freqtrade's "Rejected Entry signals").
    public var entryNotPlaced = false
    /// Unfilled entry limit orders cancelled at this cycle (Freqtrade's "Canceled Trade Entries").
    public var entriesCancelled = 0
    /// Why decided orders were not placed or placed smaller ("not placed: …", "refused: …", "capped by …").
    public var notes: [String] = []

    public init(error: String? = nil, exitReason: ExitReason? = nil, entryNotPlaced: Bool = false, entriesCancelled: Int = 0,
                notes: [String] = []) {
        self.error = error
        self.exitReason = exitReason
        self.entryNotPlaced = entryNotPlaced
        self.entriesCancelled = entriesCancelled
        self.notes = notes
    }
}

/// Everything a backtest produces.
public struct BacktestResult: Sendable {
    public var metrics: BacktestMetrics
    public var trades: [RoundTrip]
    public var equity: [EquityPoint]
    /// Cycles that ended in an error (reported by the driver), with the candle time.
    public var failedCycles: [(time: Int64, message: String)]
    /// Every cycle's notes on decided orders not placed as decided, with the candle time.
    public var notPlaced: [(time: Int64, message: String)] = []
}

/// Drives a decision cycle candle by candle against a `SimulatedExchange`.
///
/// At the open of each candle in [start, end) the cycle runs with `now` = that open time: the exchange shows it only
/// candles closed by then. The exchange then plays the candle, and equity is marked at its close.
public struct Backtester {
    public var exchange: SimulatedExchange
    public var start: Int
    public var end: Int

    public init(exchange: SimulatedExchange, start: Int, end: Int) {
        self.exchange = exchange; self.start = start; self.end = end
    }

    /// - Parameter cycle: one decision at exchange time `now`, telling what happened to its orders.
    public func run(cycle: (Int64) async -> CycleOutcome) async -> BacktestResult {
        var equity: [EquityPoint] = []
        equity.reserveCapacity(max(0, end - start))
        var failed: [(Int64, String)] = []
        var notPlaced: [(Int64, String)] = []
        var rejected = 0, cancelled = 0
        var decidedExit = ExitReason.order
        var exposed = 0
        let candles = exchange.candles
        let interval = exchange.timeframe.milliseconds
        while exchange.index < end {
            let i = exchange.index
            let now = exchange.now
            let tripsBefore = exchange.roundTripCount
            let outcome = await cycle(now)
            if let message = outcome.error { failed.append((now, message)) }
            if let reason = outcome.exitReason { decidedExit = reason }
            exchange.nameOrderExits(from: tripsBefore, as: decidedExit)
            if outcome.entryNotPlaced { rejected += 1 }
            cancelled += outcome.entriesCancelled
            for note in outcome.notes { notPlaced.append((now, note)) }
            let holding = exchange.hasPosition
            let tripsBeforeCandle = exchange.roundTripCount
            exchange.advance()
            exchange.nameOrderExits(from: tripsBeforeCandle, as: decidedExit)  // a resting limit close filling later
            if holding || exchange.hasPosition { exposed += 1 }
            let c = candles[i]
            equity.append(EquityPoint(time: c.timestamp + interval, equity: exchange.equity(at: c.close), price: c.close,
                                      inPosition: exchange.hasPosition))
        }
        exchange.closeOutAtEnd()
        let first = start < candles.count ? candles[start].open : 0
        let last = end > 0 && end <= candles.count ? candles[end - 1].close : first
        if var lastPoint = equity.last {
            lastPoint.equity = NSDecimalNumber(decimal: exchange.walletBalance).doubleValue
            lastPoint.inPosition = false
            equity[equity.count - 1] = lastPoint
        }
        var metrics = BacktestMetrics(roundTrips: exchange.roundTrips, equity: equity.map(\.equity),
                                      initialBalance: exchange.settings.initialBalance, finalBalance: exchange.walletBalance,
                                      exposed: exposed, feesPaid: exchange.feesPaid, fundingPaid: exchange.fundingPaid,
                                      firstPrice: first, lastPrice: last, intervalMs: interval)
        metrics.rejectedEntrySignals = rejected
        metrics.canceledTradeEntries = cancelled
        return BacktestResult(metrics: metrics, trades: exchange.roundTrips, equity: equity, failedCycles: failed,
                              notPlaced: notPlaced)
    }
}
