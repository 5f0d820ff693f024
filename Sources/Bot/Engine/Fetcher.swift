import Exchange
import Foundation

/// What one cycle needs from the exchange, gathered in one place.
public struct MarketView: Sendable {
    /// The last WINDOW_SIZE *closed* candles, oldest first.
    public var candles: [Candle]
    public var position: PositionSnapshot?
    /// Free balance of the settle currency.
    public var freeBalance: Decimal
    /// Total (wallet) balance of the settle currency.
    public var totalBalance: Decimal
}

/// Reads market data and account state through the unified exchange protocol.
public struct Fetcher: Sendable {
    public let exchange: any Exchange
    public let symbol: String
    public let timeframe: Timeframe
    public let windowSize: Int

    public init(exchange: any Exchange, symbol: String, timeframe: Timeframe, windowSize: Int) {
        self.exchange = exchange
        self.symbol = symbol
        self.timeframe = timeframe
        self.windowSize = windowSize
    }

    public func market() async throws -> Market { try await exchange.market(symbol) }

    /// The last `windowSize` candles closed at `now` (exchange time). The still-open candle is never returned: a
    /// candle is closed when its open time + interval ≤ now.
    public func closedCandles(now: Int64) async throws -> [Candle] {
        let request = candleRequest(now: now)
        let candles = try await exchange.fetchOHLCV(symbol: symbol, timeframe: timeframe, since: request.since, limit: request.limit)
        return Fetcher.closed(candles, now: now, timeframe: timeframe, windowSize: windowSize)
    }

    /// The `fetchOHLCV` arguments `closedCandles(now:)` sends, in one place so a read-ahead can start the same call:
    /// from the open of the candle `windowSize + 2` before the current one, `windowSize + 3` candles (the window, the
    /// open candle and one spare). Aligned to the candle, so every `now` inside one candle asks the same request —
    /// what lets the cycle join klines read ahead a few milliseconds earlier.
    public func candleRequest(now: Int64) -> (since: Int64, limit: Int) {
        let interval = timeframe.milliseconds
        let open = now - ((now % interval) + interval) % interval
        return (open - Int64(windowSize + 2) * interval, windowSize + 3)
    }

    /// Pure filter: closed candles at `now`, last `windowSize`, oldest first.
    public static func closed(_ candles: [Candle], now: Int64, timeframe: Timeframe, windowSize: Int) -> [Candle] {
        let closed = candles.filter { $0.timestamp + timeframe.milliseconds <= now }.sorted { $0.timestamp < $1.timestamp }
        return Array(closed.suffix(windowSize))
    }

    public func position() async throws -> PositionSnapshot? {
        let positions = try await exchange.fetchPositions(symbols: [symbol])
        guard let open = positions.first(where: { $0.symbol == symbol && $0.contracts != 0 }) else { return nil }
        return PositionSnapshot(side: open.side, amount: abs(open.contracts), entryPrice: open.entryPrice ?? 0)
    }

    /// (free, total) of `currency`.
    public func balance(currency: String) async throws -> (free: Decimal, total: Decimal) {
        let balance = try await exchange.fetchBalance()
        let entry = balance[currency]
        return (entry?.free ?? 0, entry?.total ?? 0)
    }
}
