import Foundation

/// A one-time job on another thread that other threads wait for by sleeping on a condition variable.
///
/// Why not simply touch the lazy global the job computes: on Linux the Swift runtime guards a lazy global's
/// initialiser with a priority-inheriting futex, and the kernel spins a waiter on it for as long as the owner is
/// running. During libcurl's ~7 ms of dynamic linking that was the cold start's main thread burning a core, which
/// in a Lambda sandbox of less than one vCPU is taken from the loading thread itself.
public final class BackgroundJobGate: @unchecked Sendable {
    private let condition = NSCondition()
    private var running = false

    public init() {}

    /// Marks the job as under way; call before handing it to the other thread, so no waiter can miss it.
    public func begin() { condition.withLock { running = true } }

    /// Marks it done and wakes every waiter.
    public func end() {
        condition.withLock {
            running = false
            condition.broadcast()
        }
    }

    /// Returns once no job is under way (at once when none was begun).
    public func wait() {
        condition.withLock { while running { condition.wait() } }
    }

    /// Whether a job is under way (for tests).
    public var isRunning: Bool { condition.withLock { running } }
}
