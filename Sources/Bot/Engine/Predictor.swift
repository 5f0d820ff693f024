import Exchange
import Foundation
import Keras
import Scaling

/// A model/scalers/window mismatch found when the predictor is built, before any trading.
public struct PredictorError: Error, Sendable, CustomStringConvertible {
    public let file: String
    public let problem: String
    public var description: String { "\(file): \(problem)" }
}

/// Scales a window of candles column by column, runs the native Keras model and turns its output back into a price
/// with the TARGET_COLUMN scaler. Buffers are allocated once, so a prediction allocates nothing.
public final class Predictor: @unchecked Sendable {
    /// Feature order of the model's input rows: the reference training's `[open, high, low, close, volume]`.
    public static let features = BotConfig.featureColumns

    public let windowSize: Int
    public let targetColumn: Int
    public let modelPath: String
    /// The input scalers in feature order (their fitted ranges say where the model extrapolates).
    public let scalers: ScalerSet
    /// Flags windows outside the scalers' fitted range.
    public let rangeCheck: InputRangeCheck
    private let session: InferenceSession
    private let maxBatch: Int
    private let lock = NSLock()

    public init(model: KerasModel, scalers: ScalerSet, windowSize: Int, targetColumn: Int,
                modelPath: String, scalersPath: String, maxBatch: Int = 1) throws {
        let featureCount = Predictor.features.count
        guard model.inputShape == [windowSize, featureCount] else {
            throw PredictorError(file: modelPath, problem: "model input shape \(model.inputShape) does not match WINDOW_SIZE \(windowSize) × \(featureCount) features [open, high, low, close, volume]; set WINDOW_SIZE to the model's window")
        }
        guard model.outputShape.reduce(1, *) == 1 else {
            throw PredictorError(file: modelPath, problem: "model output shape \(model.outputShape) is not a single value; the bot needs a model predicting one price")
        }
        guard scalers.count == featureCount else {
            throw PredictorError(file: scalersPath, problem: "has \(scalers.count) column scalers, the model needs \(featureCount) (open, high, low, close, volume)")
        }
        guard (0..<featureCount).contains(targetColumn) else {
            throw PredictorError(file: scalersPath, problem: "TARGET_COLUMN index \(targetColumn) is out of range")
        }
        self.windowSize = windowSize
        self.targetColumn = targetColumn
        self.modelPath = modelPath
        self.scalers = scalers
        self.rangeCheck = InputRangeCheck(scalers: scalers)
        self.maxBatch = max(1, maxBatch)
        self.session = model.makeSession(maxBatch: self.maxBatch)
    }

    /// Loads the model and scalers named in the configuration.
    public static func load(config: BotConfig, maxBatch: Int = 1) throws -> Predictor {
        try load(modelPath: config.modelPath, scalersPath: config.scalersPath, windowSize: config.windowSize,
                 targetColumn: config.targetColumnIndex, maxBatch: maxBatch)
    }

    /// The scalers file in the model's feature order: by position, or by name when the file keyed them by
    /// column name (`{'open': scaler, 'high': ..., ...}`, any case).
    public static func loadScalers(path: String) throws -> ScalerSet {
        let scalers = try ScalerSet.load(path: path)
        return scalers.keyedByName ? try scalers.ordered(by: features, file: path) : scalers
    }

    public static func load(modelPath: String, scalersPath: String, windowSize: Int, targetColumn: Int, maxBatch: Int = 1) throws -> Predictor {
        let model = try KerasModel.load(path: modelPath)
        let scalers = try loadScalers(path: scalersPath)
        return try Predictor(model: model, scalers: scalers, windowSize: windowSize, targetColumn: targetColumn,
                             modelPath: modelPath, scalersPath: scalersPath, maxBatch: maxBatch)
    }

    /// The predicted price from the last `windowSize` candles of `candles` (oldest first).
    public func predict(_ candles: ArraySlice<Candle>) throws -> Double {
        guard candles.count >= windowSize else {
            throw PredictorError(file: modelPath, problem: "needs \(windowSize) closed candles, got \(candles.count)")
        }
        lock.lock()
        defer { lock.unlock() }
        fill(slot: 0, window: candles[(candles.endIndex - windowSize)...])
        session.run(batch: 1)
        return Double(scalers[targetColumn].inverseTransform(session.output[0]))
    }

    public func predict(_ candles: [Candle]) throws -> Double { try predict(candles[...]) }

    /// The honest-inputs warning for the window `predict` would use (the last `windowSize` candles), or nil.
    public func inputWarning(_ candles: [Candle]) -> String? {
        rangeCheck.warning(candles.suffix(windowSize))
    }

    /// Predictions for every full window of `candles`: element i uses candles[i ..< i + windowSize]. Batched, for
    /// evaluation and backtests; each value equals `predict` on the same window.
    public func predictAll(_ candles: [Candle]) throws -> [Double] {
        let count = candles.count - windowSize + 1
        guard count > 0 else { return [] }
        var result = [Double]()
        result.reserveCapacity(count)
        lock.lock()
        defer { lock.unlock() }
        var start = 0
        while start < count {
            let batch = min(maxBatch, count - start)
            for slot in 0..<batch {
                let first = candles.startIndex + start + slot
                fill(slot: slot, window: candles[first ..< first + windowSize])
            }
            session.run(batch: batch)
            let scaler = scalers[targetColumn]
            for slot in 0..<batch { result.append(Double(scaler.inverseTransform(session.output[slot]))) }
            start += batch
        }
        return result
    }

    /// Scales one window into the session's input slot. Plain pointer loops: this is the per-prediction hot path
    /// and must not allocate, even in debug builds (generic slice iteration does).
    private func fill(slot: Int, window: ArraySlice<Candle>) {
        let input = session.input
        let features = Predictor.features.count
        let s0 = scalers[0], s1 = scalers[1], s2 = scalers[2], s3 = scalers[3], s4 = scalers[4]
        window.withUnsafeBufferPointer { rows in
            var index = slot * windowSize * features
            for r in 0..<rows.count {
                let candle = rows[r]
                input[index] = Float(s0.transform(candle.open))
                input[index + 1] = Float(s1.transform(candle.high))
                input[index + 2] = Float(s2.transform(candle.low))
                input[index + 3] = Float(s3.transform(candle.close))
                input[index + 4] = Float(s4.transform(candle.volume))
                index += features
            }
        }
    }
}
