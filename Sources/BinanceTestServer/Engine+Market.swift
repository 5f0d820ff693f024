import Foundation

/// Public market-data answers: exchangeInfo, klines, tickers, mark price.
extension Engine {
    func exchangeInfo(at t: Int64) -> WireJSON {
        let symbols: [WireJSON] = options.symbols.map { s in
            let p = s.pricePrecision, q = s.quantityPrecision
            return .object([
                ("symbol", .string(s.symbol)),
                ("pair", .string(s.symbol)),
                ("contractType", .string("PERPETUAL")),
                ("deliveryDate", .int(4_133_404_800_000)),
                ("onboardDate", .int(1_569_398_400_000)),
                ("status", .string("TRADING")),
                ("maintMarginPercent", .string("2.5000")),
                ("requiredMarginPercent", .string("5.0000")),
                ("baseAsset", .string(s.baseAsset)),
                ("quoteAsset", .string(s.quoteAsset)),
                ("marginAsset", .string(s.quoteAsset)),
                ("pricePrecision", .int(Int64(p))),
                ("quantityPrecision", .int(Int64(q))),
                ("baseAssetPrecision", .int(8)),
                ("quotePrecision", .int(8)),
                ("underlyingType", .string("COIN")),
                ("underlyingSubType", .array([.string("PoW")])),
                ("settlePlan", .int(0)),
                ("triggerProtect", .string("0.0500")),
                ("liquidationFee", .string("0.012500")),
                ("marketTakeBound", .string("0.05")),
                ("maxMoveOrderLimit", .int(10000)),
                ("filters", .array([
                    .object([("filterType", .string("PRICE_FILTER")),
                             ("minPrice", .string(WireDecimal.format(s.minPrice, scale: p))),
                             ("maxPrice", .string(WireDecimal.plain(s.maxPrice))),
                             ("tickSize", .string(WireDecimal.format(s.tickSize, scale: p)))]),
                    .object([("filterType", .string("LOT_SIZE")),
                             ("stepSize", .string(WireDecimal.format(s.stepSize, scale: q))),
                             ("maxQty", .string(WireDecimal.plain(s.maxQty))),
                             ("minQty", .string(WireDecimal.format(s.minQty, scale: q)))]),
                    .object([("filterType", .string("MARKET_LOT_SIZE")),
                             ("stepSize", .string(WireDecimal.format(s.stepSize, scale: q))),
                             ("maxQty", .string(WireDecimal.plain(s.marketMaxQty))),
                             ("minQty", .string(WireDecimal.format(s.minQty, scale: q)))]),
                    .object([("filterType", .string("MAX_NUM_ORDERS")), ("limit", .int(200))]),
                    .object([("filterType", .string("MAX_NUM_ALGO_ORDERS")), ("limit", .int(10))]),
                    .object([("filterType", .string("MIN_NOTIONAL")), ("notional", .string(WireDecimal.plain(s.minNotional)))]),
                    .object([("filterType", .string("PERCENT_PRICE")),
                             ("multiplierUp", .string(WireDecimal.format(s.multiplierUp, scale: 4))),
                             ("multiplierDown", .string(WireDecimal.format(s.multiplierDown, scale: 4))),
                             ("multiplierDecimal", .string("4"))]),
                ])),
                ("orderTypes", .array(["LIMIT", "MARKET", "STOP", "STOP_MARKET", "TAKE_PROFIT", "TAKE_PROFIT_MARKET", "TRAILING_STOP_MARKET"].map { .string($0) })),
                ("timeInForce", .array(["GTC", "IOC", "FOK", "GTX", "GTD"].map { .string($0) })),
                ("permissionSets", .array([.string("GRID"), .string("COPY")])),
            ])
        }
        return .object([
            ("timezone", .string("UTC")),
            ("serverTime", .int(t)),
            ("futuresType", .string("U_MARGINED")),
            ("rateLimits", .array([
                .object([("rateLimitType", .string("REQUEST_WEIGHT")), ("interval", .string("MINUTE")), ("intervalNum", .int(1)), ("limit", .int(Int64(options.weightLimitPerMinute)))]),
                .object([("rateLimitType", .string("ORDERS")), ("interval", .string("MINUTE")), ("intervalNum", .int(1)), ("limit", .int(Int64(options.orderLimitPerMinute)))]),
                .object([("rateLimitType", .string("ORDERS")), ("interval", .string("SECOND")), ("intervalNum", .int(10)), ("limit", .int(Int64(options.orderLimitPer10s)))]),
            ])),
            ("exchangeFilters", .array([])),
            ("assets", .array([.object([("asset", .string("USDT")), ("marginAvailable", .bool(true)), ("autoAssetExchange", .string("-10000"))])])),
            ("symbols", .array(symbols)),
        ])
    }

    /// Candles visible at `t`: closed ones as loaded, the one in progress as just opened
    /// (open = high = low = close = its open, volume 0), none from the future.
    func visibleKlines(symbol: String, interval: String, at t: Int64) -> [(Candle, closed: Bool)] {
        guard let ms = KlineInterval.ms(interval), let rows = candles[symbol]?[interval] else { return [] }
        var out: [(Candle, closed: Bool)] = []
        for c in rows {
            if c.openTime > t { break }
            if c.openTime + ms <= t {
                out.append((c, true))
            } else {
                out.append((Candle(openTime: c.openTime, open: c.open, high: c.open, low: c.open, close: c.open, volume: 0), false))
            }
        }
        return out
    }

    func klines(_ params: RequestParams, at t: Int64) throws -> WireJSON {
        let symbol = try params.required("symbol")
        guard let spec = options.spec(symbol) else { throw APIError.badSymbol }
        let interval = try params.required("interval")
        guard let ms = KlineInterval.ms(interval) else { throw APIError.badInterval }
        let limit = try params.int64("limit") ?? 500
        guard limit >= 1 && limit <= 1500 else { throw APIError.invalidParameter("limit") }
        let start = try params.int64("startTime")
        let end = try params.int64("endTime")
        if let start, let end, start > end { throw APIError.startAfterEnd }
        var rows = visibleKlines(symbol: symbol, interval: interval, at: t)
        if let start { rows = rows.filter { $0.0.openTime >= start } }
        if let end { rows = rows.filter { $0.0.openTime <= end } }
        rows = start != nil ? Array(rows.prefix(Int(limit))) : Array(rows.suffix(Int(limit)))
        let p = spec.pricePrecision, q = spec.quantityPrecision
        return .array(rows.map { (c, closed) in
            let quote = WireDecimal.round(c.volume * c.close, scale: 8)
            return .array([
                .int(c.openTime),
                .string(WireDecimal.format(c.open, scale: p)),
                .string(WireDecimal.format(c.high, scale: p)),
                .string(WireDecimal.format(c.low, scale: p)),
                .string(WireDecimal.format(c.close, scale: p)),
                .string(WireDecimal.format(c.volume, scale: q)),
                .int(c.openTime + ms - 1),
                .string(WireDecimal.format(quote, scale: 5)),
                .int(closed ? 1000 : 0),
                .string(WireDecimal.format(WireDecimal.round(c.volume / 2, scale: q), scale: q)),
                .string(WireDecimal.format(WireDecimal.round(quote / 2, scale: 5), scale: 5)),
                .string("0"),
            ])
        })
    }

    /// Weight of a klines call, by its limit (Binance's table).
    static func klinesWeight(limit: Int64) -> Int {
        switch limit {
        case ..<100: return 1
        case ..<500: return 2
        case ...1000: return 5
        default: return 10
        }
    }

    func requestedSymbols(_ params: RequestParams) throws -> [BinanceTestServer.SymbolSpec] {
        if let symbol = params["symbol"] {
            guard let spec = options.spec(symbol) else { throw APIError.badSymbol }
            return [spec]
        }
        return options.symbols
    }

    /// Wraps per-symbol answers as Binance does: an object when `symbol` was sent, else an array.
    func perSymbol(_ params: RequestParams, _ make: (BinanceTestServer.SymbolSpec) -> WireJSON) throws -> WireJSON {
        let specs = try requestedSymbols(params)
        if params["symbol"] != nil, let only = specs.first { return make(only) }
        return .array(specs.map(make))
    }

    func tickerPrice(_ s: BinanceTestServer.SymbolSpec, at t: Int64) -> WireJSON {
        .object([("symbol", .string(s.symbol)),
                 ("price", .string(WireDecimal.format(price(s.symbol, at: t) ?? 0, scale: s.pricePrecision))),
                 ("time", .int(t))])
    }

    func bookTicker(_ s: BinanceTestServer.SymbolSpec, at t: Int64) -> WireJSON {
        let last = price(s.symbol, at: t) ?? 0
        return .object([("symbol", .string(s.symbol)),
                        ("bidPrice", .string(WireDecimal.format(last, scale: s.pricePrecision))),
                        ("bidQty", .string(WireDecimal.format(10, scale: s.quantityPrecision))),
                        ("askPrice", .string(WireDecimal.format(last > 0 ? last + s.tickSize : 0, scale: s.pricePrecision))),
                        ("askQty", .string(WireDecimal.format(10, scale: s.quantityPrecision))),
                        ("time", .int(t)), ("lastUpdateId", .int(t))])
    }

    func premiumIndex(_ s: BinanceTestServer.SymbolSpec, at t: Int64) -> WireJSON {
        let mark = WireDecimal.format(price(s.symbol, at: t) ?? 0, scale: 8)
        let eightHours: Int64 = 8 * 3_600_000
        return .object([("symbol", .string(s.symbol)), ("markPrice", .string(mark)), ("indexPrice", .string(mark)),
                        ("estimatedSettlePrice", .string(mark)), ("lastFundingRate", .string("0.00010000")),
                        ("interestRate", .string("0.00010000")), ("nextFundingTime", .int((t / eightHours + 1) * eightHours)),
                        ("time", .int(t))])
    }

    func ticker24h(_ s: BinanceTestServer.SymbolSpec, at t: Int64) -> WireJSON {
        let day: Int64 = 86_400_000
        let last = price(s.symbol, at: t) ?? 0
        let open = price(s.symbol, at: t - day) ?? last
        var high = last, low = last, volume: Decimal = 0
        if let series = priceSeries(s.symbol) {
            for c in series.rows where c.openTime >= t - day && c.openTime + series.interval <= t {
                high = max(high, c.high); low = min(low, c.low); volume += c.volume
            }
        }
        let change = last - open
        let percent = open > 0 ? WireDecimal.round(change / open * 100, scale: 3) : 0
        let p = s.pricePrecision, q = s.quantityPrecision
        return .object([
            ("symbol", .string(s.symbol)),
            ("priceChange", .string(WireDecimal.format(change, scale: p))),
            ("priceChangePercent", .string(WireDecimal.format(percent, scale: 3))),
            ("weightedAvgPrice", .string(WireDecimal.format(last, scale: p))),
            ("lastPrice", .string(WireDecimal.format(last, scale: p))),
            ("lastQty", .string(WireDecimal.format(s.minQty, scale: q))),
            ("openPrice", .string(WireDecimal.format(open, scale: p))),
            ("highPrice", .string(WireDecimal.format(high, scale: p))),
            ("lowPrice", .string(WireDecimal.format(low, scale: p))),
            ("volume", .string(WireDecimal.format(volume, scale: q))),
            ("quoteVolume", .string(WireDecimal.format(WireDecimal.round(volume * last, scale: 2), scale: 2))),
            ("openTime", .int(t - day)),
            ("closeTime", .int(t)),
            ("firstId", .int(1)),
            ("lastId", .int(1000)),
            ("count", .int(1000)),
        ])
    }
}
