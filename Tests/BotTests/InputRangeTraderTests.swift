@testable import Bot
import Exchange
import Scaling
import XCTest

/// `run`'s half of honest inputs: a cycle whose window leaves the scalers' fitted range says so in its line and
/// journal note, writes one `warning` notification when that starts, and its order notifications carry it.
final class InputRangeTraderTests: XCTestCase {
    /// Foresight predictions, with the real range check of scalers fitted on [90, 102] (volume [0, 1000]).
    final class CheckedPredictor: PricePredicting, @unchecked Sendable {
        let base: ForesightPredictor
        let check: InputRangeCheck
        init(candles: [Candle]) {
            base = ForesightPredictor(windowSize: 5, candles: candles)
            func column(_ lo: Double, _ hi: Double) -> ColumnScaler {
                ColumnScaler(featureMin: 0, featureMax: 1, clip: false, dataMin: lo, dataMax: hi, dataRange: hi - lo,
                             scale: 1 / (hi - lo), min: -lo / (hi - lo))
            }
            check = InputRangeCheck(scalers: ScalerSet(columns: [column(90, 102), column(90, 102), column(90, 102), column(90, 102), column(0, 1000)]))
        }
        var windowSize: Int { 5 }
        func predict(_ candles: [Candle]) throws -> Double { try base.predict(candles) }
        func inputWarning(_ candles: [Candle]) -> String? { check.warning(candles.suffix(5)) }
    }

    func testACycleOutsideTheRangeIsLoggedAndNotified() async throws {
        let dir = try makeTemporaryDirectory(self)
        try Data("m".utf8).write(to: dir.appendingPathComponent("m.keras"))
        try Data("s".utf8).write(to: dir.appendingPathComponent("s.pkl"))
        let config = try ConfigLoader(path: nil, environment: [:], overrides: [
            "MODEL_PATH": dir.appendingPathComponent("m.keras").path, "SCALERS_PATH": dir.appendingPathComponent("s.pkl").path,
            "LEVERAGE": "2", "THRESHOLD": "0.01", "STOP_LOSS": "0.05", "MAX_RETRIES": "0", "RETRY_DELAY": "0",
        ]).load().config
        let journal = try Journal(path: dir.appendingPathComponent("j.sqlite").path)
        // Highs are close × 1.01: the window ending at candle 4 (closes 100) tops at 101, inside; the 103 candle leaves it.
        let candles = dailyCandles([100, 100, 100, 100, 100, 103, 104, 101, 95])
        let feed = CandleFeed(candles: candles, now: candles[0].timestamp)
        let paper = try PaperExchange(market: feed, journal: journal, symbol: "BTC/USDT:USDT", timeframe: .oneDay,
                                      startingBalance: 10_000, now: { feed.now })
        let trader = Trader(settings: try Trader.Settings(config: config), exchange: paper, journal: journal,
                            predictor: CheckedPredictor(candles: candles),
                            strategy: ReferenceStrategy(threshold: 0.01, stopLoss: 0.05),
                            orderer: Orderer(leverage: 2, orderType: .market, minOrderAmount: Decimal(string: "0.001")!,
                                             stopLoss: Decimal(string: "0.05")!),
                            pause: { _ in })
        var reports: [CycleReport] = []
        for index in 4...6 {
            feed.now = 1_704_067_200_000 + Int64(index + 1) * day + 1_000
            reports.append(await trader.runCycle(now: feed.now))
        }
        XCTAssertNil(reports[0].inputWarning)
        let warning = try XCTUnwrap(reports[1].inputWarning)
        XCTAssertTrue(warning.contains("high 104.03 is 0.17× the fitted range above data_max 102.00"), warning)
        XCTAssertTrue(reports[1].line.contains("inputs outside the scalers' fitted range"), reports[1].line)
        XCTAssertNotNil(reports[2].inputWarning)

        let rows = try journal.outbox(after: 0, limit: 100)
        XCTAssertEqual(rows.filter { $0.kind == "warning" }.count, 1, "one warning per stretch outside: \(rows.map(\.kind))")
        let w = try XCTUnwrap(rows.firstIndex { $0.kind == "warning" })
        XCTAssertEqual(rows[w].fields["candle"], UTCTime.iso(candles[5].timestamp))
        XCTAssertEqual(rows[w].fields["message"], warning)
        XCTAssertTrue(rows[..<w].allSatisfy { $0.fields["inputs"] == nil })
        let after = rows[(w + 1)...]
        XCTAssertFalse(after.isEmpty)
        XCTAssertTrue(after.allSatisfy { $0.fields["inputs"]?.hasPrefix("inputs outside") == true }, "\(after.map(\.fields))")
        XCTAssertTrue(after.contains { $0.kind == "exit" })
        let cycles = try journal.recentCycles(limit: 5)
        XCTAssertTrue(cycles.contains { $0.note?.contains("inputs outside the scalers' fitted range") == true })
    }
}
