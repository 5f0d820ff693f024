import Foundation
import Notify

/// Something worth telling a person (an order placed or filled, an error, a warning, a command's reply), stored as a
/// row of the journal's outbox in the same transaction as the fact it reports, so a crash can never keep the fact and
/// lose the message (or the reverse). Rendering and delivery live in `Notify`; this is only the record.
///
/// `kind` uses Freqtrade's notification names where they exist (`entry`, `entry_fill`, `exit`, `exit_fill`,
/// `entry_cancel`, `status`, `warning`, `startup`), plus `stoploss`, `stoploss_fill`, `rejected`, `error`, `daily`
/// and `reply`. Values are text (decimals as exact strings).
public struct OutboxEvent: Sendable, Equatable {
    public var kind: String
    public var fields: [String: String]
    /// Exchange time in ms; nil = the time of the fact it is written with.
    public var at: Int64?

    public init(kind: String, fields: [String: String], at: Int64? = nil) {
        self.kind = kind
        self.fields = fields
        self.at = at
    }

    /// `{"key":"value",...}`, keys in order (JSONLine: JSONSerialization would bridge each value through NSString).
    static func encode(_ fields: [String: String]) -> String {
        JSONLine.encode(fields.mapValues { .string($0) })
    }

    static func decode(_ text: String) -> [String: String] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { return [:] }
        return object.compactMapValues { $0 as? String }
    }
}

/// One stored outbox row: the entry delivery reads (`Notify` hands the same rows to its channels).
public typealias OutboxRow = NotifyEntry

/// A command a person gave (Telegram, the status page, the CLI) and what came of it.
public struct JournalCommand: Sendable, Equatable {
    public var at: Int64
    public var source: String
    public var user: String?
    public var command: String
    public var authorised: Bool
    public var result: String

    public init(at: Int64, source: String, user: String?, command: String, authorised: Bool, result: String) {
        self.at = at
        self.source = source
        self.user = user
        self.command = command
        self.authorised = authorised
        self.result = result
    }
}
