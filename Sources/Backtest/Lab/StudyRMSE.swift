import Foundation

/// The RMSE of Wu et al. (arXiv:2405.11431) exactly as their code computes it (sydney-machine-learning/
/// deeplearning-crypto `main.py`, `eval_result(mode=0)`, the "Test MINMAX RMSE" of its result files): the
/// prediction matrix and the target matrix (windows × steps, in prices) are EACH min-max scaled column by column on
/// their own minimum and maximum (scikit-learn `MinMaxScaler.fit_transform`), then RMSE is taken per column.
///
/// Because each side is rescaled on its own range, a forecast that is off by a constant or a factor scores 0: the
/// figure measures shape, not level. Persistence scored the same way is the line to beat.
public enum StudyRMSE {
    /// One figure per step; `predicted[j]` and `actual[j]` are step j + 1 over the same windows.
    public static func perStep(predicted: [[Double]], actual: [[Double]]) -> [Double?] {
        zip(predicted, actual).map { p, a in
            guard !p.isEmpty, p.count == a.count else { return nil }
            let sp = minMax(p), sa = minMax(a)
            var s = 0.0
            for k in sp.indices { let d = sp[k] - sa[k]; s += d * d }
            return (s / Double(sp.count)).squareRoot()
        }
    }

    /// scikit-learn `MinMaxScaler().fit_transform` of one column: `x * scale + min` with `scale = 1 / (max − min)`
    /// (1 for a constant column) and `min = −data_min · scale`, in that order of operations.
    static func minMax(_ x: [Double]) -> [Double] {
        guard let lo = x.min(), let hi = x.max() else { return [] }
        let range = hi - lo
        let scale = range == 0 ? 1.0 : 1.0 / range
        let shift = 0 - lo * scale
        return x.map { $0 * scale + shift }
    }
}
