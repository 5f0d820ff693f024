import Bot
import Exchange
import Foundation

/// Turns windows of closed candles into predictions, many at once. The CLI wraps the bot's own predictor (so the
/// numbers are the ones `trading-bot predict` prints); tests can pin simple rules.
public protocol WindowBatchPredicting {
    var windowSize: Int { get }
    /// Predictions for the windows ending at each index in `ends` (window = candles[end − windowSize + 1 ... end]).
    func predict(candles: [Candle], ends: Range<Int>) throws -> [Double]
}

/// The bot's per-window predictor used window by window: slow but exactly the `predict` code path.
public struct PerWindowPredictor: WindowBatchPredicting {
    public let base: any PricePredicting
    public init(_ base: any PricePredicting) { self.base = base }
    public var windowSize: Int { base.windowSize }
    public func predict(candles: [Candle], ends: Range<Int>) throws -> [Double] {
        try ends.map { end in try base.predict(Array(candles[(end - windowSize + 1)...end])) }
    }
}

/// Aligned series for evaluation: index k is the window ending at candle `ends[k]`.
public struct ForecastSeries: Sendable {
    /// Open time of the window's last candle.
    public var times: [Int64]
    /// That candle's target-column value (the naive forecast).
    public var current: [Double]
    public var predicted: [Double]
    /// The target column of the next candle.
    public var actual: [Double]
    /// Candle indices of the windows' last candles.
    public var ends: Range<Int>

    /// Runs every window whose last candle opens in [from, to] and has a next candle to compare with.
    public static func build(candles: [Candle], targetColumn: Int, predictor: any WindowBatchPredicting,
                             from: Int64? = nil, to: Int64? = nil, batch: Int = 4096) throws -> ForecastSeries {
        let w = predictor.windowSize
        var lo = max(w - 1, 0), hi = candles.count - 1          // ends in [lo, hi)
        if let from { while lo < hi && candles[lo].timestamp < from { lo += 1 } }
        if let to { while hi > lo && candles[hi - 1].timestamp > to { hi -= 1 } }
        guard lo < hi else {
            throw EvaluationError.noWindows(candles: candles.count, windowSize: w)
        }
        var predicted: [Double] = []
        predicted.reserveCapacity(hi - lo)
        var start = lo
        while start < hi {
            let end = min(hi, start + batch)
            predicted += try predictor.predict(candles: candles, ends: start..<end)
            start = end
        }
        func value(_ c: Candle) -> Double {
            switch targetColumn { case 0: c.open; case 1: c.high; case 2: c.low; case 4: c.volume; default: c.close }
        }
        return ForecastSeries(times: candles[lo..<hi].map(\.timestamp), current: candles[lo..<hi].map(value),
                              predicted: predicted, actual: candles[(lo + 1)...hi].map(value), ends: lo..<hi)
    }
}

/// Evaluation problems, each one line naming what to change.
public enum EvaluationError: Error, CustomStringConvertible, Equatable {
    case noWindows(candles: Int, windowSize: Int)
    public var description: String {
        switch self {
        case .noWindows(let n, let w):
            return "no window to evaluate: \(n) candles in the selected period, the model needs \(w) plus one to compare; widen --from/--to or use a longer file"
        }
    }
}
