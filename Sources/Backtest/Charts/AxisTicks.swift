import Foundation

/// Tick positions and labels for chart axes: "nice" numbers (1, 2, 5 × 10ⁿ) for values, calendar-aligned UTC
/// steps for time, so every chart reads the same way.
public enum AxisTicks {
    /// Nice round ticks covering [lo, hi], about `target` of them; the returned range is widened to the outer ticks.
    public static func nice(lo: Double, hi: Double, target: Int = 6) -> (lo: Double, hi: Double, step: Double, ticks: [Double]) {
        var lo = lo, hi = hi
        if !lo.isFinite || !hi.isFinite { lo = 0; hi = 1 }
        if hi <= lo { let pad = abs(lo) > 0 ? abs(lo) * 0.05 : 1; lo -= pad; hi += pad }
        let raw = (hi - lo) / Double(max(1, target))
        let mag = pow(10, floor(log10(raw)))
        let f = raw / mag
        let step = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10) * mag
        let first = floor(lo / step) * step, last = ceil(hi / step) * step
        var ticks: [Double] = []
        var v = first
        while v <= last + step * 0.5 { ticks.append(abs(v) < step * 1e-9 ? 0 : v); v += step }
        return (first, last, step, ticks)
    }

    /// A value label with just enough decimals for the step, thousands grouped with thin commas ("12,500", "0.25").
    public static func label(_ v: Double, step: Double) -> String {
        let decimals = step >= 1 ? 0 : min(8, Int(ceil(-log10(step) - 1e-9)))
        let s = String(format: "%.\(decimals)f", v)
        return groupThousands(s)
    }

    static func groupThousands(_ s: String) -> String {
        var sign = "", body = s
        if body.hasPrefix("-") { sign = "-"; body.removeFirst() }
        let parts = body.split(separator: ".", maxSplits: 1).map(String.init)
        var intPart = parts.first ?? "0"
        var grouped = ""
        while intPart.count > 3 {
            grouped = "," + intPart.suffix(3) + grouped
            intPart = String(intPart.dropLast(3))
        }
        grouped = intPart + grouped
        return sign + grouped + (parts.count > 1 ? "." + parts[1] : "")
    }

    private static let utc: Calendar = {
        var c = Calendar(identifier: .gregorian)
        c.timeZone = TimeZone(identifier: "UTC") ?? TimeZone(secondsFromGMT: 0) ?? .current
        return c
    }()

    /// Calendar-aligned UTC ticks between two times (ms), about `target` of them, with labels sized to the step.
    public static func time(fromMs: Int64, toMs: Int64, target: Int = 7) -> [(ms: Int64, label: String)] {
        guard toMs > fromMs else { return [(fromMs, format(fromMs, "yyyy-MM-dd HH:mm"))] }
        let span = Double(toMs - fromMs) / 1000
        let minute = 60.0, hour = 3600.0, day = 86400.0
        // (seconds, calendar component, amount, label format)
        let steps: [(Double, Calendar.Component, Int, String)] = [
            (minute, .minute, 1, "HH:mm"), (5 * minute, .minute, 5, "HH:mm"), (15 * minute, .minute, 15, "HH:mm"),
            (30 * minute, .minute, 30, "HH:mm"), (hour, .hour, 1, "HH:mm"), (3 * hour, .hour, 3, "MM-dd HH:mm"),
            (6 * hour, .hour, 6, "MM-dd HH:mm"), (12 * hour, .hour, 12, "MM-dd HH:mm"), (day, .day, 1, "MM-dd"),
            (2 * day, .day, 2, "MM-dd"), (7 * day, .day, 7, "MM-dd"), (14 * day, .day, 14, "MM-dd"),
            (30 * day, .month, 1, "yyyy-MM"), (91 * day, .month, 3, "yyyy-MM"), (182 * day, .month, 6, "yyyy-MM"),
            (365 * day, .year, 1, "yyyy"), (730 * day, .year, 2, "yyyy"), (1826 * day, .year, 5, "yyyy"),
        ]
        let chosen = steps.first { span / $0.0 <= Double(target) } ?? steps[steps.count - 1]
        let start = Date(timeIntervalSince1970: Double(fromMs) / 1000)
        let end = Date(timeIntervalSince1970: Double(toMs) / 1000)
        // Align to the start of the enclosing unit, then step forward.
        var comps = utc.dateComponents([.year, .month, .day, .hour, .minute], from: start)
        switch chosen.1 {
        case .year: comps.month = 1; comps.day = 1; comps.hour = 0; comps.minute = 0
            if let y = comps.year { comps.year = y - y % chosen.2 }
        case .month: comps.day = 1; comps.hour = 0; comps.minute = 0
            if let m = comps.month { comps.month = m - (m - 1) % chosen.2 }
        case .day: comps.hour = 0; comps.minute = 0
        case .hour: comps.minute = 0; if let h = comps.hour { comps.hour = h - h % chosen.2 }
        default: if let m = comps.minute { comps.minute = m - m % chosen.2 }
        }
        guard var t = utc.date(from: comps) else { return [] }
        var out: [(Int64, String)] = []
        var guardCount = 0
        while t <= end && guardCount < 200 {
            if t >= start { out.append((Int64(t.timeIntervalSince1970 * 1000), format(Int64(t.timeIntervalSince1970 * 1000), chosen.3))) }
            guard let next = utc.date(byAdding: chosen.1, value: chosen.2, to: t) else { break }
            t = next; guardCount += 1
        }
        return out
    }

    /// UTC formatting of a ms timestamp with a `DateFormatter` pattern.
    public static func format(_ ms: Int64, _ pattern: String) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = pattern
        return f.string(from: Date(timeIntervalSince1970: Double(ms) / 1000))
    }
}
