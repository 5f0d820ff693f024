import Foundation

/// A command a person types (`/status`, `/daily 7`, `/closeall@MyBot`). Pure parsing.
public enum BotCommand: Equatable, Sendable {
    case status, profit, balance, pause, resume, closeAll, help, start
    case daily(Int)
    case unknown(String)

    public static func parse(_ text: String) -> BotCommand? {
        let words = text.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: " ", omittingEmptySubsequences: true)
        guard let first = words.first, first.hasPrefix("/") else { return nil }
        let name = first.dropFirst().split(separator: "@", maxSplits: 1).first.map { $0.lowercased() } ?? ""
        switch name {
        case "status": return .status
        case "profit": return .profit
        case "balance": return .balance
        case "pause", "stopentry", "stopbuy": return .pause
        case "resume": return .resume
        case "closeall", "forceexitall": return .closeAll
        case "help": return .help
        case "start": return .start
        case "daily":
            let n = words.dropFirst().first.flatMap { Int($0) } ?? 7
            return .daily(min(max(n, 1), 60))
        default: return .unknown(String(name.prefix(40)))
        }
    }

    /// What the journal's command log calls it.
    public var name: String {
        switch self {
        case .status: return "/status"
        case .profit: return "/profit"
        case .balance: return "/balance"
        case .pause: return "/pause"
        case .resume: return "/resume"
        case .closeAll: return "/closeall"
        case .help: return "/help"
        case .start: return "/start"
        case .daily(let n): return "/daily \(n)"
        case .unknown(let name): return "/\(name)"
        }
    }

    /// The reply keyboard: the safe commands only (nothing destructive is one tap away).
    public static let keyboard: [[String]] = [["/status", "/profit"], ["/balance", "/daily"], ["/pause", "/help"]]

    public static let helpText = """
        /status — position, entry, mark, unrealised P&L, stop, last prediction
        /profit — P&L since the first cycle
        /daily [n] — P&L of the last n days (7)
        /balance — account balance
        /pause — no new entries (kept across restarts)
        /resume — entries again
        /closeall — cancel every order and close every position (asks to confirm)
        /help — this list
        """
}

/// Who may command the bot: a user id in TELEGRAM_ALLOWED_USERS writing in TELEGRAM_CHAT_ID. Anyone else in the
/// same group is ignored (Freqtrade's bots obey every member of an authorised group chat).
public struct Authoriser: Sendable, Equatable {
    public var allowedUsers: Set<Int64>
    public var chatID: String

    public init(allowedUsers: Set<Int64>, chatID: String) {
        self.allowedUsers = allowedUsers
        self.chatID = chatID
    }

    public func allows(user: Int64?, chat: Int64?) -> Bool {
        guard let user, let chat else { return false }
        return allowedUsers.contains(user) && String(chat) == chatID
    }
}

/// One-time confirmation tokens of destructive commands, kept in the journal (`confirm:<token>` →
/// `action|user|expiresAtMs`) so a restart neither loses nor revives one. Pure encoding; the journal takes a token
/// atomically, so a replayed button press finds nothing.
public enum ConfirmToken {
    public static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }

    public static func key(_ token: String) -> String { "confirm:" + token }

    public static func value(action: String, user: Int64, expiresAt: Int64) -> String { "\(action)|\(user)|\(expiresAt)" }

    /// The action if `value` is still valid for `user` at `now`; nil when expired, malformed or someone else's.
    public static func check(_ value: String, user: Int64, now: Int64) -> String? {
        let parts = value.split(separator: "|").map(String.init)
        guard parts.count == 3, let owner = Int64(parts[1]), let expires = Int64(parts[2]) else { return nil }
        guard owner == user, now <= expires else { return nil }
        return parts[0]
    }
}
