import XCTest
import Exchange
import BinanceTestServer
@testable import Binance

/// The client over real HTTP (libcurl) against the Binance-compatible loopback server.
final class LoopbackTests: XCTestCase {
    var loop: Loopback!
    let btc = "BTC/USDT:USDT"
    func d(_ s: String) -> Decimal { Decimal(string: s)! }

    override func setUp() async throws {
        loop = Loopback()
        try await loop.start()
    }

    override func tearDown() async throws {
        await loop.server.stop()
        loop = nil
    }

    func testEveryUnifiedMethodOverHTTP() async throws {
        let ex = loop.client()
        let markets = try await ex.loadMarkets()
        let m = try XCTUnwrap(markets[btc])
        XCTAssertEqual(m.id, "BTCUSDT"); XCTAssertEqual(m.precision.amount, d("0.001")); XCTAssertEqual(m.precision.price, d("0.1"))
        XCTAssertEqual(m.limits.cost.min, 100); XCTAssertEqual(m.settle, "USDT")
        let fetched = try await ex.fetchMarkets()
        XCTAssertEqual(fetched.count, markets.count)

        let serverTime = try await ex.fetchTime()
        XCTAssertEqual(serverTime, loop.server.serverTimeMs)

        let ticker = try await ex.fetchTicker(symbol: btc)
        XCTAssertNotNil(ticker.last)
        let balance = try await ex.fetchBalance()
        XCTAssertEqual(balance["USDT"]?.total, 10_000)

        try await ex.setLeverage(5, symbol: btc)
        try await ex.setMarginMode(.isolated, symbol: btc)
        try await ex.setMarginMode(.isolated, symbol: btc)   // -4046 "no need to change" is success

        let bought = try await ex.createOrder(symbol: btc, type: .market, side: .buy, amount: d("0.0109"), price: nil, params: [:])
        XCTAssertEqual(bought.amount, d("0.01"))
        XCTAssertEqual(bought.status, .closed)
        XCTAssertEqual(bought.filled, d("0.01"))
        XCTAssertTrue(bought.clientOrderId?.hasPrefix("tb-") ?? false)

        let positions = try await ex.fetchPositions(symbols: [btc])
        XCTAssertEqual(positions.count, 1)
        XCTAssertEqual(positions.first?.side, .long); XCTAssertEqual(positions.first?.contracts, d("0.01"))
        XCTAssertEqual(positions.first?.symbol, btc)

        let limitPrice = d("50000.06")
        let limit = try await ex.createOrder(symbol: btc, type: .limit, side: .buy, amount: d("0.002"), price: limitPrice,
                                             params: ["clientOrderId": "loop-limit-1"])
        XCTAssertEqual(limit.status, .open); XCTAssertEqual(limit.price, d("50000.1"))
        let open = try await ex.fetchOpenOrders(symbol: btc)
        XCTAssertEqual(open.map(\.id), [limit.id])
        let byId = try await ex.fetchOrder(id: limit.id, symbol: btc)
        XCTAssertEqual(byId.clientOrderId, "loop-limit-1")
        let byClientId = try await ex.fetchOrder(id: nil, symbol: btc, params: ["clientOrderId": "loop-limit-1"])
        XCTAssertEqual(byClientId.id, limit.id)
        let canceled = try await ex.cancelOrder(id: limit.id, symbol: btc)
        XCTAssertEqual(canceled.status, .canceled)

        let stop = try await ex.createOrder(symbol: btc, type: .stopMarket, side: .sell, amount: d("0.01"), price: nil,
                                            params: ["triggerPrice": 40000, "reduceOnly": true])
        XCTAssertEqual(stop.type, .stopMarket); XCTAssertEqual(stop.triggerPrice, 40000); XCTAssertEqual(stop.status, .open)
        XCTAssertEqual(loop.requests("POST", "/fapi/v1/algoOrder").count, 1)
        let openAlgo = try await ex.fetchOpenOrders(symbol: btc, params: ["trigger": true])
        XCTAssertEqual(openAlgo.map(\.id), [stop.id])
        let canceledAlgo = try await ex.cancelAllOrders(symbol: btc, params: ["trigger": true])
        XCTAssertEqual(canceledAlgo.map(\.status), [.canceled])
        XCTAssertEqual(loop.server.algoOrders(symbol: "BTCUSDT").map(\.algoStatus), ["CANCELED"])

        _ = try await ex.createOrder(symbol: btc, type: .limit, side: .buy, amount: d("0.002"), price: 50000, params: [:])
        let all = try await ex.cancelAllOrders(symbol: btc)
        XCTAssertEqual(all.count, 1)
        XCTAssertTrue(loop.server.openOrders.isEmpty)

        let trades = try await ex.fetchMyTrades(symbol: btc)
        XCTAssertEqual(trades.count, 1)
        XCTAssertEqual(trades.first?.order, bought.id); XCTAssertEqual(trades.first?.amount, d("0.01"))
        XCTAssertNotNil(trades.first?.fee)
    }

    func testPaginationPastFifteenHundredCandles() async throws {
        let ex = loop.client()
        let candles = try await ex.fetchOHLCV(symbol: btc, timeframe: .oneMinute, since: Loopback.start, limit: 3_100)
        XCTAssertEqual(candles.count, 3_100)
        XCTAssertEqual(candles.first?.timestamp, Loopback.start)
        XCTAssertTrue(zip(candles, candles.dropFirst()).allSatisfy { $1.timestamp - $0.timestamp == 60_000 })
        let klines = loop.requests("GET", "/fapi/v1/klines")
        XCTAssertEqual(klines.count, 3)
        XCTAssertEqual(klines.map { $0.params["limit"] }, ["1500", "1500", "100"])
        // Everything available, more than asked for exists: the newest 2,000 without `since`.
        let latest = try await ex.fetchOHLCV(symbol: btc, timeframe: .oneMinute, since: nil, limit: 2_000)
        XCTAssertEqual(latest.count, 2_000)
        XCTAssertEqual(latest.last?.timestamp, Loopback.start + Int64(Loopback.candleCount - 1) * 60_000)
    }

    func testInvalidNonceResyncsAndRetriesOnce() async throws {
        let ex = loop.client()
        _ = try await ex.fetchBalance()                     // syncs the offset
        loop.server.inject(.clockSkew(ms: 30_000))          // the exchange's clock jumps ahead
        loop.server.clearRequests()
        let balance = try await ex.fetchBalance()
        XCTAssertEqual(balance["USDT"]?.total, 10_000)
        let seen = loop.server.requests.map { "\($0.path) \($0.errorCode.map(String.init) ?? String($0.status))" }
        XCTAssertEqual(seen, ["/fapi/v3/account -1021", "/fapi/v1/time 200", "/fapi/v3/account 200"])
    }

    func testRateLimit429IsBackedOffUsingRetryAfter() async throws {
        let clock = ManualTime(startMs: 1_600_000_000_000)
        let ex = loop.client(clock: clock)
        _ = try await ex.loadMarkets()
        loop.server.inject(.rateLimit429(retryAfter: 7), count: 1, path: "/fapi/v1/ticker/24hr")
        let ticker = try await ex.fetchTicker(symbol: btc)
        XCTAssertNotNil(ticker.last)
        XCTAssertEqual(loop.requests("GET", "/fapi/v1/ticker/24hr").map(\.status), [429, 200])
        XCTAssertTrue(clock.sleeps.contains(7_000), "waited Retry-After: \(clock.sleeps)")
    }

    func testA418BanIsHonouredNothingSentUntilItEnds() async throws {
        let clock = ManualTime(startMs: 1_600_000_000_000)
        let ex = loop.client(clock: clock)
        _ = try await ex.loadMarkets()
        loop.server.inject(.ban418(retryAfter: 120), count: 1)
        do { _ = try await ex.fetchTicker(symbol: btc); XCTFail("expected DDoSProtection") }
        catch let f as ExchangeFailure {
            XCTAssertEqual(f.kind, .ddosProtection); XCTAssertEqual(f.code, -1003)
            XCTAssertEqual(f.retryAfterMs, 120_000)
        }
        let sent = loop.server.requests.count
        clock.advance(60_000)
        do { _ = try await ex.fetchTicker(symbol: btc); XCTFail("expected a local refusal") }
        catch let f as ExchangeFailure {
            XCTAssertEqual(f.kind, .ddosProtection)
            XCTAssertTrue(f.message.contains("60s"), f.message)
        }
        do { _ = try await ex.createOrder(symbol: btc, type: .market, side: .buy, amount: 1, price: nil, params: [:]); XCTFail() }
        catch let f as ExchangeFailure { XCTAssertEqual(f.kind, .ddosProtection) }
        XCTAssertEqual(loop.server.requests.count, sent, "nothing may be sent during a ban")
        clock.advance(61_000)
        loop.server.clearFaults()                           // the server's ban ends too
        let after = try await ex.fetchTicker(symbol: btc)
        XCTAssertNotNil(after.last)
    }

    func testAcceptThenDropLeavesExactlyOneOrder() async throws {
        let ex = loop.client()
        _ = try await ex.loadMarkets()
        loop.server.inject(.acceptThenDrop, count: 1, method: "POST", path: "/fapi/v1/order")
        let order = try await ex.createOrder(symbol: btc, type: .market, side: .buy, amount: d("0.01"), price: nil,
                                             params: ["clientOrderId": "drop-1"])
        XCTAssertEqual(order.clientOrderId, "drop-1")
        XCTAssertEqual(loop.server.orders(symbol: "BTCUSDT").count, 1)
        XCTAssertEqual(loop.requests("POST", "/fapi/v1/order").count, 1)
        XCTAssertEqual(loop.requests("GET", "/fapi/v1/order").first?.params["origClientOrderId"], "drop-1")
    }

    func testDroppedConditionalOrderIsFoundOnTheAlgoAPI() async throws {
        let ex = loop.client()
        _ = try await ex.createOrder(symbol: btc, type: .market, side: .buy, amount: d("0.01"), price: nil, params: [:])
        loop.server.inject(.acceptThenDrop, count: 1, method: "POST", path: "/fapi/v1/algoOrder")
        let stop = try await ex.createOrder(symbol: btc, type: .stopMarket, side: .sell, amount: d("0.01"), price: nil,
                                            params: ["triggerPrice": 40000, "reduceOnly": true, "clientOrderId": "stop-1"])
        XCTAssertEqual(stop.clientOrderId, "stop-1")
        XCTAssertEqual(loop.server.algoOrders(symbol: "BTCUSDT").map(\.clientAlgoId), ["stop-1"])
        XCTAssertEqual(loop.requests("POST", "/fapi/v1/algoOrder").count, 1)
        XCTAssertEqual(loop.requests("GET", "/fapi/v1/algoOrder").first?.params["clientAlgoId"], "stop-1")
    }

    func testUnknown503IsLookedUpAndNotDoubled() async throws {
        let ex = loop.client()
        _ = try await ex.loadMarkets()
        loop.server.inject(.unknown503, count: 1, method: "POST", path: "/fapi/v1/order")
        _ = try await ex.createOrder(symbol: btc, type: .limit, side: .buy, amount: d("0.002"), price: 50000, params: [:])
        XCTAssertEqual(loop.server.orders(symbol: "BTCUSDT").count, 1)
        XCTAssertEqual(loop.requests("POST", "/fapi/v1/order").count, 1)
    }

    func testRejected5xxIsResentOnceTheExchangeSaysItDoesNotExist() async throws {
        let ex = loop.client()
        _ = try await ex.loadMarkets()
        loop.server.inject(.http5xx(status: 502), count: 1, method: "POST", path: "/fapi/v1/order")
        let order = try await ex.createOrder(symbol: btc, type: .limit, side: .buy, amount: d("0.002"), price: 50000, params: [:])
        let posts = loop.requests("POST", "/fapi/v1/order")
        XCTAssertEqual(posts.map(\.status), [502, 200])
        XCTAssertEqual(posts[0].params["newClientOrderId"], posts[1].params["newClientOrderId"])
        XCTAssertEqual(loop.requests("GET", "/fapi/v1/order").first?.errorCode, -2013)
        XCTAssertEqual(loop.server.orders(symbol: "BTCUSDT").map(\.clientOrderId), [order.clientOrderId ?? "?"])
    }

    func testWrongSecretGivesAuthenticationErrorWithBinancesMessage() async throws {
        let ex = loop.client(secret: "not-the-secret")
        do { _ = try await ex.fetchBalance(); XCTFail("expected AuthenticationError") }
        catch let f as ExchangeFailure {
            XCTAssertEqual(f.kind, .authenticationError)
            XCTAssertEqual(f.code, -1022)
            XCTAssertEqual(f.message, "Signature for this request is not valid.")
            XCTAssertEqual(f.method, "fetchBalance")
        }
    }

    func testExchangeRejectionsCarryCodeAndMessage() async throws {
        let ex = loop.client()
        do { _ = try await ex.createOrder(symbol: btc, type: .market, side: .buy, amount: 100, price: nil, params: [:]); XCTFail() }
        catch let f as ExchangeFailure {
            XCTAssertEqual(f.kind, .insufficientFunds, f.description); XCTAssertEqual(f.code, -2019)
        }
        do { _ = try await ex.createOrder(symbol: btc, type: .market, side: .buy, amount: d("0.001"), price: nil, params: [:]); XCTFail() }
        catch let f as ExchangeFailure {
            XCTAssertEqual(f.kind, .invalidOrder, f.description); XCTAssertEqual(f.code, -4164)
        }
        do { _ = try await ex.fetchOrder(id: "999999", symbol: btc); XCTFail() }
        catch let f as ExchangeFailure { XCTAssertEqual(f.kind, .orderNotFound, f.description) }
    }

    func testCanarySecretNeverAppearsAnywhere() async throws {
        var errors: [String] = []
        let ex = loop.client()
        _ = try await ex.fetchBalance()
        _ = try await ExchangeCall.run(ex, method: "createOrder", args: [btc, "market", "buy", "0.01"], params: [:])
        do { _ = try await ex.createOrder(symbol: btc, type: .market, side: .buy, amount: 100, price: nil, params: [:]) }
        catch { errors.append("\(error)"); errors.append(error.localizedDescription) }
        loop.server.inject(.acceptThenDrop, count: 1, method: "POST", path: "/fapi/v1/order")
        _ = try await ex.createOrder(symbol: btc, type: .market, side: .sell, amount: d("0.01"), price: nil, params: [:])
        // The canary as a WRONG secret must not leak either.
        loop.server.addAccount(apiKey: "other-key", secret: "right-secret", balanceUSDT: 1)
        var config = await ex.configuration
        config.credentials = .init(apiKey: "other-key", secret: Loopback.secret)
        let wrong = BinanceUSDM(configuration: config, transport: CurlTransport())
        do { _ = try await wrong.fetchBalance() } catch { errors.append("\(error)"); errors.append(String(reflecting: error)) }
        errors.append(String(reflecting: config))

        let everything = loop.logs.all + loop.trace + errors
            + loop.server.requests.map { "\($0.query) \($0.body) \($0.headers) \($0.params)" }
        XCTAssertGreaterThan(loop.trace.count, 10)
        XCTAssertTrue(loop.trace.contains { $0.contains("signature=") }, "verbose shows requests")
        for line in everything { XCTAssertFalse(line.contains(Loopback.secret), "secret leaked: \(line)") }
        XCTAssertFalse(loop.trace.contains { $0.contains(Loopback.apiKey) }, "the API key is masked in verbose output")
    }
}
