import Foundation

/// A `Double` as the `Decimal` of its shortest printed form (no 0.1 + 0.2 artefacts): the same number
/// `Decimal(string: "\(value)")` gives, without the general string parser. The Trader, the backtests and the CCXT
/// shapes turn candle prices and float parameters into decimals with it; the parser was a quarter of the replay
/// engine's time.
public enum ExactDecimal {
    public static func from(_ value: Double) -> Decimal {
        guard value.isFinite else { return Decimal(value) }
        let text = "\(value)"
        var mantissa: UInt64 = 0
        var exponent = 0, digits = 0
        var negative = false, afterDot = false
        for b in text.utf8 {
            switch b {
            case UInt8(ascii: "-"): negative = true
            case UInt8(ascii: "."): afterDot = true
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                if mantissa == 0 && b == UInt8(ascii: "0") {
                    if afterDot { exponent -= 1 }
                    continue
                }
                guard digits < 18 else { return slow(text, value) }
                mantissa = mantissa * 10 + UInt64(b - UInt8(ascii: "0"))
                digits += 1
                if afterDot { exponent -= 1 }
            default:
                return slow(text, value)          // exponent notation ("1e-05") and anything unusual
            }
        }
        if mantissa == 0 { return 0 }
        return Decimal(sign: negative ? .minus : .plus, exponent: exponent, significand: Decimal(mantissa))
    }

    static func slow(_ text: String, _ value: Double) -> Decimal {
        Decimal(string: text) ?? Decimal(value)
    }
}
