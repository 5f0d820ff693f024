import Foundation

/// One HTTP request as the Binance client builds it (already signed).
public struct HTTPRequest: Sendable {
    public var method: String
    public var url: String
    public var headers: [(String, String)]
    public var body: Data?
    /// False for requests that must reach the server at most once (orders): the transport must not
    /// repeat them on its own (libcurl silently re-sends on a reused connection that died).
    public var idempotent: Bool
    public init(method: String, url: String, headers: [(String, String)] = [], body: Data? = nil, idempotent: Bool = true) {
        self.method = method; self.url = url; self.headers = headers; self.body = body; self.idempotent = idempotent
    }
}

/// One HTTP response; header names are lower-cased so `X-MBX-USED-WEIGHT-1M` is `x-mbx-used-weight-1m`.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: [String: String]
    public var body: Data
    public init(status: Int, headers: [String: String], body: Data) {
        self.status = status; self.headers = headers; self.body = body
    }
    public func header(_ name: String) -> String? { headers[name.lowercased()] }
}

/// A request that got no HTTP response. `mayHaveBeenSent` tells the order layer whether
/// the exchange could have executed it (then it must look the order up before re-sending).
public struct TransportFailure: Error, Sendable, CustomStringConvertible {
    /// `unavailable`: the transport cannot work in this process at all (libcurl missing); never worth a retry.
    public enum Kind: String, Sendable { case timeout, connectFailed, connectionLost, unavailable, other }
    public var kind: Kind
    public var mayHaveBeenSent: Bool
    public var message: String
    public init(kind: Kind, mayHaveBeenSent: Bool, message: String) {
        self.kind = kind; self.mayHaveBeenSent = mayHaveBeenSent; self.message = message
    }
    public var description: String { "\(kind.rawValue): \(message)" }
}

/// The small seam between the Binance client and the network: libcurl in production,
/// anything else in unit tests. Implementations throw `TransportFailure` when no response arrived.
public protocol HTTPTransport: Sendable {
    func send(_ request: HTTPRequest) async throws -> HTTPResponse
}
