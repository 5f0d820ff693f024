import Foundation

/// The endpoint table: path, security, weight (Binance's numbers) and handler.
enum Routes {
    struct Context {
        let server: BinanceTestServer
        let engine: Engine
        let params: RequestParams
        let apiKey: String?
        let now: Int64

        func account() throws -> Engine.Account {
            guard let key = apiKey, let account = engine.accounts[key] else { throw APIError.rejectedAPIKey }
            return account
        }
    }

    struct Endpoint {
        var signed: Bool
        var placesOrder: Bool = false
        var weight: (RequestParams) -> Int
        var handler: (Context) throws -> WireJSON
    }

    static func fixed(_ w: Int) -> (RequestParams) -> Int { { _ in w } }
    static func bySymbol(_ one: Int, _ all: Int) -> (RequestParams) -> Int { { $0["symbol"] != nil ? one : all } }

    static func find(method: String, path: String) -> Endpoint? { table["\(method) \(path)"] }

    static let table: [String: Endpoint] = [
        "GET /fapi/v1/ping": Endpoint(signed: false, weight: fixed(1)) { _ in .object([]) },
        "GET /fapi/v1/time": Endpoint(signed: false, weight: fixed(1)) { ctx in
            .object([("serverTime", .int(ctx.now + ctx.server.skewMs))])
        },
        "GET /fapi/v1/exchangeInfo": Endpoint(signed: false, weight: fixed(1)) { ctx in ctx.engine.exchangeInfo(at: ctx.now) },
        "GET /fapi/v1/klines": Endpoint(signed: false, weight: { Engine.klinesWeight(limit: (try? $0.int64("limit")).flatMap { $0 } ?? 500) }) { ctx in
            try ctx.engine.klines(ctx.params, at: ctx.now)
        },
        "GET /fapi/v1/ticker/24hr": Endpoint(signed: false, weight: bySymbol(1, 40)) { ctx in
            try ctx.engine.perSymbol(ctx.params) { ctx.engine.ticker24h($0, at: ctx.now) }
        },
        "GET /fapi/v1/ticker/price": Endpoint(signed: false, weight: bySymbol(1, 2)) { ctx in
            try ctx.engine.perSymbol(ctx.params) { ctx.engine.tickerPrice($0, at: ctx.now) }
        },
        "GET /fapi/v2/ticker/price": Endpoint(signed: false, weight: bySymbol(1, 2)) { ctx in
            try ctx.engine.perSymbol(ctx.params) { ctx.engine.tickerPrice($0, at: ctx.now) }
        },
        "GET /fapi/v1/ticker/bookTicker": Endpoint(signed: false, weight: bySymbol(2, 5)) { ctx in
            try ctx.engine.perSymbol(ctx.params) { ctx.engine.bookTicker($0, at: ctx.now) }
        },
        "GET /fapi/v1/premiumIndex": Endpoint(signed: false, weight: bySymbol(1, 10)) { ctx in
            try ctx.engine.perSymbol(ctx.params) { ctx.engine.premiumIndex($0, at: ctx.now) }
        },
        "GET /fapi/v2/balance": Endpoint(signed: true, weight: fixed(5)) { ctx in ctx.engine.balanceJSON(try ctx.account(), at: ctx.now) },
        "GET /fapi/v3/balance": Endpoint(signed: true, weight: fixed(5)) { ctx in ctx.engine.balanceJSON(try ctx.account(), at: ctx.now) },
        "GET /fapi/v2/account": Endpoint(signed: true, weight: fixed(5)) { ctx in ctx.engine.accountJSON(try ctx.account(), at: ctx.now, v3: false) },
        "GET /fapi/v3/account": Endpoint(signed: true, weight: fixed(5)) { ctx in ctx.engine.accountJSON(try ctx.account(), at: ctx.now, v3: true) },
        "GET /fapi/v2/positionRisk": Endpoint(signed: true, weight: fixed(5)) { ctx in
            ctx.engine.positionRiskV2(try ctx.account(), symbols: try ctx.engine.requestedSymbols(ctx.params).map(\.symbol), at: ctx.now)
        },
        "GET /fapi/v3/positionRisk": Endpoint(signed: true, weight: fixed(5)) { ctx in
            ctx.engine.positionRiskV3(try ctx.account(), symbols: try ctx.engine.requestedSymbols(ctx.params).map(\.symbol), at: ctx.now)
        },
        "GET /fapi/v1/positionSide/dual": Endpoint(signed: true, weight: fixed(30), handler: TradeHandlers.dualSide),
        "POST /fapi/v1/positionSide/dual": Endpoint(signed: true, weight: fixed(1), handler: TradeHandlers.setDualSide),
        "GET /fapi/v1/depth": Endpoint(signed: false, weight: { p in
            switch (try? p.int64("limit")).flatMap({ $0 }) ?? 500 { case ...50: return 2; case ...100: return 5; case ...500: return 10; default: return 20 }
        }, handler: MarketHandlers.depth),
        "GET /fapi/v1/rpiDepth": Endpoint(signed: false, weight: fixed(20), handler: MarketHandlers.depth),
        "GET /fapi/v1/fundingRate": Endpoint(signed: false, weight: fixed(1), handler: MarketHandlers.fundingRate),
        "GET /fapi/v1/income": Endpoint(signed: true, weight: fixed(30), handler: MarketHandlers.income),
        "GET /fapi/v1/leverageBracket": Endpoint(signed: true, weight: fixed(1), handler: MarketHandlers.leverageBracket),
        "GET /fapi/v1/markPriceKlines": Endpoint(signed: false, weight: { Engine.klinesWeight(limit: (try? $0.int64("limit")).flatMap { $0 } ?? 500) },
                                                 handler: MarketHandlers.priceKlines(byPair: false)),
        "GET /fapi/v1/premiumIndexKlines": Endpoint(signed: false, weight: { Engine.klinesWeight(limit: (try? $0.int64("limit")).flatMap { $0 } ?? 500) },
                                                    handler: MarketHandlers.priceKlines(byPair: false)),
        "GET /fapi/v1/indexPriceKlines": Endpoint(signed: false, weight: { Engine.klinesWeight(limit: (try? $0.int64("limit")).flatMap { $0 } ?? 500) },
                                                  handler: MarketHandlers.priceKlines(byPair: true)),
        "POST /fapi/v1/batchOrders": Endpoint(signed: true, placesOrder: true, weight: fixed(5), handler: TradeHandlers.placeBatch),
        "DELETE /fapi/v1/batchOrders": Endpoint(signed: true, weight: fixed(1), handler: TradeHandlers.cancelBatch),
        "PUT /fapi/v1/order": Endpoint(signed: true, placesOrder: true, weight: fixed(1), handler: TradeHandlers.modify),
        "GET /fapi/v1/allAlgoOrders": Endpoint(signed: true, weight: fixed(5), handler: TradeHandlers.allAlgoOrders),
        "POST /fapi/v1/order": Endpoint(signed: true, placesOrder: true, weight: fixed(0), handler: OrderHandlers.place),
        "GET /fapi/v1/order": Endpoint(signed: true, weight: fixed(1), handler: OrderHandlers.query),
        "DELETE /fapi/v1/order": Endpoint(signed: true, weight: fixed(1), handler: OrderHandlers.cancel),
        "GET /fapi/v1/openOrders": Endpoint(signed: true, weight: bySymbol(1, 40), handler: OrderHandlers.openOrders),
        "GET /fapi/v1/allOrders": Endpoint(signed: true, weight: fixed(5), handler: OrderHandlers.allOrders),
        "DELETE /fapi/v1/allOpenOrders": Endpoint(signed: true, weight: fixed(1), handler: OrderHandlers.cancelAll),
        "GET /fapi/v1/userTrades": Endpoint(signed: true, weight: fixed(5), handler: OrderHandlers.userTrades),
        "POST /fapi/v1/leverage": Endpoint(signed: true, weight: fixed(1), handler: AccountHandlers.leverage),
        "POST /fapi/v1/marginType": Endpoint(signed: true, weight: fixed(1), handler: AccountHandlers.marginType),
        "GET /fapi/v1/symbolConfig": Endpoint(signed: true, weight: fixed(5), handler: AccountHandlers.symbolConfig),
        "POST /fapi/v1/algoOrder": Endpoint(signed: true, placesOrder: true, weight: fixed(0), handler: AlgoHandlers.place),
        "GET /fapi/v1/algoOrder": Endpoint(signed: true, weight: fixed(1), handler: AlgoHandlers.query),
        "DELETE /fapi/v1/algoOrder": Endpoint(signed: true, weight: fixed(1), handler: AlgoHandlers.cancel),
        "GET /fapi/v1/openAlgoOrders": Endpoint(signed: true, weight: bySymbol(1, 40), handler: AlgoHandlers.openOrders),
        "DELETE /fapi/v1/algoOpenOrders": Endpoint(signed: true, weight: fixed(1), handler: AlgoHandlers.cancelAll),
    ]
}
