import Bot
import Cloud
import Foundation
import Notify
import Operate

/// One invocation of `trading-bot lambda`: journal from S3 → lease → one cycle (the `run --once` cycle, with the
/// candle claim and the deadline gate as hooks) → journal back to S3 → the answer → SNS alerts from the journal's
/// outbox → journal again. Every outcome that was recorded is an answer, not an error: Lambda must not retry a cycle.
public final class LambdaHandler: @unchecked Sendable {
    /// What the cycle gets from the handler: the claim to make before deciding, and the deadline gate before orders.
    public struct Hooks: Sendable {
        public var candleClaim: @Sendable (Int64) async throws -> String?
        public var orderGate: @Sendable () -> String?
    }

    public typealias Cycle = @Sendable (_ journal: Journal, _ hooks: Hooks) async -> CycleReport

    public let settings: LambdaSettings
    public let s3: S3Client
    public let claims: CandleClaims
    public let sns: SNSClient?
    public let cycle: Cycle
    public let log: @Sendable (String) -> Void
    /// Wall clock in Unix ms (tests may shift it).
    public let wallMs: @Sendable () -> Int64

    public static let leaseKey = "lambda_lease"

    /// The journal as this process last read or wrote it (init's prefetch, then each invocation's last upload):
    /// the next invocation starts from it instead of downloading it again. If anything else wrote the journal
    /// meanwhile, its lease upload gets 412 before anything is claimed, and the invocation starts over from a fresh
    /// download.
    private var held: S3Journal.Copy?
    /// The journal init read and opened (`S3Journal.prepare()`), for the first invocation; nil once taken.
    private var prepared: Task<S3Journal.Opened?, Never>?
    private let heldLock = NSLock()

    /// `journal`: a copy read at init (`S3Journal.fetch()`), or nil. `prepared`: the journal being read and opened
    /// at init, which the first invocation waits for instead of downloading it (nil inside: it could not be read).
    public init(settings: LambdaSettings, s3: S3Client, claims: CandleClaims, sns: SNSClient?, cycle: @escaping Cycle,
                log: @escaping @Sendable (String) -> Void, journal: S3Journal.Copy? = nil,
                prepared: Task<S3Journal.Opened?, Never>? = nil,
                wallMs: @escaping @Sendable () -> Int64 = { Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) }) {
        self.settings = settings; self.s3 = s3; self.claims = claims; self.sns = sns; self.cycle = cycle; self.log = log; self.wallMs = wallMs
        self.held = journal
        self.prepared = prepared
    }

    private func hold(_ copy: S3Journal.Copy?) { heldLock.withLock { held = copy } }
    private func takeHeld() -> S3Journal.Copy? { heldLock.withLock { defer { held = nil }; return held } }
    private func takePrepared() -> Task<S3Journal.Opened?, Never>? { heldLock.withLock { defer { prepared = nil }; return prepared } }

    /// Where an invocation's working copy comes from.
    private enum Start {
        /// Read and opened at init.
        case opened(S3Journal.Opened)
        /// The copy this process last read or wrote.
        case held(S3Journal.Copy)
        /// Downloaded now: never stale.
        case fresh

        var mayBeStale: Bool { if case .fresh = self { return false } else { return true } }
    }

    /// What an invocation answers, and the work that follows the answer (SNS alerts from the outbox, then the
    /// journal with the channel's cursor). The caller posts `summary` first, then runs `afterResponse`, before it
    /// asks for the next event. Alerts that do not get out then stay in the S3 journal's outbox, and the next
    /// invocation sends them. Their markers keep each one to a single message.
    public struct Handled: Sendable {
        public var summary: InvocationSummary
        public var afterResponse: (@Sendable () async -> Void)?
    }

    /// The lease upload came back 412: another invocation wrote the journal after this one read it.
    struct LeaseLost: Error, CustomStringConvertible {
        var description: String { "journal-conflict" }
    }

    /// Handles one invocation. Throws only when nothing could be recorded (S3 unreachable, journal unreadable).
    ///
    /// S3 writes, in order: the lease, which is the journal with this request's lease row, conditional on the ETag
    /// it was read at. It is sent while the cycle reads the exchange, and the candle claim waits for it, so nothing
    /// is claimed or ordered before it is held. Then the candle claim. Then the journal after the cycle, with every
    /// order it placed, before the answer. An order is only sent after its row is in the working copy, and that copy
    /// reaches S3 before the answer. If the process dies between the order and that upload, the S3 journal keeps the
    /// lease but not the order. The claim keeps the candle from being traded again. The client order id is derived
    /// from the candle, so the exchange refuses a second one. The next invocation's reconcile reads the position
    /// from the exchange.
    public func handle(requestID: String, deadlineMs: Int64) async throws -> Handled {
        let start: Start?
        if let opened = await takePrepared()?.value {
            start = .opened(opened)
        } else {
            start = takeHeld().map { .held($0) }
        }
        if let start {
            if let handled = try await attempt(requestID: requestID, deadlineMs: deadlineMs, start: start) { return handled }
            log("journal \(settings.journal): the copy held from before this invocation is stale (412 on the lease); reading it again")
        }
        return try await attempt(requestID: requestID, deadlineMs: deadlineMs, start: .fresh)!
    }

    /// One try at the invocation from `start`. Nil when a copy from before this invocation turned out stale before
    /// anything was claimed, ordered or stored: the caller tries again on a fresh download.
    private func attempt(requestID: String, deadlineMs: Int64, start origin: Start) async throws -> Handled? {
        var summary = InvocationSummary(status: "done", requestId: requestID)
        let store = S3Journal(s3: s3, location: settings.journal, directory: settings.downloadDirectory)
        let journal: Journal
        do {
            switch origin {
            case .opened(let opened): journal = store.adopt(opened)
            case .held(let copy): journal = try await store.open(requestID: requestID, copy: copy)
            case .fresh: journal = try await store.open(requestID: requestID)
            }
        } catch { store.removeLocal(); throw error }
        defer { hold(store.current) }
        var keepLocal = false
        defer { if !keepLocal { store.removeLocal() } }
        let start = wallMs()
        let margin = settings.safetyMarginMs

        // Too little time to place an order and record it: record the skip and stop (the candle stays unclaimed, so
        // a later delivery with time enough can still trade it).
        let left = deadlineMs - start
        if left < margin {
            summary.status = "skipped"
            summary.message = "deadline: \(left) ms left of the invocation, an order needs \(margin) ms (LAMBDA_SAFETY_MARGIN_MS) to be placed and recorded; nothing traded"
            try journal.recordEvent(kind: "skip", message: "lambda request \(requestID): \(summary.message ?? "")", at: start)
            let upload = try await store.upload(journal)
            if upload == .conflict && origin.mayBeStale { return nil }
            summary.journal = note(upload)
            return Handled(summary: summary)
        }

        // The lease: another invocation that read the journal and has not written it back yet holds it.
        if let lease = try journal.stateValue(Self.leaseKey) {
            let parts = lease.split(separator: " ")
            if parts.count == 2, String(parts[0]) != requestID, let until = Int64(parts[1]), until > start {
                summary.status = "journal-busy"
                summary.message = "invocation \(parts[0]) is using the journal \(settings.journal) until \(CandleClaims.iso(until)); stopped without trading"
                return Handled(summary: summary)
            }
        }
        let dispatcher = sns.flatMap { client in settings.sns.map { destination in
            OutboxDispatcher(channel: SNSChannel(sns: client, destination: destination, s3: s3,
                                                 markers: settings.journal.sibling(settings.journal.key + ".alerts")),
                             store: JournalOutbox(journal: journal, clock: wallMs), log: log)
        } }
        try dispatcher?.register()
        try journal.setStateValue(Self.leaseKey, "\(requestID) \(deadlineMs)", at: start)
        try journal.recordEvent(kind: "lambda", message: "request \(requestID) started, deadline \(CandleClaims.iso(deadlineMs))", at: start)
        let leaseSnapshot = try journal.serialized()
        let lease = Task { try await store.upload(snapshot: leaseSnapshot) }

        let hooks = Hooks(
            candleClaim: { [claims, wallMs] open in
                guard try await lease.value == .stored else { throw LeaseLost() }
                return try await claims.claim(candleOpen: open, requestID: requestID, at: wallMs())
            },
            orderGate: { [wallMs] in
                let left = deadlineMs - wallMs()
                return left < margin ? "deadline: \(left) ms left, an order needs \(margin) ms to be placed and recorded" : nil
            })
        let report = await cycle(journal, hooks)
        let leased = try await lease.value
        if leased == .conflict && origin.mayBeStale { return nil }
        if leased == .conflict {
            // Nothing was claimed or ordered (the claim waits for the lease); the journal in S3 is the other one's.
            summary.status = "journal-conflict"
            summary.message = "the journal \(settings.journal) changed since this invocation read it (another invocation ran meanwhile); stopped without trading"
            return Handled(summary: summary)
        }
        summary.status = report.status.rawValue
        summary.candleTime = report.candleTime
        summary.candle = report.candleTime.map(CandleClaims.iso)
        summary.decision = report.decision?.label
        summary.orders = report.orders
        summary.message = report.error
        if let id = report.cycleID { summary.clientOrderIds = (try? journal.orders(cycleID: id).map(\.clientOrderID)) ?? [] }
        log(report.line)

        try journal.setStateValue(Self.leaseKey, nil, at: wallMs())
        summary.journal = note(try await store.upload(journal))
        guard summary.journal == "stored", let dispatcher else { return Handled(summary: summary) }

        let pending = dispatcher.health().pending
        guard pending > 0 else { return Handled(summary: summary) }
        summary.alerts = "\(pending) pending, sent after this answer"
        keepLocal = true
        return Handled(summary: summary, afterResponse: { [self] in
            defer { store.removeLocal() }
            // Delivery gets what is left of the invocation, less a second to write the cursor back.
            let stopAt = deadlineMs - 1_000
            let watchdog = Task { [wallMs] in
                while !Task.isCancelled && wallMs() < stopAt { try? await Task.sleep(nanoseconds: 50_000_000) }
                dispatcher.stop()
            }
            await dispatcher.deliverPending()
            watchdog.cancel()
            let health = dispatcher.health()
            let stored = (try? await store.upload(journal)).map(note) ?? "not stored: S3 unreachable"
            hold(store.current)
            log("request \(requestID) alerts: \(health.delivered) sent, \(health.pending) pending"
                + (health.lastError.map { ", last error: \($0)" } ?? "") + "; journal \(stored)")
        })
    }

    /// The answer's `journal` field for an upload (and a log line for a refused one).
    private func note(_ upload: S3Journal.Upload) -> String {
        switch upload {
        case .stored: return "stored"
        case .conflict:
            log("journal \(settings.journal): the upload was refused (412): another invocation wrote it meanwhile; this invocation's record is in its answer and log only")
            return "conflict: another invocation wrote \(settings.journal) meanwhile; this record was not saved"
        }
    }
}
