import Foundation
import Exchange

/// One command-line argument read "as JSON where it parses, else as a string" (numbers stay exact text).
public enum CLIValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Decimal, text: String)
    case string(String)
    case array([CLIValue])
    case object([String: ParamValue])

    public init(parsing text: String) {
        let t = text.trimmingCharacters(in: .whitespaces)
        if t == "null" { self = .null; return }
        if t == "true" || t == "false" { self = .bool(t == "true"); return }
        if let d = Precision.parse(t), t.first.map({ $0.isNumber || $0 == "-" || $0 == "." }) == true {
            self = .number(d, text: t); return
        }
        if t.hasPrefix("["), let data = t.data(using: .utf8),
           let items = try? JSONDecoder().decode([ParamValue].self, from: data) {
            self = .array(items.map { CLIValue(param: $0) }); return
        }
        if t.hasPrefix("{"), let data = t.data(using: .utf8),
           let obj = try? JSONDecoder().decode([String: ParamValue].self, from: data) {
            self = .object(obj); return
        }
        self = .string(text)
    }

    init(param: ParamValue) {
        switch param {
        case .null: self = .null
        case .bool(let b): self = .bool(b)
        case .number(let d): self = .number(d, text: Precision.format(d))
        case .string(let s): self = .string(s)
        }
    }

    var stringValue: String? {
        switch self {
        case .string(let s): return s
        case .number(_, let text): return text
        case .bool(let b): return b ? "true" : "false"
        default: return nil
        }
    }
    var decimalValue: Decimal? {
        switch self {
        case .number(let d, _): return d
        case .string(let s): return Precision.parse(s)
        default: return nil
        }
    }
    var isNull: Bool { self == .null }
}

/// Parses `--params` JSON into CCXT-style params; one-line error naming the problem.
public func parseParamsJSON(_ text: String?) throws -> Params {
    guard let text, !text.isEmpty else { return [:] }
    guard let data = text.data(using: .utf8),
          let params = try? JSONDecoder().decode([String: ParamValue].self, from: data) else {
        throw ExchangeFailure(.badRequest, message: "--params must be a JSON object of strings, numbers, booleans or null, e.g. '{\"timeInForce\":\"GTC\"}'; got \(text)")
    }
    return params
}
