import Bot
import Exchange
import Foundation

/// The bot's own `Predictor` over many windows at once (`predictAll`), so evaluate and backtest use exactly the code
/// `trading-bot predict` uses, in big batches.
public struct ModelBatchPredictor: WindowBatchPredicting {
    public let predictor: Predictor
    public init(_ predictor: Predictor) { self.predictor = predictor }
    public var windowSize: Int { predictor.windowSize }
    public func predict(candles: [Candle], ends: Range<Int>) throws -> [Double] {
        guard !ends.isEmpty else { return [] }
        let first = ends.lowerBound - windowSize + 1
        return try predictor.predictAll(Array(candles[first..<ends.upperBound]))
    }
}
