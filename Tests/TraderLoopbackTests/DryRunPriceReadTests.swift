import Binance
import BinanceTestServer
@testable import Bot
import Exchange
import Foundation
import XCTest

/// Dry-run's own price reads (the fill price of each order, the mark of its balance) are not the ticker the bot reads:
/// the market must see the bot's ticker reads exactly as the exchange does, or a price that moves after the bot's
/// sizing read moves at a different point in dry-run — before the entry is sized when a close comes first — and the
/// entry is sized at another price than live sizes it (the 2.124 vs 2.118 BTC of the dry-run/testnet end-to-end run).
final class DryRunPriceReadTests: XCTestCase {
    static let ticker = "/fapi/v1/ticker/24hr"

    /// A reversal in one cycle, the price moving 0.3 % right after the ticker the entry is sized from: the close
    /// fills before the move, the entry is sized before it and fills after it — in dry-run as on the exchange.
    func testTheMoveAfterTheSizingReadLandsBetweenSizingAndFillInDryRunToo() async throws {
        let venue = try await LoopbackVenue()
        defer { Task { await venue.stop() } }
        let clock = venue.server.clock
        clock.set(ms: venue.after(5))
        let paper = try PaperExchange(market: venue.client(signed: false), journal: try LoopbackVenue.journal(), symbol: "BTC/USDT:USDT",
                                      timeframe: .oneDay, startingBalance: 10_000, now: { clock.nowMs })
        try await paper.setLeverage(2, symbol: "BTC/USDT:USDT")
        _ = try await paper.createOrder(symbol: "BTC/USDT:USDT", type: .market, side: .buy, amount: Decimal(string: "0.2")!, price: nil,
                                        params: ["clientOrderId": .string("open-long")])
        let price = try XCTUnwrap(venue.server.currentPrice(symbol: "BTCUSDT"))
        venue.server.inject(.movePrice(percent: Decimal(string: "-0.3")!), count: 1, method: "GET", path: Self.ticker)
        let readsBefore = venue.server.requests.filter { $0.path == Self.ticker }.count

        // The reversal as the Trader makes it: close, balance, the sizing read, the entry.
        let close = try await paper.createOrder(symbol: "BTC/USDT:USDT", type: .market, side: .sell, amount: Decimal(string: "0.2")!, price: nil,
                                                params: ["clientOrderId": .string("close-long"), "reduceOnly": .bool(true)])
        _ = try await paper.fetchBalance()
        let sizing = try await paper.fetchTicker(symbol: "BTC/USDT:USDT")
        let entry = try await paper.createOrder(symbol: "BTC/USDT:USDT", type: .market, side: .sell, amount: Decimal(string: "0.2")!, price: nil,
                                                params: ["clientOrderId": .string("open-short")])
        _ = try await paper.fetchBalance()

        XCTAssertEqual(close.average, price, "the close fills before the move")
        XCTAssertEqual(sizing.last, price, "the bot sizes the entry at the price before the move")
        let moved = price * (1 - Decimal(string: "0.003")!)
        XCTAssertEqual(entry.average, Precision.toStep(moved, step: Decimal(string: "0.1")!, rounding: .round), "the entry meets the moved price")
        XCTAssertEqual(venue.server.requests.filter { $0.path == Self.ticker }.count - readsBefore, 1,
                       "only the bot's own read reaches the ticker, as on the exchange")
    }

    /// The same reversals on the loopback exchange and in dry-run, a 0.3 % move after every entry's sizing read:
    /// identical sizes, and after every candle dry-run's balance equals the exchange's /fapi/v3/account.
    func testDryRunSizesAndBooksReversalsAsTheExchange() async throws {
        let testnet = try await LoopbackVenue(), market = try await LoopbackVenue()
        defer { Task { await testnet.stop(); await market.stop() } }
        let liveJournal = try LoopbackVenue.journal(), dryJournal = try LoopbackVenue.journal()
        let live = try testnet.trader(mode: "testnet", journal: liveJournal, predictor: DryRunAgreementTests.swinging)
        let dry = try market.trader(mode: "dry-run", journal: dryJournal, predictor: DryRunAgreementTests.swinging)
        let account = testnet.client(signed: true)
        var reversals = 0
        for index in 5...34 {
            for venue in [testnet, market] {
                venue.server.clearFaults()
                venue.server.setPrice(symbol: "BTCUSDT", price: nil)
                venue.server.inject(.movePrice(percent: Decimal(string: "0.3")!), count: 1, method: "GET", path: Self.ticker)
            }
            let a = await testnet.cycle(live, at: index)
            let b = await market.cycle(dry, at: index)
            XCTAssertEqual(a.status, .done, a.line)
            XCTAssertEqual(b.status, .done, b.line)
            if a.decision?.label.hasPrefix("close + open") == true { reversals += 1 }
            XCTAssertEqual(b.decision?.label, a.decision?.label, "candle \(index)")
            // dry-run's account, read back from its journal, against the exchange's.
            let booked = try PaperExchange(market: market.client(signed: false), journal: dryJournal, symbol: "BTC/USDT:USDT", timeframe: .oneDay,
                                           startingBalance: 10_000, now: { market.server.clock.nowMs })
            let exchange = try await account.fetchBalance(), simulated = try await booked.fetchBalance()
            XCTAssertEqual(simulated["USDT"], exchange["USDT"], "candle \(index): dry-run's free/used/total against /fapi/v3/account")
        }
        XCTAssertGreaterThanOrEqual(reversals, 2, "the fixture must reverse")
        XCTAssertEqual(try DryRunAgreementTests.fills(dryJournal), try DryRunAgreementTests.fills(liveJournal))
    }
}
