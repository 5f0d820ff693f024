import Foundation

/// Order types by CCXT's lower-case names (Binance's `STOP_MARKET` is `.stopMarket` = "stop_market").
public enum OrderType: String, Sendable, Codable, CaseIterable {
    case market, limit
    case stop
    case stopMarket = "stop_market"
    case takeProfit = "take_profit"
    case takeProfitMarket = "take_profit_market"
    case trailingStopMarket = "trailing_stop_market"

    /// Accepts CCXT or exchange spelling ("limit", "STOP_MARKET"); nil otherwise.
    public init?(name: String) { self.init(rawValue: name.lowercased()) }
    /// Conditional orders wait for a trigger price (Binance sends these to the algo-order API).
    public var isConditional: Bool { !(self == .market || self == .limit) }
    /// CCXT's unified type for contracts (`parseOrderTypeByMarket`): a STOP is a "limit" order with a
    /// trigger price, a STOP_MARKET / TAKE_PROFIT_MARKET / TRAILING_STOP_MARKET a "market" one.
    public var unifiedName: String {
        switch self {
        case .market, .stopMarket, .takeProfitMarket, .trailingStopMarket: return "market"
        case .limit, .stop, .takeProfit: return "limit"
        }
    }
}

public enum OrderSide: String, Sendable, Codable, CaseIterable {
    case buy, sell
    public var opposite: OrderSide { self == .buy ? .sell : .buy }
}

/// CCXT order statuses.
public enum OrderStatus: String, Sendable, Codable, CaseIterable {
    case open, closed, canceled, expired, rejected
}

/// A fee charged on an order or trade.
public struct Fee: Sendable, Hashable, Codable {
    public var cost: Decimal
    public var currency: String?
    public var rate: Decimal?
    public init(cost: Decimal, currency: String?, rate: Decimal? = nil) {
        self.cost = cost; self.currency = currency; self.rate = rate
    }
}

/// An order as CCXT's unified order structure.
public struct Order: Sendable, Hashable, Codable {
    public var id: String
    public var clientOrderId: String?
    public var timestamp: Int64?
    public var lastTradeTimestamp: Int64?
    public var symbol: String
    public var type: OrderType
    public var side: OrderSide
    public var timeInForce: String?
    public var amount: Decimal
    public var price: Decimal?
    public var average: Decimal?
    public var filled: Decimal
    public var remaining: Decimal
    public var cost: Decimal?
    public var status: OrderStatus
    public var reduceOnly: Bool
    public var postOnly: Bool?
    /// Trigger price of conditional orders (CCXT keeps both names; they are equal).
    public var triggerPrice: Decimal?
    public var stopPrice: Decimal? { get { triggerPrice } set { triggerPrice = newValue } }
    public var fee: Fee?
    public var trades: [Trade]
    /// Last change of the order on the exchange (ms).
    public var lastUpdateTimestamp: Int64?
    /// Set for take-profit types (CCXT: the trigger price of TAKE_PROFIT / TAKE_PROFIT_MARKET orders).
    public var takeProfitPrice: Decimal?
    public var stopLossPrice: Decimal?
    /// The exchange's raw order object, as CCXT's `info`.
    public var info: JSONValue?

    public init(id: String, clientOrderId: String? = nil, timestamp: Int64? = nil, lastTradeTimestamp: Int64? = nil,
                symbol: String, type: OrderType, side: OrderSide, timeInForce: String? = nil, amount: Decimal,
                price: Decimal? = nil, average: Decimal? = nil, filled: Decimal = 0, remaining: Decimal? = nil,
                cost: Decimal? = nil, status: OrderStatus, reduceOnly: Bool = false, postOnly: Bool? = nil,
                triggerPrice: Decimal? = nil, fee: Fee? = nil, trades: [Trade] = [],
                lastUpdateTimestamp: Int64? = nil, takeProfitPrice: Decimal? = nil, stopLossPrice: Decimal? = nil,
                info: JSONValue? = nil) {
        self.id = id; self.clientOrderId = clientOrderId; self.timestamp = timestamp
        self.lastTradeTimestamp = lastTradeTimestamp; self.symbol = symbol; self.type = type; self.side = side
        self.timeInForce = timeInForce; self.amount = amount; self.price = price; self.average = average
        self.filled = filled; self.remaining = remaining ?? (amount - filled); self.cost = cost
        self.status = status; self.reduceOnly = reduceOnly; self.postOnly = postOnly
        self.triggerPrice = triggerPrice; self.fee = fee; self.trades = trades
        self.lastUpdateTimestamp = lastUpdateTimestamp; self.takeProfitPrice = takeProfitPrice
        self.stopLossPrice = stopLossPrice; self.info = info
    }
}
