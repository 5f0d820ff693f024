import Foundation

/// The bot's durable memory in SQLite: every cycle, every order request (written *before* it is sent) and the
/// exchange's answer, balance and position. It never stores API keys or secrets: nothing here accepts them.
public final class Journal: @unchecked Sendable {
    public let path: String
    let db: SQLiteDatabase
    private let lock = NSLock()

    /// `durability: .scratch` for a working copy kept durably elsewhere (see `SQLiteDatabase.Durability`).
    public init(path: String, durability: SQLiteDatabase.Durability = .full) throws {
        self.path = path
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty && !FileManager.default.fileExists(atPath: directory) {
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        db = try SQLiteDatabase(path: path, durability: durability)
        try db.transaction {
            try db.execute(JournalSchema.statements)
            try db.run("INSERT OR IGNORE INTO meta(key, value) VALUES ('schema_version', '1')")
        }
        try migrate()
    }

    /// Writes a consistent, self-contained copy of the journal (no WAL beside it) to `path`, for uploading it
    /// somewhere else (S3, for Lambda). The file must not exist yet.
    public func snapshot(to path: String) throws {
        try locked { try db.run("VACUUM INTO ?", [.text(path)]) }
    }

    /// The journal as one consistent SQLite file's bytes, for uploading it (S3, for Lambda) without a file of its own.
    public func serialized() throws -> Data {
        try locked { try db.serialized() }
    }

    /// Runs a read under the journal's lock.
    func read<T>(_ body: (SQLiteDatabase) throws -> T) throws -> T {
        try locked { try body(db) }
    }

    /// Runs `body` inside one transaction under the journal's lock (a fact and its outbox rows commit together).
    func atomically<T>(_ body: () throws -> T) throws -> T {
        try locked { try db.transaction { try body() } }
    }

    /// Inserts outbox rows; callers hold the lock and a transaction.
    func insertOutbox(_ events: [OutboxEvent], at time: Int64) throws {
        for event in events {
            try db.run("INSERT INTO outbox(at, kind, fields) VALUES (?, ?, ?)",
                       [.integer(event.at ?? time), .text(event.kind), .text(OutboxEvent.encode(event.fields))])
        }
    }

    /// Applies the schema steps this journal lacks, one transaction each (re-checking the version inside it, so two
    /// processes opening the same file at once apply each step once). A journal from a newer bot is refused.
    private func migrate() throws {
        for (index, step) in JournalSchema.migrations.enumerated() {
            let target = index + 2
            try db.transaction {
                let current = try storedVersion()
                guard current < target else { return }
                try db.execute(step)
                try db.run("UPDATE meta SET value = ? WHERE key = 'schema_version'", [.text(String(target))])
            }
        }
        let current = try storedVersion()
        if current > JournalSchema.version {
            throw SQLiteError(path: path, code: 0, message: "journal schema version \(current) was written by a newer trading-bot (this one knows \(JournalSchema.version)); use that version or another JOURNAL_PATH")
        }
    }

    /// The schema version recorded in the file.
    public func schemaVersion() throws -> Int { try locked { try storedVersion() } }

    private func storedVersion() throws -> Int {
        Int(try db.query("SELECT value FROM meta WHERE key = 'schema_version'").first?.first?.string ?? "1") ?? 1
    }

    private func locked<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    // MARK: cycles

    /// Records the start of a cycle and returns its id.
    public func beginCycle(_ cycle: JournalCycle) throws -> Int64 {
        try locked {
            try db.run("""
                INSERT INTO cycles(candle_time, started_at, mode, symbol, interval, status) VALUES (?, ?, ?, ?, ?, 'started')
                """, [.integer(cycle.candleTime), .integer(cycle.startedAt), .text(cycle.mode), .text(cycle.symbol), .text(cycle.interval)])
            return db.lastInsertRowID
        }
    }

    /// Stores the whole cycle row (candles, prediction, decision, account state, status).
    public func updateCycle(_ cycle: JournalCycle, notify: [OutboxEvent] = []) throws {
        try atomically {
            try insertOutbox(notify, at: cycle.finishedAt ?? cycle.startedAt)
            try db.run("""
                UPDATE cycles SET finished_at = ?, candles = ?, close = ?, predicted = ?, change = ?, decision = ?, reason = ?,
                    balance = ?, position_side = ?, position_amount = ?, entry_price = ?, status = ?, error = ?, note = ?,
                    exit_reason = ? WHERE id = ?
                """, [
                    cycle.finishedAt.map { .integer($0) } ?? .null, .optionalText(cycle.candles), .decimal(cycle.close),
                    cycle.predicted.map { .real($0) } ?? .null, cycle.change.map { .real($0) } ?? .null,
                    .optionalText(cycle.decision), .optionalText(cycle.reason), .decimal(cycle.balance),
                    .optionalText(cycle.positionSide), .decimal(cycle.positionAmount), .decimal(cycle.entryPrice),
                    .text(cycle.status.rawValue), .optionalText(cycle.error), .optionalText(cycle.note),
                    .optionalText(cycle.exitReason), .integer(cycle.id),
                ])
        }
    }

    static let cycleColumns = """
        id, candle_time, started_at, finished_at, mode, symbol, interval, candles, close, predicted, change, decision, reason,
        balance, position_side, position_amount, entry_price, status, error, note, exit_reason
        """

    static func cycle(from row: [SQLValue]) -> JournalCycle {
        var cycle = JournalCycle(candleTime: row[1].int ?? 0, startedAt: row[2].int ?? 0, mode: row[4].string ?? "",
                                 symbol: row[5].string ?? "", interval: row[6].string ?? "")
        cycle.id = row[0].int ?? 0
        cycle.finishedAt = row[3].int
        cycle.candles = row[7].string
        cycle.close = row[8].decimal
        if case .real(let v) = row[9] { cycle.predicted = v }
        if case .real(let v) = row[10] { cycle.change = v }
        cycle.decision = row[11].string
        cycle.reason = row[12].string
        cycle.balance = row[13].decimal
        cycle.positionSide = row[14].string
        cycle.positionAmount = row[15].decimal
        cycle.entryPrice = row[16].decimal
        cycle.status = JournalCycle.Status(rawValue: row[17].string ?? "") ?? .failed
        cycle.error = row[18].string
        cycle.note = row[19].string
        cycle.exitReason = row[20].string
        return cycle
    }

    /// Most recent cycles first.
    public func recentCycles(limit: Int) throws -> [JournalCycle] {
        try locked {
            try db.query("SELECT \(Journal.cycleColumns) FROM cycles ORDER BY id DESC LIMIT ?", [.integer(Int64(limit))])
                .map(Journal.cycle(from:))
        }
    }

    /// The last cycle that finished its work (done or skipped) for `symbol`, if any.
    public func lastCompletedCycle(symbol: String) throws -> JournalCycle? {
        try locked {
            try db.query("SELECT \(Journal.cycleColumns) FROM cycles WHERE symbol = ? AND status IN ('done', 'skipped') ORDER BY id DESC LIMIT 1",
                         [.text(symbol)]).first.map(Journal.cycle(from:))
        }
    }

    /// Most recent cycles of `symbol` first.
    public func recentCycles(limit: Int, symbol: String) throws -> [JournalCycle] {
        try locked {
            try db.query("SELECT \(Journal.cycleColumns) FROM cycles WHERE symbol = ? ORDER BY id DESC LIMIT ?", [.text(symbol), .integer(Int64(limit))])
                .map(Journal.cycle(from:))
        }
    }

    /// Cycles of `symbol` left `started` by a crash (restart reconciliation per symbol).
    public func unfinishedCycles(symbol: String) throws -> [JournalCycle] {
        try locked {
            try db.query("SELECT \(Journal.cycleColumns) FROM cycles WHERE status = 'started' AND symbol = ? ORDER BY id", [.text(symbol)])
                .map(Journal.cycle(from:))
        }
    }

    /// Cycles left `started` by a crash; they are marked failed on restart.
    public func unfinishedCycles() throws -> [JournalCycle] {
        try locked {
            try db.query("SELECT \(Journal.cycleColumns) FROM cycles WHERE status = 'started' ORDER BY id", []).map(Journal.cycle(from:))
        }
    }

    public func cycleCount() throws -> Int {
        try locked { Int(try db.query("SELECT COUNT(*) FROM cycles").first?.first?.int ?? 0) }
    }

    // MARK: orders

    /// Writes the order request before it is sent. Throws if the client order id was already used: a second send of
    /// the same id is exactly what this journal exists to prevent.
    public func recordOrderIntent(_ order: JournalOrder, at time: Int64) throws -> Int64 {
        try locked {
            try db.run("""
                INSERT INTO orders(cycle_id, client_order_id, purpose, symbol, side, type, amount, price, stop_price, reduce_only,
                    state, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)
                """, [
                    order.cycleID.map { .integer($0) } ?? .null, .text(order.clientOrderID), .text(order.purpose.rawValue),
                    .text(order.symbol), .text(order.side), .text(order.type), .decimal(order.amount), .decimal(order.price),
                    .decimal(order.stopPrice), .integer(order.reduceOnly ? 1 : 0), .integer(time), .integer(time),
                ])
            return db.lastInsertRowID
        }
    }

    /// Records the exchange's acknowledgement (or a later look-up) of an order.
    public func recordOrderSent(clientOrderID: String, update: JournalOrderUpdate, at time: Int64, notify: [OutboxEvent] = []) throws {
        try atomically {
            try insertOutbox(notify, at: time)
            try db.run("""
                UPDATE orders SET state = 'sent', exchange_order_id = ?, status = ?, filled = ?, average = ?, fee = COALESCE(?, fee),
                    error = NULL, updated_at = ? WHERE client_order_id = ?
                """, [
                    .optionalText(update.exchangeOrderID), .optionalText(update.status), .decimal(update.filled),
                    .decimal(update.average), .decimal(update.fee), .integer(time), .text(clientOrderID),
                ])
        }
    }

    /// Records that the order certainly does not exist on the exchange (rejected, or looked up and not found).
    public func recordOrderNotPlaced(clientOrderID: String, rejected: Bool, error: String, at time: Int64,
                                     notify: [OutboxEvent] = []) throws {
        try atomically {
            try insertOutbox(notify, at: time)
            try db.run("UPDATE orders SET state = ?, error = ?, updated_at = ? WHERE client_order_id = ?",
                       [.text(rejected ? "rejected" : "not_placed"), .text(error), .integer(time), .text(clientOrderID)])
        }
    }

    /// Notes an error on an order whose fate is still unknown (it stays `pending` for reconciliation).
    public func recordOrderUnknown(clientOrderID: String, error: String, at time: Int64) throws {
        try locked {
            try db.run("UPDATE orders SET error = ?, updated_at = ? WHERE client_order_id = ?",
                       [.text(error), .integer(time), .text(clientOrderID)])
        }
    }

    private static let orderColumns = """
        id, cycle_id, client_order_id, purpose, symbol, side, type, amount, price, stop_price, reduce_only, state,
        exchange_order_id, status, filled, average, fee, error, created_at, updated_at
        """

    private static func order(from row: [SQLValue]) -> JournalOrder {
        var order = JournalOrder(cycleID: row[1].int, clientOrderID: row[2].string ?? "",
                                 purpose: JournalOrder.Purpose(rawValue: row[3].string ?? "") ?? .open,
                                 symbol: row[4].string ?? "", side: row[5].string ?? "", type: row[6].string ?? "",
                                 amount: row[7].decimal ?? 0, price: row[8].decimal, stopPrice: row[9].decimal,
                                 reduceOnly: (row[10].int ?? 0) != 0)
        order.id = row[0].int ?? 0
        order.state = JournalOrder.State(rawValue: row[11].string ?? "") ?? .pending
        order.exchangeOrderID = row[12].string
        order.status = row[13].string
        order.filled = row[14].decimal
        order.average = row[15].decimal
        order.fee = row[16].decimal
        order.error = row[17].string
        order.createdAt = row[18].int ?? 0
        order.updatedAt = row[19].int ?? 0
        return order
    }

    public func order(clientOrderID: String) throws -> JournalOrder? {
        try locked {
            try db.query("SELECT \(Journal.orderColumns) FROM orders WHERE client_order_id = ?", [.text(clientOrderID)])
                .first.map(Journal.order(from:))
        }
    }

    /// Orders written but never confirmed: the crash window between sending and recording.
    public func pendingOrders() throws -> [JournalOrder] {
        try locked { try db.query("SELECT \(Journal.orderColumns) FROM orders WHERE state = 'pending' ORDER BY id").map(Journal.order(from:)) }
    }

    /// Pending orders of `symbol` (restart reconciliation per symbol).
    public func pendingOrders(symbol: String) throws -> [JournalOrder] {
        try locked {
            try db.query("SELECT \(Journal.orderColumns) FROM orders WHERE state = 'pending' AND symbol = ? ORDER BY id", [.text(symbol)])
                .map(Journal.order(from:))
        }
    }

    public func recentOrders(limit: Int, symbol: String) throws -> [JournalOrder] {
        try locked {
            try db.query("SELECT \(Journal.orderColumns) FROM orders WHERE symbol = ? ORDER BY id DESC LIMIT ?", [.text(symbol), .integer(Int64(limit))])
                .map(Journal.order(from:))
        }
    }

    public func orders(cycleID: Int64) throws -> [JournalOrder] {
        try locked {
            try db.query("SELECT \(Journal.orderColumns) FROM orders WHERE cycle_id = ? ORDER BY id", [.integer(cycleID)]).map(Journal.order(from:))
        }
    }

    public func recentOrders(limit: Int) throws -> [JournalOrder] {
        try locked {
            try db.query("SELECT \(Journal.orderColumns) FROM orders ORDER BY id DESC LIMIT ?", [.integer(Int64(limit))]).map(Journal.order(from:))
        }
    }

    /// Orders the exchange accepted that were still working when last seen (e.g. resting limit orders): their fills
    /// are refreshed at the next cycle so the journal ends up with what actually traded.
    public func workingOrders(symbol: String) throws -> [JournalOrder] {
        try locked {
            try db.query("SELECT \(Journal.orderColumns) FROM orders WHERE state = 'sent' AND status = 'open' AND symbol = ? ORDER BY id",
                         [.text(symbol)]).map(Journal.order(from:))
        }
    }

    /// The latest order of `purpose` for `symbol`, if any.
    public func lastOrder(symbol: String, purpose: JournalOrder.Purpose) throws -> JournalOrder? {
        try locked {
            try db.query("SELECT \(Journal.orderColumns) FROM orders WHERE symbol = ? AND purpose = ? ORDER BY id DESC LIMIT 1",
                         [.text(symbol), .text(purpose.rawValue)]).first.map(Journal.order(from:))
        }
    }

    /// Orders the exchange accepted (for comparing with the server's own list).
    public func sentOrders() throws -> [JournalOrder] {
        try locked { try db.query("SELECT \(Journal.orderColumns) FROM orders WHERE state = 'sent' ORDER BY id").map(Journal.order(from:)) }
    }

    // MARK: events and the paper account

    public func recordEvent(kind: String, message: String, cycleID: Int64? = nil, symbol: String? = nil, at time: Int64,
                            notify: [OutboxEvent] = []) throws {
        try atomically {
            try insertOutbox(notify, at: time)
            try db.run("INSERT INTO events(at, cycle_id, kind, message, symbol) VALUES (?, ?, ?, ?, ?)",
                       [.integer(time), cycleID.map { .integer($0) } ?? .null, .text(kind), .text(message), .optionalText(symbol)])
        }
    }

    public func events(limit: Int) throws -> [(at: Int64, kind: String, message: String)] {
        try locked {
            try db.query("SELECT at, kind, message FROM events ORDER BY id DESC LIMIT ?", [.integer(Int64(limit))])
                .map { ($0[0].int ?? 0, $0[1].string ?? "", $0[2].string ?? "") }
        }
    }

    /// Events of `symbol` (and, with `includeAccount`, the account-wide ones that name no symbol), newest first.
    public func events(limit: Int, symbol: String, includeAccount: Bool = false) throws -> [(at: Int64, kind: String, message: String)] {
        try locked {
            try db.query("SELECT at, kind, message FROM events WHERE symbol = ?\(includeAccount ? " OR symbol IS NULL" : "") ORDER BY id DESC LIMIT ?",
                         [.text(symbol), .integer(Int64(limit))])
                .map { ($0[0].int ?? 0, $0[1].string ?? "", $0[2].string ?? "") }
        }
    }

    /// A value the account-level layers keep across restarts (e.g. the equity the UTC day started with).
    public func meta(_ key: String) throws -> String? {
        try locked { try db.query("SELECT value FROM meta WHERE key = ?", [.text(key)]).first?.first?.string }
    }

    public func setMeta(_ key: String, _ value: String) throws {
        try locked { try db.run("INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", [.text(key), .text(value)]) }
    }

    /// The dry-run account (balance, position) as key/value text, so it survives restarts.
    public func paperAccount() throws -> [String: String] {
        try locked {
            var result: [String: String] = [:]
            for row in try db.query("SELECT key, value FROM paper_account") { result[row[0].string ?? ""] = row[1].string ?? "" }
            return result
        }
    }

    public func savePaperAccount(_ values: [String: String]) throws {
        try locked {
            try db.transaction {
                try db.run("DELETE FROM paper_account")
                for (key, value) in values.sorted(by: { $0.key < $1.key }) {
                    try db.run("INSERT INTO paper_account(key, value) VALUES (?, ?)", [.text(key), .text(value)])
                }
            }
        }
    }
}
