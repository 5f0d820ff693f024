import Bot
import Foundation
import Notify

/// The journal as Notify's outbox store: entries are the journal's outbox rows, cursors its channel cursors.
public struct JournalOutbox: OutboxStore, @unchecked Sendable {
    public let journal: Journal
    public let now: @Sendable () -> Int64

    public init(journal: Journal, now: @escaping @Sendable () -> Int64) { self.journal = journal; self.now = now }

    public func entries(after id: Int64, limit: Int) throws -> [NotifyEntry] {
        try journal.outbox(after: id, limit: limit).map { NotifyEntry(id: $0.id, at: $0.at, kind: $0.kind, fields: $0.fields) }
    }
    public func cursor(channel: String) throws -> (deliveredID: Int64, state: String)? { try journal.outboxCursor(channel: channel) }
    public func saveCursor(channel: String, deliveredID: Int64, state: String) throws {
        try journal.saveOutboxCursor(channel: channel, deliveredID: deliveredID, state: state, at: now())
    }
    public func lastEntryID() throws -> Int64 { try journal.lastOutboxID() }
}
