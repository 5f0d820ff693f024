import Foundation
import HTTPClient

/// A generic JSON POST per notification (`WEBHOOK_URL`), or Discord's / Slack's incoming-webhook body
/// (`WEBHOOK_FORMAT=discord|slack`). Retries and pacing come from the dispatcher; the transport's time-out bounds
/// each attempt.
public struct WebhookChannel: NotificationChannel {
    public enum Format: String, Sendable, CaseIterable { case json, discord, slack }

    public let name = "webhook"
    public let url: String
    public let format: Format
    public let settings: NotificationSettings
    private let transport: any HTTPTransport

    public init(url: String, format: Format, settings: NotificationSettings, transport: any HTTPTransport) {
        self.url = url
        self.format = format
        self.settings = settings
        self.transport = transport
    }

    public func carries(kind: String) -> Bool { kind != "reply" }

    public func payloads(for message: NotifyMessage) -> [ChannelPayload] {
        let object: [String: Any]
        switch format {
        case .json:
            object = ["id": message.entryID, "kind": message.kind, "title": message.title, "text": message.text,
                      "silent": message.silent, "fields": message.fields]
        case .discord: object = ["content": String(message.text.prefix(2000))]  // Discord's limit
        case .slack: object = ["text": message.text]
        }
        let body = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return [ChannelPayload(body: body)]
    }

    public func send(_ payload: ChannelPayload) async -> DeliveryOutcome {
        let request = HTTPRequest(method: "POST", url: url, headers: [("Content-Type", "application/json")], body: payload.body)
        let response: HTTPResponse
        do { response = try await transport.send(request) } catch {
            return .transient("webhook: \(Self.redact(String(describing: error)))")
        }
        return Self.outcome(status: response.status, retryAfter: response.header("retry-after").flatMap(Double.init))
    }

    static func outcome(status: Int, retryAfter: Double?) -> DeliveryOutcome {
        switch status {
        case 200..<300: return .delivered
        case 429: return .retryAfter(seconds: retryAfter ?? 5, reason: "webhook HTTP 429")
        case 500...: return .transient("webhook HTTP \(status)")
        case 401, 403, 404, 410: return .permanent("webhook HTTP \(status): check WEBHOOK_URL")
        default: return .rejected("webhook HTTP \(status)")
        }
    }

    /// Webhook URLs embed their secret (Discord/Slack tokens are in the path): errors show only scheme and host.
    static func redact(_ text: String) -> String {
        text.replacingOccurrences(of: #"(https?://[^/\s]+)/[^\s)]*"#, with: "$1/…", options: .regularExpression)
    }
}
