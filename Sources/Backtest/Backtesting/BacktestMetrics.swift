import Bot
import Exchange
import Foundation

/// The backtest table: the reference simulator's figures plus risk measures and the buy-and-hold yardstick.
public struct BacktestMetrics: Sendable, Equatable, Codable {
    public var trades: Int
    public var wins: Int
    /// wins / trades (net of fees and funding).
    public var winRate: Double?
    /// Average winning trade's net P&L over the average losing trade's |net P&L|.
    public var profitLossRatio: Double?
    /// Best and worst trade, net P&L as a fraction of the margin it used.
    public var maxProfitRate: Double?
    public var maxLossRate: Double?
    public var initialBalance: Decimal
    public var finalBalance: Decimal
    public var totalReturn: Double
    /// Largest fall from a running peak of equity, as a fraction of the peak.
    public var maxDrawdown: Double
    /// Annualised with √(candles per year), 365-day crypto year, risk-free rate 0.
    public var sharpe: Double?
    public var sortino: Double?
    /// Fraction of candles during which a position was open.
    public var exposure: Double
    public var feesPaid: Decimal
    public var fundingPaid: Decimal
    public var liquidations: Int
    /// Holding the asset unleveraged from the first decision's price to the last close.
    public var buyAndHoldReturn: Double
    public var candles: Int
    /// Decided entries that ended with nothing placed (Freqtrade's "Rejected Entry signals"): refused, too small, …
    public var rejectedEntrySignals = 0
    /// Entry limit orders cancelled unfilled at the next candle (Freqtrade's "Canceled Trade Entries").
    public var canceledTradeEntries = 0
    /// Trades per exit reason (stop_loss, exit_signal, reversal, exchange_stop, liquidation, end_of_data).
    public var exitReasons: [String: Int] = [:]

    /// - Parameters:
    ///   - equity: equity after each candle (wallet + unrealized P&L at the close), in order.
    ///   - exposed: candles with a position open.
    public init(roundTrips: [RoundTrip], equity: [Double], initialBalance: Decimal, finalBalance: Decimal,
                exposed: Int, feesPaid: Decimal, fundingPaid: Decimal, firstPrice: Double, lastPrice: Double,
                intervalMs: Int64) {
        trades = roundTrips.count
        let nets = roundTrips.map { NSDecimalNumber(decimal: $0.netPnl).doubleValue }
        let winning = nets.filter { $0 > 0 }, losing = nets.filter { $0 < 0 }
        wins = winning.count
        winRate = trades == 0 ? nil : Double(wins) / Double(trades)
        if !winning.isEmpty, !losing.isEmpty {
            let avgWin = winning.reduce(0, +) / Double(winning.count)
            let avgLoss = losing.reduce(0, +) / Double(losing.count)
            profitLossRatio = avgWin / abs(avgLoss)
        } else { profitLossRatio = nil }
        let rates = roundTrips.map(\.returnOnMargin)
        maxProfitRate = rates.max()
        maxLossRate = rates.min()
        self.initialBalance = initialBalance
        self.finalBalance = finalBalance
        let initial = NSDecimalNumber(decimal: initialBalance).doubleValue
        totalReturn = initial == 0 ? 0 : NSDecimalNumber(decimal: finalBalance).doubleValue / initial - 1
        maxDrawdown = BacktestMetrics.maxDrawdown([initial] + equity)
        let periodsPerYear = 365 * 86_400_000 / Double(max(1, intervalMs))
        let ratios = BacktestMetrics.sharpeSortino(equity: [initial] + equity, periodsPerYear: periodsPerYear)
        sharpe = ratios.sharpe
        sortino = ratios.sortino
        candles = equity.count
        exposure = equity.isEmpty ? 0 : Double(exposed) / Double(equity.count)
        self.feesPaid = feesPaid
        self.fundingPaid = fundingPaid
        liquidations = roundTrips.filter { $0.exit == .liquidation }.count
        for trip in roundTrips { exitReasons[trip.exit.rawValue, default: 0] += 1 }
        buyAndHoldReturn = firstPrice == 0 ? 0 : lastPrice / firstPrice - 1
    }

    public static func maxDrawdown(_ equity: [Double]) -> Double {
        var peak = -Double.infinity, worst = 0.0
        for e in equity {
            peak = max(peak, e)
            if peak > 0 { worst = max(worst, (peak - e) / peak) }
        }
        return worst
    }

    /// Sharpe = mean / sample std of per-candle returns × √periods; Sortino uses the downside deviation
    /// √(Σ min(r, 0)² / n) instead. nil when undefined (fewer than two returns, or no variation / no downside).
    public static func sharpeSortino(equity: [Double], periodsPerYear: Double) -> (sharpe: Double?, sortino: Double?) {
        guard equity.count >= 3 else { return (nil, nil) }
        var returns: [Double] = []
        returns.reserveCapacity(equity.count - 1)
        for i in 1..<equity.count where equity[i - 1] != 0 { returns.append(equity[i] / equity[i - 1] - 1) }
        guard returns.count >= 2 else { return (nil, nil) }
        let n = Double(returns.count)
        let mean = returns.reduce(0, +) / n
        var ss = 0.0, down = 0.0
        for r in returns { ss += (r - mean) * (r - mean); if r < 0 { down += r * r } }
        let std = (ss / (n - 1)).squareRoot()
        let dd = (down / n).squareRoot()
        let root = periodsPerYear.squareRoot()
        return (std > 0 ? mean / std * root : nil, dd > 0 ? mean / dd * root : nil)
    }
}
