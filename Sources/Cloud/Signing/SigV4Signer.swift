import Crypto
import Foundation
import HTTPClient

/// AWS Signature Version 4 (HMAC-SHA256), as botocore computes it, so S3 and SNS accept what this signs:
/// canonical request → string to sign → signing key derived from the date, region and service → `Authorization`.
/// `s3` selects S3's rules: the path is signed as sent (no normalisation or second encoding) and the payload hash
/// travels in `x-amz-content-sha256`.
public struct SigV4Signer: Sendable {
    public let credentials: AWSCredentials
    public let region: String
    public let service: String

    public init(credentials: AWSCredentials, region: String, service: String) {
        self.credentials = credentials
        self.region = region
        self.service = service
    }

    /// A request to sign. `path` is the path as it goes on the wire (percent-encoded for S3); `query` holds raw
    /// (unencoded) pairs; `headers` should include `host`.
    public struct Request: Sendable {
        public var method: String
        public var path: String
        public var query: [(String, String)]
        public var headers: [(String, String)]
        public var body: Data

        public init(method: String, path: String, query: [(String, String)] = [], headers: [(String, String)] = [], body: Data = Data()) {
            self.method = method; self.path = path; self.query = query; self.headers = headers; self.body = body
        }

        /// The query string in canonical (sorted, encoded) form: also what goes on the wire.
        public var canonicalQuery: String {
            query.map { (SigV4Signer.encode($0.0), SigV4Signer.encode($0.1)) }
                .sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
                .map { "\($0.0)=\($0.1)" }.joined(separator: "&")
        }
    }

    /// Headers that never take part in signing (botocore's list): proxies and clients may change them.
    static let unsigned: Set<String> = ["connection", "expect", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
                                         "trailer", "transfer-encoding", "upgrade", "user-agent", "x-amzn-trace-id", "authorization"]

    /// Signs `request` at `date`: sets `X-Amz-Date`, `X-Amz-Security-Token` (with a session token), for S3
    /// `X-Amz-Content-SHA256`, then `Authorization`.
    public func sign(_ request: Request, at date: Date) -> Request {
        var signed = request
        let stamp = SigV4Signer.timestamp(date)
        let replaced: Set<String> = ["authorization", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256"]
        signed.headers.removeAll { replaced.contains($0.0.lowercased()) }
        signed.headers.append(("X-Amz-Date", stamp))
        if let token = credentials.sessionToken { signed.headers.append(("X-Amz-Security-Token", token)) }
        if service == "s3" { signed.headers.append(("X-Amz-Content-SHA256", Hex.lowercase(SHA256.hash(data: request.body)))) }
        let parts = signature(signed, timestamp: stamp)
        signed.headers.append(("Authorization",
                               "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(scope(stamp)), SignedHeaders=\(parts.signedHeaders), Signature=\(parts.signature)"))
        return signed
    }

    /// The canonical request, string to sign and signature of an already dated request (the steps AWS documents,
    /// exposed so tests compare each one).
    public func signature(_ request: Request, timestamp: String) -> (canonicalRequest: String, stringToSign: String, signedHeaders: String, signature: String) {
        var grouped: [String: [String]] = [:]
        for (name, value) in request.headers {
            let lower = name.lowercased()
            guard !SigV4Signer.unsigned.contains(lower) else { continue }
            grouped[lower, default: []].append(value.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }).joined(separator: " "))
        }
        let names = grouped.keys.sorted()
        let canonicalHeaders = names.map { "\($0):\(grouped[$0, default: []].joined(separator: ","))\n" }.joined()
        let signedHeaders = names.joined(separator: ";")
        let payloadHash = request.headers.first { $0.0.lowercased() == "x-amz-content-sha256" }?.1
            ?? Hex.lowercase(SHA256.hash(data: request.body))
        let path = service == "s3" ? (request.path.isEmpty ? "/" : request.path)
                                   : SigV4Signer.encode(SigV4Signer.normalize(request.path), keepSlash: true)
        let canonicalRequest = [request.method.uppercased(), path, request.canonicalQuery, canonicalHeaders, signedHeaders, payloadHash]
            .joined(separator: "\n")
        let stringToSign = ["AWS4-HMAC-SHA256", timestamp, scope(timestamp), Hex.lowercase(SHA256.hash(data: Data(canonicalRequest.utf8)))]
            .joined(separator: "\n")
        var key = SymmetricKey(data: Data("AWS4\(credentials.secretAccessKey)".utf8))
        for part in [String(timestamp.prefix(8)), region, service, "aws4_request"] {
            key = SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data(part.utf8), using: key)))
        }
        let mac = HMAC<SHA256>.authenticationCode(for: Data(stringToSign.utf8), using: key)
        return (canonicalRequest, stringToSign, signedHeaders, Hex.lowercase(mac))
    }

    func scope(_ timestamp: String) -> String { "\(timestamp.prefix(8))/\(region)/\(service)/aws4_request" }

    /// `yyyyMMdd'T'HHmmss'Z'` in UTC.
    public static func timestamp(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)" + two(parts.tm_mon + 1) + two(parts.tm_mday) + "T" + two(parts.tm_hour) + two(parts.tm_min)
            + two(parts.tm_sec) + "Z"
    }

    /// Percent-encodes every byte but the unreserved ones (A–Z a–z 0–9 - _ . ~), and `/` when `keepSlash`.
    public static func encode(_ text: String, keepSlash: Bool = false) -> String {
        PercentEncoding.encode(text, keepSlash: keepSlash)
    }

    /// RFC 3986 dot-segment removal plus collapsing of repeated slashes (what every service but S3 signs).
    static func normalize(_ path: String) -> String {
        guard !path.isEmpty else { return "/" }
        var output: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) where segment != "." {
            if segment == ".." { if !output.isEmpty { output.removeLast() } } else { output.append(segment) }
        }
        let first = path.hasPrefix("/") ? "/" : ""
        let last = path.hasSuffix("/") && !output.isEmpty ? "/" : ""
        return first + output.joined(separator: "/") + last
    }
}
