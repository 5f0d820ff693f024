import XCTest
import Exchange
import BinanceTestServer
@testable import Binance

/// The methods added for CCXT conformance, over real HTTP against the loopback server, including the
/// money rule on the new order-placing paths (batch orders, modify): never doubled.
final class NewMethodsLoopbackTests: XCTestCase {
    var loop: Loopback!
    let btc = "BTC/USDT:USDT"
    func d(_ s: String) -> Decimal { Decimal(string: s)! }

    override func setUp() async throws { loop = Loopback(); try await loop.start() }
    override func tearDown() async throws { await loop.server.stop(); loop = nil }

    /// ccxt fetchLastPrices: one GET /fapi/v2/ticker/price for every symbol (weight 2), the requested ones kept, each
    /// the last price a market order placed now meets.
    func testFetchLastPricesReadsThePriceTickerNotThe24HourOne() async throws {
        let ex = loop.client()
        let prices = try await ex.fetchLastPrices(symbols: [btc], params: [:])
        XCTAssertEqual(Array(prices.keys), [btc])
        XCTAssertEqual(prices[btc]?.price, loop.server.currentPrice(symbol: "BTCUSDT"))
        XCTAssertEqual(prices[btc]?.timestamp, loop.server.clock.nowMs)
        let sent = try XCTUnwrap(loop.requests("GET", "/fapi/v2/ticker/price").last)
        XCTAssertNil(sent.params["symbol"], "ccxt asks for every symbol")
        XCTAssertEqual(Endpoint.tickerPrice.weight(for: QueryString()), 2)
        XCTAssertTrue(loop.requests("GET", "/fapi/v1/ticker/24hr").isEmpty)
        // Every listed market when no symbols are given (BTCUSDT alone has candles, the others price at 0).
        let all = try await ex.fetchLastPrices(symbols: nil, params: [:])
        let markets = try await ex.loadMarkets(reload: false)
        XCTAssertEqual(Set(all.keys), Set(markets.keys))
        // `trading-bot exchange fetchLastPrices` prints ccxt's LastPrice shape.
        let printed = try await ExchangeCall.run(ex, method: "fetchLastPrices", args: [btc], params: [:])
        XCTAssertTrue(printed.contains(#""price": "#) && printed.contains(#""side": null"#) && printed.contains(#""datetime": ""#), printed)
    }

    func testMarketDataAndAccountSettings() async throws {
        let ex = loop.client()
        let book = try await ex.fetchOrderBook(symbol: btc, limit: 5, params: [:])
        XCTAssertEqual(book.bids.count, 5); XCTAssertEqual(book.asks.count, 5)
        XCTAssertLessThan(try XCTUnwrap(book.bids.first?.price), try XCTUnwrap(book.asks.first?.price))
        XCTAssertEqual(book.timestamp, loop.server.serverTimeMs)
        let tickers = try await ex.fetchTickers(symbols: [btc], params: [:])
        XCTAssertEqual(Array(tickers.keys), [btc])
        let mark = try await ex.fetchMarkPrice(symbol: btc, params: [:])
        XCTAssertNotNil(mark.markPrice)
        let funding = try await ex.fetchFundingRate(symbol: btc, params: [:])
        XCTAssertEqual(funding.fundingRate, d("0.0001"))
        XCTAssertEqual(funding.ccxt["fundingDatetime"]?.isNull, false)
        let history = try await ex.fetchFundingRateHistory(symbol: btc, since: nil, limit: 2, params: [:])
        XCTAssertEqual(history.count, 2)
        let tiers = try await ex.fetchLeverageTiers(symbols: [btc], params: [:])
        XCTAssertEqual(tiers[btc]?.first?.maintenanceMarginRate, d("0.004"))
        XCTAssertEqual(tiers[btc]?.first?.maxLeverage, 125)
        let mode = try await ex.fetchPositionMode(symbol: nil, params: [:])
        XCTAssertFalse(mode.hedged)
        _ = try await ex.setPositionMode(hedged: true, symbol: nil, params: [:])
        _ = try await ex.setPositionMode(hedged: true, symbol: nil, params: [:])   // already hedged: -4059 is success
        let hedged = try await ex.fetchPositionMode(symbol: nil, params: [:])
        XCTAssertTrue(hedged.hedged)
        let order = try await ex.createOrder(symbol: btc, type: .market, side: .buy, amount: d("0.01"), price: nil, params: ["hedged": true])
        XCTAssertEqual(order.status, .closed)
        XCTAssertEqual(loop.requests("POST", "/fapi/v1/order").last?.params["positionSide"], "LONG")
        let status = try await ex.fetchStatus(params: [:])
        XCTAssertEqual(status.status, "ok")
        do { _ = try await ex.fetchBalance(params: ["portfolioMargin": true]); XCTFail("papi is refused") }
        catch let f as ExchangeFailure { XCTAssertTrue(f.message.contains("portfolioMargin"), f.message) }
    }

    func testBatchOrdersLostAnswerIsNotDoubledAndEditKeepsTheOrder() async throws {
        let ex = loop.client()
        _ = try await ex.loadMarkets()
        loop.server.inject(.acceptThenDrop, count: 1, method: "POST", path: "/fapi/v1/batchOrders")
        let orders = try await ex.createOrders([
            CreateOrderRequest(symbol: btc, type: .limit, side: .buy, amount: d("0.01"), price: d("59000"), params: ["clientOrderId": "bat-1"]),
            CreateOrderRequest(symbol: btc, type: .limit, side: .buy, amount: d("0.01"), price: d("59100"), params: ["clientOrderId": "bat-2"]),
        ], params: [:])
        XCTAssertEqual(orders.map(\.clientOrderId), ["bat-1", "bat-2"])
        XCTAssertEqual(orders.map(\.status), [.open, .open])
        XCTAssertEqual(loop.server.orders(symbol: "BTCUSDT").count, 2, "the batch was executed once")
        XCTAssertEqual(loop.requests("POST", "/fapi/v1/batchOrders").count, 1, "never re-sent")

        do {
            _ = try await ex.createOrders([CreateOrderRequest(symbol: btc, type: .market, side: .sell, amount: d("0.01"),
                                                              params: ["stopLossPrice": 50000])], params: [:])
            XCTFail("conditional orders cannot be batched (ccxt: NotSupported)")
        } catch let f as ExchangeFailure { XCTAssertEqual(f.kind, .notSupported) }
        do {
            _ = try await ex.createOrders(Array(repeating: CreateOrderRequest(symbol: btc, type: .limit, side: .buy, amount: d("0.01"), price: d("59000")), count: 6), params: [:])
            XCTFail("more than 5")
        } catch let f as ExchangeFailure { XCTAssertEqual(f.kind, .badRequest) }

        let first = try XCTUnwrap(orders.first)
        let edited = try await ex.editOrder(id: first.id, symbol: btc, type: .limit, side: .buy, amount: d("0.02"), price: d("58900"), params: [:])
        XCTAssertEqual(edited.id, first.id)
        XCTAssertEqual(edited.price, d("58900")); XCTAssertEqual(edited.amount, d("0.02"))
        XCTAssertEqual(loop.server.orders(symbol: "BTCUSDT").count, 2, "modify places nothing new")

        let canceled = try await ex.cancelOrders(ids: [], symbol: btc, params: ["clientOrderIds": .array(["bat-1", "bat-2"])])
        XCTAssertEqual(canceled.map(\.status), [.canceled, .canceled])
        XCTAssertTrue(loop.server.openOrders.isEmpty)
        let history = try await ex.fetchCanceledOrders(symbol: btc, since: nil, limit: nil, params: [:])
        XCTAssertEqual(history.count, 2)
        let closed = try await ex.fetchClosedOrders(symbol: btc, since: nil, limit: nil, params: [:])
        XCTAssertTrue(closed.isEmpty)
    }

    func testStopLossThroughStopLossPriceGoesToTheAlgoAPI() async throws {
        let ex = loop.client()
        _ = try await ex.createOrder(symbol: btc, type: .market, side: .buy, amount: d("0.01"), price: nil, params: [:])
        let stop = try await ex.createOrder(symbol: btc, type: .market, side: .sell, amount: d("0.01"), price: nil,
                                            params: ["stopLossPrice": 50000, "reduceOnly": true, "workingType": "MARK_PRICE"])
        XCTAssertEqual(stop.type, .stopMarket)
        XCTAssertEqual(stop.triggerPrice, 50000)
        let sent = try XCTUnwrap(loop.requests("POST", "/fapi/v1/algoOrder").last)
        XCTAssertEqual(sent.params["type"], "STOP_MARKET"); XCTAssertEqual(sent.params["triggerPrice"], "50000")
        XCTAssertEqual(sent.params["algoType"], "CONDITIONAL"); XCTAssertEqual(sent.params["workingType"], "MARK_PRICE")
        XCTAssertEqual(sent.params["reduceOnly"], "true")
        let open = try await ex.fetchOpenOrders(symbol: btc, since: nil, limit: nil, params: ["trigger": true])
        XCTAssertEqual(open.map(\.id), [stop.id])
        let all = try await ex.fetchOrders(symbol: btc, since: nil, limit: nil, params: ["trigger": true])
        XCTAssertEqual(all.count, 1)
        let canceled = try await ex.cancelOrder(id: stop.id, symbol: btc, params: ["trigger": true])
        XCTAssertEqual(canceled.status, .canceled)
        XCTAssertEqual(loop.requests("DELETE", "/fapi/v1/algoOrder").last?.params["symbol"], "BTCUSDT")
    }
}
