import Exchange
import Foundation

/// Time as the loop sees it: "now" on the exchange's clock and a way to wait. Injected, so tests and the soak drive
/// the loop through many candles without waiting for them.
public protocol TradingClock: Sendable {
    /// Exchange time, milliseconds since 1970.
    func now() async throws -> Int64
    /// Waits about `milliseconds` of real time (or returns at once in a simulation).
    func sleep(milliseconds: Int64) async throws
}

/// The exchange's clock: local time plus an offset measured with `fetchTime`, re-measured every `resyncEvery`.
public final class ExchangeClock: TradingClock, @unchecked Sendable {
    private let exchange: any Exchange
    private let resyncEvery: Int64
    private let lock = NSLock()
    private var offset: Int64 = 0
    /// Local time of the last measurement; nil = never measured.
    private var lastSync: Int64?

    public init(exchange: any Exchange, resyncEveryMilliseconds: Int64 = 60_000) {
        self.exchange = exchange
        self.resyncEvery = resyncEveryMilliseconds
    }

    static func localNow() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }

    public func now() async throws -> Int64 {
        let local = ExchangeClock.localNow()
        let stale: Bool = lock.withLock { lastSync.map { local - $0 >= resyncEvery } ?? true }
        if stale {
            let before = ExchangeClock.localNow()
            let server = try await exchange.fetchTime()
            let after = ExchangeClock.localNow()
            lock.withLock {
                offset = server - (before + after) / 2
                lastSync = after
            }
            return server + (ExchangeClock.localNow() - after)
        }
        return lock.withLock { local + offset }
    }

    /// Forces a re-measurement at the next `now()`.
    public func invalidate() { lock.withLock { lastSync = nil } }

    public func sleep(milliseconds: Int64) async throws {
        guard milliseconds > 0 else { return }
        try await Task.sleep(nanoseconds: UInt64(milliseconds) * 1_000_000)
    }
}
