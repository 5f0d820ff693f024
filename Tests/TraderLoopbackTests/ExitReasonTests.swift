import BinanceTestServer
@testable import Bot
import Exchange
import Foundation
import XCTest

/// Why positions end, in the cycle report and the journal: the strategy's reasons, and the exchange-side stop that
/// filled between two cycles.
final class ExitReasonTests: XCTestCase {
    func testTheExchangeStopThatFilledBetweenCyclesIsNamedExchangeStop() async throws {
        // Flat at 40,000, then candle 7 falls to 36,000: the 5 % stop placed with the entry fills inside it.
        var candles = (0..<20).map { i in
            BinanceTestServer.Candle(openTime: LoopbackVenue.start + Int64(i) * LoopbackVenue.day, open: 40_000, high: 40_100,
                                     low: 39_900, close: 40_000, volume: 1_000)
        }
        candles[7].low = 36_000
        candles[7].close = 37_000
        let venue = try await LoopbackVenue(candles: candles)
        defer { Task { await venue.stop() } }
        let journal = try LoopbackVenue.journal()
        let trader = try venue.trader(mode: "testnet", journal: journal, predictor: RulePredictor.bullish,
                                      extra: ["STOP_LOSS": "0.05", "STOP_LOSS_ON_EXCHANGE": "true"])
        let opened = await venue.cycle(trader, at: 5)
        XCTAssertEqual(opened.position?.side, .long, opened.line)
        XCTAssertEqual(venue.server.algoOrders().count, 1, "the stop is on the exchange")
        let held = await venue.cycle(trader, at: 6)
        XCTAssertNil(held.exitReason, held.line)
        let after = await venue.cycle(trader, at: 7)      // the clock crossed candle 7: the stop filled
        XCTAssertEqual(after.status, .done, after.line)
        XCTAssertEqual(after.exitReason, .exchangeStop, after.line)
        XCTAssertTrue(after.line.contains("exit: exchange_stop"), after.line)
        XCTAssertEqual(try journal.recentCycles(limit: 1).first?.exitReason, "exchange_stop")
    }

    func testStrategyExitsAreNamedInTheJournal() async throws {
        let venue = try await LoopbackVenue()
        defer { Task { await venue.stop() } }
        let journal = try LoopbackVenue.journal()
        let trader = try venue.trader(mode: "testnet", journal: journal, predictor: RulePredictor.flipping)
        for index in 5...7 { _ = await venue.cycle(trader, at: index) }
        // Flipping every day: open, then reverse, reverse.
        XCTAssertEqual(try journal.recentCycles(limit: 3).reversed().map(\.exitReason), [nil, "reversal", "reversal"])
    }
}
