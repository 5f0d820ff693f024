import Exchange
import Foundation

/// The reference bot's rule: open in the predicted direction when the predicted move exceeds `threshold`; close when
/// the prediction turns against the position or the price has moved `stopLoss` against the entry.
///
/// After a close for a turned prediction, the flat rule is applied at once, so a strong opposite signal reverses the
/// position in the same cycle instead of waiting a candle.
public struct ReferenceStrategy: Strategy {
    public var threshold: Double
    public var stopLoss: Double

    public init(threshold: Double, stopLoss: Double) {
        self.threshold = threshold
        self.stopLoss = stopLoss
    }

    public func signal(change: Double) -> PositionSide? {
        guard abs(change) > threshold else { return nil }
        return change > 0 ? .long : .short
    }

    public func decide(_ input: StrategyInput) -> Decision {
        let change = input.change
        let percent = String(format: "%+.2f%%", change * 100)
        guard let position = input.position else {
            if let side = signal(change: change) {
                return Decision(open: side, reason: "predicted \(percent) beyond threshold \(formatPercent(threshold))")
            }
            return .hold("predicted \(percent) within threshold \(formatPercent(threshold))")
        }
        let entry = NSDecimalNumber(decimal: position.entryPrice).doubleValue
        let current = NSDecimalNumber(decimal: input.currentPrice).doubleValue
        if entry > 0 {
            let move = (current - entry) / entry
            let adverse = position.side == .long ? -move : move
            if adverse >= stopLoss {
                return Decision(close: true, reason: "stop loss: price \(String(format: "%+.2f%%", move * 100)) from entry")
            }
        }
        let against = position.side == .long ? change < 0 : change > 0
        if against {
            let reopen = signal(change: change)
            return Decision(close: true, open: reopen, reason: "prediction \(percent) turned against the \(position.side.rawValue)")
        }
        return .hold("prediction \(percent) agrees with the \(position.side.rawValue)")
    }

    private func formatPercent(_ value: Double) -> String { String(format: "%.2f%%", value * 100) }
}
