import Foundation
import Exchange

/// Binance wire JSON -> unified structures (candles, ticker, balance, positions, orders, trades).
enum WireParsers {
    /// Kline rows `[openTime, open, high, low, close, volume, closeTime, quoteVolume, trades, …]`, numbers as strings
    /// (as documented) or JSON numbers. A row of another shape is an error naming it, never skipped: a silently
    /// missing candle would shift every window built after it.
    static func candles(_ rows: [Any], method: String) throws -> [Candle] {
        try rows.enumerated().map { i, row in
            guard let r = row as? [Any], r.count >= 6,
                  let t = (r[0] as? NSNumber)?.int64Value ?? (r[0] as? String).flatMap({ Int64($0) }),
                  let o = JSON.double(r[1]), let h = JSON.double(r[2]), let l = JSON.double(r[3]),
                  let c = JSON.double(r[4]), let v = JSON.double(r[5]),
                  [o, h, l, c, v].allSatisfy(\.isFinite) else {
                let text = String(describing: row).replacingOccurrences(of: "\n", with: " ").prefix(120)
                throw ExchangeFailure(.exchangeError, exchange: BinanceUSDM.exchangeId,
                                      message: "kline row \(i) is not [openTime, open, high, low, close, volume, …]: \(text)", method: method)
            }
            return Candle(timestamp: t, open: o, high: h, low: l, close: c, volume: v)
        }
    }

    static func ticker(_ o: [String: Any], symbol: String) -> Ticker {
        let last = JSON.decimal(o, "lastPrice")
        return Ticker(symbol: symbol, timestamp: JSON.int64(o, "closeTime"), high: JSON.decimal(o, "highPrice"),
                      low: JSON.decimal(o, "lowPrice"), bid: JSON.decimal(o, "bidPrice"), bidVolume: JSON.decimal(o, "bidQty"),
                      ask: JSON.decimal(o, "askPrice"), askVolume: JSON.decimal(o, "askQty"), open: JSON.decimal(o, "openPrice"),
                      close: last, last: last, change: JSON.decimal(o, "priceChange"),
                      percentage: JSON.decimal(o, "priceChangePercent"), vwap: JSON.decimal(o, "weightedAvgPrice"),
                      baseVolume: JSON.decimal(o, "volume"), quoteVolume: JSON.decimal(o, "quoteVolume"))
    }

    /// /fapi/v3/account: free = availableBalance, used = initialMargin, total = marginBalance (as CCXT).
    static func balance(_ o: [String: Any]) -> Balance {
        var out: [String: CurrencyBalance] = [:]
        for case let a as [String: Any] in (o["assets"] as? [Any]) ?? [] {
            guard let asset = JSON.string(a, "asset") else { continue }
            let total = JSON.decimal(a, "marginBalance") ?? JSON.decimal(a, "walletBalance") ?? 0
            let free = JSON.decimal(a, "availableBalance") ?? total
            let used = JSON.decimal(a, "initialMargin") ?? (total - free)
            out[asset] = CurrencyBalance(free: free, used: used, total: total)
        }
        return Balance(currencies: out, timestamp: JSON.int64(o, "updateTime"))
    }

    /// positionRisk v2 and v3 rows. v3 dropped `marginType` and `leverage`: the mode then follows from the isolated
    /// margin fields (non-zero only for isolated positions), as ccxt's parsePositionRisk does; leverage stays nil.
    /// Hedge mode: `positionSide` LONG/SHORT names the side; one-way (BOTH): the sign of `positionAmt`.
    static func position(_ o: [String: Any], symbol: String) -> Position? {
        guard let amt = JSON.decimal(o, "positionAmt"), amt != 0 else { return nil }
        var margin = JSON.string(o, "marginType")?.lowercased()
        if margin == nil, let isolated = JSON.decimal(o, "isolatedWallet") ?? JSON.decimal(o, "isolatedMargin") {
            margin = isolated != 0 ? "isolated" : "cross"
        }
        let declared = JSON.string(o, "positionSide")
        let side: PositionSide = declared == "LONG" ? .long : (declared == "SHORT" ? .short : (amt > 0 ? .long : .short))
        return Position(symbol: symbol, side: side, contracts: amt < 0 ? -amt : amt,
                        contractSize: 1, entryPrice: JSON.decimal(o, "entryPrice"), markPrice: JSON.decimal(o, "markPrice"),
                        notional: JSON.decimal(o, "notional").map { $0 < 0 ? -$0 : $0 },
                        unrealizedPnl: JSON.decimal(o, "unRealizedProfit"), leverage: JSON.decimal(o, "leverage"),
                        marginMode: margin == "isolated" ? .isolated : (margin == "cross" || margin == "crossed" ? .cross : nil),
                        liquidationPrice: JSON.decimal(o, "liquidationPrice").flatMap { $0 == 0 ? nil : $0 },
                        timestamp: JSON.int64(o, "updateTime"))
    }

    static func orderStatus(_ s: String?) -> OrderStatus {
        switch s {
        case "FILLED", "TRIGGERED", "FINISHED": return .closed
        case "CANCELED", "CANCELLED": return .canceled
        case "REJECTED": return .rejected
        case "EXPIRED", "EXPIRED_IN_MATCH": return .expired
        default: return .open  // NEW, PARTIALLY_FILLED, ACCEPTED, PENDING_CANCEL, TRIGGERING (as ccxt: still working)
        }
    }

    /// /fapi/v1/order (new, query, cancel) and openOrders rows.
    static func order(_ o: [String: Any], symbol: String) -> Order {
        let amount = JSON.decimal(o, "origQty") ?? 0
        let filled = JSON.decimal(o, "executedQty") ?? 0
        let type = OrderType(name: JSON.string(o, "origType") ?? JSON.string(o, "type") ?? "limit") ?? .limit
        let price = JSON.decimal(o, "price").flatMap { $0 == 0 ? nil : $0 }
        let avg = JSON.decimal(o, "avgPrice").flatMap { $0 == 0 ? nil : $0 }
        let stop = JSON.decimal(o, "stopPrice").flatMap { $0 == 0 ? nil : $0 }
        return Order(id: JSON.string(o, "orderId") ?? "", clientOrderId: JSON.string(o, "clientOrderId"),
                     timestamp: JSON.int64(o, "time") ?? JSON.int64(o, "updateTime"),
                     lastTradeTimestamp: filled > 0 ? JSON.int64(o, "updateTime") : nil,
                     symbol: symbol, type: type, side: JSON.string(o, "side") == "SELL" ? .sell : .buy,
                     timeInForce: JSON.string(o, "timeInForce"), amount: amount, price: price, average: avg,
                     filled: filled, remaining: amount - filled, cost: JSON.decimal(o, "cumQuote"),
                     status: orderStatus(JSON.string(o, "status")), reduceOnly: JSON.bool(o, "reduceOnly") ?? false,
                     postOnly: JSON.string(o, "timeInForce") == "GTX", triggerPrice: stop)
    }

    /// /fapi/v1/algoOrder rows (conditional orders). `id` is the algoId.
    static func algoOrder(_ o: [String: Any], symbol: String) -> Order {
        let amount = JSON.decimal(o, "quantity") ?? 0
        let filled = JSON.decimal(o, "executedQty") ?? 0
        let type = OrderType(name: JSON.string(o, "orderType") ?? JSON.string(o, "type") ?? "stop_market") ?? .stopMarket
        return Order(id: JSON.string(o, "algoId") ?? "", clientOrderId: JSON.string(o, "clientAlgoId"),
                     timestamp: JSON.int64(o, "createTime") ?? JSON.int64(o, "updateTime"), symbol: symbol, type: type,
                     side: JSON.string(o, "side") == "SELL" ? .sell : .buy, timeInForce: JSON.string(o, "timeInForce"),
                     amount: amount, price: JSON.decimal(o, "price").flatMap { $0 == 0 ? nil : $0 },
                     average: JSON.decimal(o, "avgPrice").flatMap { $0 == 0 ? nil : $0 }, filled: filled,
                     remaining: amount - filled, status: orderStatus(JSON.string(o, "algoStatus")),
                     reduceOnly: JSON.bool(o, "reduceOnly") ?? false,
                     triggerPrice: JSON.decimal(o, "triggerPrice").flatMap { $0 == 0 ? nil : $0 })
    }

    static func trade(_ o: [String: Any], symbol: String) -> Trade? {
        guard let price = JSON.decimal(o, "price"), let qty = JSON.decimal(o, "qty") else { return nil }
        let fee = JSON.decimal(o, "commission").map { Fee(cost: $0, currency: JSON.string(o, "commissionAsset")) }
        let maker = JSON.bool(o, "maker")
        return Trade(id: JSON.string(o, "id") ?? "", order: JSON.string(o, "orderId"), timestamp: JSON.int64(o, "time") ?? 0,
                     symbol: symbol, side: JSON.string(o, "side") == "SELL" ? .sell : .buy,
                     takerOrMaker: maker.map { $0 ? "maker" : "taker" }, price: price, amount: qty,
                     cost: JSON.decimal(o, "quoteQty") ?? price * qty, fee: fee, realizedPnl: JSON.decimal(o, "realizedPnl"))
    }
}
