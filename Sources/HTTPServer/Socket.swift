#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Thin helpers over POSIX socket calls, so the server code reads as what it does.
enum Socket {
    /// The text of the current errno, e.g. "Address already in use (errno 98)".
    static func errorText(_ code: Int32 = errno) -> String {
        "\(String(cString: strerror(code))) (errno \(code))"
    }

    @discardableResult
    static func setOption(_ fd: Int32, _ level: Int32, _ name: Int32, _ value: Int32) -> Bool {
        var v = value
        return setsockopt(fd, level, name, &v, socklen_t(MemoryLayout<Int32>.size)) == 0
    }

    /// SO_RCVTIMEO/SO_SNDTIMEO: a blocked read or write gives up after `seconds` (EAGAIN).
    static func setTimeout(_ fd: Int32, _ name: Int32, seconds: Double) {
        let s = max(0.001, min(seconds, 86_400 * 365))
        var tv = timeval(tv_sec: Int(s), tv_usec: Int((s - s.rounded(.down)) * 1_000_000))
        _ = setsockopt(fd, SOL_SOCKET, name, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Writes every byte (retrying short writes and EINTR). False when the peer is gone or the
    /// write timed out. MSG_NOSIGNAL: a closed peer must not raise SIGPIPE in the whole process.
    static func writeAll(_ fd: Int32, _ data: Data) -> Bool {
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> Bool in
            guard var p = raw.baseAddress else { return true }
            var left = raw.count
            while left > 0 {
                let n = send(fd, p, left, Int32(MSG_NOSIGNAL))
                if n > 0 { p += n; left -= n; continue }
                if n < 0 && errno == EINTR { continue }
                return false
            }
            return true
        }
    }

    /// Reads what is available (blocking up to the receive timeout) into `buffer`.
    /// Returns the byte count, or nil at end of stream, timeout, or error.
    static func read(_ fd: Int32, into buffer: inout [UInt8], max: Int = 16 * 1024) -> Int? {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max) { chunk -> Int? in
            while true {
                let n = recv(fd, chunk.baseAddress, max, 0)
                if n > 0 { buffer.append(contentsOf: chunk[0..<n]); return n }
                if n < 0 && errno == EINTR { continue }
                return nil
            }
        }
    }

    /// Ends a connection after an error answer without destroying that answer: closing a socket
    /// with unread input makes the kernel send RST, which can discard the response before the
    /// client reads it. So: half-close, drain (bounded in bytes and time), then close.
    static func lingeringClose(_ fd: Int32) {
        _ = shutdown(fd, Int32(SHUT_WR))
        setTimeout(fd, SO_RCVTIMEO, seconds: 0.5)
        var sink: [UInt8] = []
        var drained = 0
        while drained < 1 << 20, let n = read(fd, into: &sink) { drained += n; sink.removeAll(keepingCapacity: true) }
    }
}
