import Foundation
import Exchange

/// Order look-ups and cancels, with ccxt's parameter handling: `clientOrderId` (or `origClientOrderId`,
/// `clientAlgoId`) instead of an id, `trigger`/`stop`/`conditional` for the algo-order API, and the ccxt
/// routing keys (`type`, `subType`, `marginMode`) consumed rather than sent.
extension BinanceUSDM {
    /// Keys ccxt's handleMarketTypeAndParams / handleSubTypeAndParams / handleMarginModeAndParams consume.
    static let marketTypeKeys: Set<String> = ["type", "defaultType", "subType", "defaultSubType", "marginMode", "defaultMarginMode"]
    static let triggerKeys: Set<String> = ["stop", "trigger", "conditional", "algo"]
    static let clientIdKeys: Set<String> = ["origClientOrderId", "clientOrderId", "clientAlgoId", "newClientStrategyId"]

    /// The params ccxt sends on after consuming its own keys; portfolio margin (papi) is refused by name.
    func remaining(_ params: Params, _ method: String, consumed: Set<String> = []) throws -> [(String, String)] {
        if params["portfolioMargin"]?.boolValue == true || params["papi"]?.boolValue == true {
            throw ExchangeFailure(.notSupported, exchange: id, message: "\(method): params.portfolioMargin (the papi API) is not supported by this client; use the USDⓈ-M account", method: method)
        }
        if let sub = params["subType"]?.stringValue, sub != "linear" {
            throw ExchangeFailure(.notSupported, exchange: id, message: "\(method): params.subType '\(sub)' is not supported; this client is USDⓈ-M (linear) only", method: method)
        }
        return Self.extra(params, excluding: Self.marketTypeKeys.union(consumed))
    }

    func clientId(_ params: Params) -> String? {
        for k in ["origClientOrderId", "clientOrderId", "clientAlgoId"] {
            if let v = params[k], v != .null, let s = v.stringValue { return s }
        }
        return nil
    }

    func idRequired(_ id: String?, _ clientId: String?, _ method: String) throws {
        guard (id.map { !$0.isEmpty } ?? false) || clientId != nil else {
            throw ExchangeFailure(.badRequest, exchange: self.id, message: "\(method) needs an id or params.clientOrderId", method: method)
        }
    }

    public func fetchOrder(id: String?, symbol: String, params: Params) async throws -> Order {
        let m = try await resolve(symbol, method: "fetchOrder")
        let cid = clientId(params)
        try idRequired(id, cid, "fetchOrder")
        let trigger = Self.isTrigger(params)
        var q = QueryString([("symbol", m.id)])
        if let cid { q.append(trigger ? "clientAlgoId" : "origClientOrderId", cid) }
        else { q.append(trigger ? "algoId" : "orderId", id) }
        q.items += try remaining(params, "fetchOrder", consumed: Self.clientIdKeys.union(Self.triggerKeys))
        let o = try JSON.object(try await client.call(trigger ? .queryAlgoOrder : .queryOrder, q, method: "fetchOrder"), method: "fetchOrder")
        return trigger ? WireParsers.algoOrder(o, symbol: m.symbol) : WireParsers.order(o, symbol: m.symbol)
    }

    public func fetchOpenOrders(symbol: String?, params: Params) async throws -> [Order] {
        try await fetchOpenOrders(symbol: symbol, since: nil, limit: nil, params: params)
    }

    /// ccxt sends neither since nor limit for USDⓈ-M; both filter the answer.
    public func fetchOpenOrders(symbol: String?, since: Int64?, limit: Int?, params: Params) async throws -> [Order] {
        var q = QueryString()
        if let symbol { q.append("symbol", try await resolve(symbol, method: "fetchOpenOrders").id) }
        else { _ = try await loadMarkets(reload: false) }
        q.items += try remaining(params, "fetchOpenOrders", consumed: Self.triggerKeys)
        let trigger = Self.isTrigger(params)
        let rows = try JSON.array(try await client.call(trigger ? .openAlgoOrders : .openOrders, q, method: "fetchOpenOrders"),
                                  method: "fetchOpenOrders")
        return Self.filterBySinceLimit(parseOrders(rows, algo: trigger), since: since, limit: limit)
    }

    func parseOrders(_ rows: [Any], algo: Bool) -> [Order] {
        rows.compactMap { row -> Order? in
            guard let o = row as? [String: Any] else { return nil }
            let unified = self.symbol(forId: JSON.string(o, "symbol"))
            return algo ? WireParsers.algoOrder(o, symbol: unified) : WireParsers.order(o, symbol: unified)
        }
    }

    public func cancelOrder(id: String?, symbol: String, params: Params) async throws -> Order {
        let m = try await resolve(symbol, method: "cancelOrder")
        let cid = clientId(params)
        try idRequired(id, cid, "cancelOrder")
        let trigger = Self.isTrigger(params)
        let extra = try remaining(params, "cancelOrder", consumed: Self.clientIdKeys.union(Self.triggerKeys))
        var q = QueryString([("symbol", m.id)])
        if let cid { q.append(trigger ? "clientAlgoId" : "origClientOrderId", cid) }
        else { q.append(trigger ? "algoId" : "orderId", id) }
        q.items += extra
        if trigger {
            // The algo cancel answer holds only ids: read the order first so the result is complete. A failed read
            // does not stop the cancel (the cancel's own answer says whether the order existed).
            let before = try? await fetchOrder(id: id, symbol: symbol, params: params)
            let answer = try JSON.object(try await client.call(.cancelAlgoOrder, q, method: "cancelOrder"), method: "cancelOrder")
            if var order = before { order.status = .canceled; return order }
            return WireParsers.algoOrder(answer, symbol: m.symbol, status: .canceled)
        }
        let o = try JSON.object(try await client.call(.cancelOrder, q, method: "cancelOrder"), method: "cancelOrder")
        return WireParsers.order(o, symbol: m.symbol)
    }

    /// Cancels every open order of `symbol` (conditional ones with `params.trigger`), returning what was open.
    public func cancelAllOrders(symbol: String, params: Params) async throws -> [Order] {
        let m = try await resolve(symbol, method: "cancelAllOrders")
        let extra = try remaining(params, "cancelAllOrders", consumed: Self.triggerKeys)
        let open = try await fetchOpenOrders(symbol: symbol, params: params)
        var q = QueryString([("symbol", m.id)])
        q.items += extra
        _ = try await client.call(Self.isTrigger(params) ? .cancelAllAlgoOrders : .cancelAllOpenOrders, q, method: "cancelAllOrders")
        return open.map { var o = $0; o.status = .canceled; return o }
    }

    public func fetchMyTrades(symbol: String, since: Int64?, limit: Int?, params: Params) async throws -> [Trade] {
        let m = try await resolve(symbol, method: "fetchMyTrades")
        var q = QueryString([("symbol", m.id)])
        q.append("startTime", since.map(String.init))
        // Binance: "The time between startTime and endTime cannot be longer than 7 days." For a `since` older than a
        // week ccxt (binance fetch_my_trades, linear) sends endTime = min(since + 7 d, now); so do we.
        let week: Int64 = 7 * 24 * 3_600_000
        let until = params["until"]?.stringValue ?? params["till"]?.stringValue
        if let until { q.append("endTime", until) }
        else if let since, params["endTime"] == nil, time.now() - since >= week {
            q.append("endTime", String(min(since + week, time.now())))
        }
        q.append("limit", limit.map { String(min($0, 1000)) })
        q.items += try remaining(params, "fetchMyTrades", consumed: ["until", "till"])
        let rows = try JSON.array(try await client.call(.userTrades, q, method: "fetchMyTrades"), method: "fetchMyTrades")
        return rows.compactMap { ($0 as? [String: Any]).flatMap { WireParsers.trade($0, symbol: m.symbol) } }
    }

    // MARK: order history

    /// GET /fapi/v1/allOrders (allAlgoOrders with `trigger`): `since` -> startTime, `until`/`till`/`endTime` -> endTime.
    public func fetchOrders(symbol: String?, since: Int64?, limit: Int?, params: Params) async throws -> [Order] {
        var q = QueryString()
        let trigger = Self.isTrigger(params)
        if let symbol { q.append("symbol", try await resolve(symbol, method: "fetchOrders").id) }
        else if trigger {
            throw ExchangeFailure(.badRequest, exchange: id, message: "fetchOrders() requires a symbol argument for conditional orders", method: "fetchOrders")
        } else { _ = try await loadMarkets(reload: false) }
        let until = params["until"]?.stringValue ?? params["till"]?.stringValue ?? params["endTime"]?.stringValue
        q.append("startTime", since.map(String.init))
        q.append("limit", limit.map(String.init))
        q.append("endTime", until)
        q.items += try remaining(params, "fetchOrders", consumed: Self.triggerKeys.union(["until", "till", "endTime"]))
        let rows = try JSON.array(try await client.call(trigger ? .allAlgoOrders : .allOrders, q, method: "fetchOrders"), method: "fetchOrders")
        return Self.filterBySinceLimit(parseOrders(rows, algo: trigger), since: since, limit: limit)
    }

    /// The fills of one order: userTrades with `orderId` (Binance documents it for USDⓈ-M; ccxt limits
    /// fetchOrderTrades to spot, see docs/ccxt-conformance.md).
    public func fetchOrderTrades(id orderId: String, symbol: String, since: Int64?, limit: Int?, params: Params) async throws -> [Trade] {
        var p = params
        p["orderId"] = .string(orderId)
        return try await fetchMyTrades(symbol: symbol, since: since, limit: limit, params: p)
    }
}
