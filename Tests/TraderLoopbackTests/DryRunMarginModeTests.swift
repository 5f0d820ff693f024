import Binance
import BinanceTestServer
@testable import Bot
import Exchange
import Foundation
import XCTest

/// Dry-run's balance equals the exchange's /fapi/v3/account for an isolated position and for a cross one, and the
/// margin check on an entry sized from that free balance accepts or refuses alike on both sides. An isolated
/// position's margin leaves the cross wallet and its loss stays out of the free balance; a cross one's loss does not.
final class DryRunMarginModeTests: XCTestCase {
    static let btc = "BTC/USDT:USDT"

    func testDryRunsBalanceAndEntryMarginCheckFollowTheExchangeInBothMarginModes() async throws {
        for mode in [MarginMode.isolated, .cross] {
            let venue = try await LoopbackVenue()
            defer { Task { await venue.stop() } }
            let clock = venue.server.clock
            clock.set(ms: venue.after(5))
            let exchange = venue.client(signed: true)
            let journal = try LoopbackVenue.journal()
            let paper = try PaperExchange(market: venue.client(signed: false), journal: journal, symbol: Self.btc,
                                          timeframe: .oneDay, startingBalance: 10_000, now: { clock.nowMs })
            if mode == .isolated { try await exchange.setMarginMode(mode, symbol: Self.btc) }   // the account starts cross
            try await paper.setMarginMode(mode, symbol: Self.btc)
            try await exchange.setLeverage(5, symbol: Self.btc)
            try await paper.setLeverage(5, symbol: Self.btc)

            // Buy 0.1 at 60000: fee 3 → wallet 9997; margin 6000 / 5 = 1200.
            venue.server.setPrice(symbol: "BTCUSDT", price: 60_000)
            for side in [exchange as any Exchange, paper] {
                _ = try await side.createOrder(symbol: Self.btc, type: .market, side: .buy, amount: Decimal(string: "0.1")!, price: nil,
                                               params: ["clientOrderId": .string("open-\(mode)")])
            }
            // Mark 59000: uPnL −100, initial margin 1180. Isolated: free = cross wallet 9997 − 1200 = 8797.
            // Cross: free = 9997 − 100 − 1180 = 8717. Used = 1180, total = 9897 either way.
            venue.server.setPrice(symbol: "BTCUSDT", price: 59_000)
            let booked = try await exchange.fetchBalance()["USDT"], simulated = try await paper.fetchBalance()["USDT"]
            XCTAssertEqual(simulated, booked, "\(mode): dry-run's free/used/total against /fapi/v3/account")
            XCTAssertEqual(booked?.free, mode == .isolated ? 8797 : 8717, "\(mode)")
            XCTAssertEqual(booked?.used, 1180, "\(mode)")
            XCTAssertEqual(booked?.total, 9897, "\(mode)")

            // Adding 0.74 at 59000 needs 0.74 × (59000 / 5 + 59000 × 0.0005) = 8753.83: within the isolated free
            // balance (8797), beyond the cross one (8717). Both sides decide alike.
            var outcomes: [String] = []
            for side in [exchange as any Exchange, paper] {
                do {
                    _ = try await side.createOrder(symbol: Self.btc, type: .market, side: .buy, amount: Decimal(string: "0.74")!, price: nil,
                                                   params: ["clientOrderId": .string("add-\(mode)")])
                    outcomes.append("filled")
                } catch let failure as ExchangeFailure {
                    outcomes.append("\(failure.kind) \(failure.code.map(String.init) ?? "")")
                }
            }
            let expected = mode == .isolated ? "filled" : "\(ExchangeFailure.Kind.insufficientFunds) -2019"
            XCTAssertEqual(outcomes, [expected, expected], "\(mode): the exchange's and dry-run's margin check")
            let after = try await exchange.fetchBalance()["USDT"], dryAfter = try await paper.fetchBalance()["USDT"]
            XCTAssertEqual(dryAfter, after, "\(mode): after the add")
            // A restart reads the margin mode and the isolated wallet back from the journal.
            let restarted = try PaperExchange(market: venue.client(signed: false), journal: journal, symbol: Self.btc,
                                              timeframe: .oneDay, startingBalance: 10_000, now: { clock.nowMs })
            let again = try await restarted.fetchBalance()["USDT"]
            XCTAssertEqual(again, after, "\(mode): after a restart")
            await venue.stop()
        }
    }

    func testAFlipMayUseTheMarginItsCloseFreesOnBothSides() async throws {
        for mode in [MarginMode.isolated, .cross] {
            let venue = try await LoopbackVenue()
            defer { Task { await venue.stop() } }
            let clock = venue.server.clock
            clock.set(ms: venue.after(5))
            let exchange = venue.client(signed: true)
            let paper = try PaperExchange(market: venue.client(signed: false), journal: try LoopbackVenue.journal(), symbol: Self.btc,
                                          timeframe: .oneDay, startingBalance: 10_000, now: { clock.nowMs })
            for side in [exchange as any Exchange, paper] {
                try await side.setMarginMode(mode, symbol: Self.btc)
                try await side.setLeverage(5, symbol: Self.btc)
            }
            venue.server.setPrice(symbol: "BTCUSDT", price: 60_000)
            // Long 0.1 at 60000 (fee 3, margin 1200): free 8797 in both modes. Selling 0.9 closes it and opens 0.8
            // short, which needs 0.8 × (12000 + 30) = 9624: more than 8797, within 8797 + the 1200 the close frees.
            var outcomes: [String] = []
            for side in [exchange as any Exchange, paper] {
                _ = try await side.createOrder(symbol: Self.btc, type: .market, side: .buy, amount: Decimal(string: "0.1")!, price: nil,
                                               params: ["clientOrderId": .string("long-\(mode)")])
                let free = try await side.fetchBalance()["USDT"]?.free
                XCTAssertEqual(free, 8797, "\(mode)")
                do {
                    _ = try await side.createOrder(symbol: Self.btc, type: .market, side: .sell, amount: Decimal(string: "0.9")!, price: nil,
                                                   params: ["clientOrderId": .string("flip-\(mode)")])
                    outcomes.append("filled")
                } catch let failure as ExchangeFailure {
                    outcomes.append("\(failure.kind) \(failure.code.map(String.init) ?? "")")
                }
            }
            XCTAssertEqual(outcomes, ["filled", "filled"], "\(mode): the exchange's and dry-run's check on a flip")
            let booked = try await exchange.fetchBalance()["USDT"], simulated = try await paper.fetchBalance()["USDT"]
            XCTAssertEqual(simulated, booked, "\(mode): after the flip")
            await venue.stop()
        }
    }
}
