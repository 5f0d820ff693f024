import Foundation

/// One fill, as CCXT's unified trade structure (`fetchMyTrades`).
public struct Trade: Sendable, Hashable, Codable {
    public var id: String
    public var order: String?
    public var timestamp: Int64
    public var symbol: String
    public var side: OrderSide
    public var takerOrMaker: String?
    public var price: Decimal
    public var amount: Decimal
    public var cost: Decimal
    public var fee: Fee?
    /// Realized PnL reported by futures exchanges for closing fills.
    public var realizedPnl: Decimal?
    /// The exchange's raw trade object, as CCXT's `info`.
    public var info: JSONValue?

    public init(id: String, order: String?, timestamp: Int64, symbol: String, side: OrderSide,
                takerOrMaker: String? = nil, price: Decimal, amount: Decimal, cost: Decimal? = nil,
                fee: Fee? = nil, realizedPnl: Decimal? = nil, info: JSONValue? = nil) {
        self.id = id; self.order = order; self.timestamp = timestamp; self.symbol = symbol; self.side = side
        self.takerOrMaker = takerOrMaker; self.price = price; self.amount = amount
        self.cost = cost ?? price * amount; self.fee = fee; self.realizedPnl = realizedPnl
        self.info = info
    }
}
