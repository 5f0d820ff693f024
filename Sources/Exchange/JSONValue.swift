import Foundation

/// A JSON value with object keys kept in order: the raw exchange answer CCXT keeps in `info`, and the
/// unified structures as CCXT prints them (`null` where CCXT gives null, numbers as numbers).
/// Numbers are `Decimal`, so "0.00100000" from the wire prints as 0.001 and never as 0.0010000000000000002.
public indirect enum JSONValue: Sendable, Hashable, Codable, CustomStringConvertible {
    case null
    case bool(Bool)
    case number(Decimal)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case let (.bool(x), .bool(y)): return x == y
        case let (.number(x), .number(y)): return x == y
        case let (.string(x), .string(y)): return x == y
        case let (.array(x), .array(y)): return x == y
        case let (.object(x), .object(y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    public func hash(into h: inout Hasher) {
        switch self {
        case .null: h.combine(0)
        case .bool(let b): h.combine(b)
        case .number(let d): h.combine(d)
        case .string(let s): h.combine(s)
        case .array(let a): h.combine(a)
        case .object(let o): for (k, v) in o { h.combine(k); h.combine(v) }
        }
    }

    // MARK: building

    public static func num(_ d: Decimal?) -> JSONValue { d.map { .number($0) } ?? .null }
    public static func int(_ i: Int64?) -> JSONValue { i.map { .number(Decimal($0)) } ?? .null }
    public static func str(_ s: String?) -> JSONValue { s.map { .string($0) } ?? .null }
    public static func bool(_ b: Bool?) -> JSONValue { b.map { .bool($0) } ?? .null }

    /// ISO 8601 with milliseconds in UTC, as CCXT's `iso8601` ("2025-01-23T12:32:37.417Z"); null for nil.
    public static func datetime(_ ms: Int64?) -> JSONValue {
        guard let ms else { return .null }
        return .string(ISO8601.string(ms))
    }

    // MARK: reading

    public subscript(key: String) -> JSONValue? {
        if case .object(let o) = self { return o.first { $0.0 == key }?.1 }
        return nil
    }
    public var isNull: Bool { if case .null = self { return true }; return false }
    public var stringValue: String? {
        switch self {
        case .string(let s): return s
        case .number(let d): return Precision.format(d)
        case .bool(let b): return b ? "true" : "false"
        default: return nil
        }
    }
    public var arrayValue: [JSONValue]? { if case .array(let a) = self { return a }; return nil }
    public var objectValue: [(String, JSONValue)]? { if case .object(let o) = self { return o }; return nil }

    // MARK: converting

    /// From `JSONSerialization` output (Foundation objects). Object keys come out sorted, since Foundation
    /// dictionaries have no order; numbers keep their exact decimal text.
    public init(foundation any: Any?) {
        // Strings and collections first: asking a Swift value whether it `is NSNull` (a class) first bridges it to
        // an object, which for a Swift dictionary means an NSDictionary of the whole of it.
        switch any {
        case nil: self = .null
        case let s as String: self = .string(s)
        case let o as [String: Any]: self = .object(o.keys.sorted().map { ($0, JSONValue(foundation: o[$0])) })
        case let a as [Any]: self = .array(a.map { JSONValue(foundation: $0) })
        case is NSNull: self = .null
        case let n as NSNumber:
            if let boolean = JSONValue.booleanClass, ObjectIdentifier(type(of: n)) == boolean { self = .bool(n.boolValue) }
            else { self = .number(Precision.decimal(n.stringValue) ?? n.decimalValue) }
        case let b as Bool: self = .bool(b)
        case let other?: self = .string(String(describing: other))
        }
    }

    /// The NSNumber subclass JSONSerialization gives true and false (`__NSCFBoolean`, as `NSNumber(value: true)`),
    /// found once instead of asking the runtime for every number's type name. Nil if this Foundation gives
    /// booleans no class of their own. Compared as classes, not by name: `String(describing:)` of a class reflects
    /// on it, 4.9 % of a Lambda cold start's instructions.
    private static let booleanClass: ObjectIdentifier? = {
        let boolean = ObjectIdentifier(type(of: NSNumber(value: true)))
        return boolean == ObjectIdentifier(type(of: NSNumber(value: 1 as Int))) ? nil : boolean
    }()

    /// Parses JSON text keeping object key order and exact number text.
    public static func parse(_ text: String) throws -> JSONValue {
        var p = JSONTextParser(Array(text.utf8))
        let v = try p.value()
        p.skipSpace()
        guard p.atEnd else { throw JSONTextParser.Failure(offset: p.i, problem: "trailing characters") }
        return v
    }

    /// Compact JSON text (for `description`) or pretty with `indent` spaces per level.
    public func text(indent: Int? = nil) -> String {
        var out = ""
        write(&out, indent: indent, level: 0)
        return out
    }
    public var description: String { text() }

    private func write(_ out: inout String, indent: Int?, level: Int) {
        let nl = indent == nil ? "" : "\n"
        func pad(_ l: Int) -> String { indent.map { String(repeating: " ", count: $0 * l) } ?? "" }
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let d): out += Precision.format(d)
        case .string(let s): out += JSONValue.quote(s)
        case .array(let a):
            if a.isEmpty { out += "[]"; return }
            out += "[" + nl
            for (i, v) in a.enumerated() {
                out += pad(level + 1); v.write(&out, indent: indent, level: level + 1)
                out += (i < a.count - 1 ? "," : "") + nl
            }
            out += pad(level) + "]"
        case .object(let o):
            if o.isEmpty { out += "{}"; return }
            out += "{" + nl
            for (i, (k, v)) in o.enumerated() {
                out += pad(level + 1) + JSONValue.quote(k) + (indent == nil ? ":" : ": ")
                v.write(&out, indent: indent, level: level + 1)
                out += (i < o.count - 1 ? "," : "") + nl
            }
            out += pad(level) + "}"
        }
    }

    public static func quote(_ s: String) -> String {
        var r = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": r += "\\\""
            case "\\": r += "\\\\"
            case "\n": r += "\\n"
            case "\r": r += "\\r"
            case "\t": r += "\\t"
            case let c where c.value < 0x20: r += String(format: "\\u%04x", c.value)
            default: r.unicodeScalars.append(u)
            }
        }
        return r + "\""
    }

    // MARK: Codable (order-preserving through our own text form)

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let d = try? c.decode(Decimal.self) { self = .number(d) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else {
            let o = try c.decode([String: JSONValue].self)
            self = .object(o.keys.sorted().map { ($0, o[$0] ?? .null) })
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .number(let d): try c.encode(d)
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(Dictionary(o, uniquingKeysWith: { a, _ in a }))
        }
    }
}

/// CCXT's `iso8601(ms)`.
public enum ISO8601 {
    public static func string(_ ms: Int64) -> String {
        let secs = ms >= 0 ? ms / 1000 : (ms - 999) / 1000
        let millis = ms - secs * 1000
        let date = Date(timeIntervalSince1970: TimeInterval(secs))
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "UTC") ?? cal.timeZone
        let c = cal.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", c.year ?? 1970, c.month ?? 1, c.day ?? 1,
                      c.hour ?? 0, c.minute ?? 0, c.second ?? 0, Int(millis))
    }
}

/// A small JSON reader that keeps key order and number text (Foundation's loses both).
struct JSONTextParser {
    struct Failure: Error, CustomStringConvertible {
        let offset: Int
        let problem: String
        var description: String { "JSON at byte \(offset): \(problem)" }
    }
    let b: [UInt8]
    var i = 0
    init(_ bytes: [UInt8]) { b = bytes }
    var atEnd: Bool { i >= b.count }

    mutating func skipSpace() { while i < b.count, [0x20, 0x09, 0x0a, 0x0d].contains(b[i]) { i += 1 } }

    mutating func value() throws -> JSONValue {
        skipSpace()
        guard i < b.count else { throw Failure(offset: i, problem: "unexpected end") }
        switch b[i] {
        case UInt8(ascii: "{"):
            i += 1
            var o: [(String, JSONValue)] = []
            skipSpace()
            if i < b.count, b[i] == UInt8(ascii: "}") { i += 1; return .object(o) }
            while true {
                skipSpace()
                guard case .string(let k) = try value() else { throw Failure(offset: i, problem: "object key must be a string") }
                skipSpace()
                guard i < b.count, b[i] == UInt8(ascii: ":") else { throw Failure(offset: i, problem: "expected ':'") }
                i += 1
                o.append((k, try value()))
                skipSpace()
                guard i < b.count else { throw Failure(offset: i, problem: "unexpected end in object") }
                if b[i] == UInt8(ascii: ",") { i += 1; continue }
                if b[i] == UInt8(ascii: "}") { i += 1; return .object(o) }
                throw Failure(offset: i, problem: "expected ',' or '}'")
            }
        case UInt8(ascii: "["):
            i += 1
            var a: [JSONValue] = []
            skipSpace()
            if i < b.count, b[i] == UInt8(ascii: "]") { i += 1; return .array(a) }
            while true {
                a.append(try value())
                skipSpace()
                guard i < b.count else { throw Failure(offset: i, problem: "unexpected end in array") }
                if b[i] == UInt8(ascii: ",") { i += 1; continue }
                if b[i] == UInt8(ascii: "]") { i += 1; return .array(a) }
                throw Failure(offset: i, problem: "expected ',' or ']'")
            }
        case UInt8(ascii: "\""):
            return .string(try string())
        case UInt8(ascii: "t"): return try literal("true", .bool(true))
        case UInt8(ascii: "f"): return try literal("false", .bool(false))
        case UInt8(ascii: "n"): return try literal("null", .null)
        default:
            let start = i
            while i < b.count, "+-0123456789.eE".utf8.contains(b[i]) { i += 1 }
            let text = String(decoding: b[start..<i], as: UTF8.self)
            guard !text.isEmpty, let d = Precision.decimal(text) else {
                throw Failure(offset: start, problem: "unexpected character")
            }
            return .number(d)
        }
    }

    mutating func literal(_ word: String, _ v: JSONValue) throws -> JSONValue {
        let w = Array(word.utf8)
        guard i + w.count <= b.count, Array(b[i..<(i + w.count)]) == w else { throw Failure(offset: i, problem: "expected \(word)") }
        i += w.count
        return v
    }

    mutating func string() throws -> String {
        i += 1
        var bytes: [UInt8] = []
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "\"") { i += 1; return String(decoding: bytes, as: UTF8.self) }
            if c == UInt8(ascii: "\\") {
                i += 1
                guard i < b.count else { break }
                let e = b[i]
                switch e {
                case UInt8(ascii: "n"): bytes.append(0x0a)
                case UInt8(ascii: "t"): bytes.append(0x09)
                case UInt8(ascii: "r"): bytes.append(0x0d)
                case UInt8(ascii: "b"): bytes.append(0x08)
                case UInt8(ascii: "f"): bytes.append(0x0c)
                case UInt8(ascii: "u"):
                    guard i + 4 < b.count, let code = UInt32(String(decoding: b[(i + 1)...(i + 4)], as: UTF8.self), radix: 16) else {
                        throw Failure(offset: i, problem: "bad \\u escape")
                    }
                    i += 4
                    var scalar = code
                    if (0xD800..<0xDC00).contains(code), i + 6 < b.count, b[i + 1] == UInt8(ascii: "\\"), b[i + 2] == UInt8(ascii: "u"),
                       let low = UInt32(String(decoding: b[(i + 3)...(i + 6)], as: UTF8.self), radix: 16) {
                        scalar = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                        i += 6
                    }
                    bytes.append(contentsOf: Array(String(Character(Unicode.Scalar(scalar) ?? "?")).utf8))
                default: bytes.append(e)
                }
                i += 1
                continue
            }
            bytes.append(c)
            i += 1
        }
        throw Failure(offset: i, problem: "unterminated string")
    }
}
