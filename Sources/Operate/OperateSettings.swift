import Bot
import Foundation
import Notify

/// Why an operate setting cannot be used: one line naming the key and what to do.
public struct OperateConfigError: Error, Sendable, CustomStringConvertible {
    public var key: String
    public var problem: String
    public var description: String { "\(key): \(problem)" }
}

/// The typed operate settings, from `BotConfig.operate` (validated text of the operate keys).
public struct OperateSettings: Sendable {
    public struct Telegram: Sendable {
        public var token: String
        public var chatID: String
        public var allowedUsers: Set<Int64>
        public var apiURL: String
        public var notifications: NotificationSettings
        public var confirmSeconds: Int
        public var timeoutSeconds: Int
    }

    public struct Webhook: Sendable {
        public var url: String
        public var format: WebhookChannel.Format
        public var notifications: NotificationSettings
    }

    public struct API: Sendable {
        public var host: String
        public var port: UInt16
        public var username: String
        public var password: String?
        public var isLoopback: Bool { host == "127.0.0.1" || host == "localhost" || host == "::1" }
    }

    public var telegram: Telegram?
    public var webhook: Webhook?
    public var api: API?
    public var unreachableMinutes: Int

    public init(values: [String: String]) throws {
        if let token = values["TELEGRAM_BOT_TOKEN"] {
            guard let chat = values["TELEGRAM_CHAT_ID"], Int64(chat) != nil || chat.hasPrefix("@") else {
                throw OperateConfigError(key: "TELEGRAM_CHAT_ID", problem: "needed with TELEGRAM_BOT_TOKEN: the numeric chat id (e.g. 123456789 or -1001234567890)")
            }
            var users = Set<Int64>()
            for part in (values["TELEGRAM_ALLOWED_USERS"] ?? "").split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !part.isEmpty {
                guard let id = Int64(part) else {
                    throw OperateConfigError(key: "TELEGRAM_ALLOWED_USERS", problem: "'\(part)' is not a numeric Telegram user id (not a @name, not a chat id)")
                }
                users.insert(id)
            }
            telegram = Telegram(token: token, chatID: chat, allowedUsers: users, apiURL: values["TELEGRAM_API_URL"] ?? "https://api.telegram.org",
                                notifications: try NotificationSettings.parse(values["TELEGRAM_NOTIFICATIONS"] ?? "", key: "TELEGRAM_NOTIFICATIONS"),
                                confirmSeconds: Int(values["TELEGRAM_CONFIRM_TIMEOUT"] ?? "60") ?? 60,
                                timeoutSeconds: Int(values["TELEGRAM_TIMEOUT"] ?? "15") ?? 15)
        }
        if let url = values["WEBHOOK_URL"] {
            webhook = Webhook(url: url, format: WebhookChannel.Format(rawValue: values["WEBHOOK_FORMAT"] ?? "json") ?? .json,
                              notifications: try NotificationSettings.parse(values["WEBHOOK_NOTIFICATIONS"] ?? "", key: "WEBHOOK_NOTIFICATIONS"))
        }
        if let listen = values["API_SERVER_LISTEN"] {
            guard let colon = listen.lastIndex(of: ":"), let port = UInt16(listen[listen.index(after: colon)...]) else {
                throw OperateConfigError(key: "API_SERVER_LISTEN", problem: "'\(listen)' is not HOST:PORT, e.g. 127.0.0.1:8080")
            }
            let host = String(listen[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
            let api = API(host: host.isEmpty ? "0.0.0.0" : host, port: port, username: values["API_SERVER_USERNAME"] ?? "admin",
                          password: values["API_SERVER_PASSWORD"])
            if !api.isLoopback && (api.password ?? "").isEmpty {
                throw OperateConfigError(key: "API_SERVER_LISTEN", problem: "\(listen) is reachable from other machines; set API_SERVER_PASSWORD (or listen on 127.0.0.1)")
            }
            self.api = api
        }
        unreachableMinutes = Int(values["DEADMAN_UNREACHABLE_MINUTES"] ?? "30") ?? 30
    }
}
