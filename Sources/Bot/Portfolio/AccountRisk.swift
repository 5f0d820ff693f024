import Foundation

/// The account as one pass over the symbols sees it at its start (one balance and one position fetch).
public struct AccountSnapshot: Sendable, Equatable {
    /// Exchange time of the pass, milliseconds.
    public var time: Int64
    /// Wallet balance plus unrealised P&L (Binance's marginBalance).
    public var equity: Decimal
    /// Balance free for new margin (Binance's availableBalance).
    public var free: Decimal
    /// Initial margin of open positions and orders.
    public var marginInUse: Decimal
    /// Symbols with an open position.
    public var openPositions: Set<String>

    public init(time: Int64, equity: Decimal, free: Decimal, marginInUse: Decimal, openPositions: Set<String>) {
        self.time = time
        self.equity = equity
        self.free = free
        self.marginInUse = marginInUse
        self.openPositions = openPositions
    }
}

/// The account-level caps shared by every symbol (nil = no cap).
public struct AccountLimits: Sendable, Equatable {
    public var maxOpenPositions: Int?
    /// Largest margin in use, as a fraction of equity, an entry may bring the account to.
    public var maxMarginRatio: Decimal?
    /// Loss (USDT) since 00:00 UTC, realised + unrealised, at which new entries stop for the rest of the day.
    public var dailyLossLimit: Decimal?

    public init(maxOpenPositions: Int? = nil, maxMarginRatio: Decimal? = nil, dailyLossLimit: Decimal? = nil) {
        self.maxOpenPositions = maxOpenPositions
        self.maxMarginRatio = maxMarginRatio
        self.dailyLossLimit = dailyLossLimit
    }

    public init(config: BotConfig) {
        self.init(maxOpenPositions: config.maxOpenPositions, maxMarginRatio: config.maxMarginRatio, dailyLossLimit: config.dailyLossLimit)
    }

    public var isUnlimited: Bool { maxOpenPositions == nil && maxMarginRatio == nil && dailyLossLimit == nil }
}

/// A symbol's allotment: a share of the equity, or a fixed amount of margin.
public enum Stake: Sendable, Equatable {
    case fraction(Decimal)
    case amount(Decimal)

    public init(config: BotConfig) {
        if let amount = config.stakeAmount { self = .amount(amount) } else { self = .fraction(config.stakeFraction ?? 1) }
    }

    public func margin(equity: Decimal) -> Decimal {
        switch self {
        case .fraction(let f): return max(0, equity) * f
        case .amount(let a): return a
        }
    }
}

/// What the risk layer answers to one entry the strategy wants.
public enum EntryVerdict: Sendable, Equatable {
    /// Enter, committing at most this much margin (sizing uses it instead of the whole free balance).
    case allow(margin: Decimal)
    /// Do not enter; the reason goes to the log and the journal.
    case refuse(String)
}

/// Something the log and notifications must tell once.
public enum RiskEvent: Sendable, Equatable {
    /// DAILY_LOSS_LIMIT reached: no new entries until the next UTC day.
    case dailyLossLimitReached(day: String, loss: Decimal, limit: Decimal)
    /// A new UTC day began with entries allowed again after a halt.
    case dailyLossLimitCleared(day: String)

    public var message: String {
        switch self {
        case .dailyLossLimitReached(let day, let loss, let limit):
            return "DAILY_LOSS_LIMIT reached on \(day): loss \(loss) USDT since 00:00 UTC ≥ \(limit); no new entries until 00:00 UTC"
        case .dailyLossLimitCleared(let day):
            return "new UTC day \(day): entries allowed again after the daily loss limit"
        }
    }
}

/// The account-level risk state machine: pure (no I/O, no clock), so every rule is tested directly and the same
/// code runs live, on the testnet and in portfolio backtests.
///
/// Per pass: `begin(snapshot)` (new UTC day? loss limit reached?), then `decide(...)` for each symbol that wants
/// to enter, in order. Grants count at once (open positions, margin), so two entries decided in the same pass
/// can never together exceed a cap or the free balance, even before the exchange shows the first one.
public struct AccountRisk: Sendable, Equatable {
    public let limits: AccountLimits
    /// UTC day (days since 1970) the loss is counted for, and the equity it started with.
    public private(set) var day: Int64?
    public private(set) var dayStartEquity: Decimal?
    public private(set) var halted = false
    private var snapshot: AccountSnapshot?
    private var grantedMargin: Decimal = 0
    private var grantedSymbols: Set<String> = []

    public init(limits: AccountLimits, day: Int64? = nil, dayStartEquity: Decimal? = nil, halted: Bool = false) {
        self.limits = limits
        self.day = day
        self.dayStartEquity = dayStartEquity
        self.halted = halted
    }

    public static func utcDay(_ time: Int64) -> Int64 { time >= 0 ? time / 86_400_000 : (time - 86_399_999) / 86_400_000 }

    /// Starts a pass. Returns what must be told (once): the limit reached, or lifted by a new day.
    public mutating func begin(_ snapshot: AccountSnapshot) -> [RiskEvent] {
        var events: [RiskEvent] = []
        let today = AccountRisk.utcDay(snapshot.time)
        if day != today {
            if halted { events.append(.dailyLossLimitCleared(day: AccountRisk.dayName(today))) }
            day = today
            dayStartEquity = snapshot.equity
            halted = false
        }
        self.snapshot = snapshot
        grantedMargin = 0
        grantedSymbols = []
        if let limit = limits.dailyLossLimit, !halted, let start = dayStartEquity, start - snapshot.equity >= limit {
            halted = true
            events.append(.dailyLossLimitReached(day: AccountRisk.dayName(today), loss: start - snapshot.equity, limit: limit))
        }
        return events
    }

    /// Decides one entry of `symbol` (flat now) with its allotment. `free` is the free balance the Trader just read
    /// (it already reflects orders placed earlier in this pass).
    public mutating func decide(symbol: String, stake: Stake, free: Decimal) -> EntryVerdict {
        guard let snapshot else { return .refuse("no account snapshot for this pass (bug: begin() not called)") }
        if halted, let limit = limits.dailyLossLimit {
            return .refuse("DAILY_LOSS_LIMIT \(limit) USDT reached today (UTC); no new entries until 00:00 UTC")
        }
        let open = snapshot.openPositions.union(grantedSymbols).subtracting([symbol])
        if let max = limits.maxOpenPositions, open.count >= max {
            return .refuse("MAX_OPEN_POSITIONS \(max) reached (\(open.sorted().joined(separator: ", ")))")
        }
        var margin = min(stake.margin(equity: snapshot.equity), free)
        if let ratio = limits.maxMarginRatio {
            let room = snapshot.equity * ratio - snapshot.marginInUse - grantedMargin
            if room <= 0 {
                return .refuse("MAX_MARGIN_RATIO \(ratio) reached: margin in use \(snapshot.marginInUse + grantedMargin) of equity \(snapshot.equity)")
            }
            margin = min(margin, room)
        }
        guard margin > 0 else { return .refuse("no free balance for an entry (free \(free))") }
        grantedMargin += margin
        grantedSymbols.insert(symbol)
        return .allow(margin: margin)
    }

    static func dayName(_ day: Int64) -> String { String(UTCTime.iso(day * 86_400_000).prefix(10)) }
}
