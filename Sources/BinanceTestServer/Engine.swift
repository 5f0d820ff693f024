import Exchange
import Foundation

/// The simulated exchange behind the HTTP layer: accounts, orders, positions, candles.
/// Not thread-safe by itself; `BinanceTestServer` only touches it while holding its lock.
final class Engine {
    typealias Candle = BinanceTestServer.Candle
    typealias OrderRecord = BinanceTestServer.OrderRecord
    typealias AlgoOrderRecord = BinanceTestServer.AlgoOrderRecord
    typealias TradeRecord = BinanceTestServer.TradeRecord

    struct Account {
        var apiKey: String
        var secret: String
        var walletBalance: Decimal
        var positions: [String: (amount: Decimal, entry: Decimal, updateTime: Int64)] = [:]
        var leverage: [String: Int] = [:]
        var marginType: [String: String] = [:]   // "CROSSED" / "ISOLATED"
        /// Margin moved out of the cross wallet into each isolated position's wallet (walletBalance includes it).
        var isolatedWallet: [String: Decimal] = [:]
        /// Hedge mode (POST /fapi/v1/positionSide/dual): orders then carry positionSide LONG / SHORT.
        var dualSidePosition = false
    }

    let options: BinanceTestServer.Options
    var accounts: [String: Account] = [:]
    var orders: [OrderRecord] = []
    var algoOrders: [BinanceTestServer.AlgoOrderRecord] = []
    var trades: [TradeRecord] = []
    /// candles[symbol][interval] sorted by openTime.
    var candles: [String: [String: [Candle]]] = [:]
    var priceOverride: [String: Decimal] = [:]
    private var nextOrderId: Int64 = 8_389_765_000_000_000
    private var nextAlgoId: Int64 = 3_000_000_000
    private var nextTradeId: Int64 = 5_000_000

    init(options: BinanceTestServer.Options) { self.options = options }

    func newOrderId() -> Int64 { nextOrderId += 1; return nextOrderId }
    func newAlgoId() -> Int64 { nextAlgoId += 1; return nextAlgoId }
    func newTradeId() -> Int64 { nextTradeId += 1; return nextTradeId }

    // MARK: candles and prices

    /// Stores candles with prices rounded to the symbol's tick size (data files carry float noise).
    func load(symbol: String, interval: String, candles rows: [Candle]) {
        let tick = options.spec(symbol)?.tickSize ?? 0
        let scale = tick > 0 ? WireDecimal.scale(of: tick) : 8
        func r(_ d: Decimal) -> Decimal {
            let rounded = WireDecimal.round(d, scale: scale)
            guard tick > 0 else { return rounded }
            return WireDecimal.round(rounded / tick, scale: 0) * tick
        }
        let cleaned = rows.map { c in
            Candle(openTime: c.openTime, open: r(c.open), high: r(c.high), low: r(c.low), close: r(c.close),
                   volume: WireDecimal.round(c.volume, scale: 8))
        }.sorted { $0.openTime < $1.openTime }
        candles[symbol, default: [:]][interval] = cleaned
    }

    /// The finest loaded series for a symbol: it defines the symbol's price path.
    func priceSeries(_ symbol: String) -> (interval: Int64, rows: [Candle])? {
        guard let bySymbol = candles[symbol] else { return nil }
        let best = bySymbol.compactMap { (name, rows) -> (Int64, [Candle])? in
            guard let ms = KlineInterval.ms(name), !rows.isEmpty else { return nil }
            return (ms, rows)
        }.min { $0.0 < $1.0 }
        return best.map { (interval: $0.0, rows: $0.1) }
    }

    /// Index of the candle containing `t` (openTime <= t < openTime + interval), if any.
    static func index(of t: Int64, in rows: [Candle], interval: Int64) -> Int? {
        var lo = 0, hi = rows.count - 1, found: Int? = nil
        while lo <= hi {
            let mid = (lo + hi) / 2
            if rows[mid].openTime <= t { found = mid; lo = mid + 1 } else { hi = mid - 1 }
        }
        guard let i = found, t < rows[i].openTime + interval else { return nil }
        return i
    }

    /// Last traded price at `t`: the open of the candle in progress (the server reveals nothing
    /// of a candle before it closes); after the data ends, the last close. Nil before the data.
    func price(_ symbol: String, at t: Int64) -> Decimal? {
        if let p = priceOverride[symbol] { return p }
        guard let series = priceSeries(symbol), let first = series.rows.first, let last = series.rows.last else { return nil }
        if t < first.openTime { return nil }
        if let i = Self.index(of: t, in: series.rows, interval: series.interval) { return series.rows[i].open }
        if t >= last.openTime + series.interval { return last.close }
        // In a gap between rows: the last close before t.
        let before = series.rows.last { $0.openTime + series.interval <= t }
        return before?.close
    }

    // MARK: accounts and positions

    func leverage(_ account: Account, _ symbol: String) -> Int { account.leverage[symbol] ?? options.defaultLeverage }

    func positionAmount(_ apiKey: String, _ symbol: String) -> Decimal {
        accounts[apiKey]?.positions[symbol]?.amount ?? 0
    }

    func isIsolated(_ account: Account, _ symbol: String) -> Bool { account.marginType[symbol] == "ISOLATED" }

    /// Each symbol with a position or open orders, as Binance's margin arithmetic sees it (mark = last price, or the
    /// entry before there is one).
    func marginLines(_ account: Account, at t: Int64) -> [String: MarginBook.Line] {
        var lines: [String: MarginBook.Line] = [:]
        func line(_ symbol: String) -> MarginBook.Line {
            let pos = account.positions[symbol] ?? (amount: 0, entry: 0, updateTime: 0)
            return MarginBook.Line(amount: pos.amount, entry: pos.entry, mark: price(symbol, at: t) ?? pos.entry,
                                   leverage: leverage(account, symbol), isolated: isIsolated(account, symbol),
                                   isolatedWallet: account.isolatedWallet[symbol] ?? 0)
        }
        for (symbol, pos) in account.positions where pos.amount != 0 { lines[symbol] = line(symbol) }
        for o in orders where o.apiKey == account.apiKey && o.isOpen && !o.reduceOnly {
            var l = lines[o.symbol] ?? line(o.symbol)
            l.openOrderInitialMargin += o.remainingQty * o.price / Decimal(leverage(account, o.symbol))
            lines[o.symbol] = l
        }
        return lines
    }

    /// The asset's balance fields (/fapi/v3/account, /fapi/v3/balance), unrounded.
    func marginSummary(_ account: Account, at t: Int64) -> MarginBook.Summary {
        MarginBook.summary(walletBalance: account.walletBalance, lines: Array(marginLines(account, at: t).values))
    }

    func unrealized(_ account: Account, at t: Int64) -> Decimal { marginSummary(account, at: t).unrealizedProfit }

    /// Binance's availableBalance: from the cross side only, never below 0.
    func available(_ account: Account, at t: Int64) -> Decimal { marginSummary(account, at: t).availableBalance }
}
