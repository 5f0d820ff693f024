import Foundation
import Exchange

/// Public market data beyond candles and one ticker: order book, all tickers, mark prices and funding,
/// with ccxt's request for each (ccxt ts/src/binance.ts fetchOrderBook, fetchTickers, fetchMarkPrice(s),
/// fetchFundingRate(s), fetchFundingRateHistory, fetchOHLCV price/until).
extension BinanceUSDM {
    /// `params.price`: "mark" / "index" / "premiumIndex" candles (index candles take `pair`); `params.until` ->
    /// endTime, and with both `since` and `until` but no `limit` ccxt asks for 1000.
    public func fetchOHLCV(symbol: String, timeframe: Timeframe, since: Int64?, limit: Int?, params: Params) async throws -> [Candle] {
        if params.isEmpty { return try await fetchOHLCV(symbol: symbol, timeframe: timeframe, since: since, limit: limit) }
        let m = try await resolve(symbol, method: "fetchOHLCV")
        let price = params["price"]?.stringValue
        let until = params["until"]?.stringValue
        var requested = limit
        if since != nil && until != nil && limit == nil { requested = 1000 }
        let n = min(requested ?? 500, 1000)
        let endpoint: Endpoint
        switch price {
        case nil: endpoint = .klines
        case "mark"?: endpoint = .markPriceKlines
        case "index"?: endpoint = .indexPriceKlines
        case "premiumIndex"?: endpoint = .premiumIndexKlines
        case let other?:
            throw ExchangeFailure(.badRequest, exchange: id, message: "fetchOHLCV: params.price must be mark, index or premiumIndex; got \(other)", method: "fetchOHLCV")
        }
        var q = QueryString([("interval", timeframe.name), ("limit", String(n))])
        if price == "index" { q.append("pair", String(m.id.split(separator: "_").first ?? Substring(m.id))) } else { q.append("symbol", m.id) }
        q.append("startTime", since.map(String.init))
        q.append("endTime", until)
        q.items += try remaining(params, "fetchOHLCV", consumed: ["price", "until"])
        let rows = try JSON.array(try await client.call(endpoint, q, method: "fetchOHLCV"), method: "fetchOHLCV")
        return try WireParsers.candles(rows, method: "fetchOHLCV")
    }

    public func fetchTicker(symbol: String, params: Params) async throws -> Ticker {
        let m = try await resolve(symbol, method: "fetchTicker")
        var q = QueryString([("symbol", m.id)])
        q.items += try remaining(params, "fetchTicker")
        let json = try await client.call(.ticker24hr, q, method: "fetchTicker")
        return WireParsers.ticker(try JSON.object(json, method: "fetchTicker"), symbol: m.symbol)
    }

    /// ccxt asks for every ticker (weight 40) and keeps the requested symbols.
    public func fetchTickers(symbols: [String]?, params: Params) async throws -> [String: Ticker] {
        let wanted = try await wantedIds(symbols, "fetchTickers")
        var q = QueryString()
        q.items += try remaining(params, "fetchTickers")
        let rows = try JSON.array(try await client.call(.ticker24hr, q, method: "fetchTickers"), method: "fetchTickers")
        return keyedRows(rows, wanted) { WireParsers.ticker($0, symbol: $1) }
    }

    /// GET /fapi/v2/ticker/price (ccxt fetchLastPrices): every symbol's last price (weight 2), the requested ones kept.
    public func fetchLastPrices(symbols: [String]?, params: Params) async throws -> [String: LastPrice] {
        let wanted = try await wantedIds(symbols, "fetchLastPrices")
        var q = QueryString()
        q.items += try remaining(params, "fetchLastPrices")
        let rows = try JSON.array(try await client.call(.tickerPrice, q, method: "fetchLastPrices"), method: "fetchLastPrices")
        return keyedRows(rows, wanted) { WireParsers.lastPrice($0, symbol: $1) }.compactMapValues { $0 }
    }

    /// GET /fapi/v1/depth (`params.rpi`: /fapi/v1/rpiDepth with limit 1000, as ccxt).
    public func fetchOrderBook(symbol: String, limit: Int?, params: Params) async throws -> OrderBook {
        let m = try await resolve(symbol, method: "fetchOrderBook")
        var q = QueryString([("symbol", m.id)])
        let rpi = params["rpi"]?.boolValue ?? false
        q.append("limit", rpi ? "1000" : limit.map(String.init))
        q.items += try remaining(params, "fetchOrderBook", consumed: ["rpi"])
        let o = try JSON.object(try await client.call(rpi ? .rpiDepth : .depth, q, method: "fetchOrderBook"), method: "fetchOrderBook")
        return WireParsers.orderBook(o, symbol: m.symbol)
    }

    public func fetchMarkPrice(symbol: String, params: Params) async throws -> Ticker {
        let m = try await resolve(symbol, method: "fetchMarkPrice")
        var q = QueryString([("symbol", m.id)])
        q.items += try remaining(params, "fetchMarkPrice")
        let o = try JSON.object(try await client.call(.premiumIndex, q, method: "fetchMarkPrice"), method: "fetchMarkPrice")
        return WireParsers.markTicker(o, symbol: m.symbol)
    }

    public func fetchMarkPrices(symbols: [String]?, params: Params) async throws -> [String: Ticker] {
        let wanted = try await wantedIds(symbols, "fetchMarkPrices")
        var q = QueryString()
        q.items += try remaining(params, "fetchMarkPrices")
        let rows = try JSON.array(try await client.call(.premiumIndex, q, method: "fetchMarkPrices"), method: "fetchMarkPrices")
        return keyedRows(rows, wanted) { WireParsers.markTicker($0, symbol: $1) }
    }

    public func fetchFundingRate(symbol: String, params: Params) async throws -> FundingRate {
        let m = try await resolve(symbol, method: "fetchFundingRate")
        var q = QueryString([("symbol", m.id)])
        q.items += try remaining(params, "fetchFundingRate")
        let o = try JSON.object(try await client.call(.premiumIndex, q, method: "fetchFundingRate"), method: "fetchFundingRate")
        return WireParsers.fundingRate(o, symbol: m.symbol)
    }

    public func fetchFundingRates(symbols: [String]?, params: Params) async throws -> [String: FundingRate] {
        let wanted = try await wantedIds(symbols, "fetchFundingRates")
        var q = QueryString()
        q.items += try remaining(params, "fetchFundingRates")
        let rows = try JSON.array(try await client.call(.premiumIndex, q, method: "fetchFundingRates"), method: "fetchFundingRates")
        return keyedRows(rows, wanted) { WireParsers.fundingRate($0, symbol: $1) }
    }

    /// GET /fapi/v1/fundingRate: `since` -> startTime, `params.until` -> endTime.
    public func fetchFundingRateHistory(symbol: String?, since: Int64?, limit: Int?, params: Params) async throws -> [FundingRateHistoryEntry] {
        var q = QueryString()
        if let symbol { q.append("symbol", try await resolve(symbol, method: "fetchFundingRateHistory").id) }
        else { _ = try await loadMarkets(reload: false) }
        q.append("startTime", since.map(String.init))
        q.append("endTime", params["until"]?.stringValue)
        q.append("limit", limit.map(String.init))
        q.items += try remaining(params, "fetchFundingRateHistory", consumed: ["until"])
        let rows = try JSON.array(try await client.call(.fundingRate, q, method: "fetchFundingRateHistory"), method: "fetchFundingRateHistory")
        return rows.compactMap { $0 as? [String: Any] }.map { WireParsers.fundingRateHistory($0, symbol: self.symbol(forId: JSON.string($0, "symbol"))) }
    }

    /// ccxt's binance fetchStatus reads sapi/v1/system/status, which is not on the futures host: the futures
    /// API's own liveness check is GET /fapi/v1/ping (any failure is the exchange being unavailable).
    public func fetchStatus(params: Params) async throws -> ExchangeStatus {
        let json = try await client.call(.ping, QueryString(), method: "fetchStatus")
        return ExchangeStatus(status: "ok", updated: time.now(), info: JSONValue(foundation: json))
    }

    // MARK: helpers

    func wantedIds(_ symbols: [String]?, _ method: String) async throws -> Set<String>? {
        _ = try await loadMarkets(reload: false)
        guard let symbols else { return nil }
        var ids: Set<String> = []
        for s in symbols { ids.insert(try await resolve(s, method: method).id) }
        return ids
    }

    /// Rows keyed by unified symbol, only known markets (and only `wanted` ones when given).
    func keyedRows<T>(_ rows: [Any], _ wanted: Set<String>?, _ parse: ([String: Any], String) -> T) -> [String: T] {
        var out: [String: T] = [:]
        for case let o as [String: Any] in rows {
            guard let id = JSON.string(o, "symbol"), let m = marketsById[id] else { continue }
            if let wanted, !wanted.contains(id) { continue }
            out[m.symbol] = parse(o, m.symbol)
        }
        return out
    }
}
