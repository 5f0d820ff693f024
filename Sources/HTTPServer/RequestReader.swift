import Foundation

/// Reads HTTP/1.x requests one after another from a connected socket, keeping bytes that arrive
/// early (pipelining) for the next request. Blocking; the socket's receive timeout bounds each read.
final class RequestReader {
    let fd: Int32
    let limits: HTTP1Server.Limits
    private var buffer: [UInt8] = []

    init(fd: Int32, limits: HTTP1Server.Limits) {
        self.fd = fd
        self.limits = limits
    }

    /// The next request; nil when the client closed, went silent past the timeout, or the socket
    /// was shut down. Throws `WireRequestError` for requests that must be answered with an error
    /// and the connection closed. `sendContinue` writes the interim `100 Continue`.
    func next(sendContinue: (Data) -> Bool) throws -> WireRequest? {
        var scanned = 0
        var headEnd: (head: Int, body: Int)?
        while true {
            if scanned == 0 { Self.dropLeadingEmptyLines(&buffer) }
            headEnd = Self.findHeadEnd(buffer, from: scanned)
            if headEnd != nil { break }
            if buffer.count > limits.maxHeaderBytes {
                throw WireRequestError(status: 431, message: "request line and headers exceed \(limits.maxHeaderBytes) bytes")
            }
            scanned = max(0, buffer.count - 3)
            guard Socket.read(fd, into: &buffer) != nil else { return nil }
        }
        guard let (headCount, bodyStart) = headEnd else { return nil }
        if headCount > limits.maxHeaderBytes {
            throw WireRequestError(status: 431, message: "request line and headers exceed \(limits.maxHeaderBytes) bytes")
        }
        let head = try RequestHead.parse(buffer[0..<headCount])
        let length = try head.bodyLength(limit: limits.maxBodyBytes)
        let (path, rawQuery) = try head.pathAndQuery()
        if length > 0 && buffer.count - bodyStart < length && head.expectsContinue {
            guard sendContinue(Data("HTTP/1.1 100 Continue\r\n\r\n".utf8)) else { return nil }
        }
        while buffer.count - bodyStart < length {
            guard Socket.read(fd, into: &buffer) != nil else { return nil }
        }
        let body = Data(buffer[bodyStart..<(bodyStart + length)])
        buffer.removeFirst(bodyStart + length)
        return WireRequest(method: head.method, path: path, rawQuery: rawQuery, minorVersion: head.minorVersion,
                           headers: head.headers.map { ($0.name, $0.value) }, body: body)
    }

    /// RFC 9112 §2.2: empty lines before a request line (e.g. a stray CRLF after a body) are ignored.
    static func dropLeadingEmptyLines(_ bytes: inout [UInt8]) {
        let count = bytes.prefix { $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\n") }.count
        if count > 0 { bytes.removeFirst(count) }
    }

    /// Where the header block ends: (bytes of the head without the blank line, index of the body).
    /// Accepts CRLF CRLF and, leniently, LF LF / LF CRLF. `from` skips bytes already scanned.
    static func findHeadEnd(_ bytes: [UInt8], from: Int) -> (head: Int, body: Int)? {
        let lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")
        var i = max(0, from)
        while i < bytes.count {
            if bytes[i] == lf {
                if i + 1 < bytes.count && bytes[i + 1] == lf { return (i + 1, i + 2) }
                if i + 2 < bytes.count && bytes[i + 1] == cr && bytes[i + 2] == lf { return (i + 1, i + 3) }
            }
            i += 1
        }
        return nil
    }
}
