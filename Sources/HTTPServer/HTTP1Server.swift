#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Why the server could not start listening; one line naming the address and what to do.
public struct HTTPServerError: Error, CustomStringConvertible {
    public var host: String = "127.0.0.1"
    public var port: UInt16
    public var step: String
    public var reason: String

    public var description: String {
        "cannot \(step) \(host):\(port): \(reason); pick another port (or 0 for a free one)"
    }
}

/// A small HTTP/1.1 server over plain POSIX sockets: one accept thread, one thread per connection with blocking
/// reads, keep-alive, TCP_NODELAY, bounded header/body sizes, idle time-out and connection count (so a client
/// cannot exhaust threads). Shared by the loopback Binance server, the bot's status page / REST API and the test
/// fakes (the Telegram-compatible server). It was first made for tests, where a handful of
/// clients talk to it. It replaced a third-party server whose FoundationNetworking import linked libcurl into
/// every `trading-bot` process and whose sockets could not disable Nagle (~40 ms per reused request).
public final class HTTP1Server: @unchecked Sendable {
    public typealias Handler = @Sendable (WireRequest) -> WireReply

    public struct Limits: Sendable {
        /// Request line plus headers; more is answered 431.
        public var maxHeaderBytes = 64 * 1024
        /// Content-Length above this is answered 413.
        public var maxBodyBytes = 16 * 1024 * 1024
        /// A connection with no complete request for this long is closed (so threads never leak).
        public var idleTimeoutSeconds: Double = 300
        /// Open connections beyond this are answered 503 and closed at once.
        public var maxConnections = 256

        public init(maxHeaderBytes: Int = 64 * 1024, maxBodyBytes: Int = 16 * 1024 * 1024, idleTimeoutSeconds: Double = 300,
                    maxConnections: Int = 256) {
            self.maxConnections = maxConnections
            self.maxHeaderBytes = maxHeaderBytes
            self.maxBodyBytes = maxBodyBytes
            self.idleTimeoutSeconds = idleTimeoutSeconds
        }
    }

    public let host: String
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

    /// `host` is an IPv4 address: 127.0.0.1 (the default) or, for a status page other machines reach, 0.0.0.0 or
    /// an interface's address. Callers decide whether a non-loopback bind is allowed.
    public init(host: String = "127.0.0.1", port: UInt16, limits: Limits = Limits(), handler: @escaping Handler) {
        self.host = host
        self.requestedPort = port
        self.limits = limits
        self.handler = handler
    }

    /// The bound port, valid after `start()`.
    public var port: UInt16 { state.lock(); defer { state.unlock() }; return boundPort }

    /// Binds, listens and starts accepting; returns the bound port (the ephemeral one for port 0).
    @discardableResult
    public func start() throws -> UInt16 {
        state.lock(); defer { state.unlock() }
        guard !started else { return boundPort }
        let fd = try Self.openListener(host: host, port: requestedPort)
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
    public func stop() {
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
            if connections.count >= limits.maxConnections {
                state.unlock()
                Socket.setTimeout(client, SO_SNDTIMEO, seconds: 1)
                _ = Socket.writeAll(client, WireResponse.text(503, "too many connections").serialized(keepAlive: false))
                close(client)
                continue
            }
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

    private static func openListener(host: String, port: UInt16) throws -> Int32 {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw HTTPServerError(host: host, port: port, step: "create a socket for", reason: Socket.errorText()) }
        Socket.setOption(fd, SOL_SOCKET, SO_REUSEADDR, 1)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else {
            close(fd)
            throw HTTPServerError(host: host, port: port, step: "bind", reason: "'\(host)' is not an IPv4 address")
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else {
            let reason = Socket.errorText(); close(fd)
            throw HTTPServerError(host: host, port: port, step: "bind", reason: reason)
        }
        guard listen(fd, 128) == 0 else {
            let reason = Socket.errorText(); close(fd)
            throw HTTPServerError(host: host, port: port, step: "listen on", reason: reason)
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
            throw HTTPServerError(port: requested, step: "read the bound port of", reason: reason)
        }
        return UInt16(bigEndian: address.sin_port)
    }
}
