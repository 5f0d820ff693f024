import Foundation

/// One OHLCV bar. `timestamp` is the open time in ms since the epoch (CCXT row `[t, o, h, l, c, v]`).
/// Doubles: candles feed the model and the scaler, which work in floating point; money is never transacted here.
public struct Candle: Sendable, Hashable, Codable {
    public var timestamp: Int64
    public var open: Double
    public var high: Double
    public var low: Double
    public var close: Double
    public var volume: Double

    public init(timestamp: Int64, open: Double, high: Double, low: Double, close: Double, volume: Double) {
        self.timestamp = timestamp; self.open = open; self.high = high; self.low = low
        self.close = close; self.volume = volume
    }

    /// CCXT's array form `[timestamp, open, high, low, close, volume]`.
    public var row: [Double] { [Double(timestamp), open, high, low, close, volume] }
}
