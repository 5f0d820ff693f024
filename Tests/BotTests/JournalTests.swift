@testable import Bot
import XCTest

final class JournalTests: XCTestCase {
    func testCyclesAndOrdersRoundTripExactlyAndSurviveReopen() throws {
        let dir = try makeTemporaryDirectory(self)
        let path = dir.appendingPathComponent("j.sqlite").path
        do {
            let journal = try Journal(path: path)
            var cycle = JournalCycle(candleTime: 1_700_000_000_000, startedAt: 1_700_086_401_000, mode: "testnet", symbol: "BTC/USDT:USDT", interval: "1d")
            cycle.id = try journal.beginCycle(cycle)
            var order = JournalOrder(cycleID: cycle.id, clientOrderID: "tb-1-open", purpose: .open, symbol: "BTC/USDT:USDT",
                                     side: "buy", type: "market", amount: Decimal(string: "0.3")!, reduceOnly: false)
            order.id = try journal.recordOrderIntent(order, at: 5)
            XCTAssertThrowsError(try journal.recordOrderIntent(order, at: 6), "a client order id can be written only once")
            XCTAssertEqual(try journal.pendingOrders().map(\.clientOrderID), ["tb-1-open"])
            cycle.close = Decimal(string: "37000.1")
            cycle.predicted = 37400.5
            cycle.decision = "open long"
            cycle.status = .done
            try journal.updateCycle(cycle)
        }
        // Reopen as after a crash: the pending order is still there to reconcile.
        let journal = try Journal(path: path)
        let pending = try journal.pendingOrders()
        XCTAssertEqual(pending.count, 1)
        XCTAssertEqual(pending[0].amount, Decimal(string: "0.3"))
        XCTAssertEqual("\(pending[0].amount)", "0.3", "no binary-float artefacts")
        try journal.recordOrderSent(clientOrderID: "tb-1-open",
                                    update: JournalOrderUpdate(exchangeOrderID: "42", status: "closed", filled: Decimal(string: "0.3"),
                                                               average: Decimal(string: "37000.1"), fee: Decimal(string: "5.55015")),
                                    at: 9)
        XCTAssertEqual(try journal.pendingOrders(), [])
        let stored = try XCTUnwrap(try journal.order(clientOrderID: "tb-1-open"))
        XCTAssertEqual(stored.state, .sent)
        XCTAssertEqual(stored.fee, Decimal(string: "5.55015"))
        let last = try XCTUnwrap(try journal.lastCompletedCycle(symbol: "BTC/USDT:USDT"))
        XCTAssertEqual(last.close, Decimal(string: "37000.1"))
        XCTAssertEqual(last.decision, "open long")
        XCTAssertEqual(try journal.cycleCount(), 1)
    }

    func testPaperAccountAndEvents() throws {
        let dir = try makeTemporaryDirectory(self)
        let journal = try Journal(path: dir.appendingPathComponent("p.sqlite").path)
        XCTAssertEqual(try journal.paperAccount(), [:])
        try journal.savePaperAccount(["balance": "9990.5", "position_amount": "0.001"])
        XCTAssertEqual(try journal.paperAccount()["balance"], "9990.5")
        try journal.recordEvent(kind: "reconcile", message: "found order", at: 1)
        XCTAssertEqual(try journal.events(limit: 5).first?.kind, "reconcile")
    }

    func testUnopenablePathIsATypedError() throws {
        let dir = try makeTemporaryDirectory(self)
        XCTAssertThrowsError(try Journal(path: dir.path)) { error in
            XCTAssertTrue(error is SQLiteError, "\(error)")
            XCTAssertTrue(String(describing: error).contains(dir.path))
        }
    }
}

/// Schema migrations: a version-1 journal (as the first release wrote it) is brought to the current version once.
final class JournalMigrationTests: XCTestCase {
    func testAVersionOneJournalIsMigratedOnceAndKeepsItsRows() throws {
        let dir = try makeTemporaryDirectory(self)
        let path = dir.appendingPathComponent("v1.sqlite").path
        do {
            // Exactly what version 1 wrote: its CREATE statements and schema_version 1.
            let db = try SQLiteDatabase(path: path)
            try db.execute(JournalSchema.statements)
            try db.run("INSERT INTO meta(key, value) VALUES ('schema_version', '1')")
            try db.run("INSERT INTO cycles(candle_time, started_at, mode, symbol, interval, decision, status) VALUES (1, 1, 'dry-run', 'BTC/USDT:USDT', '1d', 'open long', 'done')")
        }
        let journal = try Journal(path: path)
        XCTAssertEqual(try journal.schemaVersion(), JournalSchema.version)
        XCTAssertEqual(JournalSchema.version, 1 + JournalSchema.migrations.count)
        var cycle = try XCTUnwrap(try journal.recentCycles(limit: 1).first)
        XCTAssertEqual(cycle.decision, "open long")
        XCTAssertNil(cycle.note)
        cycle.note = "not placed: notional 74 below minimum notional 100"
        cycle.exitReason = "stop_loss"
        try journal.updateCycle(cycle)
        // Opening it again applies nothing twice.
        let again = try Journal(path: path)
        XCTAssertEqual(try again.schemaVersion(), JournalSchema.version)
        XCTAssertEqual(try again.recentCycles(limit: 1).first?.note, "not placed: notional 74 below minimum notional 100")
        XCTAssertEqual(try again.recentCycles(limit: 1).first?.exitReason, "stop_loss")
    }

    func testAJournalFromANewerBotIsRefusedWithWhatToDo() throws {
        let dir = try makeTemporaryDirectory(self)
        let path = dir.appendingPathComponent("new.sqlite").path
        _ = try Journal(path: path)
        do {
            let db = try SQLiteDatabase(path: path)
            try db.run("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
        }
        XCTAssertThrowsError(try Journal(path: path)) { error in
            XCTAssertTrue("\(error)".contains("schema version 99 was written by a newer trading-bot"), "\(error)")
        }
    }
}
