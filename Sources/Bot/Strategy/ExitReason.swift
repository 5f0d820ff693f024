/// Why a position ended, as Freqtrade's `exit_reason` says it: in trades.csv, the backtest report and the journal.
public enum ExitReason: String, Sendable, Codable, CaseIterable {
    /// The strategy's stop loss at candle close (STOP_LOSS past the entry).
    case stopLoss = "stop_loss"
    /// The prediction turned against the position, not strongly enough to open the other side.
    case exitSignal = "exit_signal"
    /// The prediction turned against the position strongly enough to open the other side in the same cycle.
    case reversal
    /// The exchange-side STOP_MARKET order (STOP_LOSS_ON_EXCHANGE) filled.
    case exchangeStop = "exchange_stop"
    /// The exchange liquidated the position.
    case liquidation
    /// The backtest's last candle: the open position is closed at its close for the final tally.
    case endOfData = "end_of_data"
    /// A closing order whose reason the bot did not give (the simulated exchange's own record before the driver
    /// names it); also a position that ended outside the bot with no stop of ours filled.
    case order
}
