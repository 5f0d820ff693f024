import Foundation

/// The dead-man switch as a pure state machine: warns once when no cycle has completed for two intervals, and once
/// when the exchange has been unreachable for `unreachableLimit` ms; says so again when things recover.
public struct DeadMan: Sendable, Equatable {
    public var interval: Int64
    public var unreachableLimit: Int64
    /// Exchange time the watch started (the reference before any cycle completes).
    public var startedAt: Int64
    private var warnedStale = false
    private var unreachableSince: Int64?
    private var warnedUnreachable = false
    private var lastCompleted: Int64?

    public init(interval: Int64, unreachableLimit: Int64, startedAt: Int64) {
        self.interval = interval
        self.unreachableLimit = unreachableLimit
        self.startedAt = startedAt
    }

    public enum Alert: Equatable, Sendable {
        case stale(sinceMs: Int64, lastCompleted: Int64?)
        case cyclingAgain
        case unreachable(sinceMs: Int64)
        case reachableAgain(afterMs: Int64)
    }

    /// `lastCompleted`: finish time (exchange ms) of the newest completed cycle, nil if none yet.
    public mutating func cycles(lastCompleted: Int64?, now: Int64) -> Alert? {
        if let lastCompleted, lastCompleted != self.lastCompleted {
            self.lastCompleted = lastCompleted
            if warnedStale { warnedStale = false; return .cyclingAgain }
        }
        let reference = max(self.lastCompleted ?? startedAt, startedAt)
        guard !warnedStale, now - reference >= 2 * interval else { return nil }
        warnedStale = true
        return .stale(sinceMs: now - reference, lastCompleted: self.lastCompleted)
    }

    public mutating func exchange(reachable: Bool, now: Int64) -> Alert? {
        if reachable {
            defer { unreachableSince = nil; warnedUnreachable = false }
            if warnedUnreachable, let since = unreachableSince { return .reachableAgain(afterMs: now - since) }
            return nil
        }
        let since = unreachableSince ?? now
        unreachableSince = since
        guard !warnedUnreachable, now - since >= unreachableLimit else { return nil }
        warnedUnreachable = true
        return .unreachable(sinceMs: now - since)
    }

    public static func duration(_ ms: Int64) -> String {
        let minutes = ms / 60_000
        if minutes < 120 { return "\(minutes) min" }
        let hours = minutes / 60
        if hours < 48 { return "\(hours) h \(minutes % 60) min" }
        return "\(hours / 24) d \(hours % 24) h"
    }
}
