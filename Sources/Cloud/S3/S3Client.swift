import HTTPClient
import Foundation

/// The few S3 calls the bot needs — GetObject and PutObject — with the ETag conditions that make S3 a lock:
/// `If-Match` (replace only the version I read) and `If-None-Match: *` (create only if absent). A failed condition
/// is `412 Precondition Failed` and comes back as `.preconditionFailed`, never as an error to retry.
public struct S3Client: Sendable {
    public let client: SignedClient

    public init(client: SignedClient) { self.client = client }

    /// From the standard environment: credentials, AWS_REGION, AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL.
    public static func fromEnvironment(_ env: [String: String], transport: any HTTPTransport) throws -> S3Client {
        S3Client(client: try SignedClient.fromEnvironment(service: "s3", env, transport: transport))
    }

    public struct Object: Sendable {
        public var body: Data
        public var etag: String
    }

    public enum GetResult: Sendable {
        case found(Object)
        /// `If-None-Match` matched: the copy the caller holds is current.
        case notModified
        case notFound
    }

    /// GetObject; `ifNoneMatch` is the ETag of a copy already held.
    public func get(_ location: S3Location, ifNoneMatch etag: String? = nil) async throws -> GetResult {
        let response = try await send("GetObject", "GET", location, headers: etag.map { [("If-None-Match", $0)] } ?? [])
        switch response.status {
        case 200: return .found(Object(body: response.body, etag: response.header("etag") ?? ""))
        case 304: return .notModified
        case 404: return .notFound
        default: throw S3Client.error("GetObject", location, response)
        }
    }

    public enum Condition: Sendable, Equatable {
        case none
        /// Replace only the version with this ETag.
        case ifMatch(String)
        /// Create only if no object has this key.
        case ifNoneMatch
    }

    public enum PutResult: Sendable, Equatable {
        case stored(etag: String)
        /// The condition failed (412): someone else wrote the object, or it exists.
        case preconditionFailed
    }

    /// PutObject with an optional condition. A 409 (a concurrent conditional write in progress) counts as a failed
    /// condition too: the other writer wins.
    public func put(_ location: S3Location, body: Data, contentType: String = "application/octet-stream",
                    condition: Condition = .none) async throws -> PutResult {
        var headers = [("Content-Type", contentType)]
        switch condition {
        case .none: break
        case .ifMatch(let etag): headers.append(("If-Match", etag))
        case .ifNoneMatch: headers.append(("If-None-Match", "*"))
        }
        let response = try await send("PutObject", "PUT", location, headers: headers, body: body)
        switch response.status {
        case 200: return .stored(etag: response.header("etag") ?? "")
        case 412, 409 where condition != .none: return .preconditionFailed
        default: throw S3Client.error("PutObject", location, response)
        }
    }

    private func send(_ operation: String, _ method: String, _ location: S3Location, headers: [(String, String)] = [],
                      body: Data = Data()) async throws -> HTTPResponse {
        let key = SigV4Signer.encode(location.key, keepSlash: true)
        let endpoint = client.endpoint
        let host: String?, path: String
        if endpoint.custom || location.bucket.contains(".") {
            host = nil
            path = "\(endpoint.basePath)/\(SigV4Signer.encode(location.bucket))/\(key)"
        } else {
            host = "\(location.bucket).\(endpoint.host)"
            path = "/\(key)"
        }
        do {
            return try await client.send(method: method, host: host, path: path, headers: headers, body: body)
        } catch let failure as TransportFailure {
            throw CloudError.transport(service: "S3", operation: operation, target: location.description, message: failure.message)
        }
    }

    static func error(_ operation: String, _ location: S3Location, _ response: HTTPResponse) -> CloudError {
        let text = String(decoding: response.body, as: UTF8.self)
        return .service(service: "S3", operation: operation, target: location.description, status: response.status,
                        code: XMLField.first("Code", in: text) ?? "HTTP\(response.status)", message: XMLField.first("Message", in: text) ?? "")
    }
}

/// Reads one element's text from the small XML documents AWS answers with (errors, SNS results).
enum XMLField {
    static func first(_ name: String, in text: String) -> String? {
        guard let open = text.range(of: "<\(name)>"), let close = text.range(of: "</\(name)>", range: open.upperBound..<text.endIndex) else { return nil }
        return unescape(String(text[open.upperBound..<close.lowerBound]))
    }

    static func unescape(_ text: String) -> String {
        text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&apos;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }
}
