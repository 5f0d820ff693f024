import Bot
import Exchange
import Foundation
import Notify

/// Everything a person asks about a running bot, gathered once from the journal (and, best effort, the exchange):
/// what `/status`, the status page and `/api/v1/status` show.
public struct StatusSnapshot: Sendable {
    public struct PositionRow: Sendable {
        public var side: String
        public var amount: Decimal
        public var entry: Decimal
        public var mark: Decimal?
        public var unrealised: Decimal?
    }

    public var symbol: String
    public var mode: String
    public var interval: String
    public var model: String
    public var paused: String?
    public var position: PositionRow?
    public var stopLoss: String
    public var lastCycle: JournalCycle?
    public var balance: Decimal?
    public var firstBalance: Decimal?
    public var equity: [(Int64, Decimal)]
    public var daily: [Performance.Day]
    public var forecast: (model: Double, naive: Double, count: Int)?
    public var orders: [JournalOrder]
    public var problems: [OutboxRow]
    public var channels: [ChannelHealth]
    public var cyclesDone: Int
    public var cyclesFailed: Int
    /// Newest first.
    public var recentCycles: [JournalCycle] = []

    /// Reads the journal; `exchange` (if given) supplies the live position and mark price.
    public static func gather(journal: Journal, info: BotInfo, exchange: (any Exchange)?, channels: [ChannelHealth]) async -> StatusSnapshot {
        let cycles = (try? journal.cycles(since: 0, symbol: info.symbol)) ?? []
        let last = (try? journal.lastCompletedCycle(symbol: info.symbol)) ?? nil
        var position: PositionRow?
        if let side = last?.positionSide, let amount = last?.positionAmount, let entry = last?.entryPrice, amount != 0 {
            let mark = last?.close
            position = PositionRow(side: side, amount: amount, entry: entry, mark: mark,
                                   unrealised: mark.map { Performance.unrealised(side: side, amount: amount, entry: entry, mark: $0) })
        }
        if let exchange, let live = try? await exchange.fetchPositions(symbols: [info.symbol]) {
            position = live.first { $0.contracts != 0 }.map { p in
                let entry = p.entryPrice ?? 0
                let mark = p.markPrice ?? last?.close
                return PositionRow(side: p.side.rawValue, amount: abs(p.contracts), entry: entry, mark: mark,
                                   unrealised: p.unrealizedPnl ?? mark.map { Performance.unrealised(side: p.side.rawValue, amount: abs(p.contracts), entry: entry, mark: $0) })
            }
        }
        let equity = Performance.equity(cycles)
        return StatusSnapshot(
            symbol: info.symbol, mode: info.mode, interval: info.interval, model: info.model,
            paused: (try? journal.stateValue(Journal.pausedKey)) ?? nil, position: position, stopLoss: info.stopLoss,
            lastCycle: last, balance: equity.last?.1, firstBalance: equity.first?.1, equity: equity,
            daily: Performance.daily(cycles), forecast: Performance.forecastErrors(cycles),
            orders: (try? journal.recentOrders(limit: 20)) ?? [],
            problems: (try? journal.recentOutbox(limit: 20, kinds: ["error", "rejected", "warning"])) ?? [],
            channels: channels,
            cyclesDone: cycles.filter { $0.status == .done || $0.status == .skipped }.count,
            cyclesFailed: cycles.filter { $0.status == .failed }.count,
            recentCycles: Array(cycles.filter { $0.status == .done }.suffix(11).reversed()))
    }
}

/// The fixed facts about this bot that status answers show.
public struct BotInfo: Sendable {
    public var symbol: String
    public var marketID: String
    public var mode: String
    public var interval: String
    public var intervalMilliseconds: Int64
    /// The model's file and, when known, its training period.
    public var model: String
    public var stopLoss: String

    public init(config: BotConfig) {
        symbol = config.symbol
        marketID = config.marketID
        mode = config.mode.rawValue
        interval = config.interval
        intervalMilliseconds = config.intervalMilliseconds
        model = BotInfo.describeModel(path: config.modelPath)
        stopLoss = "\(config.stopLoss * 100)%" + (config.stopLossOnExchange ? " (on the exchange)" : " (at candle close)")
    }

    public init(symbol: String, marketID: String, mode: String, interval: String, intervalMilliseconds: Int64, model: String, stopLoss: String) {
        self.symbol = symbol
        self.marketID = marketID
        self.mode = mode
        self.interval = interval
        self.intervalMilliseconds = intervalMilliseconds
        self.model = model
        self.stopLoss = stopLoss
    }

    /// "model.keras (trained 2019-01-01 … 2023-12-31)" when a sidecar `<model>.json` or the models/README names it.
    static func describeModel(path: String) -> String {
        let name = (path as NSString).lastPathComponent
        let sidecar = (path as NSString).deletingPathExtension + ".json"
        if let data = FileManager.default.contents(atPath: sidecar),
           let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
           let from = object["train_start"] as? String, let to = object["train_end"] as? String {
            return "\(name) (trained \(from) … \(to))"
        }
        return name
    }
}
