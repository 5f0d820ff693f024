import Foundation

/// What a grid maximises (`--objective`).
public enum Objective: String, CaseIterable, Sendable, Codable {
    /// Annualised Sharpe ratio of per-candle equity returns (a point that never trades scores 0).
    case sharpe
    /// Total return (final balance over initial − 1).
    case profit
    /// Annualised Sortino ratio.
    case sortino
    /// Total return over maximum drawdown (return when there was no drawdown).
    case calmar

    /// The score of one backtest's metrics; higher is better, never NaN.
    public func score(_ m: BacktestMetrics) -> Double {
        let v: Double
        switch self {
        case .sharpe: v = m.sharpe ?? 0
        case .profit: v = m.totalReturn
        case .sortino: v = m.sortino ?? 0
        case .calmar: v = m.maxDrawdown > 0 ? m.totalReturn / m.maxDrawdown : m.totalReturn
        }
        return v.isFinite ? v : 0
    }
}
