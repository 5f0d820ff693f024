import Foundation

/// Exact decimal helpers for the wire: Binance sends prices and quantities as decimal strings,
/// so the server parses and prints them without ever going through binary floating point.
enum WireDecimal {
    /// Parses a plain decimal literal ("0.001", "60000", "-1.5"); nil for anything else
    /// (exponents, spaces, empty, "NaN"), because Binance rejects those as malformed.
    static func parse(_ text: String) -> Decimal? {
        guard !text.isEmpty else { return nil }
        var sawDigit = false, sawDot = false
        for (i, c) in text.enumerated() {
            if c == "-" && i == 0 { continue }
            if c == "." && !sawDot { sawDot = true; continue }
            if c.isASCII && c.isNumber { sawDigit = true; continue }
            return nil
        }
        guard sawDigit else { return nil }
        return Decimal(string: text)
    }

    /// Number of digits after the decimal point as written ("0.0010" -> 4).
    static func writtenScale(_ text: String) -> Int {
        guard let dot = text.firstIndex(of: ".") else { return 0 }
        return text.distance(from: text.index(after: dot), to: text.endIndex)
    }

    /// Significant fractional digits of a value (0.0010 -> 3).
    static func scale(of value: Decimal) -> Int {
        var v = value
        var s = 0
        while s < 38 {
            var r = Decimal()
            NSDecimalRound(&r, &v, s, .plain)
            if r == v { return s }
            s += 1
        }
        return s
    }

    static func round(_ value: Decimal, scale: Int, mode: NSDecimalNumber.RoundingMode = .plain) -> Decimal {
        var v = value
        var r = Decimal()
        NSDecimalRound(&r, &v, scale, mode)
        return r
    }

    /// Prints with exactly `scale` fractional digits ("60000.1", 2 -> "60000.10").
    static func format(_ value: Decimal, scale: Int) -> String {
        let rounded = round(value, scale: scale)
        var text = NSDecimalNumber(decimal: rounded).stringValue
        if text == "-0" { text = "0" }
        guard scale > 0 else { return text }
        if let dot = text.firstIndex(of: ".") {
            let have = text.distance(from: text.index(after: dot), to: text.endIndex)
            if have < scale { text += String(repeating: "0", count: scale - have) }
        } else {
            text += "." + String(repeating: "0", count: scale)
        }
        return text
    }

    /// Shortest exact representation ("100", "0.001").
    static func plain(_ value: Decimal) -> String {
        let text = NSDecimalNumber(decimal: value).stringValue
        return text == "-0" ? "0" : text
    }

    /// True when `value` is an integer multiple of `step` (step > 0).
    static func isMultiple(_ value: Decimal, of step: Decimal) -> Bool {
        guard step > 0 else { return true }
        let q = value / step
        return round(q, scale: 0, mode: .down) == q
    }

    static func abs(_ value: Decimal) -> Decimal { value < 0 ? -value : value }
}
