@testable import Bot
import Exchange
import XCTest

/// An exchange that forwards to a paper account but can fail `createOrder` before or after the order is placed.
final class FlakyOrders: Exchange, @unchecked Sendable {
    enum Mode { case ok, timeoutBeforePlacing, timeoutAfterPlacing, reject }
    let inner: PaperExchange
    var mode: Mode = .ok
    private(set) var createCalls = 0
    init(inner: PaperExchange) { self.inner = inner }
    var id: String { "flaky" }
    var has: Capabilities { [:] }
    func loadMarkets(reload: Bool) async throws -> [String: Market] { try await inner.loadMarkets(reload: reload) }
    func fetchMarkets() async throws -> [Market] { try await inner.fetchMarkets() }
    func fetchTime() async throws -> Int64 { try await inner.fetchTime() }
    func fetchOHLCV(symbol: String, timeframe: Timeframe, since: Int64?, limit: Int?) async throws -> [Candle] {
        try await inner.fetchOHLCV(symbol: symbol, timeframe: timeframe, since: since, limit: limit)
    }
    func fetchTicker(symbol: String) async throws -> Ticker { try await inner.fetchTicker(symbol: symbol) }
    func fetchBalance() async throws -> Balance { try await inner.fetchBalance() }
    func fetchPositions(symbols: [String]?) async throws -> [Position] { try await inner.fetchPositions(symbols: symbols) }
    func createOrder(symbol: String, type: OrderType, side: OrderSide, amount: Decimal, price: Decimal?, params: Params) async throws -> Order {
        createCalls += 1
        switch mode {
        case .ok: return try await inner.createOrder(symbol: symbol, type: type, side: side, amount: amount, price: price, params: params)
        case .timeoutBeforePlacing: throw ExchangeFailure(.requestTimeout, message: "timed out", method: "createOrder")
        case .timeoutAfterPlacing:
            _ = try await inner.createOrder(symbol: symbol, type: type, side: side, amount: amount, price: price, params: params)
            throw ExchangeFailure(.requestTimeout, message: "timed out after sending", method: "createOrder")
        case .reject: throw ExchangeFailure(.insufficientFunds, code: -2019, message: "Margin is insufficient.", method: "createOrder")
        }
    }
    func fetchOrder(id: String?, symbol: String, params: Params) async throws -> Order { try await inner.fetchOrder(id: id, symbol: symbol, params: params) }
    func fetchOpenOrders(symbol: String?, params: Params) async throws -> [Order] { [] }
    func cancelOrder(id: String?, symbol: String, params: Params) async throws -> Order { try await inner.cancelOrder(id: id, symbol: symbol, params: params) }
    func cancelAllOrders(symbol: String, params: Params) async throws -> [Order] { [] }
    func fetchMyTrades(symbol: String, since: Int64?, limit: Int?, params: Params) async throws -> [Trade] { [] }
    func setLeverage(_ leverage: Int, symbol: String) async throws {}
    func setMarginMode(_ mode: MarginMode, symbol: String) async throws {}
}

final class OrderSenderTests: XCTestCase {
    private func make() throws -> (OrderSender, FlakyOrders, Journal) {
        let dir = try makeTemporaryDirectory(self)
        let candles = dailyCandles([100, 100, 100, 100, 100, 100])
        let feed = CandleFeed(candles: candles, now: candles[5].timestamp + 1_000)
        let journal = try Journal(path: dir.appendingPathComponent("j.sqlite").path)
        let paper = try PaperExchange(market: feed, journal: journal, symbol: "BTC/USDT:USDT", timeframe: .oneDay,
                                      startingBalance: 10_000, now: { feed.now })
        let flaky = FlakyOrders(inner: paper)
        return (OrderSender(exchange: flaky, journal: journal, symbol: "BTC/USDT:USDT"), flaky, journal)
    }

    private func request(_ id: String = "tb-BTCUSDT-1-o") -> OrderRequest {
        OrderRequest(purpose: .open, side: .buy, type: .market, amount: 1, price: nil, triggerPrice: nil, reduceOnly: false, clientOrderID: id)
    }

    func testASecondSendOfTheSameIdNeverReachesTheExchange() async throws {
        let (sender, flaky, _) = try make()
        guard case .placed = try await sender.send(request(), cycleID: nil, now: 1) else { return XCTFail() }
        guard case .alreadySent = try await sender.send(request(), cycleID: nil, now: 2) else { return XCTFail() }
        XCTAssertEqual(flaky.createCalls, 1)
    }

    func testTimeoutAfterPlacingIsResolvedByLookupNotByResending() async throws {
        let (sender, flaky, journal) = try make()
        flaky.mode = .timeoutAfterPlacing
        guard case .placed(let order) = try await sender.send(request(), cycleID: nil, now: 1) else { return XCTFail() }
        XCTAssertEqual(order.clientOrderId, "tb-BTCUSDT-1-o")
        XCTAssertEqual(flaky.createCalls, 1)
        XCTAssertEqual(try journal.order(clientOrderID: "tb-BTCUSDT-1-o")?.state, .sent)
        let positions = try await flaky.fetchPositions(symbols: nil)
        XCTAssertEqual(positions.first?.contracts, 1)
    }

    func testTimeoutBeforePlacingIsRecordedAsNotPlacedAndRetriedUnderANewId() async throws {
        let (sender, flaky, journal) = try make()
        flaky.mode = .timeoutBeforePlacing
        guard case .rejected(let reason) = try await sender.send(request(), cycleID: nil, now: 1) else { return XCTFail() }
        XCTAssertTrue(reason.hasPrefix("not placed"), reason)
        XCTAssertEqual(try journal.order(clientOrderID: "tb-BTCUSDT-1-o")?.state, .notPlaced)
        flaky.mode = .ok
        guard case .placed(let order) = try await sender.send(request(), cycleID: nil, now: 2) else { return XCTFail() }
        XCTAssertEqual(order.clientOrderId, "tb-BTCUSDT-1-or1")
        let positions = try await flaky.fetchPositions(symbols: nil)
        XCTAssertEqual(positions.first?.contracts, 1, "exactly one order filled")
    }

    func testARejectionIsFinalForThatId() async throws {
        let (sender, flaky, journal) = try make()
        flaky.mode = .reject
        guard case .rejected(let reason) = try await sender.send(request(), cycleID: nil, now: 1) else { return XCTFail() }
        XCTAssertTrue(reason.contains("InsufficientFunds"), reason)
        XCTAssertEqual(try journal.order(clientOrderID: "tb-BTCUSDT-1-o")?.state, .rejected)
        flaky.mode = .ok
        guard case .rejected = try await sender.send(request(), cycleID: nil, now: 2) else { return XCTFail() }
        XCTAssertEqual(flaky.createCalls, 1)
    }

    func testWorkingOrdersAreRefreshedWithTheirFills() async throws {
        let (sender, _, journal) = try make()
        guard case .placed = try await sender.send(request(), cycleID: nil, now: 1) else { return XCTFail() }
        // As the journal would hold a resting order: accepted, nothing filled yet.
        try journal.recordOrderSent(clientOrderID: "tb-BTCUSDT-1-o",
                                    update: JournalOrderUpdate(exchangeOrderID: "x", status: "open", filled: 0, average: nil, fee: nil), at: 2)
        XCTAssertEqual(try journal.workingOrders(symbol: "BTC/USDT:USDT").count, 1)
        let refreshed = try await sender.refreshWorking(now: 3)
        XCTAssertEqual(refreshed, 1)
        let order = try XCTUnwrap(try journal.order(clientOrderID: "tb-BTCUSDT-1-o"))
        XCTAssertEqual(order.status, "closed")
        XCTAssertEqual(order.filled, 1)
        XCTAssertEqual(order.average, 100)
        XCTAssertEqual(try journal.workingOrders(symbol: "BTC/USDT:USDT").count, 0)
    }
}
