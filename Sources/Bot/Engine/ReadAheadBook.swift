import Foundation

/// The bookkeeping of a read-ahead window (`ReadAheadExchange`), without any I/O: which read of which call runs,
/// which joins one already started, and what a write or a failure drops. Pure, so every rule is tested on its own.
///
/// A read is kept only while the window is open and no write has happened since it started: `invalidate()` drops
/// every kept read, so the next read of the same call starts a fresh one. A failed read is dropped too (only if it is
/// still the kept one), so a retry reaches the exchange instead of re-reading the failure.
public struct ReadAheadBook<Key: Hashable & Sendable>: Sendable {
    /// What to do with one read.
    public enum Step: Equatable, Sendable {
        /// No window: straight to the exchange, nothing kept.
        case direct
        /// First read of this call in the window (since the last write): run it as `token`; later reads join it.
        case start(token: Int)
        /// A read of this call is in flight or done in this window: wait for `token`'s answer.
        case join(token: Int)
    }

    /// Tallies for tests and benchmarks.
    public struct Counts: Equatable, Sendable {
        /// Reads started ahead of need (`read(_, priming: true)`).
        public var primed = 0
        /// Reads started by the caller that needed them (nothing to join).
        public var started = 0
        /// Reads answered by a read already started.
        public var joined = 0
        /// Writes (or order look-ups) that dropped every kept read while the window was open.
        public var invalidations = 0
        /// Kept reads dropped because they failed.
        public var failures = 0
        public init(primed: Int = 0, started: Int = 0, joined: Int = 0, invalidations: Int = 0, failures: Int = 0) {
            self.primed = primed; self.started = started; self.joined = joined
            self.invalidations = invalidations; self.failures = failures
        }
    }

    public private(set) var isOpen = false
    public private(set) var counts = Counts()
    private var kept: [Key: Int] = [:]
    private var nextToken = 0

    public init() {}

    /// Tokens of the reads that later reads would join.
    public var keptTokens: Set<Int> { Set(kept.values) }

    /// Opens a window: nothing kept yet. Returns the tokens dropped (none unless a window was left open).
    @discardableResult
    public mutating func open() -> [Int] {
        let dropped = Array(kept.values)
        kept = [:]
        isOpen = true
        return dropped
    }

    /// Closes the window: every later read goes straight through. Returns the tokens dropped.
    @discardableResult
    public mutating func close() -> [Int] {
        let dropped = Array(kept.values)
        kept = [:]
        isOpen = false
        return dropped
    }

    /// The step for one read of `key`; `priming` marks a read started ahead of need.
    public mutating func read(_ key: Key, priming: Bool = false) -> Step {
        guard isOpen else { return .direct }
        if let token = kept[key] {
            counts.joined += 1
            return .join(token: token)
        }
        nextToken += 1
        kept[key] = nextToken
        if priming { counts.primed += 1 } else { counts.started += 1 }
        return .start(token: nextToken)
    }

    /// A write (or anything that may show a change of the account): every kept read is dropped, so each read after
    /// it is fresh. Returns the tokens dropped.
    @discardableResult
    public mutating func invalidate() -> [Int] {
        let dropped = Array(kept.values)
        kept = [:]
        if isOpen { counts.invalidations += 1 }
        return dropped
    }

    /// Read `token` of `key` failed: dropped if it is still the kept one, so the next read (a retry) is fresh.
    /// Returns whether it was dropped.
    @discardableResult
    public mutating func failed(_ key: Key, token: Int) -> Bool {
        guard kept[key] == token else { return false }
        kept[key] = nil
        counts.failures += 1
        return true
    }
}
