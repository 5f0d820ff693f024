import Foundation

/// One HTTP/1.x request as it came off the socket. Named "Wire…" so it never clashes with the
/// Binance client's own HTTPRequest/HTTPResponse types in modules that import both.
public struct WireRequest: Sendable {
    /// Upper-case method token, e.g. "GET".
    public var method: String
    /// Percent-decoded path without the query, e.g. "/fapi/v1/order".
    public var path: String
    /// The query exactly as sent (still percent-encoded, no leading "?"); "" when absent.
    public var rawQuery: String
    /// Minor version of HTTP/1.x: 0 or 1.
    public var minorVersion: Int
    /// Header fields in arrival order, names as sent.
    public var headers: [(name: String, value: String)]
    public var body: Data

    public init(method: String, path: String, rawQuery: String, minorVersion: Int, headers: [(name: String, value: String)], body: Data) {
        self.method = method; self.path = path; self.rawQuery = rawQuery; self.minorVersion = minorVersion
        self.headers = headers; self.body = body
    }

    /// The last value of a header, name compared case-insensitively.
    public func header(_ name: String) -> String? {
        headers.last { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    /// The comma-separated tokens of every `Connection` header, lower-cased.
    public var connectionTokens: Set<String> {
        Set(headers.filter { $0.name.lowercased() == "connection" }
            .flatMap { $0.value.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces).lowercased() })
    }

    /// HTTP/1.1 keeps the connection unless told `close`; HTTP/1.0 closes it unless told `keep-alive`.
    public var wantsKeepAlive: Bool {
        let tokens = connectionTokens
        return minorVersion >= 1 ? !tokens.contains("close") : tokens.contains("keep-alive")
    }
}

/// An HTTP answer; the server adds Content-Length and Connection itself.
public struct WireResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: Data

    public init(status: Int, headers: [(name: String, value: String)] = [], body: Data = Data()) {
        self.status = status; self.headers = headers; self.body = body
    }

    /// A one-line plain-text answer, for errors of the HTTP layer itself (bad framing, sizes).
    public static func text(_ status: Int, _ message: String) -> WireResponse {
        WireResponse(status: status, headers: [("Content-Type", "text/plain; charset=utf-8")], body: Data((message + "\n").utf8))
    }

    /// Status line, headers and body as bytes. `keepAlive` false adds `Connection: close`;
    /// `includeBody` false (HEAD) keeps Content-Length but sends no body.
    func serialized(keepAlive: Bool, includeBody: Bool = true) -> Data {
        var head = "HTTP/1.1 \(status) \(Self.phrase(status))\r\n"
        for (name, value) in headers where !Self.framingHeaders.contains(name.lowercased()) {
            head += "\(name): \(value)\r\n"
        }
        head += "Content-Length: \(body.count)\r\n"
        head += keepAlive ? "Connection: keep-alive\r\n" : "Connection: close\r\n"
        head += "\r\n"
        var bytes = Data(head.utf8)
        if includeBody { bytes.append(body) }
        return bytes
    }

    /// Headers the server owns: a handler's copy would contradict the real framing.
    static let framingHeaders: Set<String> = ["content-length", "connection", "transfer-encoding"]

    /// The reason phrase for a status code (the ones this server sends, plus a generic fallback).
    static func phrase(_ status: Int) -> String {
        switch status {
        case 100: return "Continue"
        case 200: return "OK"
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 408: return "Request Timeout"
        case 411: return "Length Required"
        case 413: return "Content Too Large"
        case 418: return "I'm a teapot"
        case 429: return "Too Many Requests"
        case 431: return "Request Header Fields Too Large"
        case 500: return "Internal Server Error"
        case 501: return "Not Implemented"
        case 502: return "Bad Gateway"
        case 503: return "Service Unavailable"
        case 504: return "Gateway Timeout"
        case 505: return "HTTP Version Not Supported"
        default: return "Status \(status)"
        }
    }
}

/// What a handler wants done with a request: answer it, or end the connection without a byte
/// (the `acceptThenDrop` fault: the request was processed but the client never learns the outcome).
public enum WireReply: Sendable {
    case send(WireResponse)
    case dropConnection
}
