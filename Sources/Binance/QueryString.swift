import Foundation
import HTTPClient

/// Ordered request parameters, percent-encoded the way Binance verifies them (RFC 3986 unreserved kept).
public struct QueryString: Sendable, Equatable {
    public var items: [(String, String)]

    public init(_ items: [(String, String)] = []) { self.items = items }

    public static func == (a: QueryString, b: QueryString) -> Bool { a.encoded == b.encoded }

    public mutating func append(_ name: String, _ value: String?) {
        guard let value else { return }
        items.append((name, value))
    }
    public mutating func set(_ name: String, _ value: String?) {
        items.removeAll { $0.0 == name }
        append(name, value)
    }
    public subscript(name: String) -> String? { items.first { $0.0 == name }?.1 }
    public var isEmpty: Bool { items.isEmpty }

    /// "a=1&b=x%3Ay" in insertion order.
    public var encoded: String {
        items.map { "\(Self.escape($0.0))=\(Self.escape($0.1))" }.joined(separator: "&")
    }

    /// RFC 3986 unreserved characters stay, everything else is %XX (what ccxt's urlencode sends for Binance).
    static func escape(_ s: String) -> String { PercentEncoding.encode(s) }
}
