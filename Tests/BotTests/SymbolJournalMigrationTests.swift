@testable import Bot
import XCTest

/// A journal written by the single-symbol bot (schema 1) is upgraded in place and reads as before.
final class SymbolJournalMigrationTests: XCTestCase {
    private func fixture() throws -> URL {
        let source = repositoryRoot().appendingPathComponent("Tests/EndToEndTests/Fixtures/journal-v1.sqlite")
        guard FileManager.default.fileExists(atPath: source.path) else { throw XCTSkip("fixture missing: \(source.path)") }
        let copy = try makeTemporaryDirectory(self).appendingPathComponent("journal.sqlite")
        try FileManager.default.copyItem(at: source, to: copy)
        return copy
    }

    func testVersionOneFileIsMigratedInPlaceOnce() throws {
        let path = try fixture()
        let raw = try SQLiteDatabase(path: path.path)
        XCTAssertEqual(try raw.query("SELECT value FROM meta WHERE key = 'schema_version'").first?.first?.string, "1")
        let eventsBefore = Int(try raw.query("SELECT COUNT(*) FROM events").first?.first?.int ?? 0)
        XCTAssertGreaterThan(eventsBefore, 0)

        let journal = try Journal(path: path.path)
        XCTAssertEqual(try journal.schemaVersion(), JournalSchema.version)
        XCTAssertGreaterThanOrEqual(JournalSchema.version, 2)
        // Every old row is still there and reads the same.
        let cycles = try journal.recentCycles(limit: 100)
        XCTAssertEqual(cycles.count, 6)
        XCTAssertEqual(Set(cycles.map(\.symbol)), ["BTC/USDT:USDT"])
        XCTAssertEqual(try journal.recentCycles(limit: 100, symbol: "BTC/USDT:USDT").map(\.id), cycles.map(\.id))
        XCTAssertEqual(try journal.recentCycles(limit: 100, symbol: "ETH/USDT:USDT").count, 0)
        XCTAssertEqual(cycles.last?.decision, "open short")
        let orders = try journal.recentOrders(limit: 100)
        XCTAssertEqual(orders.map(\.clientOrderID), ["tb-BTCUSDT-1609804800-o"])
        XCTAssertEqual(try journal.recentOrders(limit: 10, symbol: "BTC/USDT:USDT").count, 1)
        XCTAssertEqual(try journal.lastCompletedCycle(symbol: "BTC/USDT:USDT")?.candleTime, 1_610_236_800_000)
        // The old events got the file's only symbol.
        let migratedEvents = try journal.events(limit: 100, symbol: "BTC/USDT:USDT")
        XCTAssertEqual(migratedEvents.count, eventsBefore)
        // New writes work; reopening does not migrate again.
        try journal.recordEvent(kind: "test", message: "after migration", symbol: "ETH/USDT:USDT", at: 1)
        let again = try Journal(path: path.path)
        XCTAssertEqual(try again.schemaVersion(), JournalSchema.version)
        XCTAssertEqual(try again.events(limit: 100, symbol: "ETH/USDT:USDT").map(\.message), ["after migration"])
        XCTAssertEqual(try again.events(limit: 1000).count, eventsBefore + 1)
    }

    func testNewFileIsCreatedAtTheCurrentVersion() throws {
        let path = try makeTemporaryDirectory(self).appendingPathComponent("new.sqlite").path
        XCTAssertEqual(try Journal(path: path).schemaVersion(), JournalSchema.version)
    }

    func testFileFromANewerVersionIsRefusedWithOneLine() throws {
        let path = try fixture()
        let raw = try SQLiteDatabase(path: path.path)
        try raw.run("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
        XCTAssertThrowsError(try Journal(path: path.path)) { error in
            let text = String(describing: error)
            XCTAssertTrue(text.contains("newer trading-bot") && text.contains(path.lastPathComponent), text)
            XCTAssertFalse(text.contains("\n"))
        }
    }
}
