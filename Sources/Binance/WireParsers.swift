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

    static func info(_ o: [String: Any]) -> JSONValue { JSONValue(foundation: o) }

    /// /fapi/v1/ticker/24hr (ccxt parseTicker): timestamp = closeTime, close = last.
    static func ticker(_ o: [String: Any], symbol: String) -> Ticker {
        let last = JSON.decimal(o, "lastPrice")
        return Ticker(symbol: symbol, timestamp: JSON.int64(o, "closeTime"), high: JSON.decimal(o, "highPrice"),
                      low: JSON.decimal(o, "lowPrice"), bid: JSON.decimal(o, "bidPrice"), bidVolume: JSON.decimal(o, "bidQty"),
                      ask: JSON.decimal(o, "askPrice"), askVolume: JSON.decimal(o, "askQty"), open: JSON.decimal(o, "openPrice"),
                      close: last, last: last, change: JSON.decimal(o, "priceChange"),
                      percentage: JSON.decimal(o, "priceChangePercent"), vwap: JSON.decimal(o, "weightedAvgPrice"),
                      baseVolume: JSON.decimal(o, "volume"), quoteVolume: JSON.decimal(o, "quoteVolume"),
                      previousClose: JSON.decimal(o, "prevClosePrice"),
                      average: { if let o = JSON.decimal(o, "openPrice"), let l = last { return (o + l) / 2 }; return nil }(),
                      markPrice: JSON.decimal(o, "markPrice"), indexPrice: JSON.decimal(o, "indexPrice"), info: info(o))
    }

    /// /fapi/v2/ticker/price (ccxt parseLastPrice): price at `time`; nil without a price.
    static func lastPrice(_ o: [String: Any], symbol: String) -> LastPrice? {
        guard let price = JSON.decimal(o, "price") else { return nil }
        return LastPrice(symbol: symbol, timestamp: JSON.int64(o, "time"), price: price, info: info(o))
    }

    /// /fapi/v1/premiumIndex as a ticker (ccxt fetchMarkPrice): mark and index price at `time`.
    static func markTicker(_ o: [String: Any], symbol: String) -> Ticker {
        Ticker(symbol: symbol, timestamp: JSON.int64(o, "time"), markPrice: JSON.decimal(o, "markPrice"),
               indexPrice: JSON.decimal(o, "indexPrice"), info: info(o))
    }

    /// /fapi/v1/premiumIndex (ccxt parseFundingRate): fundingTimestamp is Binance's nextFundingTime.
    static func fundingRate(_ o: [String: Any], symbol: String) -> FundingRate {
        FundingRate(symbol: symbol, markPrice: JSON.decimal(o, "markPrice"), indexPrice: JSON.decimal(o, "indexPrice"),
                    interestRate: JSON.decimal(o, "interestRate"), estimatedSettlePrice: JSON.decimal(o, "estimatedSettlePrice"),
                    timestamp: JSON.int64(o, "time"), fundingRate: JSON.decimal(o, "lastFundingRate"),
                    fundingTimestamp: JSON.int64(o, "nextFundingTime"), nextFundingTimestamp: nil,
                    interval: JSON.string(o, "fundingIntervalHours").map { $0 + "h" }, info: info(o))
    }

    /// /fapi/v1/fundingRate rows.
    static func fundingRateHistory(_ o: [String: Any], symbol: String) -> FundingRateHistoryEntry {
        FundingRateHistoryEntry(symbol: symbol, fundingRate: JSON.decimal(o, "fundingRate"), timestamp: JSON.int64(o, "fundingTime"), info: info(o))
    }

    /// /fapi/v1/income rows (ccxt parseIncome).
    static func income(_ o: [String: Any], symbol: String?) -> FundingPayment {
        FundingPayment(id: JSON.string(o, "tranId"), symbol: symbol, code: JSON.string(o, "asset"), timestamp: JSON.int64(o, "time"),
                       amount: JSON.decimal(o, "income"), info: info(o))
    }

    /// /fapi/v1/leverageBracket entry (ccxt parseMarketLeverageTiers).
    static func leverageTiers(_ o: [String: Any], symbol: String, quote: String?) -> [LeverageTier] {
        ((o["brackets"] as? [Any]) ?? []).compactMap { $0 as? [String: Any] }.map { b in
            LeverageTier(tier: JSON.int64(b, "bracket").map(Int.init), symbol: symbol, currency: quote,
                         minNotional: JSON.decimal(b, "notionalFloor") ?? JSON.decimal(b, "qtyFloor"),
                         maxNotional: JSON.decimal(b, "notionalCap") ?? JSON.decimal(b, "qtyCap"),
                         maintenanceMarginRate: JSON.decimal(b, "maintMarginRatio"),
                         maxLeverage: JSON.decimal(b, "initialLeverage"), info: info(b))
        }
    }

    /// /fapi/v1/depth: levels [price, qty] as strings; timestamp = T, nonce = lastUpdateId.
    static func orderBook(_ o: [String: Any], symbol: String) -> OrderBook {
        func levels(_ key: String) -> [OrderBook.Level] {
            ((o[key] as? [Any]) ?? []).compactMap { row in
                guard let r = row as? [Any], r.count >= 2, let p = JSON.decimalValue(r[0]), let a = JSON.decimalValue(r[1]) else { return nil }
                return OrderBook.Level(price: p, amount: a)
            }
        }
        return OrderBook(symbol: symbol, bids: levels("bids"), asks: levels("asks"), timestamp: JSON.int64(o, "T"),
                         nonce: JSON.int64(o, "lastUpdateId") ?? JSON.int64(o, "u"))
    }

    /// /fapi/v3/account: free = availableBalance, used = initialMargin, total = marginBalance (as ccxt); ccxt
    /// reports no timestamp for the futures account.
    static func balance(_ o: [String: Any]) -> Balance {
        var out: [String: CurrencyBalance] = [:]
        var order: [String] = []
        for case let a as [String: Any] in (o["assets"] as? [Any]) ?? [] {
            guard let asset = JSON.string(a, "asset") else { continue }
            let total = JSON.decimal(a, "marginBalance") ?? JSON.decimal(a, "walletBalance") ?? 0
            let free = JSON.decimal(a, "availableBalance") ?? total
            let used = JSON.decimal(a, "initialMargin") ?? (total - free)
            out[asset] = CurrencyBalance(free: free, used: used, total: total)
            order.append(asset)
        }
        return Balance(currencies: out, timestamp: nil, order: order, info: info(o))
    }

    /// positionRisk v2 and v3 rows (ccxt parsePositionRisk). v3 dropped `marginType` and `leverage`: the mode then
    /// follows from the isolated margin fields (non-zero only for isolated positions); leverage stays nil.
    /// Hedge mode: `positionSide` LONG/SHORT names the side; one-way (BOTH): the sign of `positionAmt`.
    /// `brackets`: the market's [notional floor, maintenance margin rate] pairs (ccxt's leverageBrackets), used
    /// for the maintenance margin and the cross collateral.
    static func position(_ o: [String: Any], symbol: String, brackets: [(Decimal, Decimal)] = [], quoteDigits: Int = 8) -> Position? {
        guard let amt = JSON.decimal(o, "positionAmt"), amt != 0 else { return nil }
        var margin = JSON.string(o, "marginType")?.lowercased()
        if margin == nil, let isolated = JSON.decimal(o, "isolatedMargin") ?? JSON.decimal(o, "isolatedWallet") {
            margin = isolated != 0 ? "isolated" : "cross"
        }
        if margin == "crossed" { margin = "cross" }
        let declared = JSON.string(o, "positionSide")
        let side: PositionSide = declared == "LONG" ? .long : (declared == "SHORT" ? .short : (amt > 0 ? .long : .short))
        let notionalAbs = (JSON.decimal(o, "notional") ?? JSON.decimal(o, "notionalValue")).map { $0 < 0 ? -$0 : $0 }
        let contracts = amt < 0 ? -amt : amt
        var mmr: Decimal?
        if let n = notionalAbs { for (floor, rate) in brackets { if n < floor { break }; mmr = rate } }
        let liq = JSON.decimal(o, "liquidationPrice").flatMap { $0 == 0 ? nil : $0 }
        let entry = JSON.decimal(o, "entryPrice")
        var collateral: Decimal? = 0
        if margin == "cross" {
            if let liq, let entry, let mmr {
                let onePlus = side == .short ? 1 + mmr : -1 + mmr
                let entrySign = side == .short ? -entry : entry
                collateral = Precision.toStep((liq * onePlus + entrySign) * contracts, step: pow10(-quoteDigits), rounding: .truncate)
            } else { collateral = nil }
        } else {
            collateral = JSON.decimal(o, "isolatedMargin")
        }
        let collateralValue = collateral ?? 0
        let maint = mmr.flatMap { r in notionalAbs.map { r * $0 } } ?? JSON.decimal(o, "maintMargin")
        let leverage = JSON.decimal(o, "leverage").flatMap { $0 == 0 ? nil : $0 }
        var initial: Decimal?, initialPct: Decimal?
        if let leverage {
            var pct = Precision.toStep(1 / leverage, step: pow10(-8), rounding: .truncate)
            let lev = NSDecimalNumber(decimal: leverage).intValue
            if lev > 0, 1000 % lev != 0 { pct += pow10(-8) }
            initialPct = pct
            initial = notionalAbs.map { Precision.toStep($0 * pct, step: pow10(-8), rounding: .truncate) }
        } else {
            initial = JSON.decimal(o, "initialMargin")
            if let i = initial, let n = notionalAbs, n != 0 { initialPct = Precision.toStep(i / n, step: pow10(-8), rounding: .truncate) }
        }
        var marginRatio: Decimal?, percentage: Decimal?
        if collateralValue != 0 {
            if let maint { marginRatio = Precision.toStep(maint / collateralValue + Decimal(string: "0.00005")!, step: pow10(-4), rounding: .truncate) }
            if let u = JSON.decimal(o, "unRealizedProfit"), let i = initial, i != 0 {
                percentage = Precision.toStep(u / i, step: pow10(-4), rounding: .truncate) * 100
            }
        }
        var p = Position(symbol: symbol, side: side, contracts: contracts,
                         contractSize: 1, entryPrice: entry, markPrice: JSON.decimal(o, "markPrice").flatMap { $0 == 0 ? nil : $0 },
                         notional: notionalAbs, unrealizedPnl: JSON.decimal(o, "unRealizedProfit"), leverage: leverage,
                         marginMode: margin == "isolated" ? .isolated : (margin == "cross" ? .cross : nil),
                         liquidationPrice: liq, timestamp: JSON.int64(o, "updateTime").flatMap { $0 == 0 ? nil : $0 }, info: info(o))
        p.collateral = collateral ?? 0
        p.initialMargin = initial
        p.initialMarginPercentage = initialPct
        p.maintenanceMargin = maint
        p.maintenanceMarginPercentage = mmr
        p.marginRatio = marginRatio
        p.percentage = percentage
        p.hedged = declared != "BOTH"
        return p
    }

    /// /fapi/v3/account `positions` rows (ccxt parseAccountPositions + parseAccountPosition): the cross margin of the
    /// row's margin asset (crossWalletBalance + crossUnPnl) is the collateral and is added to `info`, as ccxt does.
    /// The liquidation price needs an entry price the v3 rows no longer carry, so it stays nil there (as in ccxt).
    static func accountPositions(_ account: [String: Any], symbol: (String) -> String, brackets: [String: [(Decimal, Decimal)]]) -> [Position] {
        var cross: [String: (margin: String, wallet: String)] = [:]
        for case let a as [String: Any] in (account["assets"] as? [Any]) ?? [] {
            guard let asset = JSON.string(a, "asset") else { continue }
            let wallet = JSON.decimal(a, "crossWalletBalance") ?? 0, unPnl = JSON.decimal(a, "crossUnPnl") ?? 0
            cross[asset] = (Precision.format(wallet + unPnl), JSON.string(a, "crossWalletBalance") ?? "0")
        }
        return ((account["positions"] as? [Any]) ?? []).compactMap { row -> Position? in
            guard var o = row as? [String: Any], let mid = JSON.string(o, "symbol"),
                  let amt = JSON.decimal(o, "positionAmt"), amt != 0 else { return nil }
            let unified = symbol(mid)
            let quote = unified.split(separator: ":").last.map(String.init) ?? "USDT"
            guard let c = cross[quote] else { return nil }
            o["crossMargin"] = c.margin
            o["crossWalletBalance"] = c.wallet
            let notional = JSON.decimal(o, "notional") ?? JSON.decimal(o, "notionalValue") ?? 0
            let notionalAbs = notional < 0 ? -notional : notional
            var mmr: Decimal?
            for (floor, rate) in brackets[unified] ?? [] { if notionalAbs < floor { break }; mmr = rate }
            let isolated = JSON.bool(o, "isolated") ?? ((JSON.decimal(o, "isolatedMargin") ?? 0) != 0)
            let unPnl = JSON.decimal(o, "unrealizedProfit")
            let collateral = isolated ? (JSON.decimal(o, "isolatedWallet") ?? 0) + (unPnl ?? 0) : Precision.parse(c.margin)
            let maint = JSON.decimal(o, "maintMargin"), initial = JSON.decimal(o, "initialMargin")
            let leverage = JSON.decimal(o, "leverage").flatMap { $0 == 0 ? nil : $0 }
            var pct: Decimal?
            if let leverage {
                pct = Precision.toStep(1 / leverage, step: pow10(-8), rounding: .truncate)
                let lev = NSDecimalNumber(decimal: leverage).intValue
                if lev > 0, 1000 % lev != 0, let p = pct { pct = Precision.toStep(p + pow10(-8), step: pow10(-8), rounding: .truncate) }
            }
            let declared = JSON.string(o, "positionSide")
            var p = Position(symbol: unified, side: notional < 0 ? .short : .long, contracts: amt < 0 ? -amt : amt, contractSize: 1,
                             entryPrice: notional == 0 ? nil : JSON.decimal(o, "entryPrice"), markPrice: nil, notional: notionalAbs,
                             unrealizedPnl: unPnl, leverage: leverage, marginMode: isolated ? .isolated : .cross,
                             liquidationPrice: nil, timestamp: JSON.int64(o, "updateTime").flatMap { $0 == 0 ? nil : $0 }, info: info(o))
            p.fromAccount = true
            p.collateral = collateral
            p.initialMargin = initial
            p.initialMarginPercentage = pct
            p.maintenanceMargin = maint
            p.maintenanceMarginPercentage = mmr
            p.hedged = declared != "BOTH"
            if notional != 0, let maint, let collateral, collateral != 0 {
                p.marginRatio = Precision.toStep(maint / collateral + Decimal(string: "0.00005")!, step: pow10(-4), rounding: .truncate)
            }
            if notional != 0, let unPnl, let initial, initial != 0 {
                p.percentage = Precision.toStep(unPnl / initial, step: pow10(-4), rounding: .truncate) * 100
            }
            return p
        }
    }

    static func pow10(_ e: Int) -> Decimal {
        var d = Decimal(1)
        if e < 0 { for _ in 0..<(-e) { d /= 10 } } else { for _ in 0..<e { d *= 10 } }
        return d
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

    /// Every order shape Binance USDⓈ-M answers with (/fapi/v1/order, openOrders, allOrders, batchOrders entries,
    /// /fapi/v1/algoOrder and its lists), following ccxt's parseOrder key by key: id orderId / algoId, amount
    /// origQty / quantity, timestamp time / createTime / transactTime / updateTime, status status / algoStatus.
    static func order(_ o: [String: Any], symbol: String, status forced: OrderStatus? = nil) -> Order {
        let amount = JSON.decimal(o, "origQty") ?? JSON.decimal(o, "quantity") ?? JSON.decimal(o, "qty") ?? 0
        let filled = JSON.decimal(o, "executedQty") ?? JSON.decimal(o, "filledQty") ?? 0
        let rawType = (JSON.string(o, "type") ?? JSON.string(o, "orderType"))?.lowercased()
        let type = OrderType(name: JSON.string(o, "origType") ?? rawType ?? "limit") ?? (OrderType(name: rawType ?? "") ?? .limit)
        let status = forced ?? orderStatus(JSON.string(o, "status") ?? JSON.string(o, "strategyStatus") ?? JSON.string(o, "algoStatus"))
        let timestamp = ["time", "createTime", "workingTime", "transactTime", "updateTime"].lazy.compactMap { JSON.int64(o, $0) }.first
        let lastUpdate = ["transactTime", "updateTime", "updatedAt"].lazy.compactMap { JSON.int64(o, $0) }.first
        var lastTrade: Int64?
        if o["transactTime"] != nil || o["updateTime"] != nil || o["updatedAt"] != nil {
            let t = ["updateTime", "transactTime", "updatedAt"].lazy.compactMap { JSON.int64(o, $0) }.first
            if (status == .open && filled > 0) || status == .closed { lastTrade = t }
        }
        let trigger = (JSON.decimal(o, "stopPrice") ?? JSON.decimal(o, "triggerPrice")).flatMap { $0 == 0 ? nil : $0 }
        let tif = JSON.string(o, "timeInForce")
        let takeProfit = ["take_profit", "take_profit_market", "take_profit_limit"].contains(rawType ?? "") ? trigger : nil
        let id = JSON.string(o, "strategyId") ?? JSON.string(o, "orderId") ?? JSON.string(o, "algoId") ?? ""
        return Order(id: id, clientOrderId: JSON.string(o, "clientOrderId") ?? JSON.string(o, "newClientStrategyId") ?? JSON.string(o, "clientAlgoId"),
                     timestamp: timestamp, lastTradeTimestamp: lastTrade, symbol: symbol, type: type,
                     side: JSON.string(o, "side")?.uppercased() == "SELL" ? .sell : .buy,
                     timeInForce: tif, amount: amount,
                     price: (JSON.decimal(o, "price") ?? JSON.decimal(o, "limitPrice")).flatMap { $0 == 0 ? nil : $0 },
                     average: (JSON.decimal(o, "avgPrice") ?? JSON.decimal(o, "avgFilledPrice")).flatMap { $0 == 0 ? nil : $0 },
                     filled: filled, remaining: amount - filled,
                     cost: JSON.decimal(o, "cummulativeQuoteQty") ?? JSON.decimal(o, "cumQuote"),
                     status: status, reduceOnly: JSON.bool(o, "reduceOnly") ?? false,
                     postOnly: rawType == "limit_maker" || tif == "GTX", triggerPrice: trigger,
                     lastUpdateTimestamp: lastUpdate, takeProfitPrice: takeProfit, info: info(o))
    }

    /// /fapi/v1/algoOrder rows (conditional orders). `id` is the algoId.
    static func algoOrder(_ o: [String: Any], symbol: String, status: OrderStatus? = nil) -> Order {
        order(o, symbol: symbol, status: status)
    }

    /// A batch entry Binance refused (`{"code":-2022,"msg":...}`): ccxt's `safeOrder({info, status: 'rejected'})`.
    static func rejected(_ o: [String: Any], request: CreateOrderRequest?, symbol: String) -> Order {
        Order(id: "", clientOrderId: nil, symbol: symbol, type: request?.type ?? .limit, side: request?.side ?? .buy,
              amount: request?.amount ?? 0, price: request?.price, status: .rejected, info: info(o))
    }

    /// /fapi/v1/userTrades rows (ccxt parseTrade): fee in commissionAsset, maker -> takerOrMaker.
    static func trade(_ o: [String: Any], symbol: String) -> Trade? {
        guard let price = JSON.decimal(o, "price"), let qty = JSON.decimal(o, "qty") else { return nil }
        let fee = JSON.decimal(o, "commission").map { Fee(cost: $0, currency: JSON.string(o, "commissionAsset")) }
        let maker = JSON.bool(o, "maker") ?? JSON.bool(o, "isMaker")
        return Trade(id: JSON.string(o, "id") ?? "", order: JSON.string(o, "orderId"), timestamp: JSON.int64(o, "time") ?? 0,
                     symbol: symbol, side: JSON.string(o, "side") == "SELL" ? .sell : .buy,
                     takerOrMaker: maker.map { $0 ? "maker" : "taker" }, price: price, amount: qty,
                     cost: JSON.decimal(o, "quoteQty") ?? price * qty, fee: fee, realizedPnl: JSON.decimal(o, "realizedPnl"),
                     info: info(o))
    }
}
