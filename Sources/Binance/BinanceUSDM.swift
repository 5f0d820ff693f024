import Foundation
import Logging
import Exchange

/// Binance USDⓈ-M futures behind the unified `Exchange` protocol, sending the same endpoints and
/// parameters as CCXT's `binanceusdm` for each unified call.
///
/// As in CCXT, conditional orders (stop/take-profit types, or any order with `params.triggerPrice`) live on
/// Binance's algo-order API: `createOrder` routes them there by itself; `fetchOrder`, `fetchOpenOrders`,
/// `cancelOrder` and `cancelAllOrders` reach them with `params: ["trigger": true]`, and their `Order.id` is the algoId.
public actor BinanceUSDM: Exchange {
    public static let exchangeId = "binanceusdm"
    /// Binance's per-request kline cap; `fetchOHLCV` paginates past it.
    public static let maxKlinesPerRequest = 1500

    public nonisolated let id = BinanceUSDM.exchangeId
    public nonisolated let has: Capabilities = BinanceUSDM.fullCapabilities.merging(Dictionary(uniqueKeysWithValues: [
        "fetchOrderBook", "fetchTickers", "fetchLastPrices", "fetchMarkPrice", "fetchMarkPrices", "fetchFundingRate", "fetchFundingRates",
        "fetchFundingRateHistory", "fetchFundingHistory", "fetchLeverageTiers", "fetchLeverages", "setPositionMode", "fetchPositionMode",
        "fetchOrders", "fetchClosedOrders", "fetchCanceledOrders", "fetchOrderTrades", "editOrder", "createOrders",
        "cancelOrders", "fetchStatus", "fetchOrderWithClientOrderId", "cancelOrderWithClientOrderId",
        "editOrderWithClientOrderId",
    ].map { ($0, true) })) { a, _ in a }
    public let client: BinanceRESTClient
    let time: TimeSource
    var logger: Logger
    var markets: [String: Market] = [:]
    var marketsById: [String: Market] = [:]
    /// ccxt's options.leverageBrackets: read once by fetchPositions.
    var brackets: [String: [(Decimal, Decimal)]]?
    /// The markets request in flight: concurrent first calls (a cycle's reads started together) share it instead of
    /// each sending exchangeInfo.
    var marketsLoading: Task<[Market], Error>?
    /// The leverage-bracket request in flight, shared the same way (its rows, nil when it failed).
    var bracketsLoading: Task<[Any]?, Never>?

    public init(configuration: BinanceConfiguration, transport: HTTPTransport = CurlTransport(), time: TimeSource = .system) {
        self.client = BinanceRESTClient(configuration: configuration, transport: transport, time: time)
        self.time = time
        self.logger = configuration.logger
    }

    public var configuration: BinanceConfiguration { client.configuration }

    // MARK: public data

    public func loadMarkets(reload: Bool) async throws -> [String: Market] {
        if !markets.isEmpty && !reload { return markets }
        let list: [Market]
        if !reload, let loading = marketsLoading {
            list = try await loading.value
        } else {
            let loading = Task { try await self.fetchMarkets() }
            marketsLoading = loading
            defer { if marketsLoading == loading { marketsLoading = nil } }
            list = try await loading.value
        }
        markets = Dictionary(list.map { ($0.symbol, $0) }, uniquingKeysWith: { a, _ in a })
        marketsById = Dictionary(list.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        return markets
    }

    public func fetchMarkets() async throws -> [Market] {
        let info = try JSON.object(try await client.call(.exchangeInfo, QueryString(), method: "fetchMarkets"), method: "fetchMarkets")
        let limits = MarketParser.rateLimits(info)
        await client.configureLimits(weightPerMinute: limits.weightPerMinute, ordersPer10s: limits.ordersPer10s,
                                     ordersPerMinute: limits.ordersPerMinute)
        return try MarketParser.markets(info)
    }

    public func fetchTime() async throws -> Int64 { try await client.syncTime() }

    public func fetchOHLCV(symbol: String, timeframe: Timeframe, since: Int64?, limit: Int?) async throws -> [Candle] {
        let m = try await resolve(symbol, method: "fetchOHLCV")
        let total = max(limit ?? 500, 1)
        return since == nil ? try await klinesBackward(m, timeframe, total) : try await klinesForward(m, timeframe, since, total)
    }

    /// From `since` forward, `startTime` advancing past the last candle received.
    func klinesForward(_ m: Market, _ timeframe: Timeframe, _ since: Int64?, _ total: Int) async throws -> [Candle] {
        var cursor = since
        var out: [Candle] = []
        while out.count < total {
            let n = min(Self.maxKlinesPerRequest, total - out.count)
            var q = QueryString([("symbol", m.id), ("interval", timeframe.name)])
            q.append("startTime", cursor.map(String.init))
            q.append("limit", String(n))
            let rows = try await klines(q)
            let fresh = rows.filter { c in out.last.map { c.timestamp > $0.timestamp } ?? true }
            out.append(contentsOf: fresh.prefix(total - out.count))
            guard rows.count == n, let last = fresh.last else { break }
            cursor = last.timestamp + timeframe.milliseconds
        }
        return out
    }

    /// The newest `total` candles: latest page first, then `endTime` stepping back before the oldest received.
    func klinesBackward(_ m: Market, _ timeframe: Timeframe, _ total: Int) async throws -> [Candle] {
        var out: [Candle] = []
        var end: Int64?
        while out.count < total {
            let n = min(Self.maxKlinesPerRequest, total - out.count)
            var q = QueryString([("symbol", m.id), ("interval", timeframe.name)])
            q.append("endTime", end.map(String.init))
            q.append("limit", String(n))
            let rows = try await klines(q)
            let older = rows.filter { c in out.first.map { c.timestamp < $0.timestamp } ?? true }
            out.insert(contentsOf: older.suffix(total - out.count), at: 0)
            guard rows.count == n, let first = older.first else { break }
            end = first.timestamp - 1
        }
        return out
    }

    func klines(_ q: QueryString) async throws -> [Candle] {
        try WireParsers.candles(try JSON.array(try await client.call(.klines, q, method: "fetchOHLCV"), method: "fetchOHLCV"), method: "fetchOHLCV")
    }

    public func fetchTicker(symbol: String) async throws -> Ticker { try await fetchTicker(symbol: symbol, params: [:]) }

    // MARK: account

    public func fetchBalance() async throws -> Balance { try await fetchBalance(params: [:]) }

    public func setLeverage(_ leverage: Int, symbol: String) async throws {
        _ = try await setLeverage(leverage, symbol: symbol, params: [:])
    }

    public func setMarginMode(_ mode: MarginMode, symbol: String) async throws {
        _ = try await setMarginMode(mode, symbol: symbol, params: [:])
    }

    // MARK: helpers

    /// The market for a unified symbol or exchange id, loading markets on first use.
    func resolve(_ symbol: String, method: String) async throws -> Market {
        _ = try await loadMarkets(reload: false)
        if let m = markets[symbol] ?? marketsById[symbol] { return m }
        throw ExchangeFailure(.badSymbol, exchange: id, message: "unknown symbol '\(symbol)'", method: method)
    }

    func symbol(forId id: String?) -> String { id.flatMap { marketsById[$0]?.symbol } ?? id ?? "" }

    /// Params not consumed by the unified arguments are passed through, as CCXT does.
    static func extra(_ params: Params, excluding: Set<String>) -> [(String, String)] {
        params.keys.sorted().compactMap { k in
            guard !excluding.contains(k), let v = params[k]?.stringValue else { return nil }
            return (k, v)
        }
    }

    /// CCXT routes conditional orders with `params.trigger` / `stop` / `conditional`.
    static func isTrigger(_ params: Params) -> Bool {
        ["trigger", "stop", "conditional", "algo"].contains { params[$0]?.boolValue == true }
    }
}
