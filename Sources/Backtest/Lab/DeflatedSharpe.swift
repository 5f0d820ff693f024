import Foundation

/// The deflated Sharpe ratio (Bailey & López de Prado, "The Deflated Sharpe Ratio", 2014): the probability that the
/// chosen strategy's true Sharpe ratio is above zero once we account for having picked the best of N trials, and for
/// the skew and fat tails of its returns.
///
/// SR₀ = √V[SR] · ((1 − γ) Φ⁻¹(1 − 1/N) + γ Φ⁻¹(1 − 1/(N e))), γ = Euler–Mascheroni;
/// DSR = Φ((SR − SR₀) √(T − 1) / √(1 − γ₃ SR + (γ₄ − 1)/4 · SR²)). All Sharpe ratios per period (not annualised).
public struct DeflatedSharpe: Sendable, Equatable, Codable {
    public var sharpe: Double
    public var expectedMaxSharpe: Double
    public var trials: Int
    public var observations: Int
    public var skewness: Double
    public var kurtosis: Double
    /// Probability in [0, 1]; ≥ 0.95 is the usual bar.
    public var probability: Double

    static let eulerGamma = 0.5772156649015329

    /// E[max of N standard normal Sharpe estimates] scaled by their standard deviation.
    public static func expectedMax(trials n: Int, sharpeVariance v: Double) -> Double {
        guard n > 1, v > 0 else { return 0 }
        let nd = Double(n)
        return v.squareRoot() * ((1 - eulerGamma) * Distributions.normalQuantile(1 - 1 / nd)
            + eulerGamma * Distributions.normalQuantile(1 - 1 / (nd * exp(1))))
    }

    /// - Parameters:
    ///   - returns: the chosen point's per-period returns.
    ///   - trialSharpes: every trial's per-period Sharpe ratio (the chosen one included).
    public static func compute(returns: [Double], trialSharpes: [Double]) -> DeflatedSharpe? {
        let t = returns.count
        guard t >= 3 else { return nil }
        let td = Double(t)
        let mean = returns.reduce(0, +) / td
        var m2 = 0.0, m3 = 0.0, m4 = 0.0
        for r in returns { let x = r - mean; m2 += x * x; m3 += x * x * x; m4 += x * x * x * x }
        m2 /= td; m3 /= td; m4 /= td
        guard m2 > 0 else { return nil }
        let sd = m2.squareRoot()
        let sr = mean / sd
        let skew = m3 / (m2 * sd), kurt = m4 / (m2 * m2)
        let finite = trialSharpes.filter(\.isFinite)
        var variance = 0.0
        if finite.count > 1 {
            let mu = finite.reduce(0, +) / Double(finite.count)
            variance = finite.reduce(0) { $0 + ($1 - mu) * ($1 - mu) } / Double(finite.count - 1)
        }
        let sr0 = expectedMax(trials: max(1, trialSharpes.count), sharpeVariance: variance)
        let denominator = max(1e-12, 1 - skew * sr + (kurt - 1) / 4 * sr * sr).squareRoot()
        let z = (sr - sr0) * (td - 1).squareRoot() / denominator
        return DeflatedSharpe(sharpe: sr, expectedMaxSharpe: sr0, trials: trialSharpes.count, observations: t,
                              skewness: skew, kurtosis: kurt, probability: Distributions.normalCDF(z))
    }

    /// Per-period Sharpe of a return series (population standard deviation, as in the paper's moments).
    public static func perPeriodSharpe(_ returns: [Double]) -> Double? {
        guard returns.count >= 2 else { return nil }
        let n = Double(returns.count)
        let mean = returns.reduce(0, +) / n
        let v = returns.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n
        return v > 0 ? mean / v.squareRoot() : nil
    }
}
