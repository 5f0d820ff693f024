import Foundation

/// Where a service's requests go: AWS itself, or the endpoint an `AWS_ENDPOINT_URL_<SERVICE>` / `AWS_ENDPOINT_URL`
/// variable names (the standard overrides, for S3-compatible stores and local test servers).
public struct AWSEndpoint: Sendable, Equatable {
    public var scheme: String
    public var host: String
    public var port: Int?
    /// Path prefix of a custom endpoint (usually empty).
    public var basePath: String
    /// True for an endpoint from the environment: S3 then uses path-style addressing (`/bucket/key`), which every
    /// S3-compatible server understands; AWS itself gets virtual-hosted style (`bucket.s3.region.amazonaws.com`).
    public var custom: Bool

    /// The `host[:port]` value for the Host header (the port only when it is not the scheme's default).
    public var hostHeader: String {
        guard let port, !(scheme == "https" && port == 443), !(scheme == "http" && port == 80) else { return host }
        return "\(host):\(port)"
    }
    public var origin: String { "\(scheme)://\(hostHeader)" }

    /// `service` is the lower-case service id (`s3`, `sns`); its variable is `AWS_ENDPOINT_URL_S3` and so on.
    public static func resolve(service: String, region: String, environment env: [String: String]) throws -> AWSEndpoint {
        let specific = "AWS_ENDPOINT_URL_\(service.uppercased())"
        for variable in [specific, "AWS_ENDPOINT_URL"] {
            guard let value = env[variable], !value.isEmpty else { continue }
            guard let url = URLComponents(string: value), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
                  let host = url.host, !host.isEmpty else {
                throw CloudError.badEndpoint(variable: variable, value: value)
            }
            var base = url.path
            while base.hasSuffix("/") { base.removeLast() }
            return AWSEndpoint(scheme: scheme, host: host, port: url.port, basePath: base, custom: true)
        }
        let suffix = region.hasPrefix("cn-") ? "amazonaws.com.cn" : "amazonaws.com"
        return AWSEndpoint(scheme: "https", host: "\(service).\(region).\(suffix)", port: nil, basePath: "", custom: false)
    }
}
