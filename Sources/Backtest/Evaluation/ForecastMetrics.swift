import Foundation

/// Point-forecast error measures. Plain loops over `Double` arrays: they run over a year of one-minute
/// predictions in well under a millisecond each, and are simple enough to check by hand.
public enum ForecastMetrics {
    /// Root mean squared error; nil when the series are empty or of different lengths.
    public static func rmse(_ predicted: [Double], _ actual: [Double]) -> Double? {
        guard !predicted.isEmpty, predicted.count == actual.count else { return nil }
        var sum = 0.0
        for i in predicted.indices { let d = predicted[i] - actual[i]; sum += d * d }
        return (sum / Double(predicted.count)).squareRoot()
    }

    /// Mean absolute percentage error in percent, skipping points whose actual value is 0 (undefined there).
    public static func mape(_ predicted: [Double], _ actual: [Double]) -> Double? {
        guard predicted.count == actual.count else { return nil }
        var sum = 0.0, n = 0
        for i in predicted.indices where actual[i] != 0 {
            sum += abs((actual[i] - predicted[i]) / actual[i]); n += 1
        }
        return n == 0 ? nil : 100 * sum / Double(n)
    }

    /// Pearson correlation; nil when either series is constant (no defined correlation) or too short.
    public static func pearson(_ x: [Double], _ y: [Double]) -> Double? {
        guard x.count == y.count, x.count >= 2 else { return nil }
        let n = Double(x.count)
        let mx = x.reduce(0, +) / n, my = y.reduce(0, +) / n
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for i in x.indices {
            let dx = x[i] - mx, dy = y[i] - my
            sxy += dx * dy; sxx += dx * dx; syy += dy * dy
        }
        guard sxx > 0, syy > 0 else { return nil }
        return sxy / (sxx * syy).squareRoot()
    }
}

/// How often the forecast gets the direction of the next move right, and whether that beats a coin flip.
public struct DirectionAccuracy: Sendable, Equatable, Codable {
    /// Points where both the predicted and the actual change were non-zero (a zero change has no direction).
    public var counted: Int
    public var correct: Int
    /// Points left out because either change was exactly zero.
    public var skipped: Int
    /// Exact two-sided binomial p-value of `correct` out of `counted` against p = 0.5.
    public var pValue: Double

    public var accuracy: Double? { counted == 0 ? nil : Double(correct) / Double(counted) }

    /// Compares the sign of `predicted − current` with the sign of `actual − current` at every point.
    public init(current: [Double], predicted: [Double], actual: [Double]) {
        var counted = 0, correct = 0, skipped = 0
        for i in 0..<min(current.count, predicted.count, actual.count) {
            let p = predicted[i] - current[i], a = actual[i] - current[i]
            if p == 0 || a == 0 { skipped += 1; continue }
            counted += 1
            if (p > 0) == (a > 0) { correct += 1 }
        }
        self.counted = counted; self.correct = correct; self.skipped = skipped
        self.pValue = Binomial.twoSidedPValueHalf(successes: correct, trials: counted)
    }
}

/// The exact binomial test against p = 1/2, computed in log space so it stays finite for millions of trials.
public enum Binomial {
    /// ln C(n, k) via lgamma.
    static func logChoose(_ n: Int, _ k: Int) -> Double {
        lgamma(Double(n) + 1) - lgamma(Double(k) + 1) - lgamma(Double(n - k) + 1)
    }

    /// Two-sided p-value of observing `successes` in `trials` fair coin flips: P(X ≤ min(k, n−k)) + P(X ≥ max(k, n−k)),
    /// which is twice the smaller tail because the distribution is symmetric (capped at 1). 1 when `trials` is 0.
    public static func twoSidedPValueHalf(successes k: Int, trials n: Int) -> Double {
        guard n > 0, k >= 0, k <= n else { return 1 }
        let low = min(k, n - k)
        if 2 * low == n { return 1 }
        // ln P(X ≤ low) = logsumexp_i (ln C(n,i)) − n ln 2
        let logHalfN = Double(n) * log(2.0)
        var terms = [Double](); terms.reserveCapacity(low + 1)
        for i in 0...low { terms.append(logChoose(n, i) - logHalfN) }
        let m = terms.max() ?? 0
        var s = 0.0
        for t in terms { s += exp(t - m) }
        let logTail = m + log(s)
        return min(1, 2 * exp(logTail))
    }
}
