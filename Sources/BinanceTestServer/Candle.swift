import Foundation

extension BinanceTestServer {
    /// One OHLCV bar as the server stores it (exact decimals; openTime in ms since epoch).
    /// Kept local to the server so it does not depend on how `Exchange` models candles.
    public struct Candle: Sendable, Equatable {
        public var openTime: Int64
        public var open: Decimal
        public var high: Decimal
        public var low: Decimal
        public var close: Decimal
        public var volume: Decimal

        public init(openTime: Int64, open: Decimal, high: Decimal, low: Decimal, close: Decimal, volume: Decimal) {
            self.openTime = openTime; self.open = open; self.high = high
            self.low = low; self.close = close; self.volume = volume
        }
    }
}

/// Kline intervals Binance accepts, with their length in ms (1M is treated as 30 days).
enum KlineInterval {
    static let table: [String: Int64] = [
        "1m": 60_000, "3m": 180_000, "5m": 300_000, "15m": 900_000, "30m": 1_800_000,
        "1h": 3_600_000, "2h": 7_200_000, "4h": 14_400_000, "6h": 21_600_000, "8h": 28_800_000,
        "12h": 43_200_000, "1d": 86_400_000, "3d": 259_200_000, "1w": 604_800_000, "1M": 2_592_000_000,
    ]
    static func ms(_ name: String) -> Int64? { table[name] }
}
