@testable import Bot
import Exchange
import XCTest

/// The outbox rows the engine writes with its facts, the schema migration that adds them, and pause.
final class OutboxTests: XCTestCase {
    private func makeTrader(closes: [Double], journal: Journal, failing: Bool = false) throws -> (Trader, CandleFeed) {
        let dir = try makeTemporaryDirectory(self)
        try Data("m".utf8).write(to: dir.appendingPathComponent("m.keras"))
        try Data("s".utf8).write(to: dir.appendingPathComponent("s.pkl"))
        let config = try ConfigLoader(path: nil, environment: [:], overrides: [
            "MODEL_PATH": dir.appendingPathComponent("m.keras").path, "SCALERS_PATH": dir.appendingPathComponent("s.pkl").path,
            "LEVERAGE": "2", "THRESHOLD": "0.01", "STOP_LOSS": "0.05", "MAX_RETRIES": "0", "RETRY_DELAY": "0",
        ]).load().config
        let candles = dailyCandles(closes)
        let feed = CandleFeed(candles: candles, now: candles[0].timestamp)
        let paper = try PaperExchange(market: feed, journal: journal, symbol: "BTC/USDT:USDT", timeframe: .oneDay,
                                      startingBalance: 10_000, now: { feed.now })
        let predictor: any PricePredicting = failing
            ? BrokenPredictor() : ForesightPredictor(windowSize: 5, candles: candles)
        let trader = Trader(settings: try Trader.Settings(config: config), exchange: paper, journal: journal, predictor: predictor,
                            strategy: ReferenceStrategy(threshold: 0.01, stopLoss: 0.05),
                            orderer: Orderer(leverage: 2, orderType: .market, minOrderAmount: Decimal(string: "0.001")!,
                                             stopLoss: Decimal(string: "0.05")!),
                            pause: { _ in })
        return (trader, feed)
    }

    private func after(_ index: Int) -> Int64 { 1_704_067_200_000 + Int64(index + 1) * day + 1_000 }

    func testATradeWritesItsMessagesWithItsFacts() async throws {
        let dir = try makeTemporaryDirectory(self)
        let journal = try Journal(path: dir.appendingPathComponent("j.sqlite").path)
        XCTAssertEqual(try journal.schemaVersion(), JournalSchema.version)
        let (trader, feed) = try makeTrader(closes: [100, 100, 100, 100, 100, 103, 104, 101, 95], journal: journal)
        for index in 4...6 {
            feed.now = after(index)
            _ = await trader.runCycle(now: feed.now)
        }
        let rows = try journal.outbox(after: 0, limit: 100)
        XCTAssertEqual(rows.map(\.kind), ["entry", "entry_fill", "exit", "exit_fill", "entry", "entry_fill"])
        XCTAssertEqual(rows.map(\.id), [1, 2, 3, 4, 5, 6])
        let exitFill = rows[3].fields
        XCTAssertEqual(exitFill["position_side"], "long")
        // Market orders fill at the price they meet: the next candle's open (103 in, 101 out), not the decision's close.
        XCTAssertEqual(exitFill["entry_price"], "103")
        XCTAssertEqual(exitFill["average"], "101")
        XCTAssertEqual(exitFill["symbol"], "BTC/USDT:USDT")
        XCTAssertEqual(rows[0].fields["client_order_id"], try journal.recentOrders(limit: 10).last?.clientOrderID)
        XCTAssertEqual(rows[0].fields["reason"]?.hasPrefix("predicted"), true)
        // Every order row has its message: same count of entry/exit rows as orders.
        XCTAssertEqual(rows.filter { $0.kind == "entry" || $0.kind == "exit" }.count, try journal.recentOrders(limit: 10).count)
    }

    func testPausedEntriesAreNotSentAndThePauseIsInTheFile() async throws {
        let dir = try makeTemporaryDirectory(self)
        let path = dir.appendingPathComponent("j.sqlite").path
        try Journal(path: path).setStateValue(Journal.pausedKey, "telegram:42", at: 1)
        let journal = try Journal(path: path)
        XCTAssertTrue(try journal.isPaused(), "a pause survives re-opening the journal (a restart)")
        let (trader, feed) = try makeTrader(closes: [100, 100, 100, 100, 100, 103, 104, 110], journal: journal)
        feed.now = after(4)
        let report = await trader.runCycle(now: feed.now)
        XCTAssertEqual(report.decision?.label, "open long")
        XCTAssertTrue(report.notes.contains { $0.contains("entries are paused") }, report.line)
        XCTAssertEqual(try journal.recentOrders(limit: 10).count, 0)
        try journal.setStateValue(Journal.pausedKey, nil, at: 2)
        feed.now = after(6)
        let resumed = await trader.runCycle(now: feed.now)
        XCTAssertEqual(resumed.decision?.label, "open long", resumed.line)
        XCTAssertEqual(try journal.recentOrders(limit: 10).count, 1)
    }

    func testAFailedCycleWritesAnErrorRow() async throws {
        let dir = try makeTemporaryDirectory(self)
        let journal = try Journal(path: dir.appendingPathComponent("j.sqlite").path)
        let (trader, feed) = try makeTrader(closes: [100, 100, 100, 100, 100, 103], journal: journal, failing: true)
        feed.now = after(4)
        let report = await trader.runCycle(now: feed.now)
        XCTAssertEqual(report.status, .failed)
        let rows = try journal.outbox(after: 0, limit: 10)
        XCTAssertEqual(rows.map(\.kind), ["error"])
        XCTAssertEqual(rows.first?.fields["message"], report.error)
    }

    func testMigrationFromAVersion1File() throws {
        let dir = try makeTemporaryDirectory(self)
        let path = dir.appendingPathComponent("old.sqlite").path
        do {
            let db = try SQLiteDatabase(path: path)
            try db.execute(JournalSchema.statements)
            try db.run("INSERT INTO meta(key, value) VALUES ('schema_version', '1')")
            try db.run("INSERT INTO events(at, kind, message) VALUES (1, 'reconcile', 'kept')")
        }
        let journal = try Journal(path: path)
        XCTAssertEqual(try journal.schemaVersion(), JournalSchema.version)
        XCTAssertEqual(try journal.events(limit: 5).first?.message, "kept")
        try journal.appendOutbox([OutboxEvent(kind: "warning", fields: ["message": "m"])], at: 5)
        XCTAssertEqual(try journal.outbox(after: 0, limit: 5).first?.fields, ["message": "m"])
        XCTAssertEqual(try Journal(path: path).schemaVersion(), JournalSchema.version, "opening again applies nothing twice")
        XCTAssertEqual(try journal.takeStateValue("none"), nil)
        try journal.setStateValue("token", "abc", at: 1)
        XCTAssertEqual(try journal.takeStateValue("token"), "abc")
        XCTAssertEqual(try journal.takeStateValue("token"), nil, "a one-time value is taken once")
    }
}

final class BrokenPredictor: PricePredicting, @unchecked Sendable {
    struct Broken: Error {}
    let windowSize = 5
    func predict(_ candles: [Candle]) throws -> Double { throw Broken() }
}
