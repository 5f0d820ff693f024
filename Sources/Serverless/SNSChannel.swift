import Cloud
import Foundation
import Notify

/// SNS text alerts (SMS to SNS_PHONE_NUMBER, or a topic) as a Notify channel: trades and errors only, plain text.
/// Once per event even across invocations: before publishing an outbox entry the channel creates a marker object
/// for it with `If-None-Match: *`; an invocation that finds the marker already there (an earlier one sent it and
/// then could not save its cursor) does not send again.
public final class SNSChannel: NotificationChannel, @unchecked Sendable {
    public let name = "sns"
    public let settings: NotificationSettings
    public let sns: SNSClient
    public let destination: SNSClient.Destination
    public let s3: S3Client
    /// Markers live under this prefix (one per journal: `…/alerts/ENTRY-ID`).
    public let markers: S3Location
    /// Markers this process created: a retry of its own publish goes ahead.
    private var held: Set<String> = []
    private let lock = NSLock()

    /// Event kinds worth a text message.
    public static let kinds: Set<String> = ["entry", "exit", "stoploss", "rejected", "error"]

    public init(sns: SNSClient, destination: SNSClient.Destination, s3: S3Client, markers: S3Location,
                settings: NotificationSettings = NotificationSettings()) {
        self.sns = sns; self.destination = destination; self.s3 = s3; self.markers = markers; self.settings = settings
    }

    public func carries(kind: String) -> Bool { SNSChannel.kinds.contains(kind) }

    public func payloads(for message: NotifyMessage) -> [ChannelPayload] {
        // SMS: 1600 characters at most over several segments; keep it short.
        let object: [String: Any] = ["id": message.entryID, "text": String(message.text.prefix(600))]
        return [ChannelPayload(body: (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data())]
    }

    public func send(_ payload: ChannelPayload) async -> DeliveryOutcome {
        guard let object = try? JSONSerialization.jsonObject(with: payload.body) as? [String: Any],
              let id = object["id"] as? NSNumber, let text = object["text"] as? String else { return .rejected("sns: unreadable payload") }
        let marker = markers.sibling("\(markers.key)/\(id.int64Value)")
        if !lock.withLock({ held.contains(marker.key) }) {
            do {
                switch try await s3.put(marker, body: Data(), contentType: "text/plain", condition: .ifNoneMatch) {
                case .stored: lock.withLock { _ = held.insert(marker.key) }
                case .preconditionFailed: return .delivered  // sent by an earlier invocation
                }
            } catch {
                return .transient("sns: cannot write the alert marker: \(error)")
            }
        }
        do {
            try await sns.publish(text, to: destination)
            return .delivered
        } catch let error as CloudError {
            switch error.status {
            case .some(400), .some(403), .some(404): return .permanent("sns: \(error) (check SNS_PHONE_NUMBER / SNS_TOPIC_ARN and the role's sns:Publish permission)")
            case .some(429): return .retryAfter(seconds: 2, reason: "sns: throttled")
            default: return .transient("sns: \(error)")
            }
        } catch {
            return .transient("sns: \(error)")
        }
    }
}
