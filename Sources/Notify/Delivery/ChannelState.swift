import Foundation

/// What a channel's dispatcher keeps beside its cursor (saved as JSON with it): the error coalescer's run, how many
/// payloads of the next entry already went out (so a restart in the middle of a split message sends only the rest),
/// and the channel's health for the status page.
public struct ChannelState: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable { case ok, retrying, disabled }

    public var coalescer = ErrorCoalescer()
    public var partsSent = 0
    public var delivered = 0
    public var skipped = 0
    public var failures = 0
    public var status: Status = .ok
    public var lastError: String?

    public init() {}

    public static func decode(_ text: String) -> ChannelState {
        (try? JSONDecoder().decode(ChannelState.self, from: Data(text.utf8))) ?? ChannelState()
    }

    public var encoded: String {
        guard let data = try? JSONEncoder().encode(self) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}

/// The payloads one entry becomes on one channel, and the coalescer state after it. Pure.
public enum DeliveryPlan {
    public static func payloads(for entry: NotifyEntry, coalescer: ErrorCoalescer,
                                channel: any NotificationChannel) -> (payloads: [ChannelPayload], coalescer: ErrorCoalescer) {
        var next = coalescer
        var payloads: [ChannelPayload] = []
        // An entry this channel never shows does not end an error run either.
        if entry.kind != "error" && (!channel.carries(kind: entry.kind) || channel.settings.setting(for: entry.kind) == .off) {
            return ([], next)
        }
        for var note in next.feed(entry) where channel.carries(kind: note.kind) {
            let setting = channel.settings.setting(for: note.kind)
            if setting == .off { continue }
            note.silent = setting == .silent
            payloads += channel.payloads(for: note)
        }
        return (payloads, next)
    }
}

/// A channel's health as the status page and `/status` show it.
public struct ChannelHealth: Sendable, Equatable {
    public var channel: String
    public var status: ChannelState.Status
    public var delivered: Int
    public var skipped: Int
    public var pending: Int64
    public var lastError: String?
}
