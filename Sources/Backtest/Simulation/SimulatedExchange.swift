import Bot
import Exchange
import Foundation

/// A USDⓈ-M futures venue replaying a candle file, behind the same `Exchange` protocol as Binance, so the Trader that
/// runs live runs here unchanged.
///
/// Time: the exchange stands at the *open* of candle `cursor`. Candles before it are closed; the forming one is
/// reported as Binance would at that instant (open price only), so a caller that forgets to drop it is caught.
/// Market orders fill at that open. `advance()` then plays the candle (open → nearer extreme → other extreme →
/// close): resting limit and stop orders fill on the way, a stop that the open has already gapped through fills at
/// the open, and a position whose liquidation price is touched is liquidated. Funding is charged at every multiple
/// of the funding interval.
public final class SimulatedExchange: Exchange, @unchecked Sendable {
    public let id = "simulated-binanceusdm"
    public var has: Capabilities { Self.fullCapabilities }

    public let market: Market
    public let timeframe: Timeframe
    public let settings: SimulationSettings
    let candles: [Candle]

    let lock = NSLock()
    var cursor: Int
    var account: SimulatedAccount
    var orders: [String: Order] = [:]
    var openOrderIDs: [String] = []
    var trades: [Trade] = []
    var nextID = 1
    /// Decimal open price of the current candle, computed once per candle.
    var cachedPrice: (index: Int, price: Decimal)?

    /// - Parameter start: index of the first candle the exchange stands at (earlier candles are history).
    public init(market: Market, timeframe: Timeframe, candles: [Candle], settings: SimulationSettings = .init(),
                start: Int = 0) {
        self.market = market
        self.timeframe = timeframe
        self.candles = candles
        self.settings = settings
        self.cursor = max(0, min(start, candles.count))
        self.account = SimulatedAccount(wallet: settings.initialBalance, maintenanceRate: settings.maintenanceMarginRate)
    }

    // MARK: simulation control

    /// Exchange time: the open of the forming candle (after the last candle: its close time).
    public var now: Int64 { lock.withLock { nowLocked } }
    var nowLocked: Int64 {
        if cursor < candles.count { return candles[cursor].timestamp }
        return (candles.last?.timestamp ?? 0) + timeframe.milliseconds
    }
    public var index: Int { lock.withLock { cursor } }
    public var isFinished: Bool { lock.withLock { cursor >= candles.count } }
    public var roundTrips: [RoundTrip] { lock.withLock { account.roundTrips } }
    var roundTripCount: Int { lock.withLock { account.roundTrips.count } }

    /// Names the round trips finished since `index` by a plain closing order with the decision's reason.
    func nameOrderExits(from index: Int, as reason: ExitReason) {
        lock.withLock {
            guard reason != .order, index < account.roundTrips.count else { return }
            for i in index..<account.roundTrips.count where account.roundTrips[i].exit == .order {
                account.roundTrips[i].exit = reason
            }
        }
    }
    public var feesPaid: Decimal { lock.withLock { account.feesPaid } }
    public var fundingPaid: Decimal { lock.withLock { account.fundingPaid } }
    public var walletBalance: Decimal { lock.withLock { account.wallet } }
    public var hasPosition: Bool { lock.withLock { account.position != nil } }
    /// Initial margin of the open position (0 when flat).
    public var usedMargin: Decimal { lock.withLock { account.usedMargin } }
    /// Leverage orders are margined at.
    public var leverage: Int { lock.withLock { account.leverage } }
    /// Unrealized P&L of the open position at the current price (Decimal, for account snapshots).
    public var unrealizedPnl: Decimal { lock.withLock { account.unrealized(at: currentPrice) } }

    /// Wallet plus unrealized P&L at `price` (as a Double, for the equity curve).
    public func equity(at price: Double) -> Double {
        lock.withLock {
            let w = NSDecimalNumber(decimal: account.wallet).doubleValue
            guard let p = account.position else { return w }
            let e = NSDecimalNumber(decimal: p.entryPrice).doubleValue
            let q = NSDecimalNumber(decimal: p.amount).doubleValue
            return w + (price - e) * q * (p.side == .long ? 1 : -1)
        }
    }

    /// Closes any open position at the close of the last candle played (for the final tally), recorded as
    /// `end_of_data`. That candle, not the file's last: a run that stops early (`--to`, a tuning split, a walk-forward
    /// window) must not be settled at a price from after its end.
    public func closeOutAtEnd() {
        lock.withLock {
            guard let p = account.position, cursor > 0, !candles.isEmpty else { return }
            let last = candles[min(cursor, candles.count) - 1]
            let price = decimalPrice(last.close)
            _ = account.fill(side: p.side == .long ? .sell : .buy, amount: p.amount, price: price,
                             feeRate: settings.takerFee, time: nowLocked, exit: .endOfData)
        }
    }

    func decimalPrice(_ value: Double) -> Decimal {
        let d = ExactDecimal.from(value)
        return market.priceToPrecision(d)
    }

    /// Price at which market orders fill now: the forming candle's open (the last close after the data ends).
    var currentPrice: Decimal {
        if let c = cachedPrice, c.index == cursor { return c.price }
        let raw = cursor < candles.count ? candles[cursor].open : (candles.last?.close ?? 0)
        let p = decimalPrice(raw)
        cachedPrice = (cursor, p)
        return p
    }

    // MARK: Exchange: market data

    public func loadMarkets(reload: Bool) async throws -> [String: Market] { [market.symbol: market] }
    public func fetchMarkets() async throws -> [Market] { [market] }
    public func fetchTime() async throws -> Int64 { now }

    public func fetchOHLCV(symbol: String, timeframe: Timeframe, since: Int64?, limit: Int?) async throws -> [Candle] {
        try checkSymbol(symbol, "fetchOHLCV")
        guard timeframe == self.timeframe else {
            throw ExchangeFailure(.badRequest, exchange: id, message: "the simulation replays \(self.timeframe.name) candles, not \(timeframe.name)", method: "fetchOHLCV")
        }
        let limit = min(max(1, limit ?? settings.defaultLimit), settings.maxLimit)
        return lock.withLock {
            // Visible: closed candles [0, cursor) plus the forming one (open price only).
            let visibleEnd = min(cursor + 1, candles.count)
            var from: Int
            if let since {
                from = lowerBound(since)
            } else {
                from = max(0, visibleEnd - limit)
            }
            from = min(from, visibleEnd)
            let to = min(visibleEnd, from + limit)
            var out = Array(candles[from..<to])
            if cursor < candles.count, to == cursor + 1, var forming = out.last {
                forming.high = forming.open; forming.low = forming.open; forming.close = forming.open; forming.volume = 0
                out[out.count - 1] = forming
            }
            return out
        }
    }

    /// First index with timestamp ≥ t.
    func lowerBound(_ t: Int64) -> Int {
        var lo = 0, hi = candles.count
        while lo < hi { let mid = (lo + hi) / 2; if candles[mid].timestamp < t { lo = mid + 1 } else { hi = mid } }
        return lo
    }

    public func fetchTicker(symbol: String) async throws -> Ticker {
        try checkSymbol(symbol, "fetchTicker")
        return lock.withLock {
            let p = currentPrice
            return Ticker(symbol: symbol, timestamp: nowLocked, bid: p, ask: p, close: p, last: p)
        }
    }

    // MARK: Exchange: account

    public func fetchBalance() async throws -> Balance {
        lock.withLock {
            let quote = market.settle ?? market.quote
            return Balance(currencies: [quote: CurrencyBalance(free: account.free, used: account.usedMargin, total: account.wallet)],
                           timestamp: nowLocked)
        }
    }

    public func fetchPositions(symbols: [String]?) async throws -> [Position] {
        if let symbols, !symbols.contains(market.symbol) { return [] }
        return lock.withLock {
            guard let p = account.position else { return [] }
            let mark = currentPrice
            return [Position(symbol: market.symbol, side: p.side, contracts: p.amount, contractSize: 1,
                             entryPrice: p.entryPrice, markPrice: mark, notional: mark * p.amount,
                             unrealizedPnl: account.unrealized(at: mark), leverage: Decimal(account.leverage),
                             marginMode: account.marginMode, liquidationPrice: p.liquidation, timestamp: nowLocked)]
        }
    }

    public func setLeverage(_ leverage: Int, symbol: String) async throws {
        try checkSymbol(symbol, "setLeverage")
        guard leverage >= 1, leverage <= settings.maxLeverage else {
            throw ExchangeFailure(.badRequest, exchange: id, message: "leverage \(leverage) is outside 1...\(settings.maxLeverage)", method: "setLeverage")
        }
        lock.withLock { account.leverage = leverage }
    }

    public func setMarginMode(_ mode: MarginMode, symbol: String) async throws {
        try checkSymbol(symbol, "setMarginMode")
        try lock.withLock {
            if account.position != nil && account.marginMode != mode {
                throw ExchangeFailure(.badRequest, exchange: id, message: "cannot change the margin mode with an open position", method: "setMarginMode")
            }
            account.marginMode = mode
            account.refreshLiquidation()
        }
    }

    func checkSymbol(_ symbol: String, _ method: String) throws {
        guard symbol == market.symbol || symbol == market.id else {
            throw ExchangeFailure(.badSymbol, exchange: id, message: "the simulation trades only \(market.symbol), not '\(symbol)'", method: method)
        }
    }
}
