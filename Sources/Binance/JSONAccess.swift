import Foundation
import Exchange

/// Read-only helpers over `JSONSerialization` output; Binance sends most numbers as strings, which
/// are parsed straight into `Decimal` (never through Double).
enum JSON {
    static func parse(_ data: Data, method: String) throws -> Any {
        do { return try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) }
        catch {
            let text = String(decoding: data.prefix(200), as: UTF8.self).replacingOccurrences(of: "\n", with: " ")
            // A 2xx we cannot read says nothing about what the exchange did (ccxt: BadResponse, not an
            // ExchangeError): NetworkError family, so an order is looked up rather than assumed refused.
            throw ExchangeFailure(.exchangeNotAvailable, exchange: BinanceUSDM.exchangeId,
                                  message: "response is not JSON: \(text)", method: method)
        }
    }

    static func object(_ any: Any, method: String) throws -> [String: Any] {
        guard let o = any as? [String: Any] else { throw shape("object", method) }
        return o
    }
    static func array(_ any: Any, method: String) throws -> [Any] {
        guard let a = any as? [Any] else { throw shape("array", method) }
        return a
    }
    static func shape(_ what: String, _ method: String) -> ExchangeFailure {
        ExchangeFailure(.exchangeError, exchange: BinanceUSDM.exchangeId,
                        message: "unexpected response shape (expected a JSON \(what))", method: method)
    }

    static func string(_ o: [String: Any], _ key: String) -> String? {
        switch o[key] {
        case let s as String: return s
        case let n as NSNumber: return numberText(n)
        default: return nil
        }
    }
    static func decimal(_ o: [String: Any], _ key: String) -> Decimal? { string(o, key).flatMap(Precision.parse) }
    static func decimalValue(_ any: Any) -> Decimal? {
        switch any {
        case let s as String: return Precision.parse(s)
        case let n as NSNumber: return Precision.parse(numberText(n))
        default: return nil
        }
    }
    static func int64(_ o: [String: Any], _ key: String) -> Int64? {
        switch o[key] {
        case let n as NSNumber: return n.int64Value
        case let s as String: return Int64(s)
        default: return nil
        }
    }
    static func bool(_ o: [String: Any], _ key: String) -> Bool? {
        switch o[key] {
        case let b as Bool: return b
        case let s as String: return s.lowercased() == "true" ? true : (s.lowercased() == "false" ? false : nil)
        default: return nil
        }
    }
    static func double(_ any: Any?) -> Double? {
        switch any {
        case let s as String: return Double(s)
        case let n as NSNumber: return n.doubleValue
        default: return nil
        }
    }
    static func numberText(_ n: NSNumber) -> String { n.stringValue }
}
