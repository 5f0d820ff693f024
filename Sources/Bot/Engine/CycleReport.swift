import Foundation

/// The outcome of one decision cycle: what the log line and `trading-bot journal` show.
public struct CycleReport: Sendable {
    public enum Status: String, Sendable { case done, failed, skipped, alreadyDone = "already-done"
        /// Another delivery of the same schedule event already claimed this candle (at-least-once schedulers).
        case duplicate }

    public var status: Status
    public var candleTime: Int64?
    public var close: Decimal?
    public var predicted: Double?
    public var change: Double?
    public var decision: Decision?
    /// One short note per order: "buy market 0.012 → filled @ 37012.5".
    public var orders: [String] = []
    /// Why a decided entry or exit was not placed, or placed smaller than decided: "not placed: …", "refused: …",
    /// "capped by …". Printed in the line, kept in the journal's `note`, counted by backtests.
    public var notes: [String] = []
    /// The window's inputs were outside the scalers' fitted range: which column, how far (also one of `notes`).
    public var inputWarning: String?
    /// The decided entry that ended with nothing placed (for the backtest's "rejected entry signals" count).
    public var entryNotPlaced = false
    /// Unfilled entry limit orders of an earlier candle cancelled in this cycle.
    public var entriesCancelled = 0
    /// Why the position ended in this cycle, if it did.
    public var exitReason: ExitReason?
    public var position: PositionSnapshot?
    public var balance: Decimal?
    public var error: String?
    public var cycleID: Int64?

    public init(status: Status) { self.status = status }

    /// One line a person reads at a glance.
    public var line: String {
        var parts: [String] = []
        if let candleTime { parts.append("candle \(UTCTime.iso(candleTime))") }
        if let close { parts.append("close \(close)") }
        if let predicted { parts.append("predicted \(FixedText.string(predicted, decimals: 2))") }
        if let change { parts.append("change \(FixedText.string(change * 100, decimals: 2, signed: true))%") }
        if let decision { parts.append("→ \(decision.label) (\(decision.reason))") }
        parts.append(contentsOf: orders)
        if let exitReason { parts.append("exit: \(exitReason.rawValue)") }
        parts.append(contentsOf: notes)
        if let position {
            parts.append("position \(position.side.rawValue) \(position.amount) @ \(position.entryPrice)")
        } else if status == .done {
            parts.append("flat")
        }
        if let balance { parts.append("balance \(balance)") }
        if let error { parts.append("error: \(error)") }
        return "[\(status.rawValue)] " + parts.joined(separator: " | ")
    }
}
