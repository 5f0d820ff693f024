import Foundation

/// The server's notion of "now", owned by the test: klines' closed/open status, serverTime,
/// the recvWindow check and order fills all read it, so a test can run days of candles in
/// milliseconds by calling `advance(ms:)`. When `isRunning`, it also moves with wall time
/// from the last set point (so real clients that sync once keep a valid offset).
public final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var baseMs: Int64
    private var wallAtBase: Double
    private var running: Bool
    /// Called (outside the clock's lock) after every jump with (previousMs, newMs).
    var onJump: ((Int64, Int64) -> Void)?

    init(startMs: Int64, running: Bool) {
        baseMs = startMs
        wallAtBase = Self.monotonicSeconds()
        self.running = running
    }

    /// Current time in ms since the Unix epoch.
    public var nowMs: Int64 {
        lock.lock(); defer { lock.unlock() }
        return currentLocked()
    }

    public var isRunning: Bool {
        lock.lock(); defer { lock.unlock() }
        return running
    }

    /// Jumps to an absolute time (may go backwards; fills only happen going forwards).
    public func set(ms: Int64) {
        let old: Int64
        lock.lock()
        old = currentLocked()
        baseMs = ms
        wallAtBase = Self.monotonicSeconds()
        lock.unlock()
        onJump?(old, ms)
    }

    /// Moves forward by `ms`; resting orders that the traversed candles cross are filled.
    public func advance(ms: Int64) {
        let old: Int64, new: Int64
        lock.lock()
        old = currentLocked()
        new = old + max(0, ms)
        baseMs = new
        wallAtBase = Self.monotonicSeconds()
        lock.unlock()
        onJump?(old, new)
    }

    /// Stops the clock at its current time (deterministic serverTime for assertions).
    public func freeze() {
        lock.lock(); defer { lock.unlock() }
        baseMs = currentLocked()
        wallAtBase = Self.monotonicSeconds()
        running = false
    }

    /// Lets the clock move with wall time again from where it is.
    public func resume() {
        lock.lock(); defer { lock.unlock() }
        baseMs = currentLocked()
        wallAtBase = Self.monotonicSeconds()
        running = true
    }

    private func currentLocked() -> Int64 {
        guard running else { return baseMs }
        return baseMs + Int64((Self.monotonicSeconds() - wallAtBase) * 1000)
    }

    static func monotonicSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    static func wallMs() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
}
