import Exchange
import Foundation

/// The open position as the strategy needs to see it.
public struct PositionSnapshot: Sendable, Equatable {
    public var side: PositionSide
    /// Absolute size in base currency.
    public var amount: Decimal
    public var entryPrice: Decimal

    public init(side: PositionSide, amount: Decimal, entryPrice: Decimal) {
        self.side = side
        self.amount = amount
        self.entryPrice = entryPrice
    }
}

/// What the strategy sees at decision time: the last closed candle's price, the model's prediction, the position.
public struct StrategyInput: Sendable {
    public var currentPrice: Decimal
    public var predictedPrice: Double
    public var position: PositionSnapshot?

    public init(currentPrice: Decimal, predictedPrice: Double, position: PositionSnapshot?) {
        self.currentPrice = currentPrice
        self.predictedPrice = predictedPrice
        self.position = position
    }

    /// (predicted − current) / current.
    public var change: Double {
        let current = NSDecimalNumber(decimal: currentPrice).doubleValue
        return current == 0 ? 0 : (predictedPrice - current) / current
    }
}

/// What to do this cycle: optionally close the current position, then optionally open one.
public struct Decision: Sendable, Equatable {
    public var close: Bool
    public var open: PositionSide?
    /// One short phrase for the log line and the journal.
    public var reason: String
    /// Why the position is closed, when `close`; a close without one is an exit signal (or a reversal with `open`).
    public var exitReason: ExitReason?

    public init(close: Bool = false, open: PositionSide? = nil, reason: String, exitReason: ExitReason? = nil) {
        self.close = close
        self.open = open
        self.reason = reason
        self.exitReason = close ? (exitReason ?? (open == nil ? .exitSignal : .reversal)) : nil
    }

    public static func hold(_ reason: String) -> Decision { Decision(reason: reason) }

    /// Compact label: hold, open long, close long, close long + open short.
    public var label: String {
        switch (close, open) {
        case (false, nil): return "hold"
        case (false, let side?): return "open \(side.rawValue)"
        case (true, nil): return "close"
        case (true, let side?): return "close + open \(side.rawValue)"
        }
    }
}

/// A trading rule. Implementations must be pure functions of their input so live, dry-run and backtest agree.
public protocol Strategy: Sendable {
    func decide(_ input: StrategyInput) -> Decision
    /// The signal when flat, for `trading-bot predict`.
    func signal(change: Double) -> PositionSide?
}
