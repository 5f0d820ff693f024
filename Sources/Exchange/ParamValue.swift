import Foundation

/// A value in CCXT-style `params` (`["reduceOnly": true, "stopPrice": 59000, "timeInForce": "GTC"]`).
/// Numbers are `Decimal` so prices pass through exactly.
public enum ParamValue: Sendable, Hashable, Codable, CustomStringConvertible,
                        ExpressibleByStringLiteral, ExpressibleByBooleanLiteral,
                        ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByNilLiteral {
    case string(String)
    case number(Decimal)
    case bool(Bool)
    case null

    public init(stringLiteral value: String) { self = .string(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .number(Decimal(value)) }
    /// Float literals go through their shortest decimal text, so `0.1` is exactly 0.1.
    public init(floatLiteral value: Double) { self = .number(Decimal(string: "\(value)") ?? Decimal(value)) }
    public init(nilLiteral: ()) { self = .null }

    /// The text sent on the wire: numbers without exponent or float artefacts, bools as `true`/`false`.
    public var description: String {
        switch self {
        case .string(let s): return s
        case .number(let d): return Precision.format(d)
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        }
    }

    public var stringValue: String? { if case .null = self { return nil }; return description }

    public var decimalValue: Decimal? {
        switch self {
        case .number(let d): return d
        case .string(let s): return Decimal(string: s, locale: Locale(identifier: "en_US_POSIX"))
        default: return nil
        }
    }

    public var boolValue: Bool? {
        switch self {
        case .bool(let b): return b
        case .string(let s): return s == "true" ? true : (s == "false" ? false : nil)
        default: return nil
        }
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let d = try? c.decode(Decimal.self) { self = .number(d) }
        else { self = .string(try c.decode(String.self)) }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .string(let s): try c.encode(s)
        case .number(let d): try c.encode(d)
        case .bool(let b): try c.encode(b)
        case .null: try c.encodeNil()
        }
    }
}

/// CCXT's `params` argument: exchange-specific extras passed through to the request.
public typealias Params = [String: ParamValue]
