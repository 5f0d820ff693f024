import XCTest
import Exchange
@testable import Binance

/// Binance's documented answers (developers.binance.com USDⓈ-M pages, the examples the official
/// binance-connector SDKs replay) fed through the client, one per divergence found in the wire audit
/// (docs/binance-wire-audit.md). Our own test server was built from our reading of the docs, so these
/// bodies are typed from the documentation, not produced by it.
final class WireAuditTests: XCTestCase {
    let t0: Int64 = 1_700_000_000_000
    let btc = "BTC/USDT:USDT"
    func d(_ s: String) -> Decimal { Decimal(string: s)! }

    func make(exchangeInfo: String = Fixtures.exchangeInfo,
              _ other: @escaping @Sendable (HTTPRequest) throws -> HTTPResponse) -> (BinanceUSDM, ScriptedTransport, ManualTime) {
        let transport = ScriptedTransport { r, _ in
            switch r.path {
            case "/fapi/v1/exchangeInfo": return ScriptedTransport.json(200, exchangeInfo)
            case "/fapi/v1/time": return ScriptedTransport.json(200, #"{"serverTime":1700000000000}"#)
            default: return try other(r)
            }
        }
        let clock = ManualTime(startMs: t0)
        var config = BinanceConfiguration(baseURL: "http://127.0.0.1:9", credentials: .init(apiKey: "key", secret: "secret"))
        config.backoffBaseMs = 100
        config.logger = LogCapture().logger
        return (BinanceUSDM(configuration: config, transport: transport, time: clock.timeSource), transport, clock)
    }

    static func filled(_ r: HTTPRequest) -> HTTPResponse {
        ScriptedTransport.json(200, #"{"orderId":77,"symbol":"BTCUSDT","status":"FILLED","clientOrderId":"\#(r.params["origClientOrderId"] ?? "")","price":"0","avgPrice":"60000.10","origQty":"0.010","executedQty":"0.010","cumQuote":"600.00100","timeInForce":"GTC","type":"MARKET","side":"BUY","time":1700000000000,"updateTime":1700000000001}"#)
    }

    private func posts(_ t: ScriptedTransport) -> Int { t.requests.filter { $0.method == "POST" }.count }
    private func lookups(_ t: ScriptedTransport) -> Int { t.requests.filter { $0.method == "GET" && $0.path == "/fapi/v1/order" }.count }

    // MARK: ambiguous outcomes of POST /fapi/v1/order (General Info: "HTTP 503 … Unknown error …: execution status UNKNOWN")

    /// Seen in the wild with code -1003 (hummingbot's Binance fixture): the code must not turn it into "rate limited, not placed".
    func test503UnknownErrorWithARateLimitCodeIsLookedUpNotTakenAsRefused() async throws {
        let (ex, transport, _) = make { r in
            if r.method == "POST" { return ScriptedTransport.json(503, #"{"code":-1003,"msg":"Unknown error, please check your request or try again later."}"#) }
            return Self.filled(r)
        }
        let o = try await ex.createOrder(symbol: btc, type: .market, side: .buy, amount: d("0.01"), price: nil, params: [:])
        XCTAssertEqual(o.id, "77"); XCTAssertEqual(o.status, .closed)
        XCTAssertEqual(posts(transport), 1, "never re-sent once found")
        XCTAssertEqual(lookups(transport), 1)
    }

    /// The same 503 without any code (binance-connector-java's BinanceApiError fixture: timestamp, path, msg).
    func test503UnknownErrorWithoutCodeIsLookedUp() async throws {
        let (ex, transport, _) = make { r in
            if r.method == "POST" { return ScriptedTransport.json(503, #"{"timestamp":1638827401078,"path":"/fapi/v1/order","msg":"Unknown error, please check your request or try again later."}"#) }
            return Self.filled(r)
        }
        let o = try await ex.createOrder(symbol: btc, type: .market, side: .buy, amount: d("0.01"), price: nil, params: [:])
        XCTAssertEqual(o.id, "77"); XCTAssertEqual(posts(transport), 1)
    }

    /// A 2xx we cannot read (proxy page, truncated body) says nothing about the order: look it up.
    func testUnreadable2xxOrderAnswerIsLookedUpNotTakenAsRefused() async throws {
        let (ex, transport, _) = make { r in
            if r.method == "POST" { return ScriptedTransport.json(200, "<html><body>gateway</body></html>") }
            return Self.filled(r)
        }
        let o = try await ex.createOrder(symbol: btc, type: .market, side: .buy, amount: d("0.01"), price: nil, params: [:])
        XCTAssertEqual(o.id, "77"); XCTAssertEqual(posts(transport), 1); XCTAssertEqual(lookups(transport), 1)
    }

    func test2xxOrderAnswerWithoutOrderIdIsLookedUp() async throws {
        let (ex, transport, _) = make { r in
            if r.method == "POST" { return ScriptedTransport.json(200, #"{"symbol":"BTCUSDT"}"#) }
            return Self.filled(r)
        }
        let o = try await ex.createOrder(symbol: btc, type: .market, side: .buy, amount: d("0.01"), price: nil, params: [:])
        XCTAssertEqual(o.id, "77"); XCTAssertEqual(posts(transport), 1)
    }

    // MARK: {"code","msg"} inside an HTTP 200 (ccxt handle_errors reads `code` whatever the status)

    func testErrorCodeInsideHTTP200IsAnErrorNotAnEmptyOrder() async throws {
        let (ex, transport, _) = make { r in
            if r.method == "POST" { return ScriptedTransport.json(200, #"{"code":-2019,"msg":"Margin is insufficient."}"#) }
            return Self.filled(r)
        }
        do {
            _ = try await ex.createOrder(symbol: btc, type: .market, side: .buy, amount: d("0.01"), price: nil, params: [:])
            XCTFail("expected InsufficientFunds")
        } catch let f as ExchangeFailure {
            XCTAssertEqual(f.kind, .insufficientFunds); XCTAssertEqual(f.code, -2019); XCTAssertEqual(f.message, "Margin is insufficient.")
        }
        XCTAssertEqual(lookups(transport), 0, "a definite refusal needs no lookup")
    }

    /// Success answers that carry a code: allOpenOrders / algoOpenOrders {"code":200}, algo cancel {"code":"200"}, marginType.
    func testSuccessAnswersCarryingCode200AreSuccesses() async throws {
        let (ex, _, _) = make { r in
            switch (r.method, r.path) {
            case ("GET", "/fapi/v1/openOrders"), ("GET", "/fapi/v1/openAlgoOrders"): return ScriptedTransport.json(200, "[]")
            case ("DELETE", "/fapi/v1/allOpenOrders"), ("DELETE", "/fapi/v1/algoOpenOrders"):
                return ScriptedTransport.json(200, #"{"code":200,"msg":"The operation of cancel all open order is done."}"#)
            case ("GET", "/fapi/v1/algoOrder"):
                return ScriptedTransport.json(200, #"{"algoId":2146760,"clientAlgoId":"6B2I9XVcJpCjqPAJ4YoFX7","algoType":"CONDITIONAL","orderType":"TAKE_PROFIT","symbol":"BTCUSDT","side":"SELL","positionSide":"BOTH","timeInForce":"GTC","quantity":"0.01","algoStatus":"NEW","triggerPrice":"750.000","price":"750.000","icebergQuantity":null,"selfTradePreventionMode":"EXPIRE_MAKER","workingType":"CONTRACT_PRICE","priceMatch":"NONE","closePosition":false,"priceProtect":false,"reduceOnly":false,"activatePrice":"","callbackRate":"","createTime":1750485492076,"updateTime":1750485492076,"triggerTime":0,"goodTillDate":0}"#)
            case ("DELETE", "/fapi/v1/algoOrder"):
                return ScriptedTransport.json(200, #"{"algoId":2146760,"clientAlgoId":"6B2I9XVcJpCjqPAJ4YoFX7","code":"200","msg":"success"}"#)
            case ("POST", "/fapi/v1/marginType"): return ScriptedTransport.json(200, #"{"code":200,"msg":"success"}"#)
            default: return ScriptedTransport.json(404, "{}")
            }
        }
        _ = try await ex.cancelAllOrders(symbol: btc)
        _ = try await ex.cancelAllOrders(symbol: btc, params: ["trigger": true])
        let canceled = try await ex.cancelOrder(id: "2146760", symbol: btc, params: ["trigger": true])
        XCTAssertEqual(canceled.status, .canceled); XCTAssertEqual(canceled.triggerPrice, d("750")); XCTAssertEqual(canceled.price, d("750"))
        try await ex.setMarginMode(.cross, symbol: btc)
    }

    // MARK: 418 ban without Retry-After: the end is in the message

    func testBanEndIsReadFromTheMessageWhenRetryAfterIsMissing() async throws {
        let until = t0 + 600_000
        let (ex, transport, clock) = make { _ in
            ScriptedTransport.json(418, #"{"code":-1003,"msg":"Way too many requests; IP(1.2.3.4) banned until \#(until). Please use the websocket for live updates to avoid bans."}"#)
        }
        _ = try await ex.loadMarkets()
        do { _ = try await ex.fetchTicker(symbol: btc); XCTFail("expected DDoSProtection") }
        catch let f as ExchangeFailure { XCTAssertEqual(f.kind, .ddosProtection); XCTAssertEqual(f.retryAfterMs, 600_000) }
        let sent = transport.requests.count
        clock.advance(300_000)   // past the 2-minute default, still inside the 10-minute ban Binance announced
        do { _ = try await ex.fetchTicker(symbol: btc); XCTFail("expected a local refusal") }
        catch let f as ExchangeFailure { XCTAssertEqual(f.kind, .ddosProtection); XCTAssertEqual(f.retryAfterMs, 300_000) }
        XCTAssertEqual(transport.requests.count, sent, "nothing may be sent during the ban")
    }

    // MARK: exchangeInfo

    /// The documented exchangeInfo example (extra keys: exchangeFilters, assets with null, OrderType, liquidationFee …).
    static let documentedExchangeInfo = #"""
    {"exchangeFilters":[],"rateLimits":[{"interval":"MINUTE","intervalNum":1,"limit":2400,"rateLimitType":"REQUEST_WEIGHT"},{"interval":"MINUTE","intervalNum":1,"limit":1200,"rateLimitType":"ORDERS"}],"serverTime":1565613908500,"assets":[{"asset":"BTC","marginAvailable":true,"autoAssetExchange":"-0.10"},{"asset":"BNB","marginAvailable":false,"autoAssetExchange":null}],
     "symbols":[{"symbol":"BLZUSDT","pair":"BLZUSDT","contractType":"PERPETUAL","deliveryDate":4133404800000,"onboardDate":1598252400000,"status":"TRADING","maintMarginPercent":"2.5000","requiredMarginPercent":"5.0000","baseAsset":"BLZ","quoteAsset":"USDT","marginAsset":"USDT","pricePrecision":5,"quantityPrecision":0,"baseAssetPrecision":8,"quotePrecision":8,"underlyingType":"COIN","underlyingSubType":["STORAGE"],"settlePlan":0,"triggerProtect":"0.15","filters":[{"filterType":"PRICE_FILTER","maxPrice":"300","minPrice":"0.0001","tickSize":"0.0001"},{"filterType":"LOT_SIZE","maxQty":"10000000","minQty":"1","stepSize":"1"},{"filterType":"MARKET_LOT_SIZE","maxQty":"590119","minQty":"1","stepSize":"1"},{"filterType":"MAX_NUM_ORDERS","limit":200},{"filterType":"MAX_NUM_ALGO_ORDERS","limit":10},{"filterType":"MIN_NOTIONAL","notional":"5.0"},{"filterType":"PERCENT_PRICE","multiplierUp":"1.1500","multiplierDown":"0.8500","multiplierDecimal":"4"}],"OrderType":["LIMIT","MARKET","STOP","STOP_MARKET","TAKE_PROFIT","TAKE_PROFIT_MARKET","TRAILING_STOP_MARKET"],"timeInForce":["GTC","IOC","FOK","GTX"],"liquidationFee":"0.010000","marketTakeBound":"0.30"},
      {"symbol":"TSLAUSDT","pair":"TSLAUSDT","contractType":"TRADIFI_PERPETUAL","deliveryDate":4133404800000,"status":"TRADING","baseAsset":"TSLA","quoteAsset":"USDT","marginAsset":"USDT","pricePrecision":2,"quantityPrecision":2,"underlyingType":"EQUITY","filters":[{"filterType":"PRICE_FILTER","maxPrice":"100000","minPrice":"0.01","tickSize":"0.01"},{"filterType":"LOT_SIZE","maxQty":"10000","minQty":"0.01","stepSize":"0.01"}]}],
     "timezone":"UTC"}
    """#

    func testDocumentedExchangeInfoAndTradFiPerpetuals() async throws {
        let (ex, _, _) = make(exchangeInfo: Self.documentedExchangeInfo) { _ in ScriptedTransport.json(404, "{}") }
        let markets = try await ex.loadMarkets()
        let blz = try XCTUnwrap(markets["BLZ/USDT:USDT"])
        XCTAssertEqual(blz.type, .swap); XCTAssertTrue(blz.active)
        XCTAssertEqual(blz.precision.price, d("0.0001")); XCTAssertEqual(blz.precision.amount, 1)
        XCTAssertEqual(blz.limits.cost.min, 5); XCTAssertEqual(blz.limits.market.max, 590119)
        XCTAssertEqual(blz.limits.amount.max, 10_000_000); XCTAssertEqual(blz.limits.price.max, 300)
        // Stock/commodity perpetuals (contractType TRADIFI_PERPETUAL) are swaps, not dated futures.
        let tsla = try XCTUnwrap(markets["TSLA/USDT:USDT"], "keys: \(markets.keys.sorted())")
        XCTAssertEqual(tsla.type, .swap); XCTAssertEqual(tsla.precision.amount, d("0.01"))
    }

    // MARK: positionRisk v3 (no marginType, no leverage) and hedge mode

    func testPositionRiskV3MarginModeAndHedgeSides() async throws {
        let (ex, _, _) = make { r in
            guard r.path == "/fapi/v3/positionRisk" else { return ScriptedTransport.json(404, "{}") }
            return ScriptedTransport.json(200, #"""
            [{"symbol":"BTCUSDT","positionSide":"SHORT","positionAmt":"-0.010","entryPrice":"60000.0","breakEvenPrice":"60030.0","markPrice":"59000.00000000","unRealizedProfit":"10.00000000","liquidationPrice":"65000.1","isolatedMargin":"130.00000000","notional":"-590.00000000","marginAsset":"USDT","isolatedWallet":"120.0","initialMargin":"118.0","maintMargin":"2.36","positionInitialMargin":"118.0","openOrderInitialMargin":"0","adl":2,"bidNotional":"0","askNotional":"0","updateTime":1720736417660},
             {"symbol":"BTCUSDT","positionSide":"LONG","positionAmt":"0.002","entryPrice":"58000.0","breakEvenPrice":"58020.0","markPrice":"59000.00000000","unRealizedProfit":"2.00000000","liquidationPrice":"0","isolatedMargin":"0.00000000","notional":"118.00000000","marginAsset":"USDT","isolatedWallet":"0","initialMargin":"23.6","maintMargin":"0.47","positionInitialMargin":"23.6","openOrderInitialMargin":"0","adl":1,"bidNotional":"0","askNotional":"0","updateTime":1720736417660}]
            """#)
        }
        let positions = try await ex.fetchPositions(symbols: [btc])
        XCTAssertEqual(positions.count, 2)
        let short = try XCTUnwrap(positions.first { $0.side == .short })
        XCTAssertEqual(short.marginMode, .isolated); XCTAssertEqual(short.contracts, d("0.01"))
        XCTAssertEqual(short.liquidationPrice, d("65000.1")); XCTAssertNil(short.leverage, "v3 sends no leverage")
        let long = try XCTUnwrap(positions.first { $0.side == .long })
        XCTAssertEqual(long.marginMode, .cross); XCTAssertEqual(long.notional, d("118"))
    }

    // MARK: orders as documented (status spellings, every field present or absent)

    func testDocumentedOrderRowsAndStatusSpellings() async throws {
        let rows: [(String, OrderStatus)] = [("NEW", .open), ("PARTIALLY_FILLED", .open), ("FILLED", .closed), ("CANCELED", .canceled),
                                            ("CANCELLED", .canceled), ("REJECTED", .rejected), ("EXPIRED", .expired), ("EXPIRED_IN_MATCH", .expired)]
        for (wire, unified) in rows { XCTAssertEqual(WireParsers.orderStatus(wire), unified, wire) }
        // GET /fapi/v1/allOrders documented row: trailing stop with priceMatch, selfTradePreventionMode, goodTillDate.
        let doc = #"{"avgPrice":"0.00000","clientOrderId":"abc","cumQuote":"0","executedQty":"0","orderId":1917641,"origQty":"0.40","origType":"TRAILING_STOP_MARKET","price":"0","reduceOnly":false,"side":"BUY","positionSide":"SHORT","status":"NEW","stopPrice":"9300","closePosition":false,"symbol":"BTCUSDT","time":1579276756075,"timeInForce":"GTC","type":"TRAILING_STOP_MARKET","activatePrice":"9020","priceRate":"0.3","updateTime":1579276756075,"workingType":"CONTRACT_PRICE","priceProtect":false,"priceMatch":"NONE","selfTradePreventionMode":"NONE","goodTillDate":0}"#
        let o = WireParsers.order(try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(doc.utf8)) as? [String: Any]), symbol: btc)
        XCTAssertEqual(o.id, "1917641"); XCTAssertEqual(o.type, .trailingStopMarket); XCTAssertEqual(o.amount, d("0.4"))
        XCTAssertNil(o.price); XCTAssertNil(o.average); XCTAssertEqual(o.triggerPrice, 9300); XCTAssertEqual(o.timestamp, 1579276756075)
    }
}

/// The loopback server answers positionRisk v3 as Binance does (no marginType; isolated wallet only on isolated
/// positions), and the client reads the margin mode from it over real HTTP.
final class WireAuditLoopbackTests: XCTestCase {
    func testMarginModeSurvivesPositionRiskV3OverHTTP() async throws {
        let loop = Loopback()
        try await loop.start()
        let ex = loop.client()
        let btc = "BTC/USDT:USDT"
        try await ex.setMarginMode(.isolated, symbol: btc)
        _ = try await ex.createOrder(symbol: btc, type: .market, side: .buy, amount: Decimal(string: "0.01")!, price: nil, params: [:])
        let isolated = try await ex.fetchPositions(symbols: [btc])
        XCTAssertEqual(isolated.first?.marginMode, .isolated)
        _ = try await ex.createOrder(symbol: btc, type: .market, side: .sell, amount: Decimal(string: "0.01")!, price: nil,
                                     params: ["reduceOnly": true])
        try await ex.setMarginMode(.cross, symbol: btc)
        _ = try await ex.createOrder(symbol: btc, type: .market, side: .buy, amount: Decimal(string: "0.01")!, price: nil, params: [:])
        let cross = try await ex.fetchPositions(symbols: [btc])
        XCTAssertEqual(cross.first?.marginMode, .cross)
        await loop.server.stop()
    }
}

extension WireAuditTests {
    /// Kline/Candlestick Data: the documented row (strings for prices), JSON numbers accepted; a malformed row is an
    /// error naming it instead of a silently missing candle.
    func testKlineRowsAsDocumentedAndMalformedRowsRefused() async throws {
        let bad = Flag()
        let (ex, _, _) = make { r in
            guard r.path == "/fapi/v1/klines" else { return ScriptedTransport.json(404, "{}") }
            if bad.isSet { return ScriptedTransport.json(200, #"[[1499040000000,"1.0","2.0","0.5","1.5","10",1499040059999],[1499040060000,"1.0",null,"0.5","1.5","10",1499040119999]]"#) }
            return ScriptedTransport.json(200, #"[[1499040000000,"0.01634790","0.80000000","0.01575800","0.01577100","148976.11427815",1499644799999,"2434.19055334",308,"1756.87402397","28.46694368","17928899.62484339"],[1499040060000,0.0158,0.0159,0.0157,0.0158,12.5,1499040119999,"0.19",3,"1","0.01","0"]]"#)
        }
        let candles = try await ex.fetchOHLCV(symbol: btc, timeframe: Timeframe.oneMinute, since: 1499040000000, limit: 2)
        XCTAssertEqual(candles.map(\.timestamp), [1499040000000, 1499040060000])
        XCTAssertEqual(candles[0].open, 0.0163479); XCTAssertEqual(candles[0].volume, 148976.11427815)
        XCTAssertEqual(candles[1].high, 0.0159)
        bad.set()
        do { _ = try await ex.fetchOHLCV(symbol: btc, timeframe: Timeframe.oneMinute, since: 1499040000000, limit: 2); XCTFail("expected an error") }
        catch let f as ExchangeFailure {
            XCTAssertEqual(f.method, "fetchOHLCV"); XCTAssertTrue(f.message.contains("kline row 1"), f.message)
            XCTAssertFalse(f.description.contains("\n"))
        }
    }

    final class Flag: @unchecked Sendable {
        private let lock = NSLock(); private var v = false
        var isSet: Bool { lock.lock(); defer { lock.unlock() }; return v }
        func set() { lock.lock(); v = true; lock.unlock() }
    }
}

extension WireAuditTests {
    /// Account Information V3 as documented (no top-level updateTime; one row per margin asset), read as ccxt's
    /// parse_balance: free = availableBalance, used = initialMargin, total = marginBalance.
    func testDocumentedAccountV3Balance() async throws {
        let (ex, _, _) = make { r in
            guard r.path == "/fapi/v3/account" else { return ScriptedTransport.json(404, "{}") }
            return ScriptedTransport.json(200, #"{"totalInitialMargin":"0.00000000","totalMaintMargin":"0.00000000","totalWalletBalance":"126.72469206","totalUnrealizedProfit":"0.00000000","totalMarginBalance":"126.72469206","totalPositionInitialMargin":"0.00000000","totalOpenOrderInitialMargin":"0.00000000","totalCrossWalletBalance":"126.72469206","totalCrossUnPnl":"0.00000000","availableBalance":"126.72469206","maxWithdrawAmount":"126.72469206","assets":[{"asset":"USDT","walletBalance":"23.72469206","unrealizedProfit":"0.00000000","marginBalance":"23.72469206","maintMargin":"0.00000000","initialMargin":"1.50000000","positionInitialMargin":"0.00000000","openOrderInitialMargin":"0.00000000","crossWalletBalance":"23.72469206","crossUnPnl":"0.00000000","availableBalance":"22.22469206","maxWithdrawAmount":"23.72469206","updateTime":1625474304765},{"asset":"USDC","walletBalance":"103.12345678","unrealizedProfit":"0.00000000","marginBalance":"103.12345678","maintMargin":"0.00000000","initialMargin":"0.00000000","positionInitialMargin":"0.00000000","openOrderInitialMargin":"0.00000000","crossWalletBalance":"103.12345678","crossUnPnl":"0.00000000","availableBalance":"126.72469206","maxWithdrawAmount":"103.12345678","updateTime":1625474304765}],"positions":[]}"#)
        }
        let b = try await ex.fetchBalance()
        XCTAssertEqual(b["USDT"]?.free, d("22.22469206")); XCTAssertEqual(b["USDT"]?.used, d("1.5"))
        XCTAssertEqual(b["USDT"]?.total, d("23.72469206")); XCTAssertEqual(b["USDC"]?.total, d("103.12345678"))
    }
}

extension WireAuditTests {
    /// Account Trade List: startTime..endTime at most 7 days. A `since` older than a week gets endTime = since + 7 d
    /// (as ccxt); a recent `since` or an explicit endTime is left alone. The documented row parses.
    func testUserTradesWindowAndDocumentedRow() async throws {
        let (ex, transport, _) = make { r in
            guard r.path == "/fapi/v1/userTrades" else { return ScriptedTransport.json(404, "{}") }
            return ScriptedTransport.json(200, #"[{"buyer":false,"commission":"-0.07819010","commissionAsset":"USDT","id":698759,"maker":false,"orderId":25851813,"price":"7819.01","qty":"0.002","quoteQty":"15.63802","realizedPnl":"-0.91539999","side":"SELL","positionSide":"SHORT","symbol":"BTCUSDT","time":1569514978020}]"#)
        }
        let day: Int64 = 86_400_000
        let trades = try await ex.fetchMyTrades(symbol: btc, since: t0 - 30 * day, limit: 5000)
        XCTAssertEqual(trades.first?.price, d("7819.01")); XCTAssertEqual(trades.first?.cost, d("15.63802"))
        XCTAssertEqual(trades.first?.fee?.cost, d("-0.0781901")); XCTAssertEqual(trades.first?.takerOrMaker, "taker")
        _ = try await ex.fetchMyTrades(symbol: btc, since: t0 - day, limit: nil)
        _ = try await ex.fetchMyTrades(symbol: btc, since: t0 - 30 * day, limit: nil, params: ["endTime": .string(String(t0 - 29 * day))])
        let sent = transport.requests.filter { $0.path == "/fapi/v1/userTrades" }.map(\.params)
        XCTAssertEqual(sent.count, 3)
        XCTAssertEqual(sent[0]["endTime"], String(t0 - 23 * day)); XCTAssertEqual(sent[0]["limit"], "1000")
        XCTAssertNil(sent[1]["endTime"])
        XCTAssertEqual(sent[2]["endTime"], String(t0 - 29 * day))
    }
}

extension WireAuditLoopbackTests {
    /// General Info, HTTP 503 variant C: -1008 "Request throttled by system-level protection" is a certain failure;
    /// reduce-only / close-position orders are exempt. The client looks up, waits out recvWindow, re-sends once:
    /// exactly one order; a reduce-only order goes straight through the throttle.
    func testThrottled1008IsRecoveredWithoutDoublingAndReduceOnlyIsExempt() async throws {
        let loop = Loopback()
        try await loop.start()
        let ex = loop.client()
        let btc = "BTC/USDT:USDT"
        _ = try await ex.createOrder(symbol: btc, type: .market, side: .buy, amount: Decimal(string: "0.01")!, price: nil, params: [:])
        loop.server.inject(.throttled1008, count: 1, method: "POST", path: "/fapi/v1/order")
        let close = try await ex.createOrder(symbol: btc, type: .market, side: .sell, amount: Decimal(string: "0.01")!, price: nil,
                                             params: ["reduceOnly": true])
        XCTAssertEqual(close.status, .closed)
        XCTAssertEqual(loop.requests("POST", "/fapi/v1/order").map(\.status), [200, 200], "reduce-only is exempt")
        let order = try await ex.createOrder(symbol: btc, type: .limit, side: .buy, amount: Decimal(string: "0.002")!, price: 50000, params: [:])
        let posts = loop.requests("POST", "/fapi/v1/order")
        XCTAssertEqual(posts.map(\.status), [200, 200, 503, 200])
        XCTAssertEqual(posts[2].errorCode, -1008)
        XCTAssertEqual(posts[2].params["newClientOrderId"], posts[3].params["newClientOrderId"])
        XCTAssertEqual(loop.server.orders(symbol: "BTCUSDT").filter { $0.clientOrderId == order.clientOrderId }.count, 1)
        await loop.server.stop()
    }
}

extension WireAuditTests {
    /// Fields may arrive as JSON numbers instead of the documented strings (and ids as strings): same exact values.
    func testNumbersAsJSONNumbersOrStringsGiveTheSameExactValues() throws {
        let text = #"{"orderId":"42","symbol":"BTCUSDT","status":"PARTIALLY_FILLED","clientOrderId":"n1","price":60000.1,"avgPrice":60000.1,"origQty":0.3,"executedQty":0.1,"cumQuote":6000.01,"type":"LIMIT","side":"SELL","time":"1700000000000","updateTime":1700000000001,"reduceOnly":"true"}"#
        let o = WireParsers.order(try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]), symbol: btc)
        XCTAssertEqual(o.id, "42"); XCTAssertEqual(o.price, d("60000.1")); XCTAssertEqual(o.amount, d("0.3"))
        XCTAssertEqual(o.filled, d("0.1")); XCTAssertEqual(o.remaining, d("0.2")); XCTAssertEqual(o.cost, d("6000.01"))
        XCTAssertEqual(o.timestamp, 1700000000000); XCTAssertTrue(o.reduceOnly); XCTAssertEqual(o.side, .sell)
        let market = try XCTUnwrap(MarketParser.market(try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(
            #"{"symbol":"PEPEUSDT","baseAsset":"PEPE","quoteAsset":"USDT","marginAsset":"USDT","contractType":"PERPETUAL","status":"TRADING","filters":[{"filterType":"PRICE_FILTER","tickSize":0.0000001,"minPrice":0.0000001,"maxPrice":1},{"filterType":"LOT_SIZE","stepSize":1,"minQty":1,"maxQty":80000000}]}"#.utf8)) as? [String: Any])))
        XCTAssertEqual(market.precision.price, d("0.0000001")); XCTAssertEqual(market.precision.amount, 1)
        XCTAssertEqual(market.limits.amount.max, 80_000_000)
    }
}
