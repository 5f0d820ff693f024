import Foundation

/// A parse failure of `--grid`, naming the key and the token at fault.
public struct GridSpecError: Error, Equatable, CustomStringConvertible {
    public var key: String
    public var token: String
    public var reason: String
    public var description: String { "--grid \(key): '\(token)' \(reason)" }
}

/// The strategy settings a grid can vary.
public enum GridKey: String, CaseIterable, Sendable, Codable {
    case threshold = "THRESHOLD", stopLoss = "STOP_LOSS", leverage = "LEVERAGE"
}

/// `--grid` parsed: for each key, the values to try, in the order given.
///
/// Grammar: `KEY=VALUES[,KEY=VALUES…]` where VALUES is either a list `v1,v2,…` or a range `start:stop:step`
/// (inclusive of `stop` when it falls on a step). A comma-separated token containing `=` starts the next key, so
/// `THRESHOLD=0.01:0.05:0.01,STOP_LOSS=0.02,0.05,0.1,LEVERAGE=1,2` is three keys (5 × 3 × 2 = 30 points).
/// Keys: THRESHOLD (> 0), STOP_LOSS (> 0), LEVERAGE (integer 1…125). Each key at most once; at most 10 000 points.
public struct GridSpec: Sendable, Equatable {
    public var axes: [(key: GridKey, values: [Double])]

    public static func == (a: GridSpec, b: GridSpec) -> Bool {
        a.axes.map(\.key) == b.axes.map(\.key) && a.axes.map(\.values) == b.axes.map(\.values)
    }

    public static let maxPoints = 10_000

    public static func parse(_ text: String) throws -> GridSpec {
        var groups: [(String, [String])] = []
        for raw in text.split(separator: ",", omittingEmptySubsequences: false).map({ $0.trimmingCharacters(in: .whitespaces) }) {
            if let eq = raw.firstIndex(of: "=") {
                groups.append((raw[..<eq].trimmingCharacters(in: .whitespaces).uppercased(),
                               [raw[raw.index(after: eq)...].trimmingCharacters(in: .whitespaces)]))
            } else {
                guard !groups.isEmpty else { throw GridSpecError(key: "?", token: raw, reason: "comes before any KEY= (use KEY=VALUES)") }
                groups[groups.count - 1].1.append(raw)
            }
        }
        guard !groups.isEmpty else { throw GridSpecError(key: "?", token: text, reason: "is empty (use KEY=VALUES)") }
        var axes: [(key: GridKey, values: [Double])] = []
        for (name, tokens) in groups {
            guard let key = GridKey(rawValue: name) else {
                throw GridSpecError(key: name, token: name, reason: "is not a grid key (use \(GridKey.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            guard !axes.contains(where: { $0.key == key }) else { throw GridSpecError(key: name, token: name, reason: "is given twice") }
            var values: [Double] = []
            for token in tokens {
                values += try parseValues(token, key: key)
            }
            guard !values.isEmpty else { throw GridSpecError(key: name, token: "", reason: "has no values") }
            axes.append((key, values))
        }
        let spec = GridSpec(axes: axes)
        guard spec.count <= maxPoints else {
            throw GridSpecError(key: axes.map(\.key.rawValue).joined(separator: "×"), token: "\(spec.count) points", reason: "is more than \(maxPoints)")
        }
        return spec
    }

    static func number(_ s: String, key: GridKey, whole: String) throws -> Decimal {
        guard !s.isEmpty, s.allSatisfy({ $0.isNumber || $0 == "." || $0 == "-" }),
              let d = Decimal(string: s), d.isFinite else {
            throw GridSpecError(key: key.rawValue, token: whole, reason: "is not a number")
        }
        return d
    }

    static func parseValues(_ token: String, key: GridKey) throws -> [Double] {
        let parts = token.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        var decimals: [Decimal]
        switch parts.count {
        case 1:
            decimals = [try number(parts[0], key: key, whole: token)]
        case 3:
            let start = try number(parts[0], key: key, whole: token), stop = try number(parts[1], key: key, whole: token)
            let step = try number(parts[2], key: key, whole: token)
            guard step > 0 else { throw GridSpecError(key: key.rawValue, token: token, reason: "has a step that is not positive") }
            guard stop >= start else { throw GridSpecError(key: key.rawValue, token: token, reason: "has stop below start") }
            let n = NSDecimalNumber(decimal: (stop - start) / step).doubleValue
            guard n < Double(maxPoints) else { throw GridSpecError(key: key.rawValue, token: token, reason: "has more than \(maxPoints) values") }
            decimals = (0...Int(n.rounded(.down) + 1e-9)).map { start + Decimal($0) * step }.filter { $0 <= stop }
        default:
            throw GridSpecError(key: key.rawValue, token: token, reason: "is neither a value nor start:stop:step")
        }
        var out: [Double] = []
        for d in decimals {
            let v = NSDecimalNumber(decimal: d).doubleValue
            switch key {
            case .threshold, .stopLoss:
                guard v > 0 else { throw GridSpecError(key: key.rawValue, token: token, reason: "must be above 0") }
            case .leverage:
                guard v == v.rounded(), (1...125).contains(v) else {
                    throw GridSpecError(key: key.rawValue, token: token, reason: "must be a whole number from 1 to 125")
                }
            }
            out.append(v)
        }
        return out
    }

    /// Number of points (the product of the axes' sizes).
    public var count: Int { axes.reduce(1) { $0 * $1.values.count } }

    /// Every point, the last axis varying fastest (a fixed order: results are listed in it).
    public var points: [GridPoint] {
        var out: [GridPoint] = [GridPoint(values: [:])]
        for axis in axes {
            out = out.flatMap { p in axis.values.map { v in var q = p; q.values[axis.key] = v; return q } }
        }
        return out
    }
}

/// One combination of settings; keys absent keep the config's value.
public struct GridPoint: Sendable, Hashable {
    public var values: [GridKey: Double]

    public init(values: [GridKey: Double]) { self.values = values }

    /// "THRESHOLD=0.02 STOP_LOSS=0.05 LEVERAGE=2", in the keys' fixed order.
    public var label: String {
        GridKey.allCases.compactMap { k in values[k].map { "\(k.rawValue)=\(GridPoint.format($0, k))" } }.joined(separator: " ")
    }

    static func format(_ v: Double, _ key: GridKey) -> String {
        key == .leverage ? "\(Int(v))" : "\(NSDecimalNumber(decimal: Decimal(string: String(v)) ?? 0))"
    }
}
