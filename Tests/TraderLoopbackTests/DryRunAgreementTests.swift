import BinanceTestServer
@testable import Bot
import Exchange
import Foundation
import XCTest

/// Dry-run fills where live fills: over the same candles, dry-run (PaperExchange on the loopback server's public
/// market data) and testnet (orders on the loopback server) make the same trades — same candles, sides, sizes and
/// fill prices — including the refusals.
final class DryRunAgreementTests: XCTestCase {
    /// Opens, holds, closes and reverses: the predicted move swings between −3 % and +3 % over a few days.
    static let swinging = RulePredictor { c in c.close * (1 + 0.03 * sin(Double(c.timestamp / LoopbackVenue.day) / 1.7)) }

    struct Fill: Equatable, CustomStringConvertible {
        var candle: Int64, purpose: String, side: String, amount: Decimal, average: Decimal?
        var description: String { "\(UTCTime.iso(candle)) \(purpose) \(side) \(amount) @ \(average.map { "\($0)" } ?? "-")" }
    }

    static func fills(_ journal: Journal) throws -> [Fill] {
        let candleOf = Dictionary(uniqueKeysWithValues: try journal.recentCycles(limit: 1_000).map { ($0.id, $0.candleTime) })
        return try journal.recentOrders(limit: 1_000).reversed().filter { $0.state == .sent }.map { o in
            Fill(candle: o.cycleID.flatMap { candleOf[$0] } ?? 0, purpose: o.purpose.rawValue, side: o.side, amount: o.amount, average: o.average)
        }
    }

    func testDryRunMakesTheTradesTestnetMakesOnTheSameCandles() async throws {
        let testnet = try await LoopbackVenue(), market = try await LoopbackVenue()
        defer { Task { await testnet.stop(); await market.stop() } }
        let liveJournal = try LoopbackVenue.journal(), dryJournal = try LoopbackVenue.journal()
        let live = try testnet.trader(mode: "testnet", journal: liveJournal, predictor: Self.swinging)
        let dry = try market.trader(mode: "dry-run", journal: dryJournal, predictor: Self.swinging)
        var liveLines: [String] = [], dryLines: [String] = []
        for index in 5...34 {
            let a = await testnet.cycle(live, at: index)
            let b = await market.cycle(dry, at: index)
            XCTAssertEqual(a.status, .done, a.line)
            XCTAssertEqual(b.status, .done, b.line)
            liveLines.append(a.decision?.label ?? "-")
            dryLines.append(b.decision?.label ?? "-")
        }
        XCTAssertEqual(dryLines, liveLines)
        let liveFills = try Self.fills(liveJournal), dryFills = try Self.fills(dryJournal)
        XCTAssertGreaterThanOrEqual(liveFills.filter { $0.purpose == "open" }.count, 4, "the fixture must trade: \(liveFills)")
        XCTAssertTrue(liveLines.contains { $0.hasPrefix("close + open") }, "the fixture must reverse: \(liveLines)")
        XCTAssertEqual(dryFills, liveFills)
        // Dry-run sent nothing anywhere.
        XCTAssertTrue(market.orderPosts().isEmpty)
        XCTAssertFalse(market.server.requests.contains { $0.params["signature"] != nil || $0.query.contains("signature=") })
    }

    /// The same margin check: an order the exchange refuses, dry-run refuses too (-2019), and both answer it the
    /// same way (one smaller order).
    func testDryRunRefusesWhatTheExchangeRefuses() async throws {
        let testnet = try await LoopbackVenue(), market = try await LoopbackVenue()
        defer { Task { await testnet.stop(); await market.stop() } }
        let liveJournal = try LoopbackVenue.journal(), dryJournal = try LoopbackVenue.journal()
        let live = try testnet.trader(mode: "testnet", journal: liveJournal, predictor: RulePredictor.bullish)
        let dry = try market.trader(mode: "dry-run", journal: dryJournal, predictor: RulePredictor.bullish)
        // The price jumps 3 % between the ticker the entry is sized at and the order: more than the buffer covers at 2×.
        for venue in [testnet, market] {
            venue.server.inject(.movePrice(percent: 3), count: 1, method: "GET", path: "/fapi/v1/ticker/24hr")
        }
        let a = await testnet.cycle(live, at: 5)
        let b = await market.cycle(dry, at: 5)
        XCTAssertTrue(a.notes.contains { $0.hasPrefix("resized after a margin refusal") }, a.line)
        XCTAssertTrue(b.notes.contains { $0.hasPrefix("resized after a margin refusal") }, b.line)
        let refusedLive = try liveJournal.recentOrders(limit: 5).filter { $0.state == .rejected }
        let refusedDry = try dryJournal.recentOrders(limit: 5).filter { $0.state == .rejected }
        XCTAssertEqual(refusedLive.map(\.amount), refusedDry.map(\.amount))
        XCTAssertTrue(refusedDry.first?.error?.contains("-2019") == true, refusedDry.first?.error ?? "")
        XCTAssertEqual(try Self.fills(dryJournal), try Self.fills(liveJournal))
    }
}
