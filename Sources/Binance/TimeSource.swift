import Foundation

/// Where the client gets "now" and how it waits: the system clock in production, a manual clock in
/// tests so rate-limit waits and bans of minutes take no real time.
public struct TimeSource: Sendable {
    /// Milliseconds since the epoch.
    public var now: @Sendable () -> Int64
    /// Waits `ms` milliseconds.
    public var sleep: @Sendable (_ ms: Int64) async throws -> Void

    public init(now: @escaping @Sendable () -> Int64, sleep: @escaping @Sendable (Int64) async throws -> Void) {
        self.now = now; self.sleep = sleep
    }

    public static let system = TimeSource(
        now: { Int64((Date().timeIntervalSince1970 * 1000).rounded()) },
        sleep: { ms in if ms > 0 { try await Task.sleep(nanoseconds: UInt64(ms) * 1_000_000) } })
}

/// A clock that only moves when told (or when someone sleeps on it); for tests.
public final class ManualTime: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Int64
    private var slept: [Int64] = []

    public init(startMs: Int64) { current = startMs }

    public var nowMs: Int64 { lock.lock(); defer { lock.unlock() }; return current }
    /// Every sleep requested so far, in ms.
    public var sleeps: [Int64] { lock.lock(); defer { lock.unlock() }; return slept }
    public func advance(_ ms: Int64) { lock.lock(); current += ms; lock.unlock() }
    public func set(_ ms: Int64) { lock.lock(); current = ms; lock.unlock() }
    private func record(_ ms: Int64) { lock.lock(); slept.append(ms); current += max(ms, 0); lock.unlock() }

    public var timeSource: TimeSource {
        TimeSource(now: { [self] in nowMs }, sleep: { [self] ms in
            record(ms)
            await Task.yield()
        })
    }
}
