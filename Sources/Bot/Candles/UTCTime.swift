/// Fast, allocation-free conversions between UTC civil time and milliseconds since 1970, for candle files of
/// hundreds of thousands of rows (Foundation's ISO 8601 formatter is far too slow for that).
public enum UTCTime {
    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
    public static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// (year, month, day, hour, minute, second, millisecond) of `milliseconds` since 1970, UTC.
    public static func components(_ milliseconds: Int64) -> (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, millisecond: Int) {
        let msPerDay: Int64 = 86_400_000
        var days = milliseconds / msPerDay
        var rest = milliseconds % msPerDay
        if rest < 0 { rest += msPerDay; days -= 1 }
        let z = Int(days) + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        let r = Int(rest)
        return (year, month, day, r / 3_600_000, r / 60_000 % 60, r / 1000 % 60, r % 1000)
    }

    /// ISO 8601 text of `milliseconds`, e.g. `2024-01-02T00:00:00Z` (milliseconds shown only when non-zero).
    public static func iso(_ milliseconds: Int64) -> String {
        let c = components(milliseconds)
        func pad(_ v: Int, _ width: Int) -> String {
            let s = String(v)
            return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
        }
        var text = "\(pad(c.year, 4))-\(pad(c.month, 2))-\(pad(c.day, 2))T\(pad(c.hour, 2)):\(pad(c.minute, 2)):\(pad(c.second, 2))"
        if c.millisecond != 0 { text += "." + pad(c.millisecond, 3) }
        return text + "Z"
    }

    /// Parses `YYYY-MM-DD`, `YYYY-MM-DD HH:MM[:SS[.fff]]` or the same with `T` and an optional `Z` / `+00:00`.
    /// Returns nil for anything else (including other UTC offsets, which candle files never use).
    public static func parse<S: StringProtocol>(_ text: S) -> Int64? {
        let bytes = Array(text.utf8)
        var i = 0
        func number(_ width: Int) -> Int? {
            guard i + width <= bytes.count else { return nil }
            var value = 0
            for k in 0..<width {
                let b = bytes[i + k]
                guard b >= 48 && b <= 57 else { return nil }
                value = value * 10 + Int(b - 48)
            }
            i += width
            return value
        }
        func expect(_ byte: UInt8) -> Bool {
            guard i < bytes.count, bytes[i] == byte else { return false }
            i += 1
            return true
        }
        guard let year = number(4), expect(45), let month = number(2), expect(45), let day = number(2),
              (1...12).contains(month), (1...31).contains(day) else { return nil }
        var hour = 0, minute = 0, second = 0, millisecond = 0
        if i < bytes.count, bytes[i] == 32 || bytes[i] == 84 {  // ' ' or 'T'
            i += 1
            guard let h = number(2), expect(58), let m = number(2), h < 24, m < 60 else { return nil }
            hour = h
            minute = m
            if expect(58) {
                guard let s = number(2), s < 60 else { return nil }
                second = s
                if expect(46) {
                    var digits = 0, fraction = 0
                    while i < bytes.count, bytes[i] >= 48, bytes[i] <= 57 {
                        if digits < 3 { fraction = fraction * 10 + Int(bytes[i] - 48) }
                        digits += 1
                        i += 1
                    }
                    guard digits > 0 else { return nil }
                    if digits < 3 { for _ in digits..<3 { fraction *= 10 } }
                    millisecond = fraction
                }
            }
        }
        if i < bytes.count {
            if expect(90) {  // Z
            } else if expect(43) {  // +00:00
                guard number(2) == 0, expect(58), number(2) == 0 else { return nil }
            } else {
                return nil
            }
        }
        guard i == bytes.count else { return nil }
        let days = Int64(UTCTime.days(year: year, month: month, day: day))
        return days * 86_400_000 + Int64(hour * 3_600_000 + minute * 60_000 + second * 1000 + millisecond)
    }
}
