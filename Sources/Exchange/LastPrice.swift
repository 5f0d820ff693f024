import Foundation

/// The last traded price of a symbol, as CCXT's `fetchLastPrices` result (no 24-hour statistics).
public struct LastPrice: Sendable, Hashable, Codable {
    public var symbol: String
    public var timestamp: Int64?
    public var price: Decimal
    /// The exchange's raw object, as CCXT's `info`.
    public var info: JSONValue?

    public init(symbol: String, timestamp: Int64? = nil, price: Decimal, info: JSONValue? = nil) {
        self.symbol = symbol; self.timestamp = timestamp; self.price = price; self.info = info
    }
}
