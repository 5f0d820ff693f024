import Foundation
import HTTPClient

/// Notifications to one Telegram chat: HTML parse mode, long messages split on line boundaries, `reply` entries
/// (answers to commands, with their keyboards) to the chat that asked.
public struct TelegramChannel: NotificationChannel {
    public let name = "telegram"
    public let settings: NotificationSettings
    public let chatID: String
    public let api: TelegramBotAPI

    public init(api: TelegramBotAPI, chatID: String, settings: NotificationSettings) {
        self.api = api
        self.chatID = chatID
        self.settings = settings
    }

    public func carries(kind: String) -> Bool { true }

    public func payloads(for message: NotifyMessage) -> [ChannelPayload] {
        let chat = message.chatID ?? chatID
        let parts = TelegramHTML.split(message.html, limit: TelegramHTML.maxLength - 96)
        return parts.enumerated().map { index, text in
            var parameters: [String: Any] = [
                "chat_id": chat, "text": text, "parse_mode": "HTML", "link_preview_options": ["is_disabled": true],
            ]
            if message.silent { parameters["disable_notification"] = true }
            // The keyboard goes with the last part, where the question is.
            if index == parts.count - 1, let markup = message.replyMarkup,
               let object = try? JSONSerialization.jsonObject(with: Data(markup.utf8)) {
                parameters["reply_markup"] = object
            }
            let body = (try? JSONSerialization.data(withJSONObject: parameters, options: [.sortedKeys])) ?? Data()
            return ChannelPayload(body: body, pacingKey: chat)
        }
    }

    public func send(_ payload: ChannelPayload) async -> DeliveryOutcome {
        guard let parameters = try? JSONSerialization.jsonObject(with: payload.body) as? [String: Any] else {
            return .rejected("payload is not JSON")
        }
        return TelegramBotAPI.outcome(await api.call("sendMessage", parameters), chat: payload.pacingKey ?? chatID)
    }
}
