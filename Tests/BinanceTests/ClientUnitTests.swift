import XCTest
import Exchange
@testable import Binance

/// Client logic against a scripted transport: request shapes, retries, idempotency decisions.
/// (The same behaviours run over real HTTP in the loopback-server tests.)
final class ClientUnitTests: XCTestCase {
    let t0: Int64 = 1_700_000_000_000

    func make(_ handler: @escaping @Sendable (HTTPRequest, Int) throws -> HTTPResponse) -> (BinanceUSDM, ScriptedTransport, ManualTime) {
        let transport = ScriptedTransport(handler)
        let clock = ManualTime(startMs: t0)
        var config = BinanceConfiguration(baseURL: "http://127.0.0.1:9", credentials: .init(apiKey: "key", secret: "secret"))
        config.backoffBaseMs = 100
        config.logger = LogCapture().logger   // keep test output quiet
        return (BinanceUSDM(configuration: config, transport: transport, time: clock.timeSource), transport, clock)
    }

    /// Routes common public endpoints; `other` handles the rest.
    static func route(_ r: HTTPRequest, other: (HTTPRequest) throws -> HTTPResponse) throws -> HTTPResponse {
        switch r.path {
        case "/fapi/v1/exchangeInfo": return ScriptedTransport.json(200, Fixtures.exchangeInfo)
        case "/fapi/v1/time": return ScriptedTransport.json(200, #"{"serverTime":1700000000000}"#)
        default: return try other(r)
        }
    }

    func testMarketsComeFromFilters() async throws {
        let (ex, _, _) = make { r, _ in try Self.route(r) { _ in ScriptedTransport.json(404, "{}") } }
        let markets = try await ex.loadMarkets()
        let btc = try XCTUnwrap(markets["BTC/USDT:USDT"])
        XCTAssertEqual(btc.id, "BTCUSDT")
        XCTAssertEqual(btc.type, .swap)
        XCTAssertEqual(btc.linear, true)
        XCTAssertEqual(btc.precision.amount, Decimal(string: "0.001"))
        XCTAssertEqual(btc.precision.price, Decimal(string: "0.1"))
        XCTAssertEqual(btc.limits.amount.min, Decimal(string: "0.001"))
        XCTAssertEqual(btc.limits.market.max, 120)
        XCTAssertEqual(btc.limits.cost.min, 100)
        XCTAssertEqual(btc.limits.price.min, Decimal(string: "556.8"))
        XCTAssertTrue(btc.active)
        let eth = try XCTUnwrap(markets["ETH/USDT:USDT-240329"])
        XCTAssertEqual(eth.type, .future)
        XCTAssertFalse(eth.active)
        XCTAssertNil(eth.limits.price.min)
        let amount = try await ex.amountToPrecision("BTC/USDT:USDT", Decimal(string: "0.30000000000000004")!)
        XCTAssertEqual(amount, "0.3")
        let price = try await ex.priceToPrecision("BTC/USDT:USDT", Decimal(string: "60000.06")!)
        XCTAssertEqual(price, "60000.1")
        do { _ = try await ex.fetchTicker(symbol: "NOPE/USDT:USDT"); XCTFail("expected BadSymbol") }
        catch let f as ExchangeFailure { XCTAssertEqual(f.kind, .badSymbol); XCTAssertEqual(f.method, "fetchTicker") }
    }

    func testLimitOrderRequestMatchesCCXT() async throws {
        let (ex, transport, _) = make { r, _ in
            try Self.route(r) { r in
                ScriptedTransport.json(200, #"{"orderId":42,"symbol":"BTCUSDT","status":"NEW","clientOrderId":"\#(r.params["newClientOrderId"] ?? "")","price":"60000.1","avgPrice":"0","origQty":"0.3","executedQty":"0","cumQuote":"0","timeInForce":"GTC","type":"LIMIT","reduceOnly":true,"side":"BUY","stopPrice":"0","updateTime":1700000000000}"#)
            }
        }
        let o = try await ex.createOrder(symbol: "BTC/USDT:USDT", type: .limit, side: .buy,
                                         amount: Decimal(string: "0.3009")!, price: Decimal(string: "60000.06")!,
                                         params: ["reduceOnly": true, "clientOrderId": "my-id-1"])
        let req = try XCTUnwrap(transport.requests.last)
        XCTAssertEqual(req.method, "POST")
        XCTAssertEqual(req.path, "/fapi/v1/order")
        XCTAssertFalse(req.idempotent, "orders must never be repeated by the transport itself")
        XCTAssertTrue(transport.requests.first { $0.path == "/fapi/v1/exchangeInfo" }?.idempotent ?? false)
        XCTAssertTrue(req.bodyText.hasPrefix("symbol=BTCUSDT&side=BUY&newClientOrderId=my-id-1&newOrderRespType=RESULT&type=LIMIT&quantity=0.3&price=60000.1&timeInForce=GTC&reduceOnly=true&recvWindow=5000&timestamp="), req.bodyText)
        XCTAssertTrue(req.bodyText.contains("&signature="))
        XCTAssertTrue(req.headers.contains { $0.0 == "X-MBX-APIKEY" && $0.1 == "key" })
        // The signature covers everything before it.
        let body = req.bodyText
        let sigRange = try XCTUnwrap(body.range(of: "&signature="))
        XCTAssertEqual(Signer(credentials: .init(apiKey: "key", secret: "secret")).signature(query: String(body[..<sigRange.lowerBound])),
                       String(body[sigRange.upperBound...]))
        XCTAssertEqual(o.id, "42"); XCTAssertEqual(o.clientOrderId, "my-id-1"); XCTAssertEqual(o.status, .open)
        XCTAssertEqual(o.amount, Decimal(string: "0.3")); XCTAssertTrue(o.reduceOnly)
    }

    func testStopMarketGoesToTheAlgoEndpoint() async throws {
        let (ex, transport, _) = make { r, _ in
            try Self.route(r) { r in
                ScriptedTransport.json(200, #"{"algoId":7,"clientAlgoId":"\#(r.params["clientAlgoId"] ?? "")","algoType":"CONDITIONAL","orderType":"STOP_MARKET","symbol":"BTCUSDT","side":"SELL","quantity":"0.002","algoStatus":"NEW","triggerPrice":"59000.1","reduceOnly":true,"createTime":1700000000000}"#)
            }
        }
        let o = try await ex.createOrder(symbol: "BTC/USDT:USDT", type: .stopMarket, side: .sell, amount: Decimal(string: "0.002")!,
                                         price: nil, params: ["triggerPrice": 59000.06, "reduceOnly": true, "workingType": "MARK_PRICE"])
        let req = try XCTUnwrap(transport.requests.last)
        XCTAssertEqual(req.path, "/fapi/v1/algoOrder")
        let p = req.params
        XCTAssertEqual(p["type"], "STOP_MARKET"); XCTAssertEqual(p["algoType"], "CONDITIONAL")
        XCTAssertEqual(p["triggerPrice"], "59000.1"); XCTAssertEqual(p["quantity"], "0.002")
        XCTAssertEqual(p["workingType"], "MARK_PRICE"); XCTAssertNil(p["newClientOrderId"])
        XCTAssertTrue(p["clientAlgoId"]?.hasPrefix("tb-") ?? false)
        XCTAssertEqual(o.id, "7"); XCTAssertEqual(o.type, .stopMarket); XCTAssertEqual(o.triggerPrice, Decimal(string: "59000.1"))
    }

    func testAmountBelowStepIsRefusedLocally() async throws {
        let (ex, transport, _) = make { r, _ in try Self.route(r) { _ in ScriptedTransport.json(500, "{}") } }
        do {
            _ = try await ex.createOrder(symbol: "BTC/USDT:USDT", type: .market, side: .buy, amount: Decimal(string: "0.0009")!, price: nil, params: [:])
            XCTFail("expected InvalidOrder")
        } catch let f as ExchangeFailure { XCTAssertEqual(f.kind, .invalidOrder) }
        XCTAssertFalse(transport.requests.contains { $0.path == "/fapi/v1/order" })
    }

    func testLostAnswerIsLookedUpNotResent() async throws {
        let (ex, transport, _) = make { r, _ in
            try Self.route(r) { r in
                if r.method == "POST" { throw TransportFailure(kind: .connectionLost, mayHaveBeenSent: true, message: "Empty reply from server") }
                return ScriptedTransport.json(200, #"{"orderId":5,"symbol":"BTCUSDT","status":"FILLED","clientOrderId":"\#(r.params["origClientOrderId"] ?? "")","origQty":"0.01","executedQty":"0.01","avgPrice":"60000","type":"MARKET","side":"BUY"}"#)
            }
        }
        let o = try await ex.createOrder(symbol: "BTC/USDT:USDT", type: .market, side: .buy, amount: Decimal(string: "0.01")!, price: nil, params: [:])
        XCTAssertEqual(o.status, .closed)
        let posts = transport.requests.filter { $0.method == "POST" }
        XCTAssertEqual(posts.count, 1, "never re-sent once found")
        let lookup = try XCTUnwrap(transport.requests.last)
        XCTAssertEqual(lookup.path, "/fapi/v1/order"); XCTAssertEqual(lookup.method, "GET")
        XCTAssertEqual(lookup.params["origClientOrderId"], posts[0].params["newClientOrderId"])
    }

    func testResendOnlyAfterExchangeSaysItDoesNotExist() async throws {
        let (ex, transport, clock) = make { r, _ in
            try Self.route(r) { r in
                if r.method == "POST" {
                    // The first POST gets Binance's 503 "Unknown error" (not executed here), the second succeeds.
                    if !ClientUnitTests.firstPostSeen.swap() {
                        return ScriptedTransport.json(503, #"{"code":-1000,"msg":"Unknown error, please check your request or try again later."}"#)
                    }
                    return ScriptedTransport.json(200, #"{"orderId":9,"symbol":"BTCUSDT","status":"NEW","clientOrderId":"\#(r.params["newClientOrderId"] ?? "")","origQty":"0.01","executedQty":"0","type":"MARKET","side":"BUY"}"#)
                }
                return ScriptedTransport.json(400, #"{"code":-2013,"msg":"Order does not exist."}"#)
            }
        }
        ClientUnitTests.firstPostSeen.reset()
        let o = try await ex.createOrder(symbol: "BTC/USDT:USDT", type: .market, side: .buy, amount: Decimal(string: "0.01")!, price: nil, params: [:])
        XCTAssertEqual(o.id, "9")
        let posts = transport.requests.filter { $0.method == "POST" }
        XCTAssertEqual(posts.count, 2)
        XCTAssertEqual(posts[0].params["newClientOrderId"], posts[1].params["newClientOrderId"], "same client id on re-send")
        // Looked up, then again once the request's recvWindow has surely passed, and only then re-sent.
        XCTAssertEqual(transport.requests.filter { $0.method == "GET" && $0.path == "/fapi/v1/order" }.count, 2)
        XCTAssertEqual(clock.sleeps, [6_000])
    }

    func testUnknownStatusIsReportedNeverGuessed() async throws {
        let (ex, transport, clock) = make { r, _ in
            try Self.route(r) { r in
                if r.method == "POST" { throw TransportFailure(kind: .timeout, mayHaveBeenSent: true, message: "Operation timed out") }
                return ScriptedTransport.json(502, "<html>Bad Gateway</html>")
            }
        }
        do {
            _ = try await ex.createOrder(symbol: "BTC/USDT:USDT", type: .market, side: .buy, amount: 1, price: nil,
                                         params: ["clientOrderId": "unk-1"])
            XCTFail("expected the unknown status to be reported")
        } catch let f as ExchangeFailure {
            XCTAssertEqual(f.kind, .requestTimeout)
            XCTAssertTrue(f.message.contains("UNKNOWN") && f.message.contains("unk-1"), f.message)
            XCTAssertFalse(f.description.contains("\n"))
        }
        XCTAssertEqual(transport.requests.filter { $0.method == "POST" }.count, 1, "never re-sent blind")
        // Lookup retried 3 times, then once more (with its retries) after the request's recvWindow: when UNKNOWN
        // is reported, the lost request can no longer execute, so a caller's own later lookup is conclusive.
        XCTAssertEqual(transport.requests.filter { $0.method == "GET" && $0.path == "/fapi/v1/order" }.count, 8)
        XCTAssertEqual(clock.sleeps, [100, 200, 400, 5_300, 100, 200, 400])
        XCTAssertGreaterThanOrEqual(clock.nowMs, t0 + 6_000)
    }

    func testRejectedOrderIsNeitherLookedUpNorResent() async throws {
        let (ex, transport, _) = make { r, _ in
            try Self.route(r) { _ in ScriptedTransport.json(400, #"{"code":-2019,"msg":"Margin is insufficient."}"#) }
        }
        do {
            _ = try await ex.createOrder(symbol: "BTC/USDT:USDT", type: .market, side: .buy, amount: 1, price: nil, params: [:])
            XCTFail("expected InsufficientFunds")
        } catch let f as ExchangeFailure {
            XCTAssertEqual(f.kind, .insufficientFunds); XCTAssertEqual(f.code, -2019)
            XCTAssertEqual(f.message, "Margin is insufficient."); XCTAssertEqual(f.method, "createOrder")
        }
        XCTAssertEqual(transport.requests.filter { $0.path == "/fapi/v1/order" }.count, 1)
    }

    func testGetRetriesWithExponentialBackoff() async throws {
        let (ex, transport, clock) = make { r, _ in
            try Self.route(r) { r in
                let tries = ClientUnitTests.counter.next()
                if tries < 3 { return ScriptedTransport.json(502, "<html>Bad Gateway</html>") }
                return ScriptedTransport.json(200, #"{"symbol":"BTCUSDT","lastPrice":"60000.10","closeTime":1700000000000}"#)
            }
        }
        ClientUnitTests.counter.reset()
        let t = try await ex.fetchTicker(symbol: "BTC/USDT:USDT")
        XCTAssertEqual(t.last, Decimal(string: "60000.1"))
        XCTAssertEqual(transport.requests.filter { $0.path == "/fapi/v1/ticker/24hr" }.count, 3)
        XCTAssertEqual(clock.sleeps, [100, 200])
    }

    func testInvalidNonceResyncsOnceThenFails() async throws {
        let (ex, transport, _) = make { r, _ in
            try Self.route(r) { _ in ScriptedTransport.json(400, #"{"code":-1021,"msg":"Timestamp for this request is outside of the recvWindow."}"#) }
        }
        do { _ = try await ex.fetchBalance(); XCTFail("expected InvalidNonce") }
        catch let f as ExchangeFailure { XCTAssertEqual(f.kind, .invalidNonce); XCTAssertEqual(f.code, -1021) }
        XCTAssertEqual(transport.requests.filter { $0.path == "/fapi/v3/account" }.count, 2)
        XCTAssertEqual(transport.requests.filter { $0.path == "/fapi/v1/time" }.count, 2)  // start + after -1021
    }

    func testPaginationPastTheCap() async throws {
        let tf: Int64 = 60_000
        let (ex, transport, _) = make { r, _ in
            try Self.route(r) { r in
                let start = Int64(r.params["startTime"] ?? "0") ?? 0
                let limit = Int(r.params["limit"] ?? "500") ?? 500
                let end = ClientUnitTests.t0Static + 3_200 * tf   // the server has 3,200 candles
                let stop: Int64 = min(end, start + Int64(limit) * tf)
                var rows: [String] = []
                var t: Int64 = start
                while t < stop {
                    rows.append(#"[\#(t),"1.0","2.0","0.5","1.5","10.0",\#(t + tf - 1),"15.0",1,"5.0","7.5","0"]"#)
                    t += tf
                }
                return ScriptedTransport.json(200, "[" + rows.joined(separator: ",") + "]")
            }
        }
        let candles = try await ex.fetchOHLCV(symbol: "BTC/USDT:USDT", timeframe: Timeframe.oneMinute, since: ClientUnitTests.t0Static, limit: 4_000)
        XCTAssertEqual(candles.count, 3_200)
        XCTAssertEqual(candles.first?.timestamp, ClientUnitTests.t0Static)
        XCTAssertTrue(zip(candles, candles.dropFirst()).allSatisfy { $1.timestamp - $0.timestamp == tf })
        let klines = transport.requests.filter { $0.path == "/fapi/v1/klines" }
        XCTAssertEqual(klines.map { $0.params["limit"] }, ["1500", "1500", "1000"])
        XCTAssertTrue(klines.allSatisfy { Int($0.params["limit"] ?? "") ?? 0 <= 1500 })
    }

    static let t0Static: Int64 = 1_700_000_000_000
    static let counter = Counter()
    static let firstPostSeen = Flag()

    final class Counter: @unchecked Sendable {
        private let lock = NSLock(); private var n = 0
        func next() -> Int { lock.lock(); defer { lock.unlock() }; n += 1; return n }
        func reset() { lock.lock(); n = 0; lock.unlock() }
    }
    final class Flag: @unchecked Sendable {
        private let lock = NSLock(); private var v = false
        /// Returns the old value and sets it.
        func swap() -> Bool { lock.lock(); defer { lock.unlock() }; let old = v; v = true; return old }
        func reset() { lock.lock(); v = false; lock.unlock() }
    }
}
