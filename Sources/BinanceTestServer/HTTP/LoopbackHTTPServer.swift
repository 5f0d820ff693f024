#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Why the server could not start listening; one line naming the address and what to do.
struct LoopbackHTTPError: Error, CustomStringConvertible {
    var port: UInt16
    var step: String
    var reason: String

    var description: String {
        "cannot \(step) 127.0.0.1:\(port): \(reason); pick another port (or 0 for a free one)"
    }
}

/// A small HTTP/1.1 server on 127.0.0.1 over plain POSIX sockets: one accept thread, one thread
/// per connection with blocking reads, keep-alive, TCP_NODELAY. Made for tests, where a handful of
/// clients talk to it. It replaced a third-party server whose FoundationNetworking import linked libcurl into
/// every `trading-bot` process and whose sockets could not disable Nagle (~40 ms per reused request).
final class LoopbackHTTPServer: @unchecked Sendable {
    typealias Handler = @Sendable (WireRequest) -> WireReply

    struct Limits: Sendable {
        /// Request line plus headers; more is answered 431.
        var maxHeaderBytes = 64 * 1024
        /// Content-Length above this is answered 413.
        var maxBodyBytes = 16 * 1024 * 1024
        /// A connection with no complete request for this long is closed (so threads never leak).
        var idleTimeoutSeconds: Double = 300
    }

    let requestedPort: UInt16
    let limits: Limits
    let handler: Handler

    /// Guards everything below; `broadcast` when a thread ends so `stop()` can wait for it.
    private let state = NSCondition()
    private var listenFD: Int32 = -1
    private var boundPort: UInt16 = 0
    private var started = false
    private var stopping = false
    private var acceptRunning = false
    /// Open client sockets → whether a handler is running for it (those are not waited for).
    private var connections: [Int32: Bool] = [:]

    init(port: UInt16, limits: Limits = Limits(), handler: @escaping Handler) {
        self.requestedPort = port
        self.limits = limits
        self.handler = handler
    }

    /// The bound port, valid after `start()`.
    var port: UInt16 { state.lock(); defer { state.unlock() }; return boundPort }

    /// Binds, listens and starts accepting; returns the bound port (the ephemeral one for port 0).
    @discardableResult
    func start() throws -> UInt16 {
        state.lock(); defer { state.unlock() }
        guard !started else { return boundPort }
        let fd = try Self.openListener(port: requestedPort)
        listenFD = fd
        boundPort = try Self.boundPort(of: fd, requested: requestedPort)
        started = true
        acceptRunning = true
        let thread = Thread { [self] in acceptLoop(fd) }
        thread.name = "http-accept"
        thread.start()
        return boundPort
    }

    /// Closes the listener and every open connection (a handler still running, e.g. sleeping in a
    /// latency fault, finds its socket shut when it answers). Waits briefly for the threads to end.
    func stop() {
        state.lock(); defer { state.unlock() }
        guard started, !stopping else { return }
        stopping = true
        if listenFD >= 0 { _ = shutdown(listenFD, Int32(SHUT_RDWR)) }
        for fd in connections.keys { _ = shutdown(fd, Int32(SHUT_RDWR)) }
        let deadline = Date().addingTimeInterval(2)
        while acceptRunning || connections.values.contains(false), state.wait(until: deadline) {}
    }

    // MARK: threads

    private func acceptLoop(_ listener: Int32) {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 {
                let code = errno
                state.lock(); let done = stopping; state.unlock()
                if done { break }
                if code == EINTR || code == ECONNABORTED || code == EPROTO { continue }
                if code == EMFILE || code == ENFILE || code == ENOBUFS || code == ENOMEM { usleep(10_000); continue }
                break   // the listener itself is broken: stop accepting
            }
            state.lock()
            if stopping { state.unlock(); close(client); break }
            connections[client] = false
            state.unlock()
            Socket.setOption(client, Int32(IPPROTO_TCP), TCP_NODELAY, 1)
            Socket.setTimeout(client, SO_RCVTIMEO, seconds: limits.idleTimeoutSeconds)
            Socket.setTimeout(client, SO_SNDTIMEO, seconds: limits.idleTimeoutSeconds)
            let thread = Thread { [self] in serve(client) }
            thread.name = "http-connection"
            thread.start()
        }
        state.lock()
        listenFD = -1
        close(listener)
        acceptRunning = false
        state.broadcast()
        state.unlock()
    }

    /// Requests on one connection until the client closes, asks to close, times out, or `stop()`.
    private func serve(_ fd: Int32) {
        var linger = false
        defer {
            if linger { Socket.lingeringClose(fd) }
            state.lock()
            connections[fd] = nil
            close(fd)   // under the lock: stop() never shuts down a descriptor number already reused
            state.broadcast()
            state.unlock()
        }
        let reader = RequestReader(fd: fd, limits: limits)
        while true {
            let request: WireRequest
            do {
                guard let next = try reader.next(sendContinue: { Socket.writeAll(fd, $0) }) else { return }
                request = next
            } catch {
                let e = error as? WireRequestError ?? .malformed("\(error)")
                _ = Socket.writeAll(fd, WireResponse.text(e.status, e.message).serialized(keepAlive: false))
                linger = true
                return
            }
            guard setBusy(fd, true) else { return }
            let reply = handler(request)
            guard setBusy(fd, false) else { return }
            switch reply {
            case .dropConnection:
                return   // FIN with no byte written: the client sees the connection end without an answer
            case .send(let response):
                let keepAlive = request.wantsKeepAlive
                guard Socket.writeAll(fd, response.serialized(keepAlive: keepAlive, includeBody: request.method != "HEAD")),
                      keepAlive else { return }
            }
        }
    }

    /// Marks a connection as running its handler (or not); false once the server is stopping.
    private func setBusy(_ fd: Int32, _ busy: Bool) -> Bool {
        state.lock(); defer { state.unlock() }
        connections[fd] = busy
        if !busy { state.broadcast() }
        return !stopping
    }

    // MARK: socket setup

    private static func openListener(port: UInt16) throws -> Int32 {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw LoopbackHTTPError(port: port, step: "create a socket for", reason: Socket.errorText()) }
        Socket.setOption(fd, SOL_SOCKET, SO_REUSEADDR, 1)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else {
            let reason = Socket.errorText(); close(fd)
            throw LoopbackHTTPError(port: port, step: "bind", reason: reason)
        }
        guard listen(fd, 128) == 0 else {
            let reason = Socket.errorText(); close(fd)
            throw LoopbackHTTPError(port: port, step: "listen on", reason: reason)
        }
        return fd
    }

    private static func boundPort(of fd: Int32, requested: UInt16) throws -> UInt16 {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard ok == 0 else {
            let reason = Socket.errorText(); close(fd)
            throw LoopbackHTTPError(port: requested, step: "read the bound port of", reason: reason)
        }
        return UInt16(bigEndian: address.sin_port)
    }
}
