import Foundation

/// EventBridge Scheduler's expression grammar, as the Scheduler User Guide ("Schedule types: cron-based and
/// rate-based") states it, plus a matcher for the fields, so tests can list when a cron expression fires.
enum EventBridgeGrammar {
    struct Field {
        var name: String
        var range: ClosedRange<Int>
        var special: Set<Character>
        var names: [String: Int] = [:]
    }

    static let months = ["JAN": 1, "FEB": 2, "MAR": 3, "APR": 4, "MAY": 5, "JUN": 6, "JUL": 7, "AUG": 8, "SEP": 9, "OCT": 10, "NOV": 11, "DEC": 12]
    static let days = ["SUN": 1, "MON": 2, "TUE": 3, "WED": 4, "THU": 5, "FRI": 6, "SAT": 7]
    static let fields = [
        Field(name: "minutes", range: 0...59, special: [",", "-", "*", "/"]),
        Field(name: "hours", range: 0...23, special: [",", "-", "*", "/"]),
        Field(name: "day-of-month", range: 1...31, special: [",", "-", "*", "?", "/", "L", "W"]),
        Field(name: "month", range: 1...12, special: [",", "-", "*", "/"], names: months),
        Field(name: "day-of-week", range: 1...7, special: [",", "-", "*", "?", "L", "#"], names: days),
        Field(name: "year", range: 1970...2199, special: [",", "-", "*", "/"]),
    ]

    /// nil when valid, else what is wrong.
    static func problem(_ expression: String) -> String? {
        if expression.hasPrefix("rate(") && expression.hasSuffix(")") {
            let parts = expression.dropFirst(5).dropLast().split(separator: " ")
            guard parts.count == 2, let value = Int(parts[0]), value > 0 else { return "rate needs a positive whole value and a unit" }
            let unit = String(parts[1])
            let singular = ["minute", "hour", "day"], plural = ["minutes", "hours", "days"]
            guard value == 1 ? singular.contains(unit) : plural.contains(unit) else { return "rate unit '\(unit)' for value \(value)" }
            return nil
        }
        guard expression.hasPrefix("cron(") && expression.hasSuffix(")") else { return "neither rate(...) nor cron(...)" }
        let parts = expression.dropFirst(5).dropLast().split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 6 else { return "cron needs 6 fields, has \(parts.count)" }
        for (text, field) in zip(parts, fields) {
            if let problem = fieldProblem(text, field) { return "\(field.name) '\(text)': \(problem)" }
        }
        guard (parts[2] == "?") != (parts[4] == "?") else { return "exactly one of day-of-month and day-of-week must be '?'" }
        return nil
    }

    static func value(_ text: Substring, _ field: Field) -> Int? { Int(text) ?? field.names[String(text)] }

    static func fieldProblem(_ text: String, _ field: Field) -> String? {
        if text == "*" || (text == "?" && field.special.contains("?")) { return nil }
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard !item.isEmpty else { return "empty list item" }
            if item.contains("/") {
                guard field.special.contains("/") else { return "'/' not allowed" }
                let pieces = item.split(separator: "/", omittingEmptySubsequences: false)
                guard pieces.count == 2, let step = Int(pieces[1]), step > 0 else { return "bad increment" }
                guard pieces[0] == "*" || value(pieces[0], field).map(field.range.contains) == true else { return "bad start" }
                continue
            }
            if item.contains("-") {
                let pieces = item.split(separator: "-", omittingEmptySubsequences: false)
                guard pieces.count == 2, let a = value(pieces[0], field), let b = value(pieces[1], field),
                      field.range.contains(a), field.range.contains(b) else { return "bad range" }
                continue
            }
            guard let number = value(item, field), field.range.contains(number) else { return "not a value in \(field.range)" }
        }
        return nil
    }

    /// Whether the cron expression fires at `date` (UTC, whole minute), for the field forms the table uses.
    static func fires(_ expression: String, at date: Date) -> Bool {
        let parts = expression.dropFirst(5).dropLast().split(separator: " ").map(String.init)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.minute, .hour, .day, .month, .weekday, .year], from: date)
        let values = [c.minute!, c.hour!, c.day!, c.month!, c.weekday!, c.year!]  // weekday: 1 = Sunday, as AWS
        return zip(zip(parts, fields), values).allSatisfy { pair, value in matches(pair.0, pair.1, value) }
    }

    static func matches(_ text: String, _ field: Field, _ v: Int) -> Bool {
        if text == "*" || text == "?" { return true }
        return text.split(separator: ",").contains { item in
            if item.contains("/") {
                let pieces = item.split(separator: "/")
                let start = pieces[0] == "*" ? field.range.lowerBound : value(pieces[0], field) ?? 0
                let step = Int(pieces[1]) ?? 1
                return v >= start && (v - start) % step == 0
            }
            if item.contains("-") {
                let pieces = item.split(separator: "-")
                return (value(pieces[0], field) ?? 0) <= v && v <= (value(pieces[1], field) ?? 0)
            }
            return value(item, field) == v
        }
    }
}
