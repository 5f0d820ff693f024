import Exchange
import Foundation

/// One point of the equity curve, at a candle's close.
public struct EquityPoint: Sendable, Equatable, Codable {
    public var time: Int64
    public var equity: Double
    public var price: Double
    public var inPosition: Bool
}

/// Everything a backtest produces.
public struct BacktestResult: Sendable {
    public var metrics: BacktestMetrics
    public var trades: [RoundTrip]
    public var equity: [EquityPoint]
    /// Cycles that ended in an error (reported by the driver), with the candle time.
    public var failedCycles: [(time: Int64, message: String)]
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

    /// - Parameter cycle: one decision at exchange time `now`; returns an error message when the cycle failed.
    public func run(cycle: (Int64) async -> String?) async -> BacktestResult {
        var equity: [EquityPoint] = []
        equity.reserveCapacity(max(0, end - start))
        var failed: [(Int64, String)] = []
        var exposed = 0
        let candles = exchange.candles
        let interval = exchange.timeframe.milliseconds
        while exchange.index < end {
            let i = exchange.index
            if let message = await cycle(exchange.now) { failed.append((exchange.now, message)) }
            let holding = exchange.hasPosition
            exchange.advance()
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
        let metrics = BacktestMetrics(roundTrips: exchange.roundTrips, equity: equity.map(\.equity),
                                      initialBalance: exchange.settings.initialBalance, finalBalance: exchange.walletBalance,
                                      exposed: exposed, feesPaid: exchange.feesPaid, fundingPaid: exchange.fundingPaid,
                                      firstPrice: first, lastPrice: last, intervalMs: interval)
        return BacktestResult(metrics: metrics, trades: exchange.roundTrips, equity: equity, failedCycles: failed)
    }
}
