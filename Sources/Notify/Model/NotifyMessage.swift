import Foundation

/// One message ready for a channel: a title and labelled lines (plain text), rendered to Telegram HTML or plain
/// text by the channel. Built from an outbox entry by `MessageRenderer` (or by the error coalescer).
public struct NotifyMessage: Sendable, Equatable {
    public struct Line: Sendable, Equatable {
        public var label: String?
        public var value: String
        public init(_ label: String?, _ value: String) {
            self.label = label
            self.value = value
        }
    }

    public var entryID: Int64
    /// The event type whose setting applies (`entry`, `error`, …).
    public var kind: String
    public var title: String
    public var lines: [Line]
    public var silent: Bool = false
    /// The entry's own fields (for JSON webhooks).
    public var fields: [String: String] = [:]
    /// Telegram replies carry their own HTML, keyboard and chat.
    public var preparedHTML: String?
    public var replyMarkup: String?
    public var chatID: String?

    public init(entryID: Int64, kind: String, title: String, lines: [Line], fields: [String: String] = [:]) {
        self.entryID = entryID
        self.kind = kind
        self.title = title
        self.lines = lines
        self.fields = fields
    }

    /// Telegram HTML: the title in bold, labels in bold, every value escaped.
    public var html: String {
        if let preparedHTML { return preparedHTML }
        var out = "<b>\(TelegramHTML.escape(title))</b>"
        for line in lines {
            out += "\n"
            if let label = line.label { out += "<b>\(TelegramHTML.escape(label)):</b> " }
            out += TelegramHTML.escape(line.value)
        }
        return out
    }

    /// Plain text (webhooks, SNS, logs).
    public var text: String {
        if let preparedHTML { return TelegramHTML.plain(preparedHTML) }
        return ([title] + lines.map { line in line.label.map { "\($0): \(line.value)" } ?? line.value }).joined(separator: "\n")
    }
}
