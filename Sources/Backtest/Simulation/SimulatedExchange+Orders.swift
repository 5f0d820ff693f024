import Exchange
import Foundation

extension SimulatedExchange {
    public func createOrder(symbol: String, type: OrderType, side: OrderSide, amount: Decimal, price: Decimal?,
                            params: Params) async throws -> Order {
        try checkSymbol(symbol, "createOrder")
        return try lock.withLock { try placeLocked(type: type, side: side, amount: amount, price: price, params: params) }
    }

    func reject(_ message: String, _ kind: ExchangeFailure.Kind = .invalidOrder) -> ExchangeFailure {
        ExchangeFailure(kind, exchange: id, message: message, method: "createOrder")
    }

    func placeLocked(type requested: OrderType, side: OrderSide, amount rawAmount: Decimal, price rawPrice: Decimal?,
                     params: Params) throws -> Order {
        // ccxt's unified trigger params (stopLossPrice, takeProfitPrice, triggerPrice...) make the same order types
        // as on Binance; the kinds not simulated are refused below naming the parameter.
        let conditional = ConditionalParams(type: requested, params: params)
        let type = conditional.type
        guard cursor < candles.count else { throw reject("the simulation has no more candles", .exchangeNotAvailable) }
        let clientID = params["clientOrderId"]?.stringValue ?? params["newClientOrderId"]?.stringValue
        if let clientID, orders.values.contains(where: { $0.clientOrderId == clientID }) {
            throw reject("duplicate clientOrderId '\(clientID)'")
        }
        let closePosition = params["closePosition"]?.boolValue ?? false
        let reduceOnly = (params["reduceOnly"]?.boolValue ?? false) || closePosition
        var amount = market.amountToPrecision(rawAmount)
        if closePosition, let p = account.position { amount = p.amount }
        guard amount > 0 || closePosition else {
            throw reject("amount \(Precision.format(rawAmount)) is below the step \(Precision.format(market.precision.amount))")
        }
        let limits = type == .market ? market.limits.market : market.limits.amount
        if !closePosition, let min = limits.min ?? market.limits.amount.min, amount < min {
            throw reject("amount \(Precision.format(amount)) is below the minimum \(Precision.format(min))")
        }
        if let max = limits.max, amount > max { throw reject("amount \(Precision.format(amount)) is above the maximum \(Precision.format(max))") }

        let now = nowLocked
        let market = currentPrice
        var order = Order(id: "sim-\(nextID)", clientOrderId: clientID, timestamp: now, symbol: self.market.symbol,
                          type: type, side: side, amount: amount, status: .open, reduceOnly: reduceOnly)
        nextID += 1

        if reduceOnly {
            guard let p = account.position, (p.side == .long) != (side == .buy) || type.isConditional else {
                throw reject("reduce-only order rejected: no position to reduce")
            }
            if !type.isConditional { order.amount = min(amount, p.amount); order.remaining = order.amount }
        }

        switch type {
        case .market:
            try checkNotional(order.amount * market, reduceOnly: reduceOnly)
            try checkMargin(side: side, amount: order.amount, price: market, reduceOnly: reduceOnly)
            fillLocked(&order, price: market, maker: false, exit: .order)
        case .limit:
            guard let rawPrice else { throw reject("a limit order needs a price") }
            let price = self.market.priceToPrecision(rawPrice)
            guard price > 0 else { throw reject("price \(Precision.format(rawPrice)) rounds to 0") }
            order.price = price
            try checkNotional(order.amount * price, reduceOnly: reduceOnly)
            try checkMargin(side: side, amount: order.amount, price: price, reduceOnly: reduceOnly)
            let marketable = side == .buy ? price >= market : price <= market
            if marketable {
                fillLocked(&order, price: market, maker: false, exit: .order)
            } else {
                orders[order.id] = order
                openOrderIDs.append(order.id)
                order.timeInForce = "GTC"
            }
        case .stopMarket, .takeProfitMarket:
            guard let trigger = conditional.triggerPrice ?? rawPrice else {
                throw reject("a \(type.rawValue) order needs params stopPrice")
            }
            let t = self.market.priceToPrecision(trigger)
            order.triggerPrice = t
            if wouldTrigger(type: type, side: side, trigger: t, price: market) {
                throw reject("order would immediately trigger (trigger \(Precision.format(t)), price \(Precision.format(market)))")
            }
            orders[order.id] = order
            openOrderIDs.append(order.id)
        default:
            let given = conditional.parameter.map { "params.\($0) with a \(requested.rawValue) order makes a \(type.rawValue) order; " } ?? ""
            throw reject("\(given)order type \(type.rawValue) is not simulated; use market, limit, stop_market or take_profit_market", .notSupported)
        }
        if order.status != .open || orders[order.id] == nil { orders[order.id] = order }
        return order
    }

    func wouldTrigger(type: OrderType, side: OrderSide, trigger: Decimal, price: Decimal) -> Bool {
        switch (type, side) {
        case (.stopMarket, .sell), (.takeProfitMarket, .buy): return price <= trigger
        default: return price >= trigger
        }
    }

    func checkNotional(_ notional: Decimal, reduceOnly: Bool) throws {
        guard !reduceOnly, let min = market.limits.cost.min, notional < min else { return }
        throw reject("order notional \(Precision.format(notional)) is below the minimum \(Precision.format(min))")
    }

    func checkMargin(side: OrderSide, amount: Decimal, price: Decimal, reduceOnly: Bool) throws {
        guard !reduceOnly else { return }
        let opening = account.opening(side: side, amount: amount)
        guard opening > 0 else { return }
        let needed = price * opening / Decimal(account.leverage)
        // A flip frees the old position's margin first.
        var free = account.free
        if opening < amount, let p = account.position { free += p.margin }
        if needed > free {
            throw ExchangeFailure(.insufficientFunds, exchange: id,
                                  message: "margin \(Precision.format(needed)) needed, \(Precision.format(free)) available", method: "createOrder")
        }
    }

    /// Fills `order` completely at `price` and books it.
    func fillLocked(_ order: inout Order, price: Decimal, maker: Bool, exit: RoundTrip.Exit) {
        var amount = order.amount
        if order.reduceOnly {
            guard let p = account.position, (p.side == .long) != (order.side == .buy) else {
                order.status = .canceled; order.remaining = order.amount
                return
            }
            amount = min(amount, p.amount)
        }
        let rate = maker ? settings.makerFee : settings.takerFee
        let now = nowLocked
        let result = account.fill(side: order.side, amount: amount, price: price, feeRate: rate, time: now, exit: exit)
        let quote = market.settle ?? market.quote
        let fee = Fee(cost: result.fee, currency: quote, rate: rate)
        let trade = Trade(id: "t-\(trades.count + 1)", order: order.id, timestamp: now, symbol: market.symbol,
                          side: order.side, takerOrMaker: maker ? "maker" : "taker", price: price, amount: amount,
                          fee: fee, realizedPnl: result.realized)
        trades.append(trade)
        order.filled = amount
        order.remaining = 0
        order.average = price
        order.cost = price * amount
        order.fee = fee
        order.trades = [trade]
        order.status = .closed
        order.lastTradeTimestamp = now
        orders[order.id] = order
    }

    // MARK: order queries

    func findLocked(id: String?, params: Params, method: String) throws -> Order {
        if let id, let o = orders[id] { return o }
        if id == nil, let cid = params["clientOrderId"]?.stringValue ?? params["origClientOrderId"]?.stringValue,
           let o = orders.values.first(where: { $0.clientOrderId == cid }) { return o }
        throw ExchangeFailure(.orderNotFound, exchange: id, message: "no order \(id ?? params["clientOrderId"]?.stringValue ?? "?")", method: method)
    }

    public func fetchOrder(id: String?, symbol: String, params: Params) async throws -> Order {
        try checkSymbol(symbol, "fetchOrder")
        return try lock.withLock { try findLocked(id: id, params: params, method: "fetchOrder") }
    }

    public func fetchOpenOrders(symbol: String?, params: Params) async throws -> [Order] {
        if let symbol { try checkSymbol(symbol, "fetchOpenOrders") }
        // Binance keeps conditional (algo) orders in their own list, asked for with `trigger: true`.
        let conditional = params["trigger"]?.boolValue ?? false
        return lock.withLock { openOrderIDs.compactMap { orders[$0] }.filter { $0.type.isConditional == conditional } }
    }

    public func cancelOrder(id: String?, symbol: String, params: Params) async throws -> Order {
        try checkSymbol(symbol, "cancelOrder")
        return try lock.withLock {
            var o = try findLocked(id: id, params: params, method: "cancelOrder")
            guard o.status == .open else {
                throw ExchangeFailure(.orderNotFound, exchange: self.id, message: "order \(o.id) is \(o.status.rawValue), not open", method: "cancelOrder")
            }
            o.status = .canceled
            orders[o.id] = o
            openOrderIDs.removeAll { $0 == o.id }
            return o
        }
    }

    public func cancelAllOrders(symbol: String, params: Params) async throws -> [Order] {
        try checkSymbol(symbol, "cancelAllOrders")
        return lock.withLock {
            let out: [Order] = openOrderIDs.compactMap { id in
                guard var o = orders[id] else { return nil }
                o.status = .canceled
                orders[id] = o
                return o
            }
            openOrderIDs.removeAll()
            return out
        }
    }

    public func fetchMyTrades(symbol: String, since: Int64?, limit: Int?, params: Params) async throws -> [Trade] {
        try checkSymbol(symbol, "fetchMyTrades")
        return lock.withLock {
            let from = trades.filter { $0.timestamp >= (since ?? .min) }
            return limit.map { Array(from.prefix($0)) } ?? from
        }
    }
}
