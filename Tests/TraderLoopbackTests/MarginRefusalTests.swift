import Binance
import BinanceTestServer
@testable import Bot
import Exchange
import Foundation
import XCTest

/// Testnet mode against the loopback exchange: entries placed although the price moves before the fill, one smaller
/// order after a margin refusal, a refusal that persists recorded and survived, journal = server.
final class MarginRefusalTests: XCTestCase {
    var venue: LoopbackVenue!

    override func setUp() async throws { venue = try await LoopbackVenue() }
    override func tearDown() async throws { await venue.stop(); venue = nil }

    private func serverPosition() -> Decimal { venue.server.position(apiKey: LoopbackVenue.apiKey, symbol: "BTCUSDT")?.positionAmt ?? 0 }

    /// Journal = server: the orders the journal says were sent are exactly the server's, with the same quantities.
    private func assertJournalMatchesServer(_ journal: Journal, file: StaticString = #filePath, line: UInt = #line) throws {
        let sent = try journal.sentOrders()
        let server = venue.server.orders()
        XCTAssertEqual(sent.map(\.clientOrderID), server.map(\.clientOrderId), file: file, line: line)
        XCTAssertEqual(sent.map(\.amount), server.map(\.origQty), file: file, line: line)
        XCTAssertEqual(sent.map { $0.filled ?? 0 }, server.map(\.executedQty), file: file, line: line)
    }

    func testThePriceMovesPointThreePercentAgainstTheEntryAndTheOrderIsStillPlacedWithinTheBuffer() async throws {
        let journal = try LoopbackVenue.journal()
        let trader = try venue.trader(mode: "testnet", journal: journal, predictor: RulePredictor.bullish)
        venue.server.clock.set(ms: venue.after(5))
        let quoted = try XCTUnwrap(venue.server.currentPrice(symbol: "BTCUSDT"))
        // The market moves up 0.3 % right after the bot reads the ticker it sizes at: the order meets the moved price.
        venue.server.inject(.movePrice(percent: Decimal(string: "0.3")!), count: 1, method: "GET", path: "/fapi/v1/ticker/24hr")
        let report = await venue.cycle(trader, at: 5)
        XCTAssertEqual(report.status, .done, report.line)
        XCTAssertEqual(report.decision?.label, "open long")
        XCTAssertFalse(report.entryNotPlaced, report.line)

        let orders = venue.server.orders()
        XCTAssertEqual(orders.count, 1)
        let order = try XCTUnwrap(orders.first)
        XCTAssertEqual(order.status, "FILLED")
        XCTAssertEqual(venue.orderPosts().map(\.status), [200], "placed at the first try, no refusal")
        let moved = try XCTUnwrap(venue.server.currentPrice(symbol: "BTCUSDT"))
        XCTAssertGreaterThan(moved, quoted)
        XCTAssertEqual(order.avgPrice, moved, "filled at the moved price, not at the one it was sized at")
        // Sized at the quoted price with the buffer: margin + fee at the moved price fits in the balance.
        let expected = try PositionSizer(leverage: 2).size(freeBalance: 10_000, price: quoted, market: try await trader.fetcher.market())
        XCTAssertEqual(order.origQty, expected.amount)
        let needed = order.origQty * moved / 2 + order.origQty * moved * Decimal(string: "0.0005")!
        XCTAssertLessThanOrEqual(needed, 10_000)
        // The size the bot used before (all of the balance less one fee, at the last close) is refused at this price.
        let close = Decimal(string: "\(venue.candles[5].close)")!
        let old = Precision.toStep(10_000 / (1 + 2 * Decimal(string: "0.0005")!) * 2 / close, step: Decimal(string: "0.001")!, rounding: .truncate)
        XCTAssertGreaterThan(old * moved / 2 + old * moved * Decimal(string: "0.0005")!, 10_000, "the fixture must move the price enough to refuse the old size")
        XCTAssertEqual(serverPosition(), order.origQty)
        try assertJournalMatchesServer(journal)
    }

    func testAScriptedMarginRefusalIsAnsweredWithOneSmallerOrderAndOnePosition() async throws {
        let journal = try LoopbackVenue.journal()
        let trader = try venue.trader(mode: "testnet", journal: journal, predictor: RulePredictor.bullish)
        venue.server.inject(.marginInsufficient, count: 1, method: "POST", path: "/fapi/v1/order")
        let report = await venue.cycle(trader, at: 5)
        XCTAssertEqual(report.status, .done, report.line)

        let posts = venue.orderPosts()
        XCTAssertEqual(posts.map(\.status), [400, 200])
        XCTAssertEqual(posts.first?.errorCode, -2019)
        let firstID = try XCTUnwrap(posts.first?.params["newClientOrderId"])
        let secondID = try XCTUnwrap(posts.last?.params["newClientOrderId"])
        XCTAssertEqual(secondID, ClientOrderID.resized(firstID), "the retry's id is derived from the refused one")
        let firstQty = try XCTUnwrap(Decimal(string: posts.first?.params["quantity"] ?? ""))
        let secondQty = try XCTUnwrap(Decimal(string: posts.last?.params["quantity"] ?? ""))
        XCTAssertLessThan(secondQty, firstQty)
        XCTAssertEqual(secondQty, Precision.toStep(firstQty * PositionSizer.resizeShrink, step: Decimal(string: "0.001")!, rounding: .truncate))

        XCTAssertEqual(venue.server.orders().count, 1, "exactly one order on the server")
        XCTAssertEqual(serverPosition(), secondQty, "exactly one position, of the smaller size")
        let refused = try XCTUnwrap(try journal.order(clientOrderID: firstID))
        XCTAssertEqual(refused.state, .rejected)
        XCTAssertTrue(refused.error?.contains("-2019") == true, refused.error ?? "")
        XCTAssertEqual(try journal.order(clientOrderID: secondID)?.state, .sent)
        try assertJournalMatchesServer(journal)
        XCTAssertTrue(report.notes.contains { $0.hasPrefix("resized after a margin refusal") }, report.line)
        XCTAssertTrue(try journal.recentCycles(limit: 1).first?.note?.contains("resized after a margin refusal") == true)

        // A restart that re-runs the candle sends nothing more.
        let restarted = try venue.trader(mode: "testnet", journal: try Journal(path: journal.path), predictor: RulePredictor.bullish)
        _ = try await restarted.reconcile(now: venue.after(5))
        let again = await restarted.runCycle(now: venue.after(5))
        XCTAssertEqual(again.status, .alreadyDone)
        XCTAssertEqual(venue.orderPosts().count, 2)
    }

    /// The crash window: the refusal is journaled, the process dies before the smaller order. The re-run finds the
    /// refusal in the journal, sends the derived id once, and never the first id again.
    func testARestartAfterTheRefusalSendsTheSmallerOrderOnce() async throws {
        let journal = try LoopbackVenue.journal()
        let trader = try venue.trader(mode: "testnet", journal: journal, predictor: RulePredictor.bullish)
        venue.server.clock.set(ms: venue.after(5))
        let market = try await trader.fetcher.market()
        let id = ClientOrderID.make(marketID: "BTCUSDT", candleTime: venue.candles[5].openTime, purpose: .open)
        var row = JournalOrder(cycleID: nil, clientOrderID: id, purpose: .open, symbol: "BTC/USDT:USDT", side: "buy", type: "market",
                               amount: 1, reduceOnly: false)
        row.id = try journal.recordOrderIntent(row, at: venue.after(5))
        let refusal = ExchangeFailure(.insufficientFunds, exchange: "binanceusdm", code: -2019, message: "Margin is insufficient.", method: "createOrder")
        try journal.recordOrderNotPlaced(clientOrderID: id, rejected: true, error: refusal.description, at: venue.after(5))
        _ = market
        let report = await venue.cycle(trader, at: 5)
        XCTAssertEqual(report.status, .done, report.line)
        let posts = venue.orderPosts()
        XCTAssertEqual(posts.compactMap { $0.params["newClientOrderId"] }, [ClientOrderID.resized(id)], "only the derived id is sent")
        XCTAssertEqual(venue.server.orders().count, 1)
        try assertJournalMatchesServer(journal)
    }

    func testARefusalThatPersistsIsRecordedSendsNoThirdOrderAndTheLoopGoesOn() async throws {
        let journal = try LoopbackVenue.journal()
        let trader = try venue.trader(mode: "testnet", journal: journal, predictor: RulePredictor.bullish)
        venue.server.inject(.marginInsufficient, count: 10, method: "POST", path: "/fapi/v1/order")
        let report = await venue.cycle(trader, at: 5)
        XCTAssertEqual(report.status, .done, report.line)
        XCTAssertEqual(report.decision?.label, "open long")
        XCTAssertTrue(report.entryNotPlaced)
        XCTAssertEqual(venue.orderPosts().map(\.status), [400, 400], "the order and one smaller one, then nothing")
        XCTAssertEqual(venue.server.orders().count, 0)
        XCTAssertEqual(serverPosition(), 0)
        XCTAssertNil(report.position)
        let note = try XCTUnwrap(try journal.recentCycles(limit: 1).first?.note)
        XCTAssertTrue(note.hasPrefix("refused: InsufficientFunds"), note)
        XCTAssertTrue(note.contains("-2019") && note.contains("after one smaller order; given up for this candle"), note)
        XCTAssertTrue(report.line.contains("refused: InsufficientFunds"), report.line)
        guard case .array(let logged)? = report.metadata["not_placed"] else { return XCTFail("--log-format json lacks not_placed") }
        XCTAssertEqual(logged.count, report.notes.count)
        XCTAssertEqual(try journal.recentCycles(limit: 1).first?.decision, "open long")
        try assertJournalMatchesServer(journal)

        // The next candle: the exchange takes orders again, and the loop trades.
        venue.server.clearFaults()
        let next = await venue.cycle(trader, at: 6)
        XCTAssertEqual(next.status, .done, next.line)
        XCTAssertEqual(next.position?.side, .long, next.line)
        XCTAssertEqual(venue.server.orders().count, 1)
        try assertJournalMatchesServer(journal)
    }

    /// A `run --once` per candle (a new Trader each time) sends margin type and leverage only while they are not in
    /// effect (it reads them first, GET /fapi/v1/symbolConfig), and when they are sent anyway (the read failed),
    /// -4046 "No need to change margin type." and an unchanged leverage are answers, not problems: no warning.
    func testMarginTypeAlreadySetAndTheSameLeverageLogNoWarning() async throws {
        let journal = try LoopbackVenue.journal()
        var trader: Trader?
        for index in 5...7 {
            let fresh = try venue.trader(mode: "testnet", journal: journal, predictor: RulePredictor.flipping)
            let report = await venue.cycle(fresh, at: index)
            XCTAssertEqual(report.status, .done, report.line)
            trader = fresh
        }
        XCTAssertEqual(venue.server.requests.filter { $0.path == "/fapi/v1/symbolConfig" }.count, 3, "each new Trader reads them once")
        XCTAssertEqual(venue.server.requests.filter { $0.path == "/fapi/v1/marginType" }.map(\.errorCode), [nil], "changed once, then seen in effect")
        XCTAssertEqual(venue.server.requests.filter { $0.path == "/fapi/v1/leverage" }.count, 1)
        // Sent again although in effect (as when symbolConfig cannot be read): answers, not problems.
        let exchange = try XCTUnwrap(trader).exchange
        try await exchange.setMarginMode(.isolated, symbol: "BTC/USDT:USDT")
        try await exchange.setLeverage(2, symbol: "BTC/USDT:USDT")
        XCTAssertEqual(venue.server.requests.filter { $0.path == "/fapi/v1/marginType" }.map(\.errorCode), [nil, -4046])
        XCTAssertEqual(venue.server.requests.filter { $0.path == "/fapi/v1/leverage" }.count, 2)
        XCTAssertEqual(venue.logs.warnings, [])
    }
}
