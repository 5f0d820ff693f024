import Foundation

/// One outbox row as delivery sees it: the journal's record of something worth telling a person. Notify never
/// imports the journal; `OutboxStore` hands these over.
public struct NotifyEntry: Sendable, Equatable {
    public var id: Int64
    /// Exchange time in ms.
    public var at: Int64
    public var kind: String
    public var fields: [String: String]

    public init(id: Int64, at: Int64, kind: String, fields: [String: String]) {
        self.id = id
        self.at = at
        self.kind = kind
        self.fields = fields
    }
}

/// Where the dispatcher reads entries and keeps each channel's cursor: the journal in the bot, an array in tests.
public protocol OutboxStore: Sendable {
    func entries(after id: Int64, limit: Int) throws -> [NotifyEntry]
    /// The channel's last delivered id and its saved `ChannelState` (JSON); nil when the channel is new.
    func cursor(channel: String) throws -> (deliveredID: Int64, state: String)?
    func saveCursor(channel: String, deliveredID: Int64, state: String) throws
    func lastEntryID() throws -> Int64
}
