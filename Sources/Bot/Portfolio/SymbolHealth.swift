import Foundation

/// Isolation of one symbol: a symbol whose model does not load, whose market is gone or whose cycles fail is set
/// aside with exponential backoff while the others go on. Pure state (exchange times in, verdicts out).
///
/// The first failure of a streak is reported (`.isolated`); later ones are retries, not new reports, until a cycle
/// succeeds (`.recovered`). The wait doubles from `baseDelay` up to `maxDelay` (by default the symbol's interval,
/// so a broken symbol is retried at least once per candle).
public struct SymbolHealth: Sendable, Equatable {
    public enum Verdict: Sendable, Equatable {
        /// First failure of a streak: tell it once.
        case isolated(reason: String, retryAt: Int64)
        /// A further failure of the same streak: retry later, say nothing new.
        case stillFailing(attempt: Int, retryAt: Int64)
        /// A success after a streak.
        case recovered(afterFailures: Int)
        case healthy
    }

    public let baseDelay: Int64
    public let maxDelay: Int64
    public private(set) var failures = 0
    public private(set) var retryAt: Int64?
    public private(set) var reason: String?

    public init(baseDelayMilliseconds: Int64 = 60_000, maxDelayMilliseconds: Int64) {
        baseDelay = max(1, baseDelayMilliseconds)
        maxDelay = max(baseDelay, maxDelayMilliseconds)
    }

    public var isIsolated: Bool { failures > 0 }

    /// True when the symbol may be tried at `now` (healthy, or its backoff has run out).
    public func mayRun(at now: Int64) -> Bool { retryAt.map { now >= $0 } ?? true }

    public mutating func failed(_ why: String, at now: Int64) -> Verdict {
        failures += 1
        var delay = baseDelay
        for _ in 1..<failures where delay < maxDelay { delay *= 2 }
        let next = now + min(delay, maxDelay)
        retryAt = next
        if failures == 1 {
            reason = why
            return .isolated(reason: why, retryAt: next)
        }
        return .stillFailing(attempt: failures, retryAt: next)
    }

    public mutating func succeeded() -> Verdict {
        defer { failures = 0; retryAt = nil; reason = nil }
        return failures > 0 ? .recovered(afterFailures: failures) : .healthy
    }
}
