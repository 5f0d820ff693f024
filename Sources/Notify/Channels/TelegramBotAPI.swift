import Foundation
import HTTPClient

/// The few Bot API methods the bot uses, over the project's libcurl client. Every answer is read as Telegram's
/// envelope: `{"ok": true, "result": …}` or `{"ok": false, "error_code": …, "description": …, "parameters":
/// {"retry_after": …}}`. The token is part of every URL; it is removed from every text this type produces.
public final class TelegramBotAPI: @unchecked Sendable {
    public enum Answer: @unchecked Sendable {
        case ok(Any)
        case failed(code: Int, description: String, retryAfter: Double?)
        /// No HTTP answer (connect failure, time-out) or one that is not Telegram's envelope (e.g. a proxy's 502 page).
        case network(String)
    }

    private let token: String
    private let baseURL: String
    private let transport: any HTTPTransport

    /// `apiURL` is `https://api.telegram.org` unless TELEGRAM_API_URL points elsewhere (a local Bot API server, tests).
    public init(token: String, apiURL: String, transport: any HTTPTransport) {
        self.token = token
        self.baseURL = apiURL.hasSuffix("/") ? String(apiURL.dropLast()) : apiURL
        self.transport = transport
    }

    /// `text` with the token replaced by `***`.
    public func redact(_ text: String) -> String {
        token.isEmpty ? text : text.replacingOccurrences(of: token, with: "***")
    }

    public func call(_ method: String, _ parameters: [String: Any]) async -> Answer {
        guard let body = try? JSONSerialization.data(withJSONObject: parameters, options: [.sortedKeys]) else {
            return .failed(code: 0, description: "parameters of \(method) are not JSON", retryAfter: nil)
        }
        let request = HTTPRequest(method: "POST", url: "\(baseURL)/bot\(token)/\(method)",
                                  headers: [("Content-Type", "application/json")], body: body)
        let response: HTTPResponse
        do { response = try await transport.send(request) } catch {
            return .network(redact("\(method): \(error)"))
        }
        guard let object = try? JSONSerialization.jsonObject(with: response.body) as? [String: Any], let ok = object["ok"] as? Bool else {
            return .network(redact("\(method): HTTP \(response.status) without a Bot API answer"))
        }
        if ok { return .ok(object["result"] ?? NSNull()) }
        let parameters = object["parameters"] as? [String: Any]
        let retryAfter = (parameters?["retry_after"] as? NSNumber)?.doubleValue
        let code = (object["error_code"] as? NSNumber)?.intValue ?? response.status
        return .failed(code: code, description: redact(object["description"] as? String ?? "HTTP \(response.status)"), retryAfter: retryAfter)
    }

    /// The outcome of a send (sendMessage, answerCallbackQuery) for the dispatcher.
    public static func outcome(_ answer: Answer, chat: String) -> DeliveryOutcome {
        switch answer {
        case .ok: return .delivered
        case .network(let reason): return .transient(reason)
        case .failed(let code, let description, let retryAfter):
            if code == 429 { return .retryAfter(seconds: retryAfter ?? 1, reason: "Telegram 429 \(description)") }
            if let retryAfter { return .retryAfter(seconds: retryAfter, reason: "Telegram \(code) \(description)") }
            if code >= 500 { return .transient("Telegram \(code) \(description)") }
            if code == 401 || code == 404 { return .permanent("Telegram \(code) \(description): TELEGRAM_BOT_TOKEN is wrong or revoked") }
            if code == 403 { return .permanent("Telegram 403 \(description): the bot cannot write to chat \(chat) (blocked, or not a member)") }
            if code == 400 && description.lowercased().contains("chat not found") {
                return .permanent("Telegram 400 \(description): check TELEGRAM_CHAT_ID (\(chat)) and that the chat has started the bot")
            }
            return .rejected("Telegram \(code) \(description)")
        }
    }
}
