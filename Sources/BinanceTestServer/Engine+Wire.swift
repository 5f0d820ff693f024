import Exchange
import Foundation

/// JSON shapes exactly as Binance USDⓈ-M sends them (strings for prices and quantities).
extension Engine {
    func pp(_ symbol: String) -> Int { options.spec(symbol)?.pricePrecision ?? 2 }
    func qp(_ symbol: String) -> Int { options.spec(symbol)?.quantityPrecision ?? 3 }

    /// `time` (creation) is in query and list answers only: Binance's New Order answer carries `updateTime` alone.
    func orderJSON(_ o: OrderRecord) -> WireJSON { orderJSON(o, withTime: true) }

    func orderJSON(_ o: OrderRecord, withTime: Bool) -> WireJSON {
        let p = pp(o.symbol), q = qp(o.symbol)
        var pairs: [(String, WireJSON)] = [
            ("orderId", .int(o.orderId)),
            ("symbol", .string(o.symbol)),
            ("status", .string(o.status)),
            ("clientOrderId", .string(o.clientOrderId)),
            ("price", .string(WireDecimal.format(o.price, scale: p))),
            ("avgPrice", .string(WireDecimal.format(o.avgPrice, scale: p))),
            ("origQty", .string(WireDecimal.format(o.origQty, scale: q))),
            ("executedQty", .string(WireDecimal.format(o.executedQty, scale: q))),
            ("cumQty", .string(WireDecimal.format(o.executedQty, scale: q))),
            ("cumQuote", .string(WireDecimal.format(o.cumQuote, scale: p + q))),
            ("timeInForce", .string(o.timeInForce)),
            ("type", .string(o.type)),
            ("reduceOnly", .bool(o.reduceOnly)),
            ("closePosition", .bool(o.closePosition)),
            ("side", .string(o.side)),
            ("positionSide", .string("BOTH")),
            ("stopPrice", .string(WireDecimal.format(o.stopPrice, scale: p))),
            ("workingType", .string("CONTRACT_PRICE")),
            ("priceProtect", .bool(false)),
            ("origType", .string(o.origType)),
            ("priceMatch", .string("NONE")),
            ("selfTradePreventionMode", .string("EXPIRE_MAKER")),
            ("goodTillDate", .int(0)),
        ]
        if withTime { pairs.append(("time", .int(o.time))) }
        pairs.append(("updateTime", .int(o.updateTime)))
        return .object(pairs)
    }

    func algoJSON(_ a: AlgoOrderRecord) -> WireJSON {
        let p = pp(a.symbol), q = qp(a.symbol)
        var pairs: [(String, WireJSON)] = [
            ("algoId", .int(a.algoId)),
            ("clientAlgoId", .string(a.clientAlgoId)),
            ("algoType", .string("CONDITIONAL")),
            ("orderType", .string(a.orderType)),
            ("symbol", .string(a.symbol)),
            ("side", .string(a.side)),
            ("positionSide", .string("BOTH")),
            ("timeInForce", .string(a.timeInForce)),
            ("quantity", .string(WireDecimal.format(a.quantity, scale: q))),
            ("algoStatus", .string(a.algoStatus)),
            ("triggerPrice", .string(WireDecimal.format(a.triggerPrice, scale: p))),
            ("price", .string(WireDecimal.format(a.price, scale: p))),
            ("icebergQuantity", .null),
            ("selfTradePreventionMode", .string("EXPIRE_MAKER")),
            ("workingType", .string(a.workingType)),
            ("priceMatch", .string("NONE")),
            ("closePosition", .bool(a.closePosition)),
            ("priceProtect", .bool(false)),
            ("reduceOnly", .bool(a.reduceOnly)),
            ("activatePrice", .string(a.activatePrice > 0 ? WireDecimal.format(a.activatePrice, scale: p) : "")),
            ("callbackRate", .string(a.callbackRate > 0 ? WireDecimal.plain(a.callbackRate) : "")),
            ("createTime", .int(a.createTime)),
            ("updateTime", .int(a.updateTime)),
            ("triggerTime", .int(a.triggerTime)),
            ("goodTillDate", .int(0)),
        ]
        if let id = a.actualOrderId { pairs.append(("actualOrderId", .string(String(id)))) }
        return .object(pairs)
    }

    func tradeJSON(_ t: TradeRecord) -> WireJSON {
        let p = pp(t.symbol), q = qp(t.symbol)
        return .object([
            ("buyer", .bool(t.side == "BUY")),
            ("commission", .string(WireDecimal.format(t.commission, scale: 8))),
            ("commissionAsset", .string("USDT")),
            ("id", .int(t.id)),
            ("maker", .bool(t.maker)),
            ("orderId", .int(t.orderId)),
            ("price", .string(WireDecimal.format(t.price, scale: p))),
            ("qty", .string(WireDecimal.format(t.qty, scale: q))),
            ("quoteQty", .string(WireDecimal.format(t.quoteQty, scale: p + q))),
            ("realizedPnl", .string(WireDecimal.format(t.realizedPnl, scale: 8))),
            ("side", .string(t.side)),
            ("positionSide", .string("BOTH")),
            ("symbol", .string(t.symbol)),
            ("time", .int(t.time)),
        ])
    }

    func positionRecord(_ account: Account, _ symbol: String, at t: Int64) -> BinanceTestServer.PositionRecord {
        let pos = account.positions[symbol] ?? (amount: 0, entry: 0, updateTime: 0)
        let mark = price(symbol, at: t) ?? 0
        let upnl = pos.amount == 0 ? 0 : WireDecimal.round(pos.amount * (mark - pos.entry), scale: 8)
        return .init(symbol: symbol, positionAmt: pos.amount, entryPrice: pos.entry, markPrice: mark,
                     unrealizedProfit: upnl, leverage: leverage(account, symbol),
                     marginType: account.marginType[symbol] ?? "CROSSED", updateTime: pos.updateTime)
    }

    /// GET /fapi/v2/positionRisk: every symbol (or the one asked), zero positions included.
    func positionRiskV2(_ account: Account, symbols: [String], at t: Int64) -> WireJSON {
        .array(symbols.map { symbol in
            let r = positionRecord(account, symbol, at: t)
            let notional = r.positionAmt * r.markPrice
            let isolated = r.marginType == "ISOLATED"
            let line = marginLines(account, at: t)[symbol]
            return .object([
                ("symbol", .string(symbol)),
                ("positionAmt", .string(WireDecimal.format(r.positionAmt, scale: qp(symbol)))),
                ("entryPrice", .string(WireDecimal.plain(r.entryPrice))),
                ("breakEvenPrice", .string(WireDecimal.plain(r.entryPrice))),
                ("markPrice", .string(WireDecimal.format(r.markPrice, scale: 8))),
                ("unRealizedProfit", .string(WireDecimal.format(r.unrealizedProfit, scale: 8))),
                ("liquidationPrice", .string("0")),
                ("leverage", .string(String(r.leverage))),
                ("maxNotionalValue", .string("1000000")),
                ("marginType", .string(isolated ? "isolated" : "cross")),
                ("isolatedMargin", money(line?.isolatedMargin ?? 0)),
                ("isAutoAddMargin", .string("false")),
                ("positionSide", .string("BOTH")),
                ("notional", .string(WireDecimal.plain(WireDecimal.round(notional, scale: 8)))),
                ("isolatedWallet", .string(WireDecimal.plain(line?.isolatedWallet ?? 0))),
                ("updateTime", .int(r.updateTime)),
            ])
        })
    }

    /// GET /fapi/v3/positionRisk: only symbols with a position (or asked for), v3 field set.
    func positionRiskV3(_ account: Account, symbols: [String], at t: Int64) -> WireJSON {
        .array(symbols.compactMap { symbol -> WireJSON? in
            let r = positionRecord(account, symbol, at: t)
            guard r.positionAmt != 0 else { return nil }
            let notional = WireDecimal.round(r.positionAmt * r.markPrice, scale: 8)
            // v3 has no marginType: as on Binance, only an isolated position carries a non-zero isolated wallet/margin.
            let line = marginLines(account, at: t)[symbol]
            let pim = line?.positionInitialMargin ?? 0, oim = line?.openOrderInitialMargin ?? 0
            return .object([
                ("symbol", .string(symbol)),
                ("positionSide", .string("BOTH")),
                ("positionAmt", .string(WireDecimal.format(r.positionAmt, scale: qp(symbol)))),
                ("entryPrice", .string(WireDecimal.plain(r.entryPrice))),
                ("breakEvenPrice", .string(WireDecimal.plain(r.entryPrice))),
                ("markPrice", .string(WireDecimal.format(r.markPrice, scale: 8))),
                ("unRealizedProfit", .string(WireDecimal.format(r.unrealizedProfit, scale: 8))),
                ("liquidationPrice", .string("0")),
                ("isolatedMargin", plain8(line?.isolatedMargin ?? 0)),
                ("notional", .string(WireDecimal.plain(notional))),
                ("marginAsset", .string("USDT")),
                ("isolatedWallet", .string(WireDecimal.plain(line?.isolatedWallet ?? 0))),
                ("initialMargin", plain8(pim + oim)),
                ("maintMargin", .string(WireDecimal.plain(WireDecimal.round(WireDecimal.abs(notional) * dec("0.004"), scale: 8)))),
                ("positionInitialMargin", plain8(pim)),
                ("openOrderInitialMargin", plain8(oim)),
                ("adl", .int(0)),
                ("bidNotional", .string("0")),
                ("askNotional", .string("0")),
                ("updateTime", .int(r.updateTime)),
            ])
        })
    }

    func money(_ d: Decimal) -> WireJSON { .string(WireDecimal.format(d, scale: 8)) }
    /// Rounded to 8 decimals, no trailing zeros (Binance's per-position margin strings: "0", "123.4").
    func plain8(_ d: Decimal) -> WireJSON { .string(WireDecimal.plain(WireDecimal.round(d, scale: 8))) }

    /// GET /fapi/v2/balance and /fapi/v3/balance.
    func balanceJSON(_ account: Account, at t: Int64) -> WireJSON {
        let m = marginSummary(account, at: t)
        return .array([.object([
            ("accountAlias", .string("SgsR")),
            ("asset", .string("USDT")),
            ("balance", money(m.walletBalance)),
            ("crossWalletBalance", money(m.crossWalletBalance)),
            ("crossUnPnl", money(m.crossUnPnl)),
            ("availableBalance", money(m.availableBalance)),
            ("maxWithdrawAmount", money(m.maxWithdrawAmount)),
            ("marginAvailable", .bool(true)),
            ("updateTime", .int(t)),
        ])])
    }

    /// GET /fapi/v2/account and /fapi/v3/account (v3 lists only open positions, fewer flags).
    func accountJSON(_ account: Account, at t: Int64, v3: Bool) -> WireJSON {
        let m = marginSummary(account, at: t)
        let lines = marginLines(account, at: t)
        let asset: WireJSON = .object([
            ("asset", .string("USDT")),
            ("walletBalance", money(m.walletBalance)),
            ("unrealizedProfit", money(m.unrealizedProfit)),
            ("marginBalance", money(m.marginBalance)),
            ("maintMargin", money(0)),
            ("initialMargin", money(m.initialMargin)),
            ("positionInitialMargin", money(m.positionInitialMargin)),
            ("openOrderInitialMargin", money(m.openOrderInitialMargin)),
            ("crossWalletBalance", money(m.crossWalletBalance)),
            ("crossUnPnl", money(m.crossUnPnl)),
            ("availableBalance", money(m.availableBalance)),
            ("maxWithdrawAmount", money(m.maxWithdrawAmount)),
            ("marginAvailable", .bool(true)),
            ("updateTime", .int(t)),
        ])
        let symbols = options.symbols.map(\.symbol)
        let positions: [WireJSON] = symbols.compactMap { symbol in
            let r = positionRecord(account, symbol, at: t)
            if v3 && r.positionAmt == 0 { return nil }
            let notional = WireDecimal.round(r.positionAmt * r.markPrice, scale: 8)
            let line = lines[symbol]
            let pim = line?.positionInitialMargin ?? 0, oim = line?.openOrderInitialMargin ?? 0
            var pairs: [(String, WireJSON)] = [
                ("symbol", .string(symbol)),
                ("positionSide", .string("BOTH")),
                ("positionAmt", .string(WireDecimal.format(r.positionAmt, scale: qp(symbol)))),
                ("unrealizedProfit", money(r.unrealizedProfit)),
                ("isolatedMargin", money(line?.isolatedMargin ?? 0)),
                ("notional", .string(WireDecimal.plain(notional))),
                ("isolatedWallet", .string(WireDecimal.plain(line?.isolatedWallet ?? 0))),
                ("initialMargin", plain8(pim + oim)),
                ("maintMargin", .string("0")),
                ("updateTime", .int(r.updateTime)),
            ]
            if !v3 {
                pairs += [
                    ("positionInitialMargin", plain8(pim)),
                    ("openOrderInitialMargin", plain8(oim)),
                    ("leverage", .string(String(r.leverage))),
                    ("isolated", .bool(r.marginType == "ISOLATED")),
                    ("entryPrice", .string(WireDecimal.plain(r.entryPrice))),
                    ("breakEvenPrice", .string(WireDecimal.plain(r.entryPrice))),
                    ("maxNotional", .string("1000000")),
                    ("bidNotional", .string("0")),
                    ("askNotional", .string("0")),
                ]
            }
            return .object(pairs)
        }
        var top: [(String, WireJSON)] = []
        if !v3 {
            top += [("feeTier", .int(0)), ("feeBurn", .bool(false)), ("canTrade", .bool(true)), ("canDeposit", .bool(true)),
                    ("canWithdraw", .bool(true)), ("updateTime", .int(0)), ("multiAssetsMargin", .bool(false)), ("tradeGroupId", .int(-1))]
        }
        top += [
            ("totalInitialMargin", money(m.initialMargin)),
            ("totalMaintMargin", money(0)),
            ("totalWalletBalance", money(m.walletBalance)),
            ("totalUnrealizedProfit", money(m.unrealizedProfit)),
            ("totalMarginBalance", money(m.marginBalance)),
            ("totalPositionInitialMargin", money(m.positionInitialMargin)),
            ("totalOpenOrderInitialMargin", money(m.openOrderInitialMargin)),
            ("totalCrossWalletBalance", money(m.crossWalletBalance)),
            ("totalCrossUnPnl", money(m.crossUnPnl)),
            ("availableBalance", money(m.availableBalance)),
            ("maxWithdrawAmount", money(m.maxWithdrawAmount)),
            ("assets", .array([asset])),
            ("positions", .array(positions)),
        ]
        return .object(top)
    }
}
