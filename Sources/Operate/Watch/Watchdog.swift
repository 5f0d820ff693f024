import Bot
import Exchange
import Foundation

/// Beside the loop (its own task): the dead-man warning and the daily summary at 00:00 UTC, both written to the
/// outbox like any other event. It keeps watching while the loop is stuck, which is the point.
public final class Watchdog: @unchecked Sendable {
    public static let dailyKey = "daily_summary_day"

    let journal: Journal
    let info: BotInfo
    let exchangeNow: @Sendable () async -> Int64?
    let probe: @Sendable () async -> Bool
    let log: @Sendable (String) -> Void
    public var checkEveryMilliseconds: Int64 = 30_000
    private var deadMan: DeadMan?
    private let unreachableLimit: Int64
    private let lock = NSLock()
    private var stopped = false

    public init(journal: Journal, info: BotInfo, unreachableMinutes: Int, exchangeNow: @escaping @Sendable () async -> Int64?,
                probe: @escaping @Sendable () async -> Bool, log: @escaping @Sendable (String) -> Void) {
        self.journal = journal
        self.info = info
        self.exchangeNow = exchangeNow
        self.probe = probe
        self.log = log
        self.unreachableLimit = Int64(unreachableMinutes) * 60_000
    }

    public func stop() { lock.withLock { stopped = true } }
    private var isStopped: Bool { lock.withLock { stopped } }

    public func run() async {
        while !isStopped {
            await check()
            var left = checkEveryMilliseconds
            while left > 0 && !isStopped {
                try? await Task.sleep(nanoseconds: UInt64(min(left, 200)) * 1_000_000)
                left -= 200
            }
        }
    }

    /// One look: exchange reachability, cycle freshness, day change.
    public func check() async {
        let reachable = await probe()
        guard let now = await exchangeNow() else { return }
        var machine = deadMan ?? DeadMan(interval: info.intervalMilliseconds, unreachableLimit: unreachableLimit, startedAt: now)
        let last = ((try? journal.lastCompletedCycle(symbol: info.symbol)) ?? nil).map { $0.finishedAt ?? $0.startedAt }
        var alerts: [DeadMan.Alert] = []
        if let alert = machine.exchange(reachable: reachable, now: now) { alerts.append(alert) }
        if let alert = machine.cycles(lastCompleted: last, now: now) { alerts.append(alert) }
        deadMan = machine
        for alert in alerts { warn(alert, now: now) }
        dailySummary(now: now)
    }

    private func warn(_ alert: DeadMan.Alert, now: Int64) {
        let message: String
        let kind: String
        switch alert {
        case .stale(let since, let last):
            kind = "warning"
            message = "no cycle completed for \(DeadMan.duration(since)) (2 intervals of \(info.interval) = \(DeadMan.duration(2 * info.intervalMilliseconds)))"
                + (last.map { "; last completed at \(UTCTime.iso($0))" } ?? "; none since the start")
        case .cyclingAgain:
            kind = "status"
            message = "cycles are completing again"
        case .unreachable(let since):
            kind = "warning"
            message = "the exchange has been unreachable for \(DeadMan.duration(since))"
        case .reachableAgain(let after):
            kind = "status"
            message = "the exchange is reachable again (after \(DeadMan.duration(after)))"
        }
        log("watchdog: \(message)")
        var fields = ["symbol": info.symbol, "message": message]
        if kind == "status" { fields["title"] = "Recovered" }
        try? journal.appendOutbox([OutboxEvent(kind: kind, fields: fields)], at: now)
    }

    /// At the first look after 00:00 UTC, the summary of the day that ended (none on the first day ever seen).
    func dailySummary(now: Int64) {
        let today = UTCDay.of(now)
        guard let stored = (try? journal.stateValue(Self.dailyKey)) ?? nil else {
            try? journal.setStateValue(Self.dailyKey, today, at: now)
            return
        }
        guard stored < today else { return }
        let dayStart = UTCDay.start(now) - 86_400_000
        let cycles = (try? journal.cycles(since: 0, symbol: info.symbol)) ?? []
        let days = Performance.daily(cycles)
        let yesterday = UTCDay.of(dayStart)
        let row = days.last { $0.day <= yesterday }
        let ofDay = cycles.filter { UTCDay.of($0.finishedAt ?? $0.startedAt) == yesterday }
        let last = (try? journal.lastCompletedCycle(symbol: info.symbol)) ?? nil
        var fields = ["symbol": info.symbol, "day": yesterday,
                      "cycles": "\(ofDay.filter { $0.status != .failed }.count) done, \(ofDay.filter { $0.status == .failed }.count) failed"]
        if let row, row.day == yesterday { fields["pnl"] = (row.pnl > 0 ? "+" : "") + Precision.format(row.pnl) } else { fields["pnl"] = "0 (no cycle)" }
        if let balance = row?.balance { fields["balance"] = Precision.format(balance) }
        if let last, let side = last.positionSide, let amount = last.positionAmount, amount != 0 {
            fields["position"] = "\(side) \(Precision.format(amount)) @ \(last.entryPrice.map(Precision.format) ?? "?")"
        } else {
            fields["position"] = "flat"
        }
        if let errors = Performance.forecastErrors(cycles) {
            fields["model_error"] = String(format: "%.2f", errors.model) + " (\(errors.count) candles)"
            fields["naive_error"] = String(format: "%.2f", errors.naive)
        }
        do { try journal.setStateValue(Self.dailyKey, today, at: now, notify: [OutboxEvent(kind: "daily", fields: fields)]) } catch {
            log("watchdog: cannot write the daily summary: \(error)")
        }
    }
}
