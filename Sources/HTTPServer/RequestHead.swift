import Foundation

/// Why a request could not be read; the connection answers `status` with `message` and closes.
struct WireRequestError: Error, Equatable, CustomStringConvertible {
    var status: Int
    var message: String

    var description: String { "HTTP \(status): \(message)" }

    static func malformed(_ what: String) -> WireRequestError { WireRequestError(status: 400, message: "malformed request: \(what)") }
}

/// The request line and header fields of one request, parsed from the bytes before the blank line.
/// Pure (no I/O) so that garbage can be thrown at it directly; never traps on any input.
struct RequestHead: Equatable {
    var method: String
    /// The request target with any scheme/authority removed: "/path?query".
    var target: String
    var minorVersion: Int
    var headers: [Field]

    struct Field: Equatable {
        var name: String
        var value: String
    }

    /// Parses `bytes` (request line + header lines, without the terminating empty line).
    /// Lines end in CRLF; a bare LF is tolerated, as RFC 9112 allows.
    static func parse(_ bytes: some Collection<UInt8>) throws -> RequestHead {
        var lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { line -> ArraySlice<UInt8> in
            var l = ArraySlice(line)
            if l.last == UInt8(ascii: "\r") { l.removeLast() }
            return l
        }
        // RFC 9112 §2.2: ignore empty lines before the request line (left over from a previous body's CRLF).
        while lines.first?.isEmpty == true { lines.removeFirst() }
        guard let requestLine = lines.first else { throw WireRequestError.malformed("empty request") }
        let (method, target, minor) = try parseRequestLine(requestLine)
        var headers: [Field] = []
        for line in lines.dropFirst() where !line.isEmpty {
            headers.append(try parseField(line))
        }
        return RequestHead(method: method, target: target, minorVersion: minor, headers: headers)
    }

    static func parseRequestLine(_ line: ArraySlice<UInt8>) throws -> (String, String, Int) {
        let parts = line.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
        guard parts.count == 3, let methodBytes = parts.first, !methodBytes.isEmpty, methodBytes.allSatisfy(isTokenByte) else {
            throw WireRequestError.malformed("request line is not 'METHOD /target HTTP/1.1'")
        }
        let version = String(decoding: parts[2], as: UTF8.self)
        let minor: Int
        switch version {
        case "HTTP/1.1": minor = 1
        case "HTTP/1.0": minor = 0
        case _ where version.count == 8 && version.hasPrefix("HTTP/") && version.dropFirst(5).first?.isNumber == true:
            throw WireRequestError(status: 505, message: "only HTTP/1.0 and HTTP/1.1 are served, not \(version)")
        default: throw WireRequestError.malformed("request line is not 'METHOD /target HTTP/1.1'")
        }
        let targetBytes = parts[1]
        guard !targetBytes.isEmpty, targetBytes.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw WireRequestError.malformed("request target is empty or has spaces/control characters")
        }
        var target = String(decoding: targetBytes, as: UTF8.self)
        // Absolute form (what a proxy-minded client may send): keep only the path and query.
        for scheme in ["http://", "https://"] where target.lowercased().hasPrefix(scheme) {
            let rest = target.dropFirst(scheme.count)
            target = rest.firstIndex { $0 == "/" || $0 == "?" }.map { String(rest[$0...]) } ?? "/"
            if target.hasPrefix("?") { target = "/" + target }
        }
        guard target.hasPrefix("/") || target == "*" else {
            throw WireRequestError.malformed("request target '\(target.prefix(80))' does not start with '/'")
        }
        return (String(decoding: methodBytes, as: UTF8.self), target, minor)
    }

    static func parseField(_ line: ArraySlice<UInt8>) throws -> Field {
        if line.first == UInt8(ascii: " ") || line.first == UInt8(ascii: "\t") {
            throw WireRequestError.malformed("folded header lines are not accepted")
        }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else {
            throw WireRequestError.malformed("header line without ':'")
        }
        let name = line[line.startIndex..<colon]
        guard !name.isEmpty, name.allSatisfy(isTokenByte) else {
            throw WireRequestError.malformed("header name '\(String(decoding: name.prefix(80), as: UTF8.self))' is not a token")
        }
        let value = String(decoding: line[line.index(after: colon)...], as: UTF8.self)
            .trimmingCharacters(in: CharacterSet(charactersIn: " \t"))
        return Field(name: String(decoding: name, as: UTF8.self), value: value)
    }

    /// tchar of RFC 9110 §5.6.2.
    static func isTokenByte(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "!#$%&'*+-.^_`|~".utf8.contains(b)
        }
    }

    func values(_ name: String) -> [String] {
        headers.filter { $0.name.caseInsensitiveCompare(name) == .orderedSame }.map(\.value)
    }

    /// The body's length from Content-Length (0 when absent). Transfer-Encoding (chunked) is refused
    /// with 411: the clients of this server always send Content-Length.
    func bodyLength(limit: Int) throws -> Int {
        if !values("Transfer-Encoding").isEmpty {
            throw WireRequestError(status: 411, message: "Transfer-Encoding request bodies are not accepted; send Content-Length")
        }
        let lengths = Set(values("Content-Length").flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) })
        guard let text = lengths.first else { return 0 }
        guard lengths.count == 1, !text.isEmpty, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            throw WireRequestError.malformed("Content-Length '\(lengths.sorted().joined(separator: ",").prefix(80))' is not one number")
        }
        guard text.count <= 18, let length = Int(text), length <= limit else {
            throw WireRequestError(status: 413, message: "request body of \(text.prefix(20)) bytes is over the \(limit)-byte limit")
        }
        return length
    }

    /// Path (percent-decoded) and raw query of the target; a fragment, which clients should not send, is dropped.
    func pathAndQuery() throws -> (path: String, rawQuery: String) {
        var t = Substring(target)
        if let hash = t.firstIndex(of: "#") { t = t[..<hash] }
        let rawPath: Substring, rawQuery: Substring
        if let q = t.firstIndex(of: "?") { rawPath = t[..<q]; rawQuery = t[t.index(after: q)...] } else { rawPath = t; rawQuery = "" }
        guard let path = String(rawPath).removingPercentEncoding else {
            throw WireRequestError.malformed("path '\(rawPath.prefix(80))' has a bad percent escape")
        }
        return (path, String(rawQuery))
    }

    var expectsContinue: Bool {
        minorVersion >= 1 && values("Expect").contains { $0.lowercased() == "100-continue" }
    }
}
