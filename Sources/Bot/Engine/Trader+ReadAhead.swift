import Exchange
import Foundation

extension Trader {
    /// The reads every cycle makes whatever it decides, to start together at its start (`ReadAheadExchange`): the
    /// markets, this symbol's position (reconcile and the decision), its open orders (reconcile, and the stale-entry
    /// cancel of limit orders) and the balance (the end of every cycle, and the entry's sizing).
    ///
    /// The ticker is read only just before a market entry, to size it at the price the order will meet; it is
    /// started too when the orders are market orders. One weight-1 request per cycle buys the entry a round trip on
    /// its critical path; the price it gives is at most this cycle old (milliseconds, the candle claim included), it
    /// only sizes an order that fills at the book's price anyway, and any write before the entry (leverage, margin
    /// mode) drops it, so the entry then reads a fresh one. The stop-loss list (`trigger: true`) is not started: it
    /// is read only with an open position, and the entry that opens one drops any kept read.
    public func cycleReads() -> [ReadAheadExchange.Read] {
        var reads: [ReadAheadExchange.Read] = [
            .markets, .positions(symbols: [settings.symbol]), .openOrders(symbol: settings.symbol, params: [:]), .balance,
        ]
        if orderer.orderType == .market { reads.append(.ticker(symbol: settings.symbol)) }
        return reads
    }

    /// The klines read `fetcher.closedCandles(now:)` makes at exchange time `now`, with exactly its arguments.
    public func candleRead(now: Int64) -> ReadAheadExchange.Read {
        let request = fetcher.candleRequest(now: now)
        return .ohlcv(symbol: settings.symbol, timeframe: settings.timeframe, since: request.since, limit: request.limit)
    }
}
