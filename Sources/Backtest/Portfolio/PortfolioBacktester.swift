import Bot
import Exchange
import Foundation

/// One symbol of a portfolio backtest: its own configuration section, candles, decisions and market filters.
public struct PortfolioMember {
    public var config: BotConfig
    public var candles: [Candle]
    public var timeframe: Timeframe
    /// Decision candles (as `TraderBacktest.decisionRange`).
    public var range: Range<Int>
    public var predictor: any PricePredicting
    public var market: Market

    public init(config: BotConfig, candles: [Candle], timeframe: Timeframe, range: Range<Int>,
                predictor: any PricePredicting, market: Market) {
        self.config = config; self.candles = candles; self.timeframe = timeframe; self.range = range
        self.predictor = predictor; self.market = market
    }

    public var symbol: String { market.symbol }
}

/// One symbol's share of a portfolio backtest.
public struct PortfolioSymbolResult: Sendable {
    public var symbol: String
    public var trades: [RoundTrip]
    /// Metrics of this symbol's trades on an equity of starting balance + this symbol's P&L.
    public var metrics: BacktestMetrics
    /// This symbol's P&L (realized + unrealized) after each of its candles.
    public var equity: [EquityPoint]
    /// Entries the account caps refused (MAX_OPEN_POSITIONS, MAX_MARGIN_RATIO, DAILY_LOSS_LIMIT, no free balance).
    public var rejectedByCaps: Int
    public var failedCycles: [(time: Int64, message: String)]
    public var notPlaced: [(time: Int64, message: String)]
    /// The simulated market's filters (tick, step, quantity caps, min notional), as the report prints them.
    public var marketFilters: String = ""
    /// Open times of the first and last decision candle.
    public var from: Int64 = 0
    public var to: Int64 = 0
}

/// Everything a portfolio backtest produces.
public struct PortfolioResult: Sendable {
    public var symbols: [PortfolioSymbolResult]
    /// The one account: equity after each pass, metrics over every symbol's trades.
    public var equity: [EquityPoint]
    public var metrics: BacktestMetrics
    /// Correlation of the symbols' daily close-to-close returns over the backtested period.
    public var priceCorrelation: ReturnCorrelation
    /// What the risk layer told (daily loss limit reached / lifted), with the pass time.
    public var riskEvents: [(time: Int64, message: String)]
    public var passes: Int
}

/// The portfolio backtest: one simulated account (`PortfolioExchange`), one live `Trader` per symbol sharing it,
/// and the live bot's `AccountRisk` between them — the same code `MultiSymbolLoop` runs.
///
/// Time: the union of every symbol's decision-candle open times. At each such time the symbols whose candle opens
/// then form one pass, as live: `AccountRisk.begin` with the account at the pass start, each due symbol's cycle in
/// configuration order (an entry refused by a cap is counted as rejected), then each due market plays its candle.
public enum PortfolioBacktester {
    public static func run(members: [PortfolioMember], limits: AccountLimits, simulation: SimulationSettings) async throws -> PortfolioResult {
        let exchanges = members.map {
            SimulatedExchange(market: $0.market, timeframe: $0.timeframe, candles: $0.candles, settings: simulation,
                              start: $0.range.lowerBound)
        }
        let account = PortfolioExchange(markets: exchanges, initialBalance: simulation.initialBalance)
        let gate = RiskGate(limits: limits)
        var traders: [Trader] = []
        for (i, m) in members.enumerated() {
            let trader = try TraderBacktest.makeTrader(config: m.config, exchange: account, symbol: m.symbol, predictor: m.predictor)
            let stake = Stake(config: m.config)
            trader.entryGate = { symbol, free in gate.decide(symbol: symbol, stake: stake, free: free) }
            _ = i
            traders.append(trader)
        }
        let n = members.count
        var symbolEquity = Array(repeating: [EquityPoint](), count: n)
        var failed = Array(repeating: [(time: Int64, message: String)](), count: n)
        var notPlaced = Array(repeating: [(time: Int64, message: String)](), count: n)
        var rejected = Array(repeating: 0, count: n), cancelled = Array(repeating: 0, count: n)
        var exposedCandles = Array(repeating: 0, count: n)
        var decidedExit = Array(repeating: ExitReason.order, count: n)
        var lastClose: [Double?] = Array(repeating: nil, count: n)
        var total: [EquityPoint] = []
        var events: [(Int64, String)] = []
        var passes = 0, exposedPasses = 0
        let start = simulation.initialBalance
        func dbl(_ d: Decimal) -> Double { NSDecimalNumber(decimal: d).doubleValue }

        while true {
            let live = members.indices.filter { exchanges[$0].index < members[$0].range.upperBound }
            guard let now = live.map({ exchanges[$0].now }).min() else { break }
            let due = live.filter { exchanges[$0].now == now }
            passes += 1
            for e in gate.begin(account.snapshot(time: now)) { events.append((now, e.message)) }
            for i in due {
                let before = exchanges[i].roundTripCount
                let outcome = CycleOutcome(await traders[i].runCycle(now: now))
                if let message = outcome.error { failed[i].append((now, message)) }
                if let reason = outcome.exitReason { decidedExit[i] = reason }
                exchanges[i].nameOrderExits(from: before, as: decidedExit[i])
                if outcome.entryNotPlaced { rejected[i] += 1 }
                cancelled[i] += outcome.entriesCancelled
                for note in outcome.notes { notPlaced[i].append((now, note)) }
            }
            var closeTime = now
            for i in due {
                let ex = exchanges[i]
                let c = ex.candles[ex.index]
                let holding = ex.hasPosition
                let before = ex.roundTripCount
                ex.advance()
                ex.nameOrderExits(from: before, as: decidedExit[i])
                if holding || ex.hasPosition { exposedCandles[i] += 1 }
                lastClose[i] = c.close
                let end = c.timestamp + members[i].timeframe.milliseconds
                closeTime = max(closeTime, end)
                symbolEquity[i].append(EquityPoint(time: end, equity: ex.equity(at: c.close), price: c.close, inPosition: ex.hasPosition))
            }
            var value = dbl(start)
            for i in members.indices {
                let mark = lastClose[i] ?? members[i].candles[members[i].range.lowerBound].open
                value += exchanges[i].equity(at: mark) - dbl(start)
            }
            if exchanges.contains(where: \.hasPosition) { exposedPasses += 1 }
            total.append(EquityPoint(time: closeTime, equity: value, price: 0, inPosition: exchanges.contains(where: \.hasPosition)))
        }
        for ex in exchanges { ex.closeOutAtEnd() }
        if var last = total.last { last.equity = dbl(account.walletBalance); last.inPosition = false; total[total.count - 1] = last }

        var results: [PortfolioSymbolResult] = []
        for (i, m) in members.enumerated() {
            let ex = exchanges[i]
            var eq = symbolEquity[i]
            if var last = eq.last { last.equity = dbl(ex.walletBalance); last.inPosition = false; eq[eq.count - 1] = last }
            var metrics = BacktestMetrics(roundTrips: ex.roundTrips, equity: eq.map(\.equity), initialBalance: start,
                                          finalBalance: ex.walletBalance, exposed: exposedCandles[i], feesPaid: ex.feesPaid,
                                          fundingPaid: ex.fundingPaid, firstPrice: m.candles[m.range.lowerBound].open,
                                          lastPrice: m.candles[m.range.upperBound - 1].close, intervalMs: m.timeframe.milliseconds)
            metrics.rejectedEntrySignals = rejected[i]
            metrics.canceledTradeEntries = cancelled[i]
            results.append(PortfolioSymbolResult(symbol: m.symbol, trades: ex.roundTrips, metrics: metrics, equity: eq,
                                                 rejectedByCaps: gate.refused[m.symbol] ?? 0, failedCycles: failed[i],
                                                 notPlaced: notPlaced[i], marketFilters: MarketFilters.describe(m.market),
                                                 from: m.candles[m.range.lowerBound].timestamp, to: m.candles[m.range.upperBound - 1].timestamp))
        }
        let allTrades = results.flatMap(\.trades).sorted { ($0.entryTime, $0.exitTime) < ($1.entryTime, $1.exitTime) }
        let interval = members.map(\.timeframe.milliseconds).min() ?? 86_400_000
        var metrics = BacktestMetrics(roundTrips: allTrades, equity: total.map(\.equity), initialBalance: start,
                                      finalBalance: account.walletBalance, exposed: exposedPasses,
                                      feesPaid: exchanges.reduce(0) { $0 + $1.feesPaid },
                                      fundingPaid: exchanges.reduce(0) { $0 + $1.fundingPaid },
                                      firstPrice: 0, lastPrice: 0, intervalMs: interval)
        metrics.rejectedEntrySignals = rejected.reduce(0, +)
        metrics.canceledTradeEntries = cancelled.reduce(0, +)
        let closes: [[Int64: Double]] = members.map { m in
            var byDay: [Int64: Double] = [:]
            for c in m.candles[m.range] { byDay[AccountRisk.utcDay(c.timestamp + m.timeframe.milliseconds - 1)] = c.close }
            return byDay
        }
        return PortfolioResult(symbols: results, equity: total, metrics: metrics,
                               priceCorrelation: ReturnCorrelation(symbols: members.map(\.symbol), values: closes),
                               riskEvents: events, passes: passes)
    }
}

/// `AccountRisk` behind a lock, shared by the Traders' entry gates; counts refusals per symbol.
final class RiskGate: @unchecked Sendable {
    private let lock = NSLock()
    private var risk: AccountRisk
    private(set) var refused: [String: Int] = [:]

    init(limits: AccountLimits) { risk = AccountRisk(limits: limits) }

    func begin(_ snapshot: AccountSnapshot) -> [RiskEvent] { lock.withLock { risk.begin(snapshot) } }

    func decide(symbol: String, stake: Stake, free: Decimal) -> EntryVerdict {
        lock.withLock {
            let verdict = risk.decide(symbol: symbol, stake: stake, free: free)
            if case .refuse = verdict { refused[symbol, default: 0] += 1 }
            return verdict
        }
    }
}
