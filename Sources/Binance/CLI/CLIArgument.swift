import Foundation
import Exchange

/// One command-line argument the way CCXT's command-line example reads it: `undefined`/`null` for an argument
/// left out, `{...}`/`[...]` as JSON (numbers kept exact), ISO 8601 dates as milliseconds, numbers as numbers,
/// `true`/`false` as booleans, anything else as a string ("1h", "BTC/USDT:USDT", "1e3").
public enum CLIArgument {
    public static func parse(_ text: String) throws -> JSONValue {
        let t = text.trimmingCharacters(in: .whitespaces)
        if t == "undefined" || t == "null" { return .null }
        if t == "true" || t == "false" { return .bool(t == "true") }
        if t.hasPrefix("{") || t.hasPrefix("[") {
            do { return try JSONValue.parse(t) } catch {
                throw ExchangeFailure(.badRequest, message: "argument \(t.prefix(60)) starts like JSON but is not: \(error)")
            }
        }
        if let ms = iso8601(t) { return .number(Decimal(ms)) }
        if t.range(of: #"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)$"#, options: .regularExpression) != nil, let d = Precision.parse(t) {
            return .number(d)
        }
        return .string(text)
    }

    /// "2024-01-01T00:00:00Z" / "2024-01-01 00:00:00" / with milliseconds -> ms since the epoch (UTC).
    static func iso8601(_ s: String) -> Int64? {
        guard s.range(of: #"^[0-9]{4}-?[0-9]{2}-?[0-9]{2}[T ][0-9]{2}:?[0-9]{2}:?[0-9]{2}"#, options: .regularExpression) != nil else { return nil }
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        var text = s.replacingOccurrences(of: " ", with: "T")
        if !(text.hasSuffix("Z") || text.range(of: #"[+-][0-9]{2}:?[0-9]{2}$"#, options: .regularExpression) != nil) { text += "Z" }
        if let d = f.date(from: text) { return Int64((d.timeIntervalSince1970 * 1000).rounded()) }
        f.formatOptions = [.withInternetDateTime]
        return f.date(from: text).map { Int64(($0.timeIntervalSince1970 * 1000).rounded()) }
    }
}

/// Parses `--params` JSON into CCXT-style params (numbers exact); one-line error naming the problem.
public func parseParamsJSON(_ text: String?) throws -> Params {
    guard let text, !text.isEmpty else { return [:] }
    guard let v = try? JSONValue.parse(text), case .object(let pairs) = v else {
        throw ExchangeFailure(.badRequest, message: "--params must be a JSON object of strings, numbers, booleans or null, e.g. '{\"timeInForce\":\"GTC\"}'; got \(text)")
    }
    return Dictionary(pairs.map { ($0.0, ParamValue(json: $0.1)) }, uniquingKeysWith: { _, b in b })
}
