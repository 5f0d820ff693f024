import Foundation

/// Delivers one channel's outbox entries in order, beside the trading cycle (its own task): the cycle only writes
/// rows, so a slow or dead chat service never delays an order. Each payload is acknowledged before the next; the
/// cursor moves only after an entry's last payload, so a crash re-sends at most the one payload in flight and never
/// skips one. Waits follow `RetryPolicy` and `Pacer`.
public final class OutboxDispatcher: @unchecked Sendable {
    public let channel: any NotificationChannel
    public let store: any OutboxStore
    /// Monotonic seconds (pacing, waits).
    private let now: @Sendable () -> Double
    private let log: @Sendable (String) -> Void
    public var pollInterval: Double = 0.2
    private let lock = NSLock()
    private var stopped = false
    private var state = ChannelState()
    private var cursor: Int64 = 0
    private var pacer = Pacer()

    public init(channel: any NotificationChannel, store: any OutboxStore,
                now: @escaping @Sendable () -> Double = { ProcessInfo.processInfo.systemUptime },
                log: @escaping @Sendable (String) -> Void) {
        self.channel = channel
        self.store = store
        self.now = now
        self.log = log
    }

    /// Loads the channel's cursor; a channel seen for the first time starts after the newest entry (a channel added
    /// later is not flooded with history). Call before writing the start-up entry.
    public func register() throws {
        if let saved = try store.cursor(channel: channel.name) {
            lock.withLock {
                cursor = saved.deliveredID
                state = ChannelState.decode(saved.state)
                // A channel disabled in an earlier process gets one new try: its settings may have been fixed.
                if state.status == .disabled { state.status = .ok }
            }
        } else {
            let last = try store.lastEntryID()
            lock.withLock { cursor = last }
            try store.saveCursor(channel: channel.name, deliveredID: last, state: ChannelState().encoded)
        }
    }

    public func stop() { lock.withLock { stopped = true } }
    private var isStopped: Bool { lock.withLock { stopped } }

    public func health() -> ChannelHealth {
        let last = (try? store.lastEntryID()) ?? 0
        return lock.withLock {
            ChannelHealth(channel: channel.name, status: state.status, delivered: state.delivered, skipped: state.skipped,
                          pending: max(0, last - cursor), lastError: state.lastError)
        }
    }

    /// Runs until `stop()`.
    public func run() async {
        while !isStopped {
            if lock.withLock({ state.status == .disabled }) { await sleep(1); continue }
            let progressed = await deliverPending()
            if !progressed { await sleep(pollInterval) }
        }
    }

    /// Delivers every pending entry (or until a wait is needed and done, or the channel is disabled). Returns whether
    /// any entry was read.
    @discardableResult
    public func deliverPending() async -> Bool {
        if lock.withLock({ state.status == .disabled }) { return false }
        let entries: [NotifyEntry]
        do { entries = try store.entries(after: lock.withLock { cursor }, limit: 50) } catch {
            log("\(channel.name): cannot read the outbox: \(error)")
            return false
        }
        for entry in entries {
            guard await deliver(entry) else { return true }
        }
        return !entries.isEmpty
    }

    /// Sends one entry's remaining payloads; true when the entry is done (cursor moved).
    private func deliver(_ entry: NotifyEntry) async -> Bool {
        let current = lock.withLock { state }
        let plan = DeliveryPlan.payloads(for: entry, coalescer: current.coalescer, channel: channel)
        var index = current.partsSent
        while index < plan.payloads.count {
            if isStopped { return false }
            let payload = plan.payloads[index]
            if let key = payload.pacingKey {
                let wait = lock.withLock { pacer.delay(for: key, now: now()) }
                if wait > 0 { await sleep(wait); continue }
            }
            let outcome = await channel.send(payload)
            if let key = payload.pacingKey { lock.withLock { pacer.record(key, now: now()) } }
            let failures = lock.withLock { state.failures }
            switch RetryPolicy.action(for: outcome, failures: failures) {
            case .next:
                index += 1
                let recovered = lock.withLock { () -> Bool in
                    let was = state.status == .retrying
                    state.partsSent = index
                    state.delivered += 1
                    state.failures = 0
                    state.status = .ok
                    return was
                }
                if recovered { log("\(channel.name): delivering again") }
                save()
            case .wait(let seconds):
                let first = lock.withLock { () -> Bool in
                    if case .transient = outcome { state.failures += 1 }
                    let first = state.status != .retrying
                    state.status = .retrying
                    state.lastError = Self.reason(outcome)
                    return first
                }
                if first { log("\(channel.name): \(Self.reason(outcome)); retrying in \(Self.seconds(seconds)) (entry \(entry.id))") }
                save()
                await sleep(seconds)
            case .skip(let reason):
                index += 1
                lock.withLock {
                    state.partsSent = index
                    state.skipped += 1
                    state.lastError = reason
                }
                log("\(channel.name): message for entry \(entry.id) (\(entry.kind)) cannot be sent and is skipped: \(reason)")
                save()
            case .disable(let reason):
                lock.withLock {
                    state.status = .disabled
                    state.lastError = reason
                }
                log("\(channel.name): \(reason); not retrying until the bot restarts (messages wait in the journal's outbox)")
                save()
                return false
            }
        }
        lock.withLock {
            cursor = entry.id
            state.coalescer = plan.coalescer
            state.partsSent = 0
        }
        save()
        return true
    }

    private func save() {
        let (id, text) = lock.withLock { (cursor, state.encoded) }
        do { try store.saveCursor(channel: channel.name, deliveredID: id, state: text) } catch {
            log("\(channel.name): cannot save the delivery cursor: \(error)")
        }
    }

    /// Sleeps in short slices so `stop()` is honoured quickly.
    private func sleep(_ seconds: Double) async {
        var left = seconds
        while left > 0 && !isStopped {
            let slice = min(left, 0.1)
            try? await Task.sleep(nanoseconds: UInt64(slice * 1_000_000_000))
            left -= slice
        }
    }

    static func reason(_ outcome: DeliveryOutcome) -> String {
        switch outcome {
        case .delivered: return "delivered"
        case .retryAfter(let seconds, let reason): return "\(reason) (retry after \(seconds) s)"
        case .transient(let reason), .rejected(let reason), .permanent(let reason): return reason
        }
    }

    static func seconds(_ s: Double) -> String { s == s.rounded() ? "\(Int(s)) s" : String(format: "%.1f s", s) }
}
