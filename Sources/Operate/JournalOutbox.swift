import Bot
import Foundation
import Notify

/// The journal as the dispatchers' outbox store.
public struct JournalOutbox: OutboxStore {
    public let journal: Journal
    public let clock: @Sendable () -> Int64

    public init(journal: Journal, clock: @escaping @Sendable () -> Int64 = OperateClock.wallMilliseconds) {
        self.journal = journal
        self.clock = clock
    }

    public func entries(after id: Int64, limit: Int) throws -> [NotifyEntry] {
        try journal.outbox(after: id, limit: limit)
    }

    public func cursor(channel: String) throws -> (deliveredID: Int64, state: String)? { try journal.outboxCursor(channel: channel) }

    public func saveCursor(channel: String, deliveredID: Int64, state: String) throws {
        try journal.saveOutboxCursor(channel: channel, deliveredID: deliveredID, state: state, at: clock())
    }

    public func lastEntryID() throws -> Int64 { try journal.lastOutboxID() }
}

public enum OperateClock {
    /// Wall-clock milliseconds (confirmation expiry, token lifetimes): a person's clock, not the exchange's.
    public static let wallMilliseconds: @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) }
}
