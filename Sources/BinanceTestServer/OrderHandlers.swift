import Foundation

/// /fapi/v1/order and friends.
enum OrderHandlers {
    static func place(_ ctx: Routes.Context) throws -> WireJSON {
        _ = try ctx.account()
        let placed = try ctx.engine.placeOrder(ctx.params, apiKey: ctx.apiKey ?? "", at: ctx.now)
        // ACK answers with the order as accepted (NEW, nothing executed yet), like Binance.
        return ctx.engine.orderJSON(placed.result ? placed.order : placed.accepted, withTime: false)
    }

    static func symbol(_ ctx: Routes.Context) throws -> String {
        try ctx.engine.spec(ctx.params).symbol
    }

    static func query(_ ctx: Routes.Context) throws -> WireJSON {
        let symbol = try symbol(ctx)
        guard let i = try ctx.engine.findOrder(ctx.params, apiKey: ctx.apiKey ?? "", symbol: symbol) else {
            throw APIError.orderDoesNotExist
        }
        return ctx.engine.orderJSON(ctx.engine.orders[i])
    }

    static func cancel(_ ctx: Routes.Context) throws -> WireJSON {
        let symbol = try symbol(ctx)
        guard let i = try ctx.engine.findOrder(ctx.params, apiKey: ctx.apiKey ?? "", symbol: symbol),
              ctx.engine.orders[i].isOpen else {
            throw APIError.unknownOrderSent
        }
        ctx.engine.orders[i].status = "CANCELED"
        ctx.engine.orders[i].updateTime = ctx.now
        return ctx.engine.orderJSON(ctx.engine.orders[i])
    }

    static func openOrders(_ ctx: Routes.Context) throws -> WireJSON {
        let symbols = Set(try ctx.engine.requestedSymbols(ctx.params).map(\.symbol))
        return .array(ctx.engine.orders.filter { $0.apiKey == ctx.apiKey && $0.isOpen && symbols.contains($0.symbol) }.map(ctx.engine.orderJSON))
    }

    static func allOrders(_ ctx: Routes.Context) throws -> WireJSON {
        let symbol = try symbol(ctx)
        let limit = try ctx.params.int64("limit") ?? 500
        guard limit >= 1 && limit <= 1000 else { throw APIError.invalidParameter("limit") }
        var rows = ctx.engine.orders.filter { $0.apiKey == ctx.apiKey && $0.symbol == symbol }
        if let from = try ctx.params.int64("orderId") { rows = rows.filter { $0.orderId >= from } }
        if let start = try ctx.params.int64("startTime") { rows = rows.filter { $0.time >= start } }
        if let end = try ctx.params.int64("endTime") { rows = rows.filter { $0.time <= end } }
        rows = ctx.params["orderId"] != nil || ctx.params["startTime"] != nil ? Array(rows.prefix(Int(limit))) : Array(rows.suffix(Int(limit)))
        return .array(rows.map(ctx.engine.orderJSON))
    }

    static func cancelAll(_ ctx: Routes.Context) throws -> WireJSON {
        let symbol = try symbol(ctx)
        for i in ctx.engine.orders.indices where ctx.engine.orders[i].apiKey == ctx.apiKey && ctx.engine.orders[i].symbol == symbol && ctx.engine.orders[i].isOpen {
            ctx.engine.orders[i].status = "CANCELED"
            ctx.engine.orders[i].updateTime = ctx.now
        }
        return .object([("code", .int(200)), ("msg", .string("The operation of cancel all open order is done."))])
    }

    static func userTrades(_ ctx: Routes.Context) throws -> WireJSON {
        let symbol = try symbol(ctx)
        let limit = try ctx.params.int64("limit") ?? 500
        guard limit >= 1 && limit <= 1000 else { throw APIError.invalidParameter("limit") }
        var rows = ctx.engine.trades.filter { $0.apiKey == ctx.apiKey && $0.symbol == symbol }
        if let id = try ctx.params.int64("orderId") { rows = rows.filter { $0.orderId == id } }
        if let from = try ctx.params.int64("fromId") { rows = rows.filter { $0.id >= from } }
        if let start = try ctx.params.int64("startTime") { rows = rows.filter { $0.time >= start } }
        if let end = try ctx.params.int64("endTime") { rows = rows.filter { $0.time <= end } }
        let fromStart = ctx.params["fromId"] != nil || ctx.params["startTime"] != nil
        rows = fromStart ? Array(rows.prefix(Int(limit))) : Array(rows.suffix(Int(limit)))
        return .array(rows.map(ctx.engine.tradeJSON))
    }
}

/// Leverage and margin type.
enum AccountHandlers {
    static func leverage(_ ctx: Routes.Context) throws -> WireJSON {
        var account = try ctx.account()
        let spec = try ctx.engine.spec(ctx.params)
        let text = try ctx.params.required("leverage")
        guard let lev = Int(text) else { throw APIError.mandatory("leverage") }
        guard lev >= 1 && lev <= spec.maxLeverage else { throw APIError.badLeverage(text) }
        account.leverage[spec.symbol] = lev
        ctx.engine.accounts[account.apiKey] = account
        return .object([("leverage", .int(Int64(lev))), ("maxNotionalValue", .string("1000000")), ("symbol", .string(spec.symbol))])
    }

    static func marginType(_ ctx: Routes.Context) throws -> WireJSON {
        var account = try ctx.account()
        let spec = try ctx.engine.spec(ctx.params)
        let type = try ctx.params.required("marginType").uppercased()
        guard type == "ISOLATED" || type == "CROSSED" else { throw APIError.invalidParameter("marginType") }
        if (account.marginType[spec.symbol] ?? "CROSSED") == type { throw APIError.noNeedToChangeMarginType }
        if ctx.engine.orders.contains(where: { $0.apiKey == account.apiKey && $0.symbol == spec.symbol && $0.isOpen }) {
            throw APIError.marginTypeOpenOrders
        }
        if (account.positions[spec.symbol]?.amount ?? 0) != 0 { throw APIError.marginTypePosition }
        account.marginType[spec.symbol] = type
        ctx.engine.accounts[account.apiKey] = account
        return .object([("code", .int(200)), ("msg", .string("success"))])
    }

    /// GET /fapi/v1/symbolConfig: always an array (one row with `symbol`, every symbol without), each row the
    /// account's margin type and leverage for the symbol and the largest position notional at that leverage.
    static func symbolConfig(_ ctx: Routes.Context) throws -> WireJSON {
        let account = try ctx.account()
        return .array(try ctx.engine.requestedSymbols(ctx.params).map { spec in
            let leverage = ctx.engine.leverage(account, spec.symbol)
            let cap = MarketHandlers.brackets.filter { min($0.3, Int64(spec.maxLeverage)) >= Int64(leverage) }.map(\.1).max() ?? 0
            return .object([("symbol", .string(spec.symbol)), ("marginType", .string(account.marginType[spec.symbol] ?? "CROSSED")),
                            ("isAutoAddMargin", .string("false")), ("leverage", .int(Int64(leverage))),
                            ("maxNotionalValue", .string(String(cap)))])
        })
    }
}

/// Conditional orders on the algo service (/fapi/v1/algoOrder, openAlgoOrders).
enum AlgoHandlers {
    static func place(_ ctx: Routes.Context) throws -> WireJSON {
        _ = try ctx.account()
        return ctx.engine.algoJSON(try ctx.engine.placeAlgoOrder(ctx.params, apiKey: ctx.apiKey ?? "", at: ctx.now))
    }

    static func find(_ ctx: Routes.Context) throws -> Int? {
        if let id = try ctx.params.int64("algoId") {
            return ctx.engine.algoOrders.firstIndex { $0.apiKey == ctx.apiKey && $0.algoId == id }
        }
        if let cid = ctx.params["clientAlgoId"] {
            return ctx.engine.algoOrders.lastIndex { $0.apiKey == ctx.apiKey && $0.clientAlgoId == cid }
        }
        throw APIError.eitherMandatory("algoId", "clientAlgoId")
    }

    static func query(_ ctx: Routes.Context) throws -> WireJSON {
        guard let i = try find(ctx) else { throw APIError.orderDoesNotExist }
        return ctx.engine.algoJSON(ctx.engine.algoOrders[i])
    }

    static func cancel(_ ctx: Routes.Context) throws -> WireJSON {
        guard let i = try find(ctx), ctx.engine.algoOrders[i].algoStatus == "NEW" else { throw APIError.unknownOrderSent }
        ctx.engine.algoOrders[i].algoStatus = "CANCELED"
        ctx.engine.algoOrders[i].updateTime = ctx.now
        let a = ctx.engine.algoOrders[i]
        return .object([("algoId", .int(a.algoId)), ("clientAlgoId", .string(a.clientAlgoId)), ("code", .string("200")), ("msg", .string("success"))])
    }

    static func openOrders(_ ctx: Routes.Context) throws -> WireJSON {
        let symbols = Set(try ctx.engine.requestedSymbols(ctx.params).map(\.symbol))
        return .array(ctx.engine.algoOrders.filter { $0.apiKey == ctx.apiKey && $0.algoStatus == "NEW" && symbols.contains($0.symbol) }.map(ctx.engine.algoJSON))
    }

    static func cancelAll(_ ctx: Routes.Context) throws -> WireJSON {
        let symbol = try ctx.engine.spec(ctx.params).symbol
        for i in ctx.engine.algoOrders.indices where ctx.engine.algoOrders[i].apiKey == ctx.apiKey && ctx.engine.algoOrders[i].symbol == symbol && ctx.engine.algoOrders[i].algoStatus == "NEW" {
            ctx.engine.algoOrders[i].algoStatus = "CANCELED"
            ctx.engine.algoOrders[i].updateTime = ctx.now
        }
        return .object([("code", .int(200)), ("msg", .string("The operation of cancel all open order is done."))])
    }
}
