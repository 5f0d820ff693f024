import Foundation

/// The outbox, the channels' delivery cursors, durable bot state and the command log.
extension Journal {
    /// Writes outbox rows on their own (facts that have no other row, e.g. start-up, warnings, replies).
    public func appendOutbox(_ events: [OutboxEvent], at time: Int64) throws {
        try atomically { try insertOutbox(events, at: time) }
    }

    /// Rows after `id`, oldest first.
    public func outbox(after id: Int64, limit: Int) throws -> [OutboxRow] {
        try read { db in
            try db.query("SELECT id, at, kind, fields FROM outbox WHERE id > ? ORDER BY id LIMIT ?", [.integer(id), .integer(Int64(limit))])
                .map { OutboxRow(id: $0[0].int ?? 0, at: $0[1].int ?? 0, kind: $0[2].string ?? "", fields: OutboxEvent.decode($0[3].string ?? "{}")) }
        }
    }

    /// The newest rows, newest first (status page).
    public func recentOutbox(limit: Int, kinds: [String]? = nil) throws -> [OutboxRow] {
        try read { db in
            var sql = "SELECT id, at, kind, fields FROM outbox"
            var values: [SQLValue] = []
            if let kinds, !kinds.isEmpty {
                sql += " WHERE kind IN (" + kinds.map { _ in "?" }.joined(separator: ",") + ")"
                values = kinds.map { .text($0) }
            }
            sql += " ORDER BY id DESC LIMIT ?"
            values.append(.integer(Int64(limit)))
            return try db.query(sql, values)
                .map { OutboxRow(id: $0[0].int ?? 0, at: $0[1].int ?? 0, kind: $0[2].string ?? "", fields: OutboxEvent.decode($0[3].string ?? "{}")) }
        }
    }

    public func lastOutboxID() throws -> Int64 {
        try read { db in try db.query("SELECT COALESCE(MAX(id), 0) FROM outbox").first?.first?.int ?? 0 }
    }

    /// A channel's cursor (last delivered row id) and its saved delivery state (JSON), nil if never registered.
    public func outboxCursor(channel: String) throws -> (deliveredID: Int64, state: String)? {
        try read { db in
            try db.query("SELECT delivered_id, state FROM outbox_cursors WHERE channel = ?", [.text(channel)]).first
                .map { ($0[0].int ?? 0, $0[1].string ?? "{}") }
        }
    }

    public func saveOutboxCursor(channel: String, deliveredID: Int64, state: String, at time: Int64) throws {
        try atomically {
            try db.run("""
                INSERT INTO outbox_cursors(channel, delivered_id, state, updated_at) VALUES (?, ?, ?, ?)
                ON CONFLICT(channel) DO UPDATE SET delivered_id = excluded.delivered_id, state = excluded.state, updated_at = excluded.updated_at
                """, [.text(channel), .integer(deliveredID), .text(state), .integer(time)])
        }
    }

    public func allOutboxCursors() throws -> [(channel: String, deliveredID: Int64, state: String, updatedAt: Int64)] {
        try read { db in
            try db.query("SELECT channel, delivered_id, state, updated_at FROM outbox_cursors ORDER BY channel")
                .map { ($0[0].string ?? "", $0[1].int ?? 0, $0[2].string ?? "{}", $0[3].int ?? 0) }
        }
    }

    // MARK: bot state

    public func stateValue(_ key: String) throws -> String? {
        try read { db in try db.query("SELECT value FROM bot_state WHERE key = ?", [.text(key)]).first?.first?.string }
    }

    /// Sets (or with nil removes) a state value, writing `notify` rows in the same transaction.
    public func setStateValue(_ key: String, _ value: String?, at time: Int64, notify: [OutboxEvent] = []) throws {
        try atomically {
            try insertOutbox(notify, at: time)
            if let value {
                try db.run("""
                    INSERT INTO bot_state(key, value, updated_at) VALUES (?, ?, ?)
                    ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
                    """, [.text(key), .text(value), .integer(time)])
            } else {
                try db.run("DELETE FROM bot_state WHERE key = ?", [.text(key)])
            }
        }
    }

    /// Removes a state value and returns what it was, atomically: a one-time token can be taken only once, even by
    /// two processes at the same moment.
    public func takeStateValue(_ key: String) throws -> String? {
        try atomically {
            let value = try db.query("SELECT value FROM bot_state WHERE key = ?", [.text(key)]).first?.first?.string
            if value != nil { try db.run("DELETE FROM bot_state WHERE key = ?", [.text(key)]) }
            return value
        }
    }

    /// Whether new entries are paused (`/pause`, the page, `close-all`); persisted, so a restart keeps it.
    public func isPaused() throws -> Bool { try stateValue(Journal.pausedKey) != nil }
    public static let pausedKey = "paused"

    // MARK: commands

    /// Records a command, its reply rows and (for Telegram) the next update offset in one transaction, so after a
    /// crash a command is neither lost nor answered twice.
    public func recordCommand(_ command: JournalCommand, notify: [OutboxEvent] = [], state: (key: String, value: String)? = nil) throws {
        try atomically {
            try insertOutbox(notify, at: command.at)
            if let state {
                try db.run("""
                    INSERT INTO bot_state(key, value, updated_at) VALUES (?, ?, ?)
                    ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
                    """, [.text(state.key), .text(state.value), .integer(command.at)])
            }
            try db.run("INSERT INTO commands(at, source, user, command, authorised, result) VALUES (?, ?, ?, ?, ?, ?)", [
                .integer(command.at), .text(command.source), .optionalText(command.user), .text(command.command),
                .integer(command.authorised ? 1 : 0), .text(command.result),
            ])
        }
    }

    public func recentCommands(limit: Int) throws -> [JournalCommand] {
        try read { db in
            try db.query("SELECT at, source, user, command, authorised, result FROM commands ORDER BY id DESC LIMIT ?", [.integer(Int64(limit))])
                .map { JournalCommand(at: $0[0].int ?? 0, source: $0[1].string ?? "", user: $0[2].string, command: $0[3].string ?? "",
                                      authorised: ($0[4].int ?? 0) != 0, result: $0[5].string ?? "") }
        }
    }

    /// Cycles (oldest first) finished at or after `since` (ms), for charts and summaries.
    public func cycles(since: Int64, symbol: String? = nil, limit: Int = 100_000) throws -> [JournalCycle] {
        try read { db in
            try db.query("""
                SELECT \(Journal.cycleColumns) FROM cycles WHERE COALESCE(finished_at, started_at) >= ? AND (? IS NULL OR symbol = ?)
                ORDER BY id LIMIT ?
                """, [.integer(since), .optionalText(symbol), .optionalText(symbol), .integer(Int64(limit))]).map(Journal.cycle(from:))
        }
    }
}
