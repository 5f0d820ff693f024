import Exchange
import Foundation

extension Engine {
    /// Executes `qty` of order `index` at `price`: moves the position (averaging the entry,
    /// realising PnL on the closed part), charges the fee and records the trade.
    func fill(orderAt index: Int, qty: Decimal, price: Decimal, maker: Bool, at t: Int64) {
        var order = orders[index]
        guard qty > 0, var account = accounts[order.apiKey] else { return }
        let signed = order.side == "BUY" ? qty : -qty
        let current = account.positions[order.symbol] ?? (amount: 0, entry: 0, updateTime: t)
        var realized: Decimal = 0
        var amount = current.amount
        var entry = current.entry
        if amount == 0 || (amount > 0) == (signed > 0) {
            let total = WireDecimal.abs(amount) + qty
            entry = (WireDecimal.abs(amount) * entry + qty * price) / total
            amount += signed
        } else {
            let closing = min(qty, WireDecimal.abs(amount))
            realized = closing * (price - entry) * (amount > 0 ? 1 : -1)
            amount += signed
            if amount == 0 { entry = 0 } else if (amount > 0) == (signed > 0) { entry = price }
        }
        entry = WireDecimal.round(entry, scale: 8)
        let rate = maker ? options.makerFeeRate : options.takerFeeRate
        let commission = WireDecimal.round(qty * price * rate, scale: 8)
        realized = WireDecimal.round(realized, scale: 8)
        account.walletBalance += realized - commission
        if isIsolated(account, order.symbol) {
            let wallet = MarginBook.isolatedWallet(account.isolatedWallet[order.symbol] ?? 0, position: current.amount, fill: signed,
                                                   price: price, leverage: leverage(account, order.symbol))
            account.isolatedWallet[order.symbol] = wallet == 0 ? nil : wallet
        }
        account.positions[order.symbol] = (amount: amount, entry: entry, updateTime: t)
        accounts[order.apiKey] = account

        order.executedQty += qty
        order.cumQuote += qty * price
        order.status = order.executedQty >= order.origQty ? "FILLED" : "PARTIALLY_FILLED"
        order.updateTime = t
        orders[index] = order
        trades.append(TradeRecord(id: newTradeId(), orderId: order.orderId, symbol: order.symbol, side: order.side,
                                  price: price, qty: qty, quoteQty: qty * price, commission: commission,
                                  realizedPnl: realized, maker: maker, time: t, apiKey: order.apiKey))
    }

    /// Reduce-only orders never grow a position: the fillable part is what is left to close.
    func reducibleQty(_ order: OrderRecord) -> Decimal {
        let pos = positionAmount(order.apiKey, order.symbol)
        let opposite = order.side == "BUY" ? pos < 0 : pos > 0
        return opposite ? min(order.remainingQty, WireDecimal.abs(pos)) : 0
    }

    /// Fills (or expires) one open order at `price` if allowed; used by placement and matching.
    func execute(orderAt index: Int, price: Decimal, maker: Bool, at t: Int64) {
        let order = orders[index]
        var qty = order.remainingQty
        if order.reduceOnly {
            qty = reducibleQty(order)
            if qty == 0 {
                orders[index].status = "EXPIRED"
                orders[index].updateTime = t
                return
            }
        }
        fill(orderAt: index, qty: qty, price: price, maker: maker, at: t)
        if order.reduceOnly && orders[index].status == "PARTIALLY_FILLED" {
            orders[index].status = "EXPIRED"   // the rest could only have opened a position
        }
    }

    /// One step of the price path a clock jump crosses.
    enum PriceEvent { case open(Decimal), range(low: Decimal, high: Decimal) }

    /// Replays the candles between two instants and fills what they cross: at each candle's
    /// open (gaps fill at the open), then over its whole high..low range once it has closed.
    func advance(from old: Int64, to new: Int64) {
        guard new > old else { return }
        for symbol in Set(orders.filter(\.isOpen).map(\.symbol) + algoOrders.filter { $0.algoStatus == "NEW" }.map(\.symbol)) {
            guard priceOverride[symbol] == nil, let series = priceSeries(symbol) else { continue }
            var events: [(time: Int64, rank: Int, event: PriceEvent)] = []
            for c in series.rows {
                let close = c.openTime + series.interval
                if close <= old { continue }
                if c.openTime > new { break }
                if c.openTime > old { events.append((c.openTime, 1, .open(c.open))) }
                if close <= new { events.append((close, 0, .range(low: c.low, high: c.high))) }
            }
            events.sort { ($0.time, $0.rank) < ($1.time, $1.rank) }
            for e in events { apply(e.event, symbol: symbol, at: e.time) }
        }
    }

    private func apply(_ event: PriceEvent, symbol: String, at t: Int64) {
        // Conditional orders first (a stop in the same candle as a limit is assumed to come first).
        for i in algoOrders.indices where algoOrders[i].symbol == symbol && algoOrders[i].algoStatus == "NEW" {
            let a = algoOrders[i]
            if a.orderType == "TRAILING_STOP_MARKET" {
                if let p = trailingFill(algoAt: i, event) { trigger(algoAt: i, price: p, at: t) }
                continue
            }
            let isStop = a.orderType.hasPrefix("STOP")
            // STOP: BUY when price rises to trigger, SELL when it falls; TAKE_PROFIT the reverse.
            let triggersUp = (isStop && a.side == "BUY") || (!isStop && a.side == "SELL")
            var fillPrice: Decimal?
            switch event {
            case .open(let p):
                if triggersUp ? p >= a.triggerPrice : p <= a.triggerPrice { fillPrice = p }
            case .range(let low, let high):
                if triggersUp ? high >= a.triggerPrice : low <= a.triggerPrice { fillPrice = a.triggerPrice }
            }
            if let p = fillPrice { trigger(algoAt: i, price: p, at: t) }
        }
        for i in orders.indices where orders[i].symbol == symbol && orders[i].isOpen && orders[i].type == "LIMIT" {
            let o = orders[i]
            switch event {
            case .open(let p):
                if o.side == "BUY" ? p <= o.price : p >= o.price { execute(orderAt: i, price: o.price, maker: true, at: t) }
            case .range(let low, let high):
                if o.side == "BUY" ? low <= o.price : high >= o.price { execute(orderAt: i, price: o.price, maker: true, at: t) }
            }
        }
    }

    /// TRAILING_STOP_MARKET: once active (at activatePrice, or at placement without one) follows the best price
    /// and fires when the price comes back callbackRate % from it (SELL from the high, BUY from the low).
    func trailingFill(algoAt i: Int, _ event: PriceEvent) -> Decimal? {
        var a = algoOrders[i]
        defer { algoOrders[i] = a }
        let sell = a.side == "SELL"
        let steps: [Decimal]
        switch event {
        case .open(let p): steps = [p]
        case .range(let low, let high): steps = sell ? [high, low] : [low, high]
        }
        for p in steps {
            if a.extreme == 0 {
                guard a.activatePrice > 0, sell ? p >= a.activatePrice : p <= a.activatePrice else { continue }
                a.extreme = a.activatePrice
            }
            a.extreme = sell ? max(a.extreme, p) : min(a.extreme, p)
            let level = a.extreme * (sell ? 1 - a.callbackRate / 100 : 1 + a.callbackRate / 100)
            if sell ? p <= level : p >= level {
                if case .open = event { return p }
                return WireDecimal.round(level, scale: options.spec(a.symbol)?.pricePrecision ?? 8)
            }
        }
        return nil
    }

    /// Turns a triggered conditional order into a real order in the book and executes it.
    func trigger(algoAt i: Int, price: Decimal, at t: Int64) {
        var a = algoOrders[i]
        a.triggerTime = t
        a.updateTime = t
        let pos = positionAmount(a.apiKey, a.symbol)
        var qty = a.quantity
        if a.closePosition { qty = WireDecimal.abs(pos) }
        let isMarket = a.orderType.hasSuffix("_MARKET")
        let order = OrderRecord(
            orderId: newOrderId(), clientOrderId: a.clientAlgoId, symbol: a.symbol, side: a.side,
            type: isMarket ? "MARKET" : "LIMIT", origType: a.orderType, timeInForce: a.timeInForce,
            price: isMarket ? 0 : a.price, stopPrice: a.triggerPrice, origQty: qty, executedQty: 0, cumQuote: 0,
            status: "NEW", reduceOnly: a.reduceOnly || a.closePosition, closePosition: a.closePosition,
            time: t, updateTime: t, apiKey: a.apiKey)
        if qty == 0 {
            a.algoStatus = "EXPIRED"
            algoOrders[i] = a
            return
        }
        orders.append(order)
        let index = orders.count - 1
        a.actualOrderId = order.orderId
        if isMarket {
            execute(orderAt: index, price: price, maker: false, at: t)
            a.algoStatus = "FINISHED"
        } else {
            a.algoStatus = "TRIGGERED"
            if a.side == "BUY" ? price <= a.price : price >= a.price {
                execute(orderAt: index, price: price, maker: false, at: t)
                a.algoStatus = "FINISHED"
            }
        }
        algoOrders[i] = a
    }
}
