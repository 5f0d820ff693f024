import Foundation

/// CCXT's order book: price levels best first (`bids` descending, `asks` ascending), `nonce` the
/// exchange's update id.
public struct OrderBook: Sendable, Hashable, Codable {
    public struct Level: Sendable, Hashable, Codable {
        public var price: Decimal
        public var amount: Decimal
        public init(price: Decimal, amount: Decimal) { self.price = price; self.amount = amount }
    }
    public var symbol: String
    public var bids: [Level]
    public var asks: [Level]
    public var timestamp: Int64?
    public var nonce: Int64?
    public init(symbol: String, bids: [Level], asks: [Level], timestamp: Int64? = nil, nonce: Int64? = nil) {
        self.symbol = symbol; self.bids = bids; self.asks = asks; self.timestamp = timestamp; self.nonce = nonce
    }
}
