import Exchange
import Foundation

extension Trader {
    /// The reads every cycle makes whatever it decides, to start together at its start (`ReadAheadExchange`): the
    /// markets, this symbol's position (reconcile and the decision), its open orders (reconcile, and the stale-entry
    /// cancel of limit orders) and the balance (the end of every cycle, and the entry's sizing); before the first
    /// order of the process, the leverage and margin mode in effect (`prepare()` sends only what differs).
    ///
    /// Not started: the ticker. It is read only just before a market entry (a few cycles in a hundred), to size the
    /// order at the price it will meet, so it should be as late as possible — after the decision, not at the start of
    /// the cycle; read ahead it would add a read to every cycle and change what the exchange sees (the dry-run vs
    /// testnet end-to-end test moves the price right after the ticker read before an entry, and counts those reads).
    /// With the settings already in effect nothing is written before it, so it is one round trip. Nor the stop-loss
    /// list (`trigger: true`): it is read only with an open position, and the entry that opens one drops any kept read.
    public func cycleReads() -> [ReadAheadExchange.Read] {
        var reads: [ReadAheadExchange.Read] = [
            .markets, .positions(symbols: [settings.symbol]), .openOrders(symbol: settings.symbol, params: [:]), .balance,
        ]
        if !prepared { reads.append(.leverages(symbols: [settings.symbol])) }
        return reads
    }

    /// The klines read `fetcher.closedCandles(now:)` makes at exchange time `now`, with exactly its arguments.
    public func candleRead(now: Int64) -> ReadAheadExchange.Read {
        let request = fetcher.candleRequest(now: now)
        return .ohlcv(symbol: settings.symbol, timeframe: settings.timeframe, since: request.since, limit: request.limit)
    }
}
