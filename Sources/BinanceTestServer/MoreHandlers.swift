import Foundation

/// Order book, funding, income, leverage brackets (public/account reads), as Binance documents them.
enum MarketHandlers {
    static let depthLimits: Set<Int64> = [5, 10, 20, 50, 100, 500, 1000]

    /// GET /fapi/v1/depth (and rpiDepth): a book one tick wide around the last price, `limit` levels a side.
    static func depth(_ ctx: Routes.Context) throws -> WireJSON {
        let spec = try ctx.engine.spec(ctx.params)
        let limit = try ctx.params.int64("limit") ?? 500
        guard depthLimits.contains(limit) else { throw APIError.invalidParameter("limit") }
        let last = ctx.engine.price(spec.symbol, at: ctx.now)
        func side(_ sign: Decimal, _ offset: Decimal) -> WireJSON {
            guard let last else { return .array([]) }
            return .array((0..<Int(min(limit, 20))).map { i in
                let p = last + sign * (offset + Decimal(i) * spec.tickSize)
                let q = spec.stepSize * Decimal(10 * (i + 1))
                return .array([.string(WireDecimal.format(p, scale: spec.pricePrecision)), .string(WireDecimal.format(q, scale: spec.quantityPrecision))])
            })
        }
        return .object([("lastUpdateId", .int(ctx.now)), ("E", .int(ctx.now)), ("T", .int(ctx.now)),
                         ("bids", side(-1, 0)), ("asks", side(1, spec.tickSize))])
    }

    static let eightHours: Int64 = 8 * 3_600_000

    /// GET /fapi/v1/fundingRate: one row per 8-hour funding time up to now (rate 0.0001), oldest first.
    static func fundingRate(_ ctx: Routes.Context) throws -> WireJSON {
        let specs = try ctx.engine.requestedSymbols(ctx.params)
        let limit = try ctx.params.int64("limit") ?? 100
        guard limit >= 1 && limit <= 1000 else { throw APIError.invalidParameter("limit") }
        let end = min(try ctx.params.int64("endTime") ?? ctx.now, ctx.now)
        let start = try ctx.params.int64("startTime")
        var rows: [(Int64, WireJSON)] = []
        for s in specs {
            guard let first = ctx.engine.priceSeries(s.symbol)?.rows.first?.openTime else { continue }
            var t = max((first / eightHours + 1) * eightHours, start.map { ($0 + eightHours - 1) / eightHours * eightHours } ?? 0)
            while t <= end {
                let mark = ctx.engine.price(s.symbol, at: t) ?? 0
                rows.append((t, .object([("symbol", .string(s.symbol)), ("fundingTime", .int(t)),
                                         ("fundingRate", .string("0.00010000")),
                                         ("markPrice", .string(WireDecimal.format(mark, scale: 8)))])))
                t += eightHours
            }
        }
        rows.sort { $0.0 < $1.0 }
        let picked = start != nil ? Array(rows.prefix(Int(limit))) : Array(rows.suffix(Int(limit)))
        return .array(picked.map(\.1))
    }

    /// GET /fapi/v1/income: REALIZED_PNL and COMMISSION of the account's fills (the server settles no funding,
    /// so FUNDING_FEE is always empty), newest `limit` unless startTime is sent.
    static func income(_ ctx: Routes.Context) throws -> WireJSON {
        let account = try ctx.account()
        let limit = try ctx.params.int64("limit") ?? 100
        guard limit >= 1 && limit <= 1000 else { throw APIError.invalidParameter("limit") }
        let types: Set<String> = ["TRANSFER", "WELCOME_BONUS", "REALIZED_PNL", "FUNDING_FEE", "COMMISSION", "INSURANCE_CLEAR",
                                  "REFERRAL_KICKBACK", "COMMISSION_REBATE", "API_REBATE", "CONTEST_REWARD", "CROSS_COLLATERAL_TRANSFER",
                                  "OPTIONS_PREMIUM_FEE", "OPTIONS_SETTLE_PROFIT", "INTERNAL_TRANSFER", "AUTO_EXCHANGE",
                                  "DELIVERED_SETTELMENT", "COIN_SWAP_DEPOSIT", "COIN_SWAP_WITHDRAW", "POSITION_LIMIT_INCREASE_FEE"]
        let wantedType = ctx.params["incomeType"]
        if let wantedType, !types.contains(wantedType) { throw APIError.invalidParameter("incomeType") }
        if let s = ctx.params["symbol"], ctx.server.options.spec(s) == nil { throw APIError.badSymbol }
        let start = try ctx.params.int64("startTime"), end = try ctx.params.int64("endTime")
        var rows: [(Int64, WireJSON)] = []
        for tr in ctx.engine.trades where tr.apiKey == account.apiKey {
            if let s = ctx.params["symbol"], s != tr.symbol { continue }
            if let start, tr.time < start { continue }
            if let end, tr.time > end { continue }
            func row(_ type: String, _ amount: Decimal, _ tranId: Int64) -> WireJSON {
                .object([("symbol", .string(tr.symbol)), ("incomeType", .string(type)), ("income", .string(WireDecimal.format(amount, scale: 8))),
                         ("asset", .string("USDT")), ("info", .string(type)), ("time", .int(tr.time)), ("tranId", .int(tranId)),
                         ("tradeId", .string(String(tr.id)))])
            }
            if wantedType == nil || wantedType == "COMMISSION" { rows.append((tr.time, row("COMMISSION", -tr.commission, tr.id * 10 + 1))) }
            if (wantedType == nil || wantedType == "REALIZED_PNL") && tr.realizedPnl != 0 { rows.append((tr.time, row("REALIZED_PNL", tr.realizedPnl, tr.id * 10 + 2))) }
        }
        let picked = start != nil ? Array(rows.prefix(Int(limit))) : Array(rows.suffix(Int(limit)))
        return .array(picked.map(\.1))
    }

    /// Binance's published BTCUSDT brackets (notional floor, cap, maintenance margin ratio, max leverage, cum);
    /// other symbols get the same table scaled by their max leverage.
    static let brackets: [(Int64, Int64, String, Int64, String)] = [
        (0, 50_000, "0.004", 125, "0.0"), (50_000, 250_000, "0.005", 100, "50.0"), (250_000, 3_000_000, "0.01", 50, "1300.0"),
        (3_000_000, 20_000_000, "0.025", 20, "46300.0"), (20_000_000, 40_000_000, "0.05", 10, "546300.0"),
        (40_000_000, 100_000_000, "0.1", 5, "2546300.0"), (100_000_000, 120_000_000, "0.125", 4, "5046300.0"),
        (120_000_000, 200_000_000, "0.15", 3, "8046300.0"), (200_000_000, 300_000_000, "0.25", 2, "28046300.0"),
        (300_000_000, 9_223_372_036_854_775_807, "0.5", 1, "103046300.0"),
    ]

    /// GET /fapi/v1/leverageBracket: [{symbol, notionalCoef, brackets: [...]}] (an object with `symbol`).
    static func leverageBracket(_ ctx: Routes.Context) throws -> WireJSON {
        _ = try ctx.account()
        let specs = try ctx.engine.requestedSymbols(ctx.params)
        func entry(_ s: BinanceTestServer.SymbolSpec) -> WireJSON {
            .object([("symbol", .string(s.symbol)), ("notionalCoef", .string("1.0")),
                     ("brackets", .array(brackets.enumerated().map { i, b in
                         .object([("bracket", .int(Int64(i + 1))), ("initialLeverage", .int(min(b.3, Int64(s.maxLeverage)))),
                                  ("notionalCap", .int(b.1)), ("notionalFloor", .int(b.0)),
                                  ("maintMarginRatio", .string(b.2)), ("cum", .string(b.4))])
                     }))])
        }
        if ctx.params["symbol"] != nil, let only = specs.first { return entry(only) }
        return .array(specs.map(entry))
    }

    /// Klines variants: mark / premium index candles by `symbol`, index candles by `pair` (the same series here).
    static func priceKlines(byPair: Bool) -> (Routes.Context) throws -> WireJSON {
        { ctx in
            var p = ctx.params
            if byPair {
                guard let pair = ctx.params["pair"] else { throw APIError.mandatory("pair") }
                p.values["symbol"] = pair
            }
            return try ctx.engine.klines(p, at: ctx.now)
        }
    }
}

/// Position mode, batch orders, modify order, algo order history.
enum TradeHandlers {
    /// POST /fapi/v1/positionSide/dual.
    static func setDualSide(_ ctx: Routes.Context) throws -> WireJSON {
        var account = try ctx.account()
        guard let dual = try ctx.params.bool("dualSidePosition") else { throw APIError.mandatory("dualSidePosition") }
        if account.dualSidePosition == dual { throw APIError.noNeedToChangePositionSide }
        if ctx.engine.orders.contains(where: { $0.apiKey == account.apiKey && $0.isOpen })
            || ctx.engine.algoOrders.contains(where: { $0.apiKey == account.apiKey && $0.algoStatus == "NEW" }) {
            throw APIError.positionSideOpenOrders
        }
        if account.positions.values.contains(where: { $0.amount != 0 }) { throw APIError.positionSidePosition }
        account.dualSidePosition = dual
        ctx.engine.accounts[account.apiKey] = account
        return .object([("code", .int(200)), ("msg", .string("success"))])
    }

    static func dualSide(_ ctx: Routes.Context) throws -> WireJSON {
        .object([("dualSidePosition", .bool(try ctx.account().dualSidePosition))])
    }

    /// POST /fapi/v1/batchOrders: up to 5 orders, each placed (or refused) on its own; the answer lists each
    /// order or its `{code, msg}` in request order.
    static func placeBatch(_ ctx: Routes.Context) throws -> WireJSON {
        _ = try ctx.account()
        let text = try ctx.params.required("batchOrders")
        guard let data = text.data(using: .utf8), let list = try? JSONSerialization.jsonObject(with: data) as? [[String: Any]],
              !list.isEmpty, list.count <= 5 else { throw APIError.badBatchSize }
        return .array(list.map { entry in
            var p = RequestParams(rawQuery: "", rawBody: "")
            for (k, v) in entry { p.values[k] = (v as? String) ?? "\(v)" }
            do {
                let placed = try ctx.engine.placeOrder(p, apiKey: ctx.apiKey ?? "", at: ctx.now)
                return ctx.engine.orderJSON(placed.result ? placed.order : placed.accepted, withTime: false)
            } catch let e as APIError {
                return e.body
            } catch {
                return APIError.badBatchSize.body
            }
        })
    }

    /// DELETE /fapi/v1/batchOrders: `orderIdList` or `origClientOrderIdList` (at most 10; names are read
    /// case-insensitively, as ccxt sends them lower-case).
    static func cancelBatch(_ ctx: Routes.Context) throws -> WireJSON {
        let symbol = try ctx.engine.spec(ctx.params).symbol
        func list(_ name: String) -> [String]? {
            guard let raw = ctx.params.values.first(where: { $0.key.lowercased() == name.lowercased() })?.value,
                  let data = raw.data(using: .utf8), let items = try? JSONSerialization.jsonObject(with: data) as? [Any] else { return nil }
            return items.map { ($0 as? String) ?? "\($0)" }
        }
        let ids = list("orderIdList"), cids = list("origClientOrderIdList")
        guard let keys = ids ?? cids else { throw APIError.eitherMandatory("orderIdList", "origClientOrderIdList") }
        guard !keys.isEmpty, keys.count <= 10 else { throw APIError.invalidParameter(ids != nil ? "orderIdList" : "origClientOrderIdList") }
        return .array(keys.map { key in
            let i = ctx.engine.orders.lastIndex { o in
                o.apiKey == ctx.apiKey && o.symbol == symbol && (ids != nil ? String(o.orderId) == key : o.clientOrderId == key)
            }
            guard let i, ctx.engine.orders[i].isOpen else { return APIError.unknownOrderSent.body }
            ctx.engine.orders[i].status = "CANCELED"
            ctx.engine.orders[i].updateTime = ctx.now
            return ctx.engine.orderJSON(ctx.engine.orders[i])
        })
    }

    /// PUT /fapi/v1/order (modify): price and quantity of an open LIMIT order, same side; the order keeps its id.
    static func modify(_ ctx: Routes.Context) throws -> WireJSON {
        let spec = try ctx.engine.spec(ctx.params)
        let side = try ctx.engine.side(ctx.params)
        guard let i = try ctx.engine.findOrder(ctx.params, apiKey: ctx.apiKey ?? "", symbol: spec.symbol) else {
            throw APIError.orderDoesNotExist
        }
        let o = ctx.engine.orders[i]
        guard o.isOpen else { throw APIError.unknownOrderSent }
        guard o.type == "LIMIT" else { throw APIError.badOrderType }
        guard o.side == side else { throw APIError.badSide }
        let qty = try ctx.engine.quantity(ctx.params, spec, market: false)
        let price = try ctx.engine.price("price", ctx.params, spec)
        guard qty > o.executedQty else { throw APIError(status: 400, code: -4005, msg: "Quantity greater than max quantity.") }
        if qty == o.origQty && price == o.price { throw APIError.noNeedToModify }
        ctx.engine.orders[i].origQty = qty
        ctx.engine.orders[i].price = price
        ctx.engine.orders[i].updateTime = ctx.now
        if let mark = ctx.engine.price(spec.symbol, at: ctx.now), side == "BUY" ? price >= mark : price <= mark {
            ctx.engine.execute(orderAt: i, price: mark, maker: false, at: ctx.now)
        }
        return ctx.engine.orderJSON(ctx.engine.orders[i])
    }

    /// GET /fapi/v1/allAlgoOrders: the account's conditional orders of a symbol, newest `limit`.
    static func allAlgoOrders(_ ctx: Routes.Context) throws -> WireJSON {
        let symbol = try ctx.engine.spec(ctx.params).symbol
        let limit = try ctx.params.int64("limit") ?? 500
        guard limit >= 1 && limit <= 1000 else { throw APIError.invalidParameter("limit") }
        var rows = ctx.engine.algoOrders.filter { $0.apiKey == ctx.apiKey && $0.symbol == symbol }
        if let start = try ctx.params.int64("startTime") { rows = rows.filter { $0.createTime >= start } }
        if let end = try ctx.params.int64("endTime") { rows = rows.filter { $0.createTime <= end } }
        return .array(rows.suffix(Int(limit)).map(ctx.engine.algoJSON))
    }
}
