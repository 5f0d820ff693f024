import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// sd_notify(3) without libsystemd: datagrams to the unix socket systemd names in NOTIFY_SOCKET (a path, or an
/// abstract name written with a leading `@`). `READY=1` once the bot is up, `WATCHDOG=1` at half the WatchdogSec
/// systemd asks for (WATCHDOG_USEC), sent by the candle loop itself so a hung loop is restarted, `STOPPING=1` at the
/// end. Does nothing outside systemd.
public final class SystemdNotifier: @unchecked Sendable {
    private let address: String?
    /// Seconds between watchdog pings; nil when systemd runs no watchdog for this service.
    public let watchdogInterval: Double?
    private let lock = NSLock()
    private var lastPing: Double = 0

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        address = environment["NOTIFY_SOCKET"].flatMap { $0.isEmpty ? nil : $0 }
        let usec = environment["WATCHDOG_USEC"].flatMap { Double($0) }
        let forUs = environment["WATCHDOG_PID"].map { Int32($0) == getpid() } ?? true
        watchdogInterval = usec.flatMap { $0 > 0 && forUs ? $0 / 2_000_000 : nil }
    }

    public var isActive: Bool { address != nil }

    public func ready(status: String) { _ = send("READY=1\nSTATUS=\(status)") }
    public func stopping() { _ = send("STOPPING=1") }

    /// Pings the watchdog if half its period has passed since the last ping (cheap to call often).
    public func watchdogIfDue(now: Double = ProcessInfo.processInfo.systemUptime) {
        guard let interval = watchdogInterval else { return }
        let due = lock.withLock { () -> Bool in
            guard now - lastPing >= interval else { return false }
            lastPing = now
            return true
        }
        if due { _ = send("WATCHDOG=1") }
    }

    /// Sends one datagram; false when there is no socket or sending failed (never fatal: systemd notices).
    @discardableResult
    public func send(_ message: String) -> Bool {
        guard let address else { return false }
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        var path = Array(address.utf8)
        if path.first == UInt8(ascii: "@") { path[0] = 0 }  // abstract namespace
        let capacity = MemoryLayout.size(ofValue: addr.sun_path)
        guard path.count < capacity else { return false }
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            raw.copyBytes(from: path)
        }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + path.count + (path.first == 0 ? 0 : 1))
        let bytes = Array(message.utf8)
        let sent = withUnsafePointer(to: &addr) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sockaddrPointer in
                sendto(fd, bytes, bytes.count, Int32(MSG_NOSIGNAL), sockaddrPointer, length)
            }
        }
        return sent == bytes.count
    }
}
