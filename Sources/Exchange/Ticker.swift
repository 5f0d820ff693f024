import Foundation

/// Last price and best bid/ask for a symbol, as CCXT's `fetchTicker` result.
public struct Ticker: Sendable, Hashable, Codable {
    public var symbol: String
    public var timestamp: Int64?
    public var high: Decimal?
    public var low: Decimal?
    public var bid: Decimal?
    public var bidVolume: Decimal?
    public var ask: Decimal?
    public var askVolume: Decimal?
    public var open: Decimal?
    public var close: Decimal?
    public var last: Decimal?
    public var change: Decimal?
    public var percentage: Decimal?
    public var vwap: Decimal?
    public var baseVolume: Decimal?
    public var quoteVolume: Decimal?
    public var previousClose: Decimal?
    public var average: Decimal?
    /// Mark and index price (futures; `fetchMarkPrice` fills these).
    public var markPrice: Decimal?
    public var indexPrice: Decimal?
    /// The exchange's raw ticker object, as CCXT's `info`.
    public var info: JSONValue?

    public init(symbol: String, timestamp: Int64? = nil, high: Decimal? = nil, low: Decimal? = nil,
                bid: Decimal? = nil, bidVolume: Decimal? = nil, ask: Decimal? = nil, askVolume: Decimal? = nil,
                open: Decimal? = nil, close: Decimal? = nil, last: Decimal? = nil, change: Decimal? = nil,
                percentage: Decimal? = nil, vwap: Decimal? = nil, baseVolume: Decimal? = nil,
                quoteVolume: Decimal? = nil, previousClose: Decimal? = nil, average: Decimal? = nil,
                markPrice: Decimal? = nil, indexPrice: Decimal? = nil, info: JSONValue? = nil) {
        self.symbol = symbol; self.timestamp = timestamp; self.high = high; self.low = low
        self.bid = bid; self.bidVolume = bidVolume; self.ask = ask; self.askVolume = askVolume
        self.open = open; self.close = close; self.last = last; self.change = change
        self.percentage = percentage; self.vwap = vwap; self.baseVolume = baseVolume; self.quoteVolume = quoteVolume
        self.previousClose = previousClose; self.average = average; self.markPrice = markPrice
        self.indexPrice = indexPrice; self.info = info
    }
}
