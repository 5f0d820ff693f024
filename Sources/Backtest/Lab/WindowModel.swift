import Bot
import Exchange
import Foundation
import Keras
import Scaling

/// A Keras model over windows of candles with any input columns and any number of output steps: the bot's
/// `[open, high, low, close, volume]` → next close, or the study's `[open, high, low]` → the next 5 closes.
///
/// Each input column is scaled by its own scaler (`scalers[k]` describes candle field `scalerFields[k]`), the model
/// runs natively, and every output step goes back through the target column's scaler. For the bot's models the
/// numbers are exactly `Predictor`'s (same float64 transform, float32 model, float32 inverse transform).
public final class WindowModel: @unchecked Sendable {
    /// Candle fields by index: 0 open, 1 high, 2 low, 3 close, 4 volume.
    public static let fieldNames = BotConfig.featureColumns

    public let windowSize: Int
    public let horizon: Int
    /// Input columns in the model's feature order, as candle fields.
    public let inputFields: [Int]
    public let targetField: Int
    public let modelPath: String
    /// Scalers of the input columns (in `inputFields` order) and of the target.
    public let inputScalers: [ColumnScaler]
    public let targetScaler: ColumnScaler
    /// Flags windows whose inputs leave the input scalers' fitted range.
    public let rangeCheck: InputRangeCheck
    private let session: InferenceSession
    private let maxBatch: Int
    private let lock = NSLock()

    /// - Parameters:
    ///   - scalers: the scalers file's columns; `scalerFields[k]` is the candle field `scalers[k]` was fitted on.
    ///   - inputFields: the model's input columns in order; each must have a scaler.
    public init(model: KerasModel, scalers: ScalerSet, scalerFields: [Int], inputFields: [Int], targetField: Int,
                modelPath: String, scalersPath: String, maxBatch: Int = 4096) throws {
        guard model.inputShape.count == 2, model.inputShape[1] == inputFields.count else {
            throw LabError(file: modelPath, problem: "input shape \(model.inputShape) is not (window, \(inputFields.count) features \(Self.names(inputFields)))")
        }
        guard scalers.count == scalerFields.count else {
            throw LabError(file: scalersPath, problem: "has \(scalers.count) column scalers but the record names \(scalerFields.count) (\(Self.names(scalerFields)))")
        }
        func scaler(_ field: Int, _ role: String) throws -> ColumnScaler {
            guard let k = scalerFields.firstIndex(of: field) else {
                throw LabError(file: scalersPath, problem: "no scaler for the \(role) column \(Self.fieldNames[field]) (scalers are for \(Self.names(scalerFields)))")
            }
            return scalers[k]
        }
        inputScalers = try inputFields.map { try scaler($0, "input") }
        targetScaler = try scaler(targetField, "target")
        windowSize = model.inputShape[0]
        horizon = model.outputShape.reduce(1, *)
        self.inputFields = inputFields
        self.targetField = targetField
        self.modelPath = modelPath
        rangeCheck = InputRangeCheck(columns: inputScalers, names: inputFields.map { Self.fieldNames[$0] }, fields: inputFields)
        self.maxBatch = max(1, maxBatch)
        session = model.makeSession(maxBatch: self.maxBatch)
    }

    static func names(_ fields: [Int]) -> String { "[" + fields.map { fieldNames[$0] }.joined(separator: ", ") + "]" }

    /// A candle's field by index (0 open … 4 volume).
    @inline(__always)
    public static func value(_ c: Candle, _ field: Int) -> Double {
        switch field { case 0: c.open; case 1: c.high; case 2: c.low; case 3: c.close; default: c.volume }
    }

    /// Predictions for the windows ending at each index of `ends` (window = candles[end − windowSize + 1 … end]):
    /// `result[k][j]` is step j + 1 (the candle end + j + 1) of the window ending at `ends[k]`, in price units.
    public func predict(candles: [Candle], ends: Range<Int>) throws -> [[Double]] {
        guard !ends.isEmpty else { return [] }
        guard ends.lowerBound >= windowSize - 1, ends.upperBound <= candles.count else {
            throw LabError(file: modelPath, problem: "window ends \(ends) need \(windowSize) candles each within \(candles.count)")
        }
        lock.lock()
        defer { lock.unlock() }
        var result: [[Double]] = []
        result.reserveCapacity(ends.count)
        let features = inputFields.count, w = windowSize, h = horizon
        var start = ends.lowerBound
        while start < ends.upperBound {
            let batch = min(maxBatch, ends.upperBound - start)
            let input = session.input
            for slot in 0..<batch {
                let first = start + slot - w + 1
                var index = slot * w * features
                for r in first..<(first + w) {
                    let c = candles[r]
                    for f in 0..<features {
                        input[index] = Float(inputScalers[f].transform(Self.value(c, inputFields[f])))
                        index += 1
                    }
                }
            }
            session.run(batch: batch)
            let out = session.output
            for slot in 0..<batch {
                result.append((0..<h).map { Double(targetScaler.inverseTransform(out[slot * h + $0])) })
            }
            start += batch
        }
        return result
    }
}
