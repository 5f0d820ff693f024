import Foundation
import Exchange

/// Order-placing paths beyond createOrder: batch orders, modify order, batch cancel. The money rule holds on
/// each: nothing placing is ever re-sent blindly; a lost answer is resolved by looking the orders up by their
/// client ids after recvWindow, and what is still unknown is reported as such.
extension BinanceUSDM {
    /// Binance's batchOrders limit.
    public static let maxBatchOrders = 5

    /// POST /fapi/v1/batchOrders with `batchOrders=[{...}]` as ccxt builds it (each entry ccxt's createOrderRequest,
    /// values as strings). Each result is the placed order, or a `rejected` order holding Binance's `{code, msg}`.
    public func createOrders(_ orders: [CreateOrderRequest], params: Params) async throws -> [Order] {
        guard !orders.isEmpty else { return [] }
        guard orders.count <= Self.maxBatchOrders else {
            throw ExchangeFailure(.badRequest, exchange: id, message: "createOrders: Binance takes at most \(Self.maxBatchOrders) orders per batch; got \(orders.count)", method: "createOrders")
        }
        var markets: [Market] = []
        var built: [OrderTranslation.Request] = []
        for o in orders {
            let m = try await resolve(o.symbol, method: "createOrders")
            markets.append(m)
            built.append(try OrderTranslation.createOrder(market: m, type: o.type, side: o.side, amount: o.amount, price: o.price,
                                                          params: o.params, clientIdPrefix: configuration.clientOrderIdPrefix, batch: true))
        }
        let batch = JSONValue.array(built.map { b in .object(b.query.items.map { ($0.0, .string($0.1)) }) })
        var q = QueryString([("batchOrders", batch.text())])
        q.items += try remaining(params, "createOrders")
        let sentAt = time.now()
        do {
            let rows = try JSON.array(try await client.call(.batchOrders, q, method: "createOrders"), method: "createOrders")
            guard rows.count == orders.count else {
                throw ExchangeFailure(.exchangeNotAvailable, exchange: id, message: "batchOrders answered \(rows.count) entries for \(orders.count) orders; status unknown", method: "createOrders")
            }
            return zip(rows, zip(orders, markets)).map { row, om in
                let o = row as? [String: Any] ?? [:]
                if o["orderId"] == nil { return WireParsers.rejected(o, request: om.0, symbol: om.1.symbol) }
                return WireParsers.order(o, symbol: om.1.symbol)
            }
        } catch let failure as ExchangeFailure where BinanceErrorTable.executionUnknown(failure) {
            logger.warning("createOrders: \(failure.kind.name) — execution unknown, looking each order up by client id")
            var out: [Order] = []
            for (b, (o, m)) in zip(built, zip(orders, markets)) {
                let request = OrderRequest(query: b.query, clientId: b.clientId, conditional: false)
                if let found = try await confirm(request, market: m, sentAt: sentAt, after: failure) {
                    out.append(found)
                } else {
                    // Confirmed absent after recvWindow: it was not placed and cannot be placed late any more.
                    var r = WireParsers.rejected([:], request: o, symbol: m.symbol)
                    r.clientOrderId = b.clientId
                    r.info = .object([("msg", .string("not placed: the batch answer was lost and the exchange has no order \(b.clientId)"))])
                    out.append(r)
                }
            }
            return out
        }
    }

    /// PUT /fapi/v1/order (Binance "modify order": price and quantity of an open LIMIT order), ccxt's
    /// editContractOrderRequest. The order keeps its id; nothing new is placed.
    public func editOrder(id orderId: String, symbol: String, type: OrderType, side: OrderSide, amount: Decimal?, price: Decimal?,
                          params: Params) async throws -> Order {
        let m = try await resolve(symbol, method: "editOrder")
        guard type == .limit else {
            throw ExchangeFailure(.notSupported, exchange: id, message: "editOrder: Binance modifies LIMIT orders only; a \(type.rawValue) order must be cancelled and placed again", method: "editOrder")
        }
        let q = try OrderTranslation.editOrder(market: m, id: orderId, side: side, amount: amount, price: price, params: params)
        let o = try JSON.object(try await client.call(.modifyOrder, q, method: "editOrder"), method: "editOrder")
        return WireParsers.order(o, symbol: m.symbol)
    }

    /// DELETE /fapi/v1/batchOrders: `orderidlist=[id,...]`, or `origclientorderidlist=["a",...]` from
    /// `params.clientOrderIds` / `origClientOrderIdList` (ccxt's spelling and encoding).
    public func cancelOrders(ids: [String], symbol: String, params: Params) async throws -> [Order] {
        let m = try await resolve(symbol, method: "cancelOrders")
        var q = QueryString([("symbol", m.id)])
        let clientIds = (params["origClientOrderIdList"] ?? params["clientOrderIds"])?.arrayValue?.compactMap(\.stringValue)
        if let clientIds {
            q.append("origclientorderidlist", "[" + clientIds.map { JSONValue.quote($0) }.joined(separator: ",") + "]")
        } else {
            guard !ids.isEmpty else {
                throw ExchangeFailure(.badRequest, exchange: id, message: "cancelOrders needs ids or params.clientOrderIds", method: "cancelOrders")
            }
            q.append("orderidlist", "[" + ids.joined(separator: ",") + "]")
        }
        q.items += try remaining(params, "cancelOrders", consumed: ["origClientOrderIdList", "clientOrderIds"])
        let rows = try JSON.array(try await client.call(.cancelBatchOrders, q, method: "cancelOrders"), method: "cancelOrders")
        return rows.map { row in
            let o = row as? [String: Any] ?? [:]
            if o["orderId"] == nil { return WireParsers.rejected(o, request: nil, symbol: m.symbol) }
            return WireParsers.order(o, symbol: m.symbol)
        }
    }
}
