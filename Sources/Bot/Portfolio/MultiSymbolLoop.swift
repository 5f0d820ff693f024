import Exchange
import Foundation

/// Several symbols on one account in one process: each symbol cycles on its own candle close (intervals may
/// differ), all symbols due at the same moment run in one pass that reads the account once, the account-level
/// caps (`AccountRisk`) size and gate every entry, and a failing symbol is isolated with backoff
/// (`SymbolHealth`) without stopping the others. Each symbol keeps its own unchanged `Trader`.
public final class MultiSymbolLoop: @unchecked Sendable {
    /// One traded symbol.
    public final class Slot: @unchecked Sendable {
        public let config: BotConfig
        public let stake: Stake
        public let intervalMilliseconds: Int64
        /// Builds the symbol's Trader (loads its model); retried with backoff while it throws.
        let makeTrader: () throws -> Trader
        public internal(set) var trader: Trader?
        public internal(set) var health: SymbolHealth
        var lastRunOpen: Int64?

        public init(config: BotConfig, makeTrader: @escaping () throws -> Trader) {
            self.config = config
            self.stake = Stake(config: config)
            self.intervalMilliseconds = config.intervalMilliseconds
            self.makeTrader = makeTrader
            self.health = SymbolHealth(maxDelayMilliseconds: config.intervalMilliseconds)
        }

        public var symbol: String { config.symbol }
    }

    /// What the loop tells its owner (the CLI logs it; tests read it).
    public enum Event: Sendable {
        case cycle(symbol: String, report: CycleReport)
        /// First failure of a streak: reported once.
        case isolated(symbol: String, reason: String, retryAt: Int64)
        case retryFailed(symbol: String, attempt: Int, reason: String, retryAt: Int64)
        case recovered(symbol: String, afterFailures: Int)
        case risk(RiskEvent)
        case reconcile(symbol: String, note: String)
        case pass(time: Int64, symbols: [String], balanceFetches: Int, positionFetches: Int)
        case warning(String)
    }

    public let exchange: PassCachedExchange
    public let journal: Journal
    public let clock: any TradingClock
    public let slots: [Slot]
    public let settle: String
    public var wakeDelayMilliseconds: Int64 = 1_000
    public var maxNapMilliseconds: Int64 = 15_000
    public var stopCheckMilliseconds: Int64 = 500
    public var onEvent: @Sendable (Event) -> Void = { _ in }
    private let lock = NSLock()
    private var stopRequested = false
    private var risk: AccountRisk

    public init(slots: [Slot], exchange: PassCachedExchange, journal: Journal, clock: any TradingClock, limits: AccountLimits) {
        self.slots = slots
        self.exchange = exchange
        self.journal = journal
        self.clock = clock
        settle = slots.first.map { MultiSymbolLoop.settle(of: $0.symbol) } ?? "USDT"
        risk = MultiSymbolLoop.loadRisk(journal: journal, limits: limits)
    }

    static func settle(of symbol: String) -> String { symbol.split(separator: ":").last.map(String.init) ?? "USDT" }

    public func stop() { lock.withLock { stopRequested = true } }
    public var isStopping: Bool { lock.withLock { stopRequested } }

    /// The risk state (for tests and the journal).
    public var riskState: AccountRisk { lock.withLock { risk } }

    // MARK: start-up

    /// Loads every model (a failure isolates that symbol only) and reconciles each symbol with the exchange.
    public func start(now: Int64) async {
        for slot in slots { _ = load(slot, now: now) }
        for slot in slots {
            guard let trader = slot.trader else { continue }
            do {
                for note in try await trader.reconcile(now: now, onlyOwnSymbol: true) { onEvent(.reconcile(symbol: slot.symbol, note: note)) }
            } catch {
                onEvent(.warning("\(slot.symbol): reconcile failed: \(error); continuing, its orders stay guarded by the journal"))
            }
        }
    }

    private func load(_ slot: Slot, now: Int64) -> Bool {
        if slot.trader != nil { return true }
        do {
            let trader = try slot.makeTrader()
            trader.entryGate = { [weak self] symbol, free in
                guard let self else { return .refuse("the loop has stopped") }
                return self.decideEntry(symbol: symbol, free: free)
            }
            slot.trader = trader
            return true
        } catch {
            failed(slot, "cannot load its model: \(error)", now: now)
            return false
        }
    }

    private func decideEntry(symbol: String, free: Decimal) -> EntryVerdict {
        guard let slot = slots.first(where: { $0.symbol == symbol }) else { return .refuse("unknown symbol \(symbol)") }
        return lock.withLock { risk.decide(symbol: symbol, stake: slot.stake, free: free) }
    }

    private func failed(_ slot: Slot, _ reason: String, now: Int64) {
        switch slot.health.failed(reason, at: now) {
        case .isolated(let why, let at):
            onEvent(.isolated(symbol: slot.symbol, reason: why, retryAt: at))
            try? journal.recordEvent(kind: "isolated", message: "\(slot.symbol) isolated: \(why); retrying from \(UTCTime.iso(at))", symbol: slot.symbol, at: now)
        case .stillFailing(let attempt, let at):
            onEvent(.retryFailed(symbol: slot.symbol, attempt: attempt, reason: reason, retryAt: at))
            try? journal.recordEvent(kind: "retry", message: "\(slot.symbol) retry \(attempt) failed; next at \(UTCTime.iso(at))", symbol: slot.symbol, at: now)
        default: break
        }
    }

    // MARK: scheduling

    /// Whether `slot` should run at `now`: its candle has closed (plus the wake delay) since it last ran, or, while
    /// isolated, its backoff has run out.
    func isDue(_ slot: Slot, now: Int64) -> Bool {
        if slot.health.isIsolated { return slot.health.mayRun(at: now) }
        guard let last = slot.lastRunOpen else { return true }
        let open = CandleLoop.candleOpen(now, slot.intervalMilliseconds)
        return open > last && now >= open + wakeDelayMilliseconds
    }

    /// Exchange time of the next moment any symbol is due.
    func nextWake(after now: Int64) -> Int64 {
        slots.map { slot -> Int64 in
            if slot.health.isIsolated, let at = slot.health.retryAt { return at }
            guard let last = slot.lastRunOpen else { return now }
            return last + slot.intervalMilliseconds + wakeDelayMilliseconds
        }.min() ?? now + maxNapMilliseconds
    }

    /// Runs passes until stopped, or until `maxPasses` passes have run (`--once` = 1: every symbol due now).
    @discardableResult
    public func run(maxPasses: Int? = nil) async -> Int {
        var passes = 0
        while !isStopping {
            if let maxPasses, passes >= maxPasses { break }
            let now: Int64
            do { now = try await clock.now() } catch {
                passes += 1
                onEvent(.warning("cannot read the exchange clock: \(error)"))
                if let maxPasses, passes >= maxPasses { break }
                do { try await clock.sleep(milliseconds: min(maxNapMilliseconds, 5_000)) } catch { break }
                continue
            }
            let due = slots.filter { isDue($0, now: now) }
            if !due.isEmpty {
                await runPass(due, now: now)
                passes += 1
                continue
            }
            var nap = max(1, min(nextWake(after: now) - now, maxNapMilliseconds))
            do {
                while nap > 0 && !isStopping {
                    let slice = min(nap, stopCheckMilliseconds)
                    try await clock.sleep(milliseconds: slice)
                    nap -= slice
                }
            } catch { break }
        }
        return passes
    }

    /// One pass: the account read once, then each due symbol's cycle in SYMBOLS order.
    public func runPass(_ due: [Slot], now: Int64) async {
        let all = slots.map(\.symbol)
        let before = (exchange.balanceFetches, exchange.positionFetches)
        exchange.beginPass(symbols: all)
        defer { exchange.endPass() }
        await beginRisk(now: now, symbols: all)
        for slot in due {
            let open = CandleLoop.candleOpen(now, slot.intervalMilliseconds)
            guard load(slot, now: now), let trader = slot.trader else { continue }
            let report = await trader.runCycle(now: now)
            onEvent(.cycle(symbol: slot.symbol, report: report))
            if report.status == .failed {
                failed(slot, report.error ?? "cycle failed", now: now)
            } else {
                if case .recovered(let n) = slot.health.succeeded() {
                    onEvent(.recovered(symbol: slot.symbol, afterFailures: n))
                    try? journal.recordEvent(kind: "recovered", message: "\(slot.symbol) recovered after \(n) failed attempt\(n == 1 ? "" : "s")",
                                             symbol: slot.symbol, at: now)
                }
                slot.lastRunOpen = open
            }
        }
        onEvent(.pass(time: now, symbols: due.map(\.symbol), balanceFetches: exchange.balanceFetches - before.0,
                      positionFetches: exchange.positionFetches - before.1))
    }

    /// Reads the account for the pass (the Traders then reuse the answers) and updates the daily-loss state.
    private func beginRisk(now: Int64, symbols: [String]) async {
        let snapshot: AccountSnapshot
        do {
            let balance = try await exchange.fetchBalance()
            let positions = try await exchange.fetchPositions(symbols: symbols)
            let entry = balance[settle]
            snapshot = AccountSnapshot(time: now, equity: entry?.total ?? 0, free: entry?.free ?? 0, marginInUse: entry?.used ?? 0,
                                       openPositions: Set(positions.filter { $0.contracts != 0 }.map(\.symbol)))
        } catch {
            // Without the account no entry is sized: every entry of this pass is refused (exits still run).
            onEvent(.warning("cannot read the account for this pass: \(error); no new entries in it"))
            lock.withLock { _ = risk.begin(AccountSnapshot(time: now, equity: 0, free: 0, marginInUse: 0, openPositions: Set(symbols))) }
            return
        }
        let events = lock.withLock { risk.begin(snapshot) }
        for event in events {
            onEvent(.risk(event))
            try? journal.recordEvent(kind: "risk", message: event.message, at: now)
        }
        saveRisk()
    }

    // MARK: the daily-loss state survives restarts

    static func loadRisk(journal: Journal, limits: AccountLimits) -> AccountRisk {
        let day = (try? journal.meta("risk_day")).flatMap { $0.flatMap { Int64($0) } }
        let start = (try? journal.meta("risk_day_start_equity")).flatMap { $0.flatMap { Precision.decimal($0) } }
        let halted = ((try? journal.meta("risk_halted")) ?? nil) == "1"
        return AccountRisk(limits: limits, day: day, dayStartEquity: start, halted: halted)
    }

    private func saveRisk() {
        let state = lock.withLock { risk }
        guard let day = state.day, let start = state.dayStartEquity else { return }
        try? journal.setMeta("risk_day", String(day))
        try? journal.setMeta("risk_day_start_equity", "\(start)")
        try? journal.setMeta("risk_halted", state.halted ? "1" : "0")
    }
}
