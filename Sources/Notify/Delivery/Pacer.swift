import Foundation

/// Telegram's sending limits as a pure schedule: at most one message per second to one chat, 20 per minute to one
/// group (negative chat id), 30 per second in all. Times are seconds on any monotonic clock.
public struct Pacer: Sendable, Equatable {
    public var perChatInterval: Double = 1
    public var groupLimit = 20
    public var groupWindow: Double = 60
    public var globalLimit = 30
    public var globalWindow: Double = 1
    private var sent: [(key: String, at: Double)] = []

    public init() {}

    public static func == (a: Pacer, b: Pacer) -> Bool { a.sent.map(\.key) == b.sent.map(\.key) && a.sent.map(\.at) == b.sent.map(\.at) }

    /// Seconds to wait before the next message to `key` may go out at `now` (0 = now).
    public func delay(for key: String, now: Double) -> Double {
        var earliest = now
        if let last = sent.last(where: { $0.key == key }) { earliest = max(earliest, last.at + perChatInterval) }
        if key.hasPrefix("-") {
            let group = sent.filter { $0.key == key && $0.at > now - groupWindow }
            if group.count >= groupLimit { earliest = max(earliest, group[group.count - groupLimit].at + groupWindow) }
        }
        let recent = sent.filter { $0.at > now - globalWindow }
        if recent.count >= globalLimit { earliest = max(earliest, recent[recent.count - globalLimit].at + globalWindow) }
        return earliest - now
    }

    /// Notes a message sent to `key` at `now` (forgets what no limit can still see).
    public mutating func record(_ key: String, now: Double) {
        sent.append((key, now))
        let horizon = now - max(groupWindow, globalWindow, perChatInterval)
        sent.removeAll { $0.at < horizon }
    }
}
