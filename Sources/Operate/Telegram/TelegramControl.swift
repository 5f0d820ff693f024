import Bot
import Foundation
import Notify

/// Telegram commands by long polling `getUpdates`. The next offset is stored in the journal with each command's
/// record and reply (one transaction), so commands sent while the bot was down are handled after a restart, and
/// none is handled twice. Only `Authoriser`-allowed users are answered; everything else is logged and journaled.
/// Destructive commands need an inline Confirm whose one-time token expires (TELEGRAM_CONFIRM_TIMEOUT).
public final class TelegramControl: @unchecked Sendable {
    public static let offsetKey = "telegram_offset"

    let api: TelegramBotAPI
    let authoriser: Authoriser
    let center: CommandCenter
    let journal: Journal
    let confirmSeconds: Int
    let liveMode: Bool
    let log: @Sendable (String) -> Void
    let wallNow: @Sendable () -> Int64
    public var pollTimeoutSeconds = 25
    private let lock = NSLock()
    private var stopped = false

    public init(api: TelegramBotAPI, settings: OperateSettings.Telegram, center: CommandCenter, journal: Journal, liveMode: Bool,
                log: @escaping @Sendable (String) -> Void, wallNow: @escaping @Sendable () -> Int64 = OperateClock.wallMilliseconds) {
        self.api = api
        self.authoriser = Authoriser(allowedUsers: settings.allowedUsers, chatID: settings.chatID)
        self.center = center
        self.journal = journal
        self.confirmSeconds = settings.confirmSeconds
        self.liveMode = liveMode
        self.log = log
        self.wallNow = wallNow
    }

    public func stop() { lock.withLock { stopped = true } }
    private var isStopped: Bool { lock.withLock { stopped } }

    /// Long-polls until `stop()`.
    public func run() async {
        var failures = 0
        var reported = Set<String>()
        func once(_ line: String, key: String) {
            if reported.insert(key).inserted { log(line) }
        }
        while !isStopped {
            switch await poll(timeout: pollTimeoutSeconds) {
            case .handled:
                failures = 0
                reported.removeAll()
            case .conflict(let description):
                once("telegram: another process polls this bot token (409 Conflict: \(description)); commands go to it until it stops",
                     key: "409")
                await sleep(30)
            case .unauthorised(let description):
                log("telegram: getUpdates refused (\(description)): TELEGRAM_BOT_TOKEN is wrong or revoked; commands are off until restart")
                return
            case .wait(let seconds, let reason):
                once("telegram: getUpdates: \(reason); waiting \(Int(seconds)) s", key: "wait")
                await sleep(seconds)
            case .failed(let reason):
                failures += 1
                once("telegram: getUpdates failing: \(reason); retrying with back-off", key: "fail")
                await sleep(RetryPolicy.backoff(failures - 1))
            }
        }
    }

    public enum PollResult: Equatable {
        case handled(Int)
        case conflict(String)
        case unauthorised(String)
        case wait(Double, String)
        case failed(String)
    }

    /// One getUpdates call (timeout 0 = do not wait: `run --once` handles what arrived since the last run).
    public func poll(timeout: Int) async -> PollResult {
        let offset = Int64((try? journal.stateValue(Self.offsetKey)) ?? nil ?? "0") ?? 0
        var parameters: [String: Any] = ["timeout": timeout, "allowed_updates": ["message", "callback_query"]]
        if offset > 0 { parameters["offset"] = offset }
        switch await api.call("getUpdates", parameters) {
        case .ok(let result):
            let updates = (result as? [[String: Any]]) ?? []
            for update in updates { await handle(update) }
            return .handled(updates.count)
        case .failed(let code, let description, let retryAfter):
            if code == 409 { return .conflict(description) }
            if code == 401 || code == 404 { return .unauthorised("\(code) \(description)") }
            if let retryAfter { return .wait(retryAfter, "\(code) \(description)") }
            return .failed("\(code) \(description)")
        case .network(let reason):
            return .failed(reason)
        }
    }

    // MARK: one update

    func handle(_ update: [String: Any]) async {
        guard let updateID = (update["update_id"] as? NSNumber)?.int64Value else { return }
        let next = (Self.offsetKey, String(updateID + 1))
        let at = await center.exchangeNow()
        if let message = update["message"] as? [String: Any] {
            let user = ((message["from"] as? [String: Any])?["id"] as? NSNumber)?.int64Value
            let chat = ((message["chat"] as? [String: Any])?["id"] as? NSNumber)?.int64Value
            let text = message["text"] as? String ?? ""
            guard let command = BotCommand.parse(text) else {
                record(at: at, user: user, command: "(text)", authorised: authoriser.allows(user: user, chat: chat), result: "not a command", next: next)
                return
            }
            guard authoriser.allows(user: user, chat: chat) else {
                log("telegram: ignored \(command.name) from user \(user.map(String.init) ?? "?") in chat \(chat.map(String.init) ?? "?") (not an allowed user in TELEGRAM_CHAT_ID)")
                record(at: at, user: user, command: command.name, authorised: false, result: "ignored: not allowed", next: next)
                return
            }
            let (html, markup, result) = await answer(command, user: user ?? 0)
            record(at: at, user: user, command: command.name, authorised: true, result: result, next: next,
                   reply: reply(html: html, chat: chat, markup: markup))
        } else if let callback = update["callback_query"] as? [String: Any] {
            let user = ((callback["from"] as? [String: Any])?["id"] as? NSNumber)?.int64Value
            let chat = (((callback["message"] as? [String: Any])?["chat"] as? [String: Any])?["id"] as? NSNumber)?.int64Value
            let data = callback["data"] as? String ?? ""
            guard authoriser.allows(user: user, chat: chat) else {
                log("telegram: ignored a button press from user \(user.map(String.init) ?? "?") in chat \(chat.map(String.init) ?? "?") (not an allowed user in TELEGRAM_CHAT_ID)")
                record(at: at, user: user, command: "button \(data.prefix(16))", authorised: false, result: "ignored: not allowed", next: next)
                return
            }
            if let id = callback["id"] as? String { _ = await api.call("answerCallbackQuery", ["callback_query_id": id]) }
            let (html, result) = await press(data, user: user ?? 0)
            record(at: at, user: user, command: "button \(data.split(separator: ":").first ?? "")", authorised: true, result: result,
                   next: next, reply: reply(html: html, chat: chat, markup: nil))
        } else {
            record(at: at, user: nil, command: "(update)", authorised: false, result: "ignored", next: next)
        }
    }

    /// The answer to a command: HTML, an optional keyboard (JSON), and the result line for the journal.
    func answer(_ command: BotCommand, user: Int64) async -> (String, String?, String) {
        switch command {
        case .status: return (await center.statusHTML(), nil, "answered")
        case .profit: return (await center.profitHTML(), nil, "answered")
        case .balance: return (await center.balanceHTML(), nil, "answered")
        case .daily(let n): return (await center.dailyHTML(days: n), nil, "answered")
        case .help, .start:
            return ("<b>Commands</b>\n" + TelegramHTML.escape(BotCommand.helpText), Self.replyKeyboard, "answered")
        case .unknown(let name):
            return ("Unknown command /\(TelegramHTML.escape(name)). /help lists them.", nil, "unknown")
        case .pause:
            let text = await center.pause(source: "telegram:\(user)")
            return (TelegramHTML.escape(text), nil, "paused")
        case .resume:
            guard liveMode else { return (TelegramHTML.escape(await center.resume(source: "telegram:\(user)")), nil, "resumed") }
            return await confirmation(action: "resume", user: user,
                                      question: "Resume entries in <b>LIVE</b> mode (real money)?")
        case .closeAll:
            return await confirmation(action: "closeall", user: user,
                                      question: "Cancel every order and close every position of <b>\(TelegramHTML.escape(center.infos.map(\.symbol).joined(separator: ", ")))</b> with market orders?")
        }
    }

    private func confirmation(action: String, user: Int64, question: String) async -> (String, String?, String) {
        let token = ConfirmToken.make()
        let expires = wallNow() + Int64(confirmSeconds) * 1000
        do {
            try journal.setStateValue(ConfirmToken.key(token), ConfirmToken.value(action: action, user: user, expiresAt: expires),
                                      at: await center.exchangeNow())
        } catch {
            return ("⛔ Could not ask for confirmation: \(TelegramHTML.escape(String(describing: error)))", nil, "failed")
        }
        let keyboard: [String: Any] = ["inline_keyboard": [[
            ["text": "✅ Confirm", "callback_data": "confirm:\(token)"],
            ["text": "Cancel", "callback_data": "cancel:\(token)"],
        ]]]
        let markup = (try? JSONSerialization.data(withJSONObject: keyboard, options: [.sortedKeys])).map { String(decoding: $0, as: UTF8.self) }
        return ("⚠️ \(question)\nPress Confirm within \(confirmSeconds) s.", markup, "asked to confirm \(action)")
    }

    /// An inline button press: a one-time token, taken from the journal (so a replayed press finds nothing).
    func press(_ data: String, user: Int64) async -> (String, String) {
        let parts = data.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return ("Unknown button.", "unknown button") }
        let stored = (try? journal.takeStateValue(ConfirmToken.key(parts[1]))) ?? nil
        guard let stored, let action = ConfirmToken.check(stored, user: user, now: wallNow()) else {
            return ("This confirmation has expired or was already used; nothing was done. Send the command again.", "expired or replayed: nothing done")
        }
        if parts[0] == "cancel" { return ("Cancelled; nothing was done.", "cancelled \(action)") }
        guard parts[0] == "confirm" else { return ("Unknown button.", "unknown button") }
        switch action {
        case "closeall":
            guard let report = await center.runCloseAll(source: "telegram:\(user)", notify: false) else {
                return ("Close-all is not available in this process.", "close-all unavailable")
            }
            let title = report.flat && report.failures == 0 ? "✅ <b>Close-all done</b>" : "⛔ <b>Close-all INCOMPLETE</b>"
            return ((["\(title)"] + report.steps.map { "• " + TelegramHTML.escape($0) }).joined(separator: "\n"), "close-all: \(report.summary)")
        case "resume":
            return (TelegramHTML.escape(await center.resume(source: "telegram:\(user)")), "resumed (confirmed)")
        default:
            return ("Unknown action.", "unknown action \(action)")
        }
    }

    private func reply(html: String, chat: Int64?, markup: String?) -> OutboxEvent {
        var fields = ["html": html]
        if let chat { fields["chat_id"] = String(chat) }
        if let markup { fields["reply_markup"] = markup }
        return OutboxEvent(kind: "reply", fields: fields)
    }

    private func record(at: Int64, user: Int64?, command: String, authorised: Bool, result: String, next: (String, String),
                        reply: OutboxEvent? = nil) {
        let row = JournalCommand(at: at, source: "telegram", user: user.map(String.init), command: command, authorised: authorised, result: result)
        do { try journal.recordCommand(row, notify: reply.map { [$0] } ?? [], state: next) } catch {
            log("telegram: cannot journal \(command): \(error)")
        }
    }

    static let replyKeyboard: String = {
        let keyboard: [String: Any] = ["keyboard": BotCommand.keyboard.map { $0.map { ["text": $0] } }, "resize_keyboard": true, "is_persistent": true]
        return (try? JSONSerialization.data(withJSONObject: keyboard, options: [.sortedKeys])).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }()

    private func sleep(_ seconds: Double) async {
        var left = seconds
        while left > 0 && !isStopped {
            try? await Task.sleep(nanoseconds: UInt64(min(left, 0.2) * 1_000_000_000))
            left -= 0.2
        }
    }
}
