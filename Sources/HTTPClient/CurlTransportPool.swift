import Foundation

/// Several requests at once over libcurl. A `CurlTransport` runs one request at a time (one easy handle, one
/// keep-alive connection); this lends each request an idle one, or makes another when all are busy, and keeps up to
/// `keepIdle` for reuse, most recently used first (so a sequence of requests stays on one warm connection). A cycle's
/// reads started together (the read-ahead) then travel side by side instead of queueing on one handle.
///
/// Each transport keeps its own connection: on a cold start against a TLS endpoint the concurrent first requests
/// open their connections (and handshakes) in parallel, which costs about as much wall time as one.
public final class CurlTransportPool: HTTPTransport, @unchecked Sendable {
    public let connectTimeoutMs: Int
    public let totalTimeoutMs: Int
    public let keepIdle: Int
    private let lock = NSLock()
    private var idle: [CurlTransport] = []
    private var madeCount = 0
    /// How many transports were made (for tests and benchmarks).
    public var made: Int { lock.withLock { madeCount } }

    public init(connectTimeoutMs: Int = 5_000, totalTimeoutMs: Int = 10_000, keepIdle: Int = 8) {
        self.connectTimeoutMs = connectTimeoutMs
        self.totalTimeoutMs = totalTimeoutMs
        self.keepIdle = max(1, keepIdle)
    }

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let transport = borrow()
        defer { giveBack(transport) }
        return try await transport.send(request)
    }

    private func borrow() -> CurlTransport {
        if let transport = lock.withLock({ idle.popLast() }) { return transport }
        lock.withLock { madeCount += 1 }
        return CurlTransport(connectTimeoutMs: connectTimeoutMs, totalTimeoutMs: totalTimeoutMs)
    }

    private func giveBack(_ transport: CurlTransport) {
        lock.withLock { if idle.count < keepIdle { idle.append(transport) } }
    }
}
