import Foundation

/// Exact decimal rounding to a market's step/tick, as CCXT's `decimal_to_precision` with TICK_SIZE.
/// All arithmetic is `Decimal`, so a step of 0.001 never produces `0.30000000000000004`.
public enum Precision {
    /// Explicit rounding direction (CCXT: TRUNCATE for amounts, ROUND for prices).
    public enum Rounding: String, Sendable, Codable {
        /// Toward zero (CCXT TRUNCATE): never sends more than asked.
        case truncate
        /// To nearest, ties away from zero (CCXT ROUND).
        case round
        /// Toward +infinity.
        case up
        /// Toward -infinity.
        case down
    }

    /// Binance books money (commission, realised P&L, funding, entry price, every balance field) with 8 decimals, e.g.
    /// userTrades "commission": "-0.07819010"; rounded half away from zero, as the loopback exchange rounds (Binance
    /// does not document the mode). Simulated accounts book through this so their wallets equal the exchange's.
    public static func booked(_ value: Decimal) -> Decimal { toStep(value, step: bookedStep, rounding: .round) }
    public static let bookedStep = Decimal(sign: .plus, exponent: -8, significand: 1)

    /// `value` as an exact multiple of `step` (step <= 0 returns `value` unchanged).
    public static func toStep(_ value: Decimal, step: Decimal, rounding: Rounding) -> Decimal {
        guard step > 0, value.isFinite else { return value }
        var quotient = value / step
        var rounded = Decimal()
        let mode: NSDecimalNumber.RoundingMode
        switch rounding {
        case .truncate: mode = value < 0 ? .up : .down
        case .round: mode = .plain
        case .up: mode = .up
        case .down: mode = .down
        }
        NSDecimalRound(&rounded, &quotient, 0, mode)
        return rounded * step
    }

    /// Plain decimal text: no exponent, no trailing zeros, "-0" shown as "0".
    public static func format(_ value: Decimal) -> String {
        if value.isZero { return "0" }
        var v = value
        var normalized = Decimal()
        NSDecimalRound(&normalized, &v, 38, .plain)
        let text = normalized.description
        guard text.contains("e") || text.contains("E") else { return text }
        return NSDecimalNumber(decimal: normalized).stringValue
    }

    /// Number of decimal places of a step, e.g. 0.001 -> 3, 10 -> 0.
    public static func decimals(ofStep step: Decimal) -> Int {
        let text = format(step)
        guard let dot = text.firstIndex(of: ".") else { return 0 }
        return text.distance(from: text.index(after: dot), to: text.endIndex)
    }

    /// Parses exchange text ("0.00100000") exactly; nil when not a number.
    public static func parse(_ text: String) -> Decimal? {
        let trimmed = Whitespace.trimmed(text)
        guard !trimmed.isEmpty,
              trimmed.allSatisfy({ $0.isNumber || $0 == "." || $0 == "-" || $0 == "+" || $0 == "e" || $0 == "E" })
        else { return nil }
        return decimal(trimmed)
    }

    /// Reads decimal text with "." as the separator, whatever the machine's locale: `Decimal(string:)` with no
    /// locale. Not `locale: en_US_POSIX`: a locale there is asked for its separator, and the first such question
    /// builds an ICU number formatter (2.4 % of a Lambda cold start's instructions, for the same answer).
    @inlinable public static func decimal(_ text: String) -> Decimal? { Decimal(string: text) }
}
