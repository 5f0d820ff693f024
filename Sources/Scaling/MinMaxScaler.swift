/// A scikit-learn `MinMaxScaler` as fitted: every per-feature array sklearn stores in `__dict__`.
/// A scaler fitted on several columns gives one `ColumnScaler` per feature.
public struct MinMaxScaler: Equatable, Sendable {
    public let featureRange: (min: Double, max: Double)
    public let clip: Bool
    public let dataMin: [Double]
    public let dataMax: [Double]
    public let dataRange: [Double]
    public let scale: [Double]
    public let min: [Double]
    /// `n_features_in_` (equal to the arrays' length; inferred from them for sklearn < 0.24 pickles).
    public let featuresIn: Int
    public let samplesSeen: Int?
    public let featureNames: [String]?
    /// `_sklearn_version` recorded by scikit-learn's `__getstate__`.
    public let sklearnVersion: String?

    public init(featureRange: (min: Double, max: Double), clip: Bool, dataMin: [Double], dataMax: [Double],
                dataRange: [Double], scale: [Double], min: [Double], samplesSeen: Int?,
                featureNames: [String]? = nil, sklearnVersion: String? = nil) {
        self.featureRange = featureRange
        self.clip = clip
        self.dataMin = dataMin
        self.dataMax = dataMax
        self.dataRange = dataRange
        self.scale = scale
        self.min = min
        self.featuresIn = scale.count
        self.samplesSeen = samplesSeen
        self.featureNames = featureNames
        self.sklearnVersion = sklearnVersion
    }

    /// Feature `i` as a standalone scaler.
    public func column(_ i: Int) -> ColumnScaler {
        ColumnScaler(featureMin: featureRange.min, featureMax: featureRange.max, clip: clip,
                     dataMin: dataMin[i], dataMax: dataMax[i], dataRange: dataRange[i],
                     scale: scale[i], min: min[i], samplesSeen: samplesSeen, featureName: featureNames?[i])
    }

    public var columns: [ColumnScaler] { (0..<featuresIn).map(column) }

    public static func == (a: MinMaxScaler, b: MinMaxScaler) -> Bool {
        a.featureRange == b.featureRange && a.clip == b.clip && a.dataMin == b.dataMin && a.dataMax == b.dataMax
            && a.dataRange == b.dataRange && a.scale == b.scale && a.min == b.min && a.samplesSeen == b.samplesSeen
            && a.featureNames == b.featureNames && a.sklearnVersion == b.sklearnVersion
    }
}
