import Foundation

/// Keeps a repeating error from flooding a chat. Pure: fed the outbox entries in order, it says which messages to
/// send. The first error of a run is sent; repeats of the same error are counted and reported at 10, 100, 1000…; when
/// the run ends (another entry arrives) a last line gives the total. 50 identical errors → 3 messages.
/// Its state is saved with the channel's cursor, so a restart neither repeats nor forgets the count.
public struct ErrorCoalescer: Codable, Sendable, Equatable {
    public var key: String?
    public var count = 0
    public var reported = 0
    public var firstAt: Int64 = 0
    public var lastAt: Int64 = 0
    public var message = ""
    public var symbol: String?

    public init() {}

    /// Errors are the same when they differ only in numbers (times, ids, amounts).
    public static func key(_ message: String) -> String {
        var out = ""
        var inDigits = false
        for character in message.prefix(300) {
            if character.isNumber { if !inDigits { out.append("#") }; inDigits = true } else { out.append(character); inDigits = false }
        }
        return out
    }

    /// The messages to send for `entry` (its own rendering included, unless it is a suppressed repeat).
    /// Kinds that pass through without ending an error run: a bot restarted by cron or systemd after each failure
    /// says "started" every time, and answers to commands are not news about the error.
    public static let passThrough: Set<String> = ["startup", "reply"]

    public mutating func feed(_ entry: NotifyEntry) -> [NotifyMessage] {
        if ErrorCoalescer.passThrough.contains(entry.kind) { return [MessageRenderer.render(entry)] }
        guard entry.kind == "error" else {
            var out = flush(entryID: entry.id)
            out.append(MessageRenderer.render(entry))
            return out
        }
        let message = entry.fields["message"] ?? ""
        let key = ErrorCoalescer.key(message) + "|" + (entry.fields["symbol"] ?? "")
        if key == self.key {
            count += 1
            lastAt = entry.at
            if ErrorCoalescer.isMilestone(count) {
                reported = count
                return [summary(entryID: entry.id, final: false)]
            }
            return []
        }
        var out = flush(entryID: entry.id)
        self.key = key
        count = 1
        reported = 1
        firstAt = entry.at
        lastAt = entry.at
        self.message = message
        symbol = entry.fields["symbol"]
        out.append(MessageRenderer.render(entry))
        return out
    }

    static func isMilestone(_ n: Int) -> Bool {
        var p = 10
        while p < n { p *= 10 }
        return p == n
    }

    private mutating func flush(entryID: Int64) -> [NotifyMessage] {
        defer { self = ErrorCoalescer() }
        guard key != nil, count > reported else { return [] }
        return [summary(entryID: entryID, final: true)]
    }

    private func summary(entryID: Int64, final: Bool) -> NotifyMessage {
        var lines: [NotifyMessage.Line] = [.init("Message", message), .init("Times", String(count))]
        lines.append(.init("Since", iso(firstAt)))
        if final { lines.append(.init("Last", iso(lastAt))) }
        let title = final ? "⚠️ Error repeated \(count) times in all" : "⚠️ Error repeated \(count) times (still failing)"
        return NotifyMessage(entryID: entryID, kind: "error", title: title + (symbol.map { " — \($0)" } ?? ""), lines: lines,
                            fields: ["message": message, "count": String(count)])
    }

    private func iso(_ ms: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date(timeIntervalSince1970: Double(ms) / 1000))
    }
}
