import Foundation

/// CCXT's funding-rate structure (`fetchFundingRate`): the current premium index of a perpetual.
public struct FundingRate: Sendable, Hashable, Codable {
    public var symbol: String
    public var markPrice: Decimal?
    public var indexPrice: Decimal?
    public var interestRate: Decimal?
    public var estimatedSettlePrice: Decimal?
    public var timestamp: Int64?
    public var fundingRate: Decimal?
    public var fundingTimestamp: Int64?
    public var nextFundingTimestamp: Int64?
    /// e.g. "8h" when known.
    public var interval: String?
    public var info: JSONValue?
    public init(symbol: String, markPrice: Decimal? = nil, indexPrice: Decimal? = nil, interestRate: Decimal? = nil,
                estimatedSettlePrice: Decimal? = nil, timestamp: Int64? = nil, fundingRate: Decimal? = nil,
                fundingTimestamp: Int64? = nil, nextFundingTimestamp: Int64? = nil, interval: String? = nil,
                info: JSONValue? = nil) {
        self.symbol = symbol; self.markPrice = markPrice; self.indexPrice = indexPrice; self.interestRate = interestRate
        self.estimatedSettlePrice = estimatedSettlePrice; self.timestamp = timestamp; self.fundingRate = fundingRate
        self.fundingTimestamp = fundingTimestamp; self.nextFundingTimestamp = nextFundingTimestamp
        self.interval = interval; self.info = info
    }
}

/// One past funding rate (`fetchFundingRateHistory`).
public struct FundingRateHistoryEntry: Sendable, Hashable, Codable {
    public var symbol: String
    public var fundingRate: Decimal?
    public var timestamp: Int64?
    public var info: JSONValue?
    public init(symbol: String, fundingRate: Decimal?, timestamp: Int64?, info: JSONValue? = nil) {
        self.symbol = symbol; self.fundingRate = fundingRate; self.timestamp = timestamp; self.info = info
    }
}

/// One funding payment of the account (`fetchFundingHistory`): negative `amount` was paid.
public struct FundingPayment: Sendable, Hashable, Codable {
    public var id: String?
    public var symbol: String?
    public var code: String?
    public var timestamp: Int64?
    public var amount: Decimal?
    public var info: JSONValue?
    public init(id: String?, symbol: String?, code: String?, timestamp: Int64?, amount: Decimal?, info: JSONValue? = nil) {
        self.id = id; self.symbol = symbol; self.code = code; self.timestamp = timestamp; self.amount = amount; self.info = info
    }
}

/// One notional bracket of a market (`fetchLeverageTiers`).
public struct LeverageTier: Sendable, Hashable, Codable {
    public var tier: Int?
    public var symbol: String
    public var currency: String?
    public var minNotional: Decimal?
    public var maxNotional: Decimal?
    public var maintenanceMarginRate: Decimal?
    public var maxLeverage: Decimal?
    public var info: JSONValue?
    public init(tier: Int?, symbol: String, currency: String?, minNotional: Decimal?, maxNotional: Decimal?,
                maintenanceMarginRate: Decimal?, maxLeverage: Decimal?, info: JSONValue? = nil) {
        self.tier = tier; self.symbol = symbol; self.currency = currency; self.minNotional = minNotional
        self.maxNotional = maxNotional; self.maintenanceMarginRate = maintenanceMarginRate
        self.maxLeverage = maxLeverage; self.info = info
    }
}

/// `fetchPositionMode`: hedged = both a long and a short position per symbol (Binance "dual side").
public struct PositionModeInfo: Sendable, Hashable, Codable {
    public var hedged: Bool
    public var info: JSONValue?
    public init(hedged: Bool, info: JSONValue? = nil) { self.hedged = hedged; self.info = info }
}

/// `fetchStatus`: "ok" or "maintenance".
public struct ExchangeStatus: Sendable, Hashable, Codable {
    public var status: String
    public var updated: Int64?
    public var eta: Int64?
    public var url: String?
    public var info: JSONValue?
    public init(status: String, updated: Int64? = nil, eta: Int64? = nil, url: String? = nil, info: JSONValue? = nil) {
        self.status = status; self.updated = updated; self.eta = eta; self.url = url; self.info = info
    }
}

/// One order of `createOrders`, CCXT's `OrderRequest` ({symbol, type, side, amount, price, params}).
public struct CreateOrderRequest: Sendable, Hashable, Codable {
    public var symbol: String
    public var type: OrderType
    public var side: OrderSide
    public var amount: Decimal
    public var price: Decimal?
    public var params: Params
    public init(symbol: String, type: OrderType, side: OrderSide, amount: Decimal, price: Decimal? = nil, params: Params = [:]) {
        self.symbol = symbol; self.type = type; self.side = side; self.amount = amount; self.price = price; self.params = params
    }
}
