import HTTPClient
import Foundation

/// Sends SigV4-signed requests to one service endpoint over the project's HTTP transport (libcurl).
public struct SignedClient: Sendable {
    public let endpoint: AWSEndpoint
    public let signer: SigV4Signer
    public let transport: any HTTPTransport
    /// The signing clock (tests fix it; AWS rejects requests more than 15 minutes off).
    public let now: @Sendable () -> Date

    public init(endpoint: AWSEndpoint, signer: SigV4Signer, transport: any HTTPTransport, now: @escaping @Sendable () -> Date = { Date() }) {
        self.endpoint = endpoint; self.signer = signer; self.transport = transport; self.now = now
    }

    /// For `service` (`s3`, `sns`) from the standard environment: credentials, AWS_REGION, and the endpoint from
    /// AWS_ENDPOINT_URL_<SERVICE> / AWS_ENDPOINT_URL or AWS itself.
    public static func fromEnvironment(service: String, _ env: [String: String], transport: any HTTPTransport) throws -> SignedClient {
        let region = try AWSRegion.fromEnvironment(env)
        let signer = SigV4Signer(credentials: try AWSCredentials.fromEnvironment(env), region: region, service: service)
        return SignedClient(endpoint: try AWSEndpoint.resolve(service: service, region: region, environment: env), signer: signer, transport: transport)
    }

    /// Signs and sends. `host` overrides the endpoint's host (virtual-hosted S3 buckets); `path` is wire-encoded.
    public func send(method: String, host: String? = nil, path: String, query: [(String, String)] = [], headers: [(String, String)] = [],
                     body: Data = Data(), idempotent: Bool = true) async throws -> HTTPResponse {
        var hostHeader = endpoint.hostHeader
        if let host { hostHeader = endpoint.hostHeader.contains(":") ? "\(host):\(endpoint.port ?? 0)" : host }
        var request = SigV4Signer.Request(method: method, path: path, query: query, headers: [("Host", hostHeader)] + headers, body: body)
        request = signer.sign(request, at: now())
        let queryString = request.canonicalQuery
        let url = "\(endpoint.scheme)://\(hostHeader)\(path)\(queryString.isEmpty ? "" : "?" + queryString)"
        let headers = request.headers.filter { $0.0.lowercased() != "host" } + [("Host", hostHeader)]
        return try await transport.send(HTTPRequest(method: method, url: url, headers: headers, body: method == "GET" ? nil : body,
                                                    idempotent: idempotent))
    }
}
