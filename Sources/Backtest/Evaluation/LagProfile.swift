import Foundation

/// RMSE and correlation between the prediction series and the actual series shifted by k candles.
///
/// At shift k, prediction `p[t]` is paired with `actual[t − k]`. A forecast that merely repeats the last price has
/// `p[t] = close[t] = actual[t − 1]`, so it matches best at k = +1: it tracks the price one candle late.
public struct LagProfile: Sendable, Equatable, Codable {
    public struct Point: Sendable, Equatable, Codable {
        public var shift: Int
        public var pairs: Int
        public var rmse: Double?
        public var correlation: Double?
    }

    public var points: [Point]
    /// The shift with the lowest RMSE (ties: the smaller |k|, then the smaller k); nil if no shift had data.
    public var bestShift: Int?

    public init(predicted: [Double], actual: [Double], maxShift: Int = 5) {
        let n = min(predicted.count, actual.count)
        var points: [Point] = []
        for k in -maxShift...maxShift {
            // t ranges over indices where both p[t] and actual[t-k] exist.
            let lo = max(0, k), hi = min(n, n + k)
            var p: [Double] = [], a: [Double] = []
            if lo < hi {
                p.reserveCapacity(hi - lo); a.reserveCapacity(hi - lo)
                for t in lo..<hi { p.append(predicted[t]); a.append(actual[t - k]) }
            }
            points.append(Point(shift: k, pairs: p.count, rmse: ForecastMetrics.rmse(p, a),
                                correlation: ForecastMetrics.pearson(p, a)))
        }
        self.points = points
        self.bestShift = points.filter { $0.rmse != nil }.min { l, r in
            let lr = l.rmse ?? .infinity, rr = r.rmse ?? .infinity
            if lr != rr { return lr < rr }
            if abs(l.shift) != abs(r.shift) { return abs(l.shift) < abs(r.shift) }
            return l.shift < r.shift
        }?.shift
    }

    public func point(shift: Int) -> Point? { points.first { $0.shift == shift } }
}

/// The plain-language conclusion printed under the figures.
public enum Verdict {
    /// One sentence from the best shift and Theil's U (model RMSE / naive RMSE).
    public static func sentence(bestShift: Int?, theilU: Double?) -> String {
        let beats: String
        if let u = theilU {
            beats = u < 1
                ? String(format: "its error is %.1f %% below the naive \"next = current\" forecast (Theil's U %.3f)", (1 - u) * 100, u)
                : String(format: "it does not beat the naive \"next = current\" forecast (Theil's U %.3f ≥ 1)", u)
        } else {
            beats = "there is not enough data to compare it with the naive forecast"
        }
        guard let k = bestShift else { return "Not enough predictions to judge the model; \(beats)." }
        let candles = abs(k) == 1 ? "1 candle" : "\(abs(k)) candles"
        if k > 0 {
            return "The predictions track the actual price \(candles) late: the model behaves as a lagging indicator, and \(beats)."
        } else if k < 0 {
            return "The predictions match the actual price best \(candles) early, which is suspicious (look-ahead or leakage?); \(beats)."
        }
        return "The predictions line up with the actual price with no lag, and \(beats)."
    }
}
