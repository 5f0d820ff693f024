import Foundation

/// A value in CCXT-style `params` (`["reduceOnly": true, "stopPrice": 59000, "timeInForce": "GTC"]`).
/// Numbers are `Decimal` so prices pass through exactly. Lists (`clientOrderIds`) and objects are kept too.
public enum ParamValue: Sendable, Hashable, Codable, CustomStringConvertible,
                        ExpressibleByStringLiteral, ExpressibleByBooleanLiteral,
                        ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByNilLiteral {
    case string(String)
    case number(Decimal)
    case bool(Bool)
    case null
    case array([ParamValue])
    case object([String: ParamValue])

    public init(stringLiteral value: String) { self = .string(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .number(Decimal(value)) }
    /// Float literals go through their shortest decimal text, so `0.1` is exactly 0.1.
    public init(floatLiteral value: Double) { self = .number(ExactDecimal.from(value)) }
    public init(nilLiteral: ()) { self = .null }

    /// The text sent on the wire: numbers without exponent or float artefacts, bools as `true`/`false`,
    /// lists and objects as compact JSON (Binance's `origClientOrderIdList=["a","b"]`).
    public var description: String {
        switch self {
        case .string(let s): return s
        case .number(let d): return Precision.format(d)
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        case .array, .object: return json.text()
        }
    }

    /// The same value as JSON (strings quoted).
    public var json: JSONValue {
        switch self {
        case .string(let s): return .string(s)
        case .number(let d): return .number(d)
        case .bool(let b): return .bool(b)
        case .null: return .null
        case .array(let a): return .array(a.map(\.json))
        case .object(let o): return .object(o.keys.sorted().map { ($0, o[$0]?.json ?? .null) })
        }
    }

    public init(json: JSONValue) {
        switch json {
        case .null: self = .null
        case .bool(let b): self = .bool(b)
        case .number(let d): self = .number(d)
        case .string(let s): self = .string(s)
        case .array(let a): self = .array(a.map(ParamValue.init(json:)))
        case .object(let o): self = .object(Dictionary(o.map { ($0.0, ParamValue(json: $0.1)) }, uniquingKeysWith: { _, b in b }))
        }
    }

    public var stringValue: String? { if case .null = self { return nil }; return description }

    public var decimalValue: Decimal? {
        switch self {
        case .number(let d): return d
        case .string(let s): return Precision.decimal(s)
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

    public var arrayValue: [ParamValue]? { if case .array(let a) = self { return a }; return nil }
    public var objectValue: [String: ParamValue]? { if case .object(let o) = self { return o }; return nil }

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let d = try? c.decode(Decimal.self) { self = .number(d) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([ParamValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: ParamValue].self)) }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .string(let s): try c.encode(s)
        case .number(let d): try c.encode(d)
        case .bool(let b): try c.encode(b)
        case .null: try c.encodeNil()
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }
}

/// CCXT's `params` argument: exchange-specific extras passed through to the request.
public typealias Params = [String: ParamValue]
