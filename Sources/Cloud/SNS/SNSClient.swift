import Foundation
import HTTPClient

/// Amazon SNS `Publish` (Query API, form-encoded POST, SigV4-signed): a text message to a phone number (SMS) or to
/// a topic. The message id comes back so a caller can record what was sent.
public struct SNSClient: Sendable {
    public let client: SignedClient

    public init(client: SignedClient) { self.client = client }

    /// Credentials, AWS_REGION and AWS_ENDPOINT_URL_SNS / AWS_ENDPOINT_URL from the standard environment.
    public static func fromEnvironment(_ env: [String: String], transport: any HTTPTransport) throws -> SNSClient {
        SNSClient(client: try SignedClient.fromEnvironment(service: "sns", env, transport: transport))
    }

    public enum Destination: Sendable, Equatable, CustomStringConvertible {
        case phoneNumber(String)
        case topic(String)
        public var description: String {
            switch self {
            case .phoneNumber(let number): return "phone \(SNSClient.maskPhone(number))"
            case .topic(let arn): return "topic \(arn)"
            }
        }
    }

    /// The form body of a Publish call (exposed for tests and signature vectors).
    public static func publishBody(message: String, to destination: Destination) -> Data {
        var fields = [("Action", "Publish"), ("Message", message), ("Version", "2010-03-31")]
        switch destination {
        case .phoneNumber(let number): fields.append(("PhoneNumber", number))
        case .topic(let arn): fields.append(("TopicArn", arn))
        }
        return Data(fields.sorted { $0.0 < $1.0 }.map { "\(SigV4Signer.encode($0.0))=\(SigV4Signer.encode($0.1))" }.joined(separator: "&").utf8)
    }

    /// Publishes; returns SNS's MessageId. Throws `CloudError.service` with SNS's error code on a refusal.
    @discardableResult
    public func publish(_ message: String, to destination: Destination) async throws -> String {
        let response: HTTPResponse
        do {
            response = try await client.send(method: "POST", path: client.endpoint.basePath.isEmpty ? "/" : client.endpoint.basePath + "/",
                                             headers: [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")],
                                             body: SNSClient.publishBody(message: message, to: destination), idempotent: false)
        } catch let failure as TransportFailure {
            throw CloudError.transport(service: "SNS", operation: "Publish", target: destination.description, message: failure.message)
        }
        let text = String(decoding: response.body, as: UTF8.self)
        guard response.status == 200 else {
            throw CloudError.service(service: "SNS", operation: "Publish", target: destination.description, status: response.status,
                                     code: XMLField.first("Code", in: text) ?? "HTTP\(response.status)", message: XMLField.first("Message", in: text) ?? "")
        }
        return XMLField.first("MessageId", in: text) ?? ""
    }

    /// "+15555550100" → "+1555…0100": phone numbers are personal data, logs keep only enough to tell them apart.
    public static func maskPhone(_ number: String) -> String {
        guard number.count > 8 else { return "****" }
        return String(number.prefix(5)) + "…" + String(number.suffix(4))
    }
}
