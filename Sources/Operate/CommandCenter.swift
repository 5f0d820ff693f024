import Bot
import Exchange
import Foundation
import Notify

/// What a person can do to the running bot, whoever asks (Telegram, the REST API, the page): status answers,
/// pause/resume, close-all. Answers are Telegram HTML with every value escaped (the page renders its own).
public final class CommandCenter: @unchecked Sendable {
    public let journal: Journal
    public let info: BotInfo
    /// Every traded symbol (several with SYMBOLS); `info` is the first.
    public var infos: [BotInfo]
    public let exchange: (any Exchange)?
    public let closeAll: CloseAll?
    /// Exchange time (ms) for journal rows and orders.
    public let exchangeNow: @Sendable () async -> Int64
    public var channels: @Sendable () -> [ChannelHealth] = { [] }

    public init(journal: Journal, info: BotInfo, exchange: (any Exchange)?, closeAll: CloseAll?,
                exchangeNow: @escaping @Sendable () async -> Int64) {
        self.journal = journal
        self.info = info
        self.infos = [info]
        self.exchange = exchange
        self.closeAll = closeAll
        self.exchangeNow = exchangeNow
    }

    public func snapshot() async -> StatusSnapshot {
        await StatusSnapshot.gather(journal: journal, info: info, exchange: exchange, channels: channels())
    }

    // MARK: actions

    /// Pauses new entries (persisted). Returns the answer.
    public func pause(source: String) async -> String {
        let now = await exchangeNow()
        do {
            try journal.setStateValue(Journal.pausedKey, "paused by \(source)", at: now)
            return "⏸ New entries paused (kept across restarts). Open positions are still managed. /resume to trade again."
        } catch { return "⛔ Could not pause: \(TelegramHTML.escape(String(describing: error)))" }
    }

    public func resume(source: String) async -> String {
        let now = await exchangeNow()
        do {
            try journal.setStateValue(Journal.pausedKey, nil, at: now)
            return "▶️ Entries resumed."
        } catch { return "⛔ Could not resume: \(TelegramHTML.escape(String(describing: error)))" }
    }

    public func runCloseAll(source: String, notify: Bool = true) async -> CloseAllReport? {
        guard let closeAll else { return nil }
        return await closeAll.run(now: await exchangeNow(), source: source, notify: notify)
    }

    // MARK: answers (Telegram HTML)

    public func statusHTML() async -> String {
        var parts: [String] = []
        for info in infos {
            parts.append(await statusHTML(await StatusSnapshot.gather(journal: journal, info: info, exchange: exchange, channels: channels())))
        }
        return parts.joined(separator: "\n\n")
    }

    func statusHTML(_ s: StatusSnapshot) async -> String {
        var lines = ["<b>\(e(s.symbol))</b> · \(e(s.mode)) · \(e(s.interval))"]
        if let paused = s.paused { lines.append("⏸ <b>Entries paused</b> (\(e(paused)))") }
        if let p = s.position {
            lines.append("<b>Position:</b> \(e(p.side)) \(d(p.amount))")
            lines.append("<b>Entry:</b> \(d(p.entry))")
            if let mark = p.mark { lines.append("<b>Mark:</b> \(d(mark))") }
            if let u = p.unrealised { lines.append("<b>Unrealised P&amp;L:</b> \(signed(u))") }
        } else {
            lines.append("<b>Position:</b> flat")
        }
        lines.append("<b>Stop:</b> \(e(s.stopLoss))")
        if let c = s.lastCycle {
            let predicted = c.predicted.map { String(format: "%.2f", $0) } ?? "-"
            lines.append("<b>Last prediction:</b> \(e(predicted)) for the candle after \(e(UTCTime.iso(c.candleTime))) (close \(c.close.map(d) ?? "-"), \(e(c.decision ?? "-")))")
        } else {
            lines.append("<b>Last prediction:</b> none yet")
        }
        for c in s.channels where c.status != .ok {
            lines.append("⚠️ <b>\(e(c.channel)):</b> \(e(c.status.rawValue)) — \(e(c.lastError ?? ""))")
        }
        return lines.joined(separator: "\n")
    }

    public func profitHTML() async -> String {
        let s = await snapshot()
        guard let first = s.firstBalance, let last = s.balance else { return "No cycle with a balance yet." }
        let exits = s.orders.filter { $0.purpose == .close && $0.state == .sent }.count
        return """
            <b>P&amp;L since the first cycle:</b> \(signed(last - first))
            <b>Balance:</b> \(d(first)) → \(d(last))
            <b>Cycles:</b> \(s.cyclesDone) done, \(s.cyclesFailed) failed
            <b>Recent exits:</b> \(exits)
            """
    }

    public func dailyHTML(days: Int) async -> String {
        let s = await snapshot()
        let rows = s.daily.suffix(days)
        guard !rows.isEmpty else { return "No cycle with a balance yet." }
        return (["<b>Daily P&amp;L</b> (last \(rows.count) day\(rows.count == 1 ? "" : "s"))"]
            + rows.reversed().map { "<code>\(e($0.day))</code> \(signed($0.pnl)) · balance \(d($0.balance))" }).joined(separator: "\n")
    }

    public func balanceHTML() async -> String {
        if let exchange, let balance = try? await exchange.fetchBalance() {
            let lines = balance.currencies.keys.sorted().compactMap { code -> String? in
                guard let entry = balance[code], entry.total != 0 else { return nil }
                return "<b>\(e(code)):</b> \(d(entry.total)) (free \(d(entry.free)))"
            }
            if !lines.isEmpty { return lines.joined(separator: "\n") }
        }
        let s = await snapshot()
        return s.balance.map { "<b>Balance:</b> \(d($0)) (last cycle)" } ?? "No balance known yet."
    }

    func e(_ text: String) -> String { TelegramHTML.escape(text) }
    func d(_ value: Decimal) -> String { TelegramHTML.escape(Precision.format(value)) }
    func signed(_ value: Decimal) -> String { (value > 0 ? "+" : "") + d(value) }
}
