import Foundation

/// Defaults for the CCXT methods an implementation does not override: the core method when no `params`
/// are given, otherwise a NotSupported error naming what was asked, never a silent drop of a parameter.
extension Exchange {
    func notSupported(_ method: String, _ detail: String) -> ExchangeFailure {
        ExchangeFailure(.notSupported, exchange: id, message: "\(id) \(method): \(detail)", method: method)
    }
    func requireNoParams(_ params: Params, _ method: String) throws {
        guard params.isEmpty else {
            throw notSupported(method, "params \(params.keys.sorted().joined(separator: ", ")) are not supported here")
        }
    }

    public func fetchOHLCV(symbol: String, timeframe: Timeframe, since: Int64?, limit: Int?, params: Params) async throws -> [Candle] {
        try requireNoParams(params, "fetchOHLCV")
        return try await fetchOHLCV(symbol: symbol, timeframe: timeframe, since: since, limit: limit)
    }
    public func fetchTicker(symbol: String, params: Params) async throws -> Ticker {
        try requireNoParams(params, "fetchTicker")
        return try await fetchTicker(symbol: symbol)
    }
    public func fetchTickers(symbols: [String]?, params: Params) async throws -> [String: Ticker] {
        try requireNoParams(params, "fetchTickers")
        var out: [String: Ticker] = [:]
        var list = symbols ?? []
        if symbols == nil { list = try await loadMarkets().keys.sorted() }
        for s in list { let t = try await fetchTicker(symbol: s); out[t.symbol] = t }
        return out
    }
    /// One `fetchTicker` per symbol, its last price (the close when no last is quoted).
    public func fetchLastPrices(symbols: [String]?, params: Params) async throws -> [String: LastPrice] {
        try requireNoParams(params, "fetchLastPrices")
        var out: [String: LastPrice] = [:]
        for (symbol, t) in try await fetchTickers(symbols: symbols, params: [:]) {
            guard let price = t.last ?? t.close else { continue }
            out[symbol] = LastPrice(symbol: symbol, timestamp: t.timestamp, price: price, info: t.info)
        }
        return out
    }
    public func fetchOrderBook(symbol: String, limit: Int?, params: Params) async throws -> OrderBook {
        throw notSupported("fetchOrderBook", "not available on this exchange")
    }
    public func fetchMarkPrice(symbol: String, params: Params) async throws -> Ticker {
        throw notSupported("fetchMarkPrice", "not available on this exchange")
    }
    public func fetchMarkPrices(symbols: [String]?, params: Params) async throws -> [String: Ticker] {
        throw notSupported("fetchMarkPrices", "not available on this exchange")
    }
    public func fetchFundingRate(symbol: String, params: Params) async throws -> FundingRate {
        throw notSupported("fetchFundingRate", "not available on this exchange")
    }
    public func fetchFundingRates(symbols: [String]?, params: Params) async throws -> [String: FundingRate] {
        throw notSupported("fetchFundingRates", "not available on this exchange")
    }
    public func fetchFundingRateHistory(symbol: String?, since: Int64?, limit: Int?, params: Params) async throws -> [FundingRateHistoryEntry] {
        throw notSupported("fetchFundingRateHistory", "not available on this exchange")
    }
    public func fetchFundingHistory(symbol: String?, since: Int64?, limit: Int?, params: Params) async throws -> [FundingPayment] {
        throw notSupported("fetchFundingHistory", "not available on this exchange")
    }
    public func fetchLeverageTiers(symbols: [String]?, params: Params) async throws -> [String: [LeverageTier]] {
        throw notSupported("fetchLeverageTiers", "not available on this exchange")
    }
    public func fetchLeverages(symbols: [String]?, params: Params) async throws -> [String: Leverage] {
        throw notSupported("fetchLeverages", "not available on this exchange")
    }
    public func setPositionMode(hedged: Bool, symbol: String?, params: Params) async throws -> JSONValue {
        if !hedged && params.isEmpty { return .object([("dualSidePosition", .bool(false))]) }
        throw notSupported("setPositionMode", "only one-way mode (hedged false) exists here")
    }
    public func fetchPositionMode(symbol: String?, params: Params) async throws -> PositionModeInfo {
        try requireNoParams(params, "fetchPositionMode")
        return PositionModeInfo(hedged: false)
    }
    public func fetchBalance(params: Params) async throws -> Balance {
        try requireNoParams(params.filter { $0.key != "type" && $0.key != "subType" }, "fetchBalance")
        return try await fetchBalance()
    }
    public func fetchPositions(symbols: [String]?, params: Params) async throws -> [Position] {
        try requireNoParams(params, "fetchPositions")
        return try await fetchPositions(symbols: symbols)
    }
    public func fetchOpenOrders(symbol: String?, since: Int64?, limit: Int?, params: Params) async throws -> [Order] {
        let orders = try await fetchOpenOrders(symbol: symbol, params: params)
        return Self.filterBySinceLimit(orders, since: since, limit: limit)
    }
    public func fetchOrders(symbol: String?, since: Int64?, limit: Int?, params: Params) async throws -> [Order] {
        throw notSupported("fetchOrders", "order history is not available on this exchange")
    }
    public func fetchClosedOrders(symbol: String?, since: Int64?, limit: Int?, params: Params) async throws -> [Order] {
        let all = try await fetchOrders(symbol: symbol, since: since, limit: nil, params: params)
        return Self.filterBySinceLimit(all.filter { $0.status == .closed }, since: since, limit: limit)
    }
    public func fetchCanceledOrders(symbol: String?, since: Int64?, limit: Int?, params: Params) async throws -> [Order] {
        let all = try await fetchOrders(symbol: symbol, since: since, limit: nil, params: params)
        return Self.filterBySinceLimit(all.filter { $0.status == .canceled }, since: since, limit: limit)
    }
    public func fetchOrderTrades(id: String, symbol: String, since: Int64?, limit: Int?, params: Params) async throws -> [Trade] {
        let trades = try await fetchMyTrades(symbol: symbol, since: since, limit: limit, params: params)
        return trades.filter { $0.order == id }
    }
    public func editOrder(id: String, symbol: String, type: OrderType, side: OrderSide, amount: Decimal?, price: Decimal?,
                          params: Params) async throws -> Order {
        throw notSupported("editOrder", "orders cannot be changed in place here; cancel and place a new one")
    }
    public func createOrders(_ orders: [CreateOrderRequest], params: Params) async throws -> [Order] {
        throw notSupported("createOrders", "batch orders are not available here; call createOrder for each")
    }
    public func cancelOrders(ids: [String], symbol: String, params: Params) async throws -> [Order] {
        var out: [Order] = []
        for i in ids { out.append(try await cancelOrder(id: i, symbol: symbol, params: params)) }
        return out
    }
    public func setLeverage(_ leverage: Int, symbol: String, params: Params) async throws -> JSONValue {
        try requireNoParams(params, "setLeverage")
        try await setLeverage(leverage, symbol: symbol)
        return .object([("leverage", .number(Decimal(leverage))), ("symbol", .string(symbol))])
    }
    public func setMarginMode(_ mode: MarginMode, symbol: String, params: Params) async throws -> JSONValue {
        try requireNoParams(params, "setMarginMode")
        try await setMarginMode(mode, symbol: symbol)
        return .object([("marginMode", .string(mode.rawValue)), ("symbol", .string(symbol))])
    }
    public func fetchStatus(params: Params) async throws -> ExchangeStatus {
        _ = try await fetchTime()
        return ExchangeStatus(status: "ok")
    }

    // MARK: CCXT's *WithClientOrderId helpers (base Exchange): the id argument becomes params.clientOrderId.

    public func fetchOrderWithClientOrderId(_ clientOrderId: String, symbol: String, params: Params = [:]) async throws -> Order {
        var p = params; p["clientOrderId"] = .string(clientOrderId)
        return try await fetchOrder(id: nil, symbol: symbol, params: p)
    }
    public func cancelOrderWithClientOrderId(_ clientOrderId: String, symbol: String, params: Params = [:]) async throws -> Order {
        var p = params; p["clientOrderId"] = .string(clientOrderId)
        return try await cancelOrder(id: nil, symbol: symbol, params: p)
    }
    public func editOrderWithClientOrderId(_ clientOrderId: String, symbol: String, type: OrderType, side: OrderSide,
                                           amount: Decimal?, price: Decimal?, params: Params = [:]) async throws -> Order {
        var p = params; p["clientOrderId"] = .string(clientOrderId)
        return try await editOrder(id: "", symbol: symbol, type: type, side: side, amount: amount, price: price, params: p)
    }

    /// CCXT's `filterBySinceLimit`: entries at or after `since`, the first `limit` of them.
    public static func filterBySinceLimit(_ orders: [Order], since: Int64?, limit: Int?) -> [Order] {
        var out = orders
        if let since { out = out.filter { ($0.timestamp ?? 0) >= since } }
        if let limit { out = Array(out.prefix(max(limit, 0))) }
        return out
    }
}
