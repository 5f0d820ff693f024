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
        let since = now - Int64(windowSize + 2) * timeframe.milliseconds
        let candles = try await exchange.fetchOHLCV(symbol: symbol, timeframe: timeframe, since: since, limit: windowSize + 3)
        return Fetcher.closed(candles, now: now, timeframe: timeframe, windowSize: windowSize)
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
