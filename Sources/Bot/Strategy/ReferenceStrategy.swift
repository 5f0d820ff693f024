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
        let percent = Self.percent(change, signed: true)
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
                return Decision(close: true, reason: "stop loss: price \(Self.percent(move, signed: true)) from entry", exitReason: .stopLoss)
            }
        }
        let against = position.side == .long ? change < 0 : change > 0
        if against {
            let reopen = signal(change: change)
            return Decision(close: true, open: reopen, reason: "prediction \(percent) turned against the \(position.side.rawValue)")
        }
        return .hold("prediction \(percent) agrees with the \(position.side.rawValue)")
    }

    private func formatPercent(_ value: Double) -> String { Self.percent(value, signed: false) }

    /// `fraction` as a percentage with two decimals ("+1.25%"), without Foundation's `String(format:)`: the reason
    /// text is built on every decision, and a year of one-minute backtest candles makes half a million of them.
    static func percent(_ fraction: Double, signed: Bool) -> String {
        let hundredths = (fraction * 10_000).rounded()
        guard hundredths.isFinite, abs(hundredths) < 1e15 else { return "\(fraction * 100)%" }
        let value = Int64(hundredths)
        let magnitude = value.magnitude
        let sign = value < 0 ? "-" : (signed ? "+" : "")
        let cents = magnitude % 100
        return "\(sign)\(magnitude / 100).\(cents < 10 ? "0" : "")\(cents)%"
    }
}
