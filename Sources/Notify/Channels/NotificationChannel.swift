import Foundation

/// One request a channel makes for a message (Telegram splits a long message into several, each acknowledged in
/// order). `pacingKey` is what limits apply to (a chat id), nil when the channel is not paced.
public struct ChannelPayload: Sendable, Equatable {
    public var body: Data
    public var pacingKey: String?
    public init(body: Data, pacingKey: String? = nil) {
        self.body = body
        self.pacingKey = pacingKey
    }
}

/// A destination for notifications (Telegram, a webhook, SNS). Kept small on purpose: a channel turns a message
/// into payloads and sends one payload; ordering, retries, pacing, dedupe and the cursor are the dispatcher's.
public protocol NotificationChannel: Sendable {
    /// Stable name, the key of the channel's cursor in the journal ("telegram", "webhook", "sns").
    var name: String { get }
    var settings: NotificationSettings { get }
    /// False for kinds the channel does not carry (only Telegram carries `reply`).
    func carries(kind: String) -> Bool
    func payloads(for message: NotifyMessage) -> [ChannelPayload]
    /// Sends one payload; never throws, never logs a secret.
    func send(_ payload: ChannelPayload) async -> DeliveryOutcome
}
