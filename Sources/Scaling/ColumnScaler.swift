/// One feature's min-max scaling, with exactly the arithmetic scikit-learn's `MinMaxScaler` uses, so scaled
/// inputs and recovered prices match Python bit for bit. This is the prediction hot path: plain stored
/// properties, no allocation, inlinable.
public struct ColumnScaler: Equatable, Sendable {
    /// `feature_range[0]` and `feature_range[1]`: the target interval of `transform`.
    public let featureMin: Double
    public let featureMax: Double
    /// sklearn's `clip`: clamp `transform` output to `feature_range` (never applied by `inverseTransform`).
    public let clip: Bool
    public let dataMin: Double
    public let dataMax: Double
    public let dataRange: Double
    /// `scale_` and `min_`: the only numbers `transform` / `inverseTransform` use.
    public let scale: Double
    public let min: Double
    /// `n_samples_seen_`, when the file records it.
    public let samplesSeen: Int?
    /// `feature_names_in_` entry when the scaler was fitted on a DataFrame.
    public let featureName: String?

    public init(featureMin: Double, featureMax: Double, clip: Bool, dataMin: Double, dataMax: Double,
                dataRange: Double, scale: Double, min: Double, samplesSeen: Int? = nil, featureName: String? = nil) {
        self.featureMin = featureMin
        self.featureMax = featureMax
        self.clip = clip
        self.dataMin = dataMin
        self.dataMax = dataMax
        self.dataRange = dataRange
        self.scale = scale
        self.min = min
        self.samplesSeen = samplesSeen
        self.featureName = featureName
    }

    /// The same scaler under another column name (a dict key the training code used).
    public func named(_ name: String) -> ColumnScaler {
        ColumnScaler(featureMin: featureMin, featureMax: featureMax, clip: clip, dataMin: dataMin, dataMax: dataMax,
                     dataRange: dataRange, scale: scale, min: min, samplesSeen: samplesSeen, featureName: name)
    }

    /// sklearn `transform`: `X *= scale_; X += min_` in float64 (two roundings; the algebraically equal
    /// `(x - data_min_) / data_range_` differs in the last bit), then `np.clip` to `feature_range` if `clip`.
    @inlinable
    public func transform(_ x: Double) -> Double {
        let scaled = x * scale
        let shifted = scaled + min
        return clip ? ColumnScaler.numpyClip(shifted, featureMin, featureMax) : shifted
    }

    /// sklearn `inverse_transform` on float64: `X -= min_; X /= scale_`.
    @inlinable
    public func inverseTransform(_ y: Double) -> Double {
        (y - min) / scale
    }

    /// sklearn `inverse_transform` on a float32 model output: numpy computes each in-place step in float64
    /// and stores it back into the float32 array, so the result is rounded to float32 twice.
    @inlinable
    public func inverseTransform(_ y: Float) -> Float {
        let shifted = Float(Double(y) - min)
        return Float(Double(shifted) / scale)
    }

    /// numpy's `clip` for floats: `min(max(x, lo), hi)` where NaN propagates and ties keep the bound
    /// (so `-0.0` clipped to `[0, 1]` becomes `+0.0`, as in numpy).
    @inlinable
    public static func numpyClip(_ x: Double, _ lo: Double, _ hi: Double) -> Double {
        if x.isNaN { return x }
        let low = x > lo ? x : lo
        return low < hi ? low : hi
    }
}
