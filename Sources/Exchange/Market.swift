import Foundation

/// Spot, perpetual swap or dated future, as CCXT's `market['type']`.
public enum MarketType: String, Sendable, Codable { case spot, swap, future, option }

/// A min/max pair (nil = no limit), as CCXT's `limits.amount` etc.
public struct MinMax: Sendable, Hashable, Codable {
    public var min: Decimal?
    public var max: Decimal?
    public init(min: Decimal? = nil, max: Decimal? = nil) { self.min = min; self.max = max }
}

/// One tradable instrument with the exchange's filters, keyed by unified symbol in `loadMarkets`.
public struct Market: Sendable, Hashable, Codable {
    /// Step sizes (CCXT TICK_SIZE precision mode): amounts are multiples of `amount`, prices of `price`.
    public struct PrecisionSteps: Sendable, Hashable, Codable {
        public var amount: Decimal
        public var price: Decimal
        public init(amount: Decimal, price: Decimal) { self.amount = amount; self.price = price }
    }
    public struct Limits: Sendable, Hashable, Codable {
        /// LOT_SIZE min/max quantity (limit orders).
        public var amount: MinMax
        /// MARKET_LOT_SIZE min/max quantity (market orders); falls back to `amount` when absent.
        public var market: MinMax
        public var price: MinMax
        /// Notional (price × amount) bounds, e.g. MIN_NOTIONAL.
        public var cost: MinMax
        public var leverage: MinMax
        public init(amount: MinMax = .init(), market: MinMax = .init(), price: MinMax = .init(),
                    cost: MinMax = .init(), leverage: MinMax = .init()) {
            self.amount = amount; self.market = market; self.price = price; self.cost = cost; self.leverage = leverage
        }
    }

    /// Exchange id, e.g. "BTCUSDT".
    public var id: String
    /// Unified symbol, e.g. "BTC/USDT:USDT".
    public var symbol: String
    public var base: String
    public var quote: String
    public var settle: String?
    public var type: MarketType
    public var contract: Bool
    public var linear: Bool?
    public var inverse: Bool?
    public var contractSize: Decimal?
    public var active: Bool
    public var precision: PrecisionSteps
    public var limits: Limits
    public var taker: Decimal?
    public var maker: Decimal?

    public init(id: String, symbol: String, base: String, quote: String, settle: String?, type: MarketType,
                contract: Bool, linear: Bool?, inverse: Bool?, contractSize: Decimal?, active: Bool,
                precision: PrecisionSteps, limits: Limits, taker: Decimal? = nil, maker: Decimal? = nil) {
        self.id = id; self.symbol = symbol; self.base = base; self.quote = quote; self.settle = settle
        self.type = type; self.contract = contract; self.linear = linear; self.inverse = inverse
        self.contractSize = contractSize; self.active = active; self.precision = precision; self.limits = limits
        self.taker = taker; self.maker = maker
    }

    /// Amount truncated to the lot step (CCXT TRUNCATE): never more than asked.
    public func amountToPrecision(_ amount: Decimal) -> Decimal {
        Precision.toStep(amount, step: precision.amount, rounding: .truncate)
    }
    /// Price on the tick grid with an explicit rounding direction (default: nearest, as CCXT ROUND).
    public func priceToPrecision(_ price: Decimal, rounding: Precision.Rounding = .round) -> Decimal {
        Precision.toStep(price, step: precision.price, rounding: rounding)
    }
    /// Wire text of the truncated amount, e.g. "0.3".
    public func amountToPrecisionString(_ amount: Decimal) -> String { Precision.format(amountToPrecision(amount)) }
    /// Wire text of the rounded price, e.g. "60000.1".
    public func priceToPrecisionString(_ price: Decimal, rounding: Precision.Rounding = .round) -> String {
        Precision.format(priceToPrecision(price, rounding: rounding))
    }
}
