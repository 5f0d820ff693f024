import Foundation

/// CCXT's `has` map: unified method name -> supported.
public typealias Capabilities = [String: Bool]

/// The unified exchange API (CCXT names and shapes). Live Binance, the backtester's simulated exchange and
/// dry-run all implement it, so the trading engine runs the same code against each.
///
/// Symbols are unified (`BTC/USDT:USDT`); amounts are in contracts (base units for linear swaps);
/// failures are `ExchangeFailure`.
public protocol Exchange: Sendable {
    /// CCXT exchange id, e.g. "binanceusdm".
    var id: String { get }
    /// Which unified methods work, e.g. `has["createOrder"] == true`.
    var has: Capabilities { get }

    /// Markets keyed by unified symbol, cached after the first call unless `reload`.
    func loadMarkets(reload: Bool) async throws -> [String: Market]
    /// Markets straight from the exchange (no cache).
    func fetchMarkets() async throws -> [Market]
    /// Exchange time in ms since the epoch.
    func fetchTime() async throws -> Int64
    /// Candles from `since` (ms, inclusive) onward, oldest first; paginates past the exchange's per-request cap.
    /// `limit` nil means the exchange's default for one request.
    func fetchOHLCV(symbol: String, timeframe: Timeframe, since: Int64?, limit: Int?) async throws -> [Candle]
    func fetchTicker(symbol: String) async throws -> Ticker
    func fetchBalance() async throws -> Balance
    /// Open positions (non-zero), optionally only for `symbols`.
    func fetchPositions(symbols: [String]?) async throws -> [Position]
    /// Places an order. `amount` is truncated to the market step, `price` rounded to the tick.
    /// Params: `clientOrderId`, `reduceOnly`, `timeInForce`, `stopPrice`/`triggerPrice`, `workingType`, ...
    func createOrder(symbol: String, type: OrderType, side: OrderSide, amount: Decimal, price: Decimal?,
                     params: Params) async throws -> Order
    /// Looks an order up by exchange id, or by `params["clientOrderId"]` when `id` is nil.
    func fetchOrder(id: String?, symbol: String, params: Params) async throws -> Order
    func fetchOpenOrders(symbol: String?, params: Params) async throws -> [Order]
    /// Cancels by exchange id, or by `params["clientOrderId"]` when `id` is nil.
    func cancelOrder(id: String?, symbol: String, params: Params) async throws -> Order
    func cancelAllOrders(symbol: String, params: Params) async throws -> [Order]
    func fetchMyTrades(symbol: String, since: Int64?, limit: Int?, params: Params) async throws -> [Trade]
    func setLeverage(_ leverage: Int, symbol: String) async throws
    func setMarginMode(_ mode: MarginMode, symbol: String) async throws

    // CCXT methods with `params` and the ones a futures bot reaches for beyond the core above. Each has a
    // default (Exchange+Defaults.swift): the core method when `params` is empty, otherwise NotSupported naming
    // the parameter, so an implementation only overrides what it really supports.
    func fetchOHLCV(symbol: String, timeframe: Timeframe, since: Int64?, limit: Int?, params: Params) async throws -> [Candle]
    func fetchTicker(symbol: String, params: Params) async throws -> Ticker
    func fetchTickers(symbols: [String]?, params: Params) async throws -> [String: Ticker]
    func fetchLastPrices(symbols: [String]?, params: Params) async throws -> [String: LastPrice]
    func fetchOrderBook(symbol: String, limit: Int?, params: Params) async throws -> OrderBook
    func fetchMarkPrice(symbol: String, params: Params) async throws -> Ticker
    func fetchMarkPrices(symbols: [String]?, params: Params) async throws -> [String: Ticker]
    func fetchFundingRate(symbol: String, params: Params) async throws -> FundingRate
    func fetchFundingRates(symbols: [String]?, params: Params) async throws -> [String: FundingRate]
    func fetchFundingRateHistory(symbol: String?, since: Int64?, limit: Int?, params: Params) async throws -> [FundingRateHistoryEntry]
    func fetchFundingHistory(symbol: String?, since: Int64?, limit: Int?, params: Params) async throws -> [FundingPayment]
    func fetchLeverageTiers(symbols: [String]?, params: Params) async throws -> [String: [LeverageTier]]
    /// The leverage and margin mode in effect, keyed by unified symbol (only `symbols` when given).
    func fetchLeverages(symbols: [String]?, params: Params) async throws -> [String: Leverage]
    func setPositionMode(hedged: Bool, symbol: String?, params: Params) async throws -> JSONValue
    func fetchPositionMode(symbol: String?, params: Params) async throws -> PositionModeInfo
    func fetchBalance(params: Params) async throws -> Balance
    func fetchPositions(symbols: [String]?, params: Params) async throws -> [Position]
    func fetchOpenOrders(symbol: String?, since: Int64?, limit: Int?, params: Params) async throws -> [Order]
    func fetchOrders(symbol: String?, since: Int64?, limit: Int?, params: Params) async throws -> [Order]
    func fetchClosedOrders(symbol: String?, since: Int64?, limit: Int?, params: Params) async throws -> [Order]
    func fetchCanceledOrders(symbol: String?, since: Int64?, limit: Int?, params: Params) async throws -> [Order]
    func fetchOrderTrades(id: String, symbol: String, since: Int64?, limit: Int?, params: Params) async throws -> [Trade]
    /// Changes an open order in place (price, amount); never places a second order.
    func editOrder(id: String, symbol: String, type: OrderType, side: OrderSide, amount: Decimal?, price: Decimal?,
                   params: Params) async throws -> Order
    /// Places up to the exchange's batch size in one request; each result is an order or a rejected entry.
    func createOrders(_ orders: [CreateOrderRequest], params: Params) async throws -> [Order]
    func cancelOrders(ids: [String], symbol: String, params: Params) async throws -> [Order]
    func setLeverage(_ leverage: Int, symbol: String, params: Params) async throws -> JSONValue
    func setMarginMode(_ mode: MarginMode, symbol: String, params: Params) async throws -> JSONValue
    func fetchStatus(params: Params) async throws -> ExchangeStatus
}

extension Exchange {
    public func loadMarkets() async throws -> [String: Market] { try await loadMarkets(reload: false) }

    /// The market for a unified symbol (or an exchange id such as "BTCUSDT"); BadSymbol if unknown.
    public func market(_ symbol: String) async throws -> Market {
        let markets = try await loadMarkets(reload: false)
        if let m = markets[symbol] { return m }
        if let m = markets.values.first(where: { $0.id == symbol }) { return m }
        throw ExchangeFailure(.badSymbol, exchange: id, message: "unknown symbol '\(symbol)'", method: "market")
    }

    /// Amount truncated to the market's step, as wire text (CCXT `amountToPrecision`).
    public func amountToPrecision(_ symbol: String, _ amount: Decimal) async throws -> String {
        try await market(symbol).amountToPrecisionString(amount)
    }
    /// Price rounded to the market's tick, as wire text (CCXT `priceToPrecision`).
    public func priceToPrecision(_ symbol: String, _ price: Decimal,
                                 rounding: Precision.Rounding = .round) async throws -> String {
        try await market(symbol).priceToPrecisionString(price, rounding: rounding)
    }

    public func fetchOHLCV(symbol: String, timeframe: Timeframe = .oneMinute, since: Int64? = nil) async throws -> [Candle] {
        try await fetchOHLCV(symbol: symbol, timeframe: timeframe, since: since, limit: nil)
    }
    public func fetchPositions() async throws -> [Position] { try await fetchPositions(symbols: nil) }
    public func createOrder(symbol: String, type: OrderType, side: OrderSide, amount: Decimal,
                            price: Decimal? = nil) async throws -> Order {
        try await createOrder(symbol: symbol, type: type, side: side, amount: amount, price: price, params: [:])
    }
    public func fetchOrder(id: String, symbol: String) async throws -> Order {
        try await fetchOrder(id: id, symbol: symbol, params: [:])
    }
    public func fetchOpenOrders(symbol: String? = nil) async throws -> [Order] {
        try await fetchOpenOrders(symbol: symbol, params: [:])
    }
    public func cancelOrder(id: String, symbol: String) async throws -> Order {
        try await cancelOrder(id: id, symbol: symbol, params: [:])
    }
    public func cancelAllOrders(symbol: String) async throws -> [Order] {
        try await cancelAllOrders(symbol: symbol, params: [:])
    }
    public func fetchMyTrades(symbol: String, since: Int64? = nil, limit: Int? = nil) async throws -> [Trade] {
        try await fetchMyTrades(symbol: symbol, since: since, limit: limit, params: [:])
    }

    /// The standard `has` map for an exchange implementing every method of this protocol.
    public static var fullCapabilities: Capabilities {
        Dictionary(uniqueKeysWithValues: [
            "loadMarkets", "fetchMarkets", "fetchTime", "fetchOHLCV", "fetchTicker", "fetchBalance",
            "fetchPositions", "createOrder", "fetchOrder", "fetchOpenOrders", "cancelOrder", "cancelAllOrders",
            "fetchMyTrades", "setLeverage", "setMarginMode",
        ].map { ($0, true) })
    }
}
