import Foundation
import Exchange

extension BinanceUSDM {
    static let routingKeys: Set<String> = ["trigger", "stop", "conditional", "algo", "clientOrderId"]

    public func fetchOrder(id: String?, symbol: String, params: Params) async throws -> Order {
        let m = try await resolve(symbol, method: "fetchOrder")
        let clientId = params["clientOrderId"]?.stringValue
        guard id != nil || clientId != nil else {
            throw ExchangeFailure(.badRequest, exchange: self.id, message: "fetchOrder needs an id or params.clientOrderId", method: "fetchOrder")
        }
        if Self.isTrigger(params) {
            var q = QueryString()
            if let id { q.append("algoId", id) } else { q.append("clientAlgoId", clientId) }
            q.items += Self.extra(params, excluding: Self.routingKeys)
            let o = try JSON.object(try await client.call(.queryAlgoOrder, q, method: "fetchOrder"), method: "fetchOrder")
            return WireParsers.algoOrder(o, symbol: m.symbol)
        }
        var q = QueryString([("symbol", m.id)])
        if let id { q.append("orderId", id) } else { q.append("origClientOrderId", clientId) }
        q.items += Self.extra(params, excluding: Self.routingKeys)
        let o = try JSON.object(try await client.call(.queryOrder, q, method: "fetchOrder"), method: "fetchOrder")
        return WireParsers.order(o, symbol: m.symbol)
    }

    public func fetchOpenOrders(symbol: String?, params: Params) async throws -> [Order] {
        var q = QueryString()
        if let symbol { q.append("symbol", try await resolve(symbol, method: "fetchOpenOrders").id) }
        else { _ = try await loadMarkets(reload: false) }
        q.items += Self.extra(params, excluding: Self.routingKeys)
        let trigger = Self.isTrigger(params)
        let rows = try JSON.array(try await client.call(trigger ? .openAlgoOrders : .openOrders, q, method: "fetchOpenOrders"),
                                  method: "fetchOpenOrders")
        return rows.compactMap { row -> Order? in
            guard let o = row as? [String: Any] else { return nil }
            let unified = self.symbol(forId: JSON.string(o, "symbol"))
            return trigger ? WireParsers.algoOrder(o, symbol: unified) : WireParsers.order(o, symbol: unified)
        }
    }

    public func cancelOrder(id: String?, symbol: String, params: Params) async throws -> Order {
        let m = try await resolve(symbol, method: "cancelOrder")
        let clientId = params["clientOrderId"]?.stringValue
        guard id != nil || clientId != nil else {
            throw ExchangeFailure(.badRequest, exchange: self.id, message: "cancelOrder needs an id or params.clientOrderId", method: "cancelOrder")
        }
        if Self.isTrigger(params) {
            // The algo cancel answer holds only ids: read the order first so the result is complete.
            var order = try await fetchOrder(id: id, symbol: symbol, params: params)
            var q = QueryString()
            if let id { q.append("algoId", id) } else { q.append("clientAlgoId", clientId) }
            q.items += Self.extra(params, excluding: Self.routingKeys)
            _ = try await client.call(.cancelAlgoOrder, q, method: "cancelOrder")
            order.status = .canceled
            return order
        }
        var q = QueryString([("symbol", m.id)])
        if let id { q.append("orderId", id) } else { q.append("origClientOrderId", clientId) }
        q.items += Self.extra(params, excluding: Self.routingKeys)
        let o = try JSON.object(try await client.call(.cancelOrder, q, method: "cancelOrder"), method: "cancelOrder")
        return WireParsers.order(o, symbol: m.symbol)
    }

    /// Cancels every open order of `symbol` (conditional ones with `params.trigger`), returning what was open.
    public func cancelAllOrders(symbol: String, params: Params) async throws -> [Order] {
        let m = try await resolve(symbol, method: "cancelAllOrders")
        let open = try await fetchOpenOrders(symbol: symbol, params: params)
        var q = QueryString([("symbol", m.id)])
        q.items += Self.extra(params, excluding: Self.routingKeys)
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
        if let since, params["endTime"] == nil, time.now() - since >= week {
            q.append("endTime", String(min(since + week, time.now())))
        }
        q.append("limit", limit.map { String(min($0, 1000)) })
        q.items += Self.extra(params, excluding: Self.routingKeys)
        let rows = try JSON.array(try await client.call(.userTrades, q, method: "fetchMyTrades"), method: "fetchMyTrades")
        return rows.compactMap { ($0 as? [String: Any]).flatMap { WireParsers.trade($0, symbol: m.symbol) } }
    }
}
