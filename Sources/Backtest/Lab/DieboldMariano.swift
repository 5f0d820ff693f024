import Foundation

/// Diebold–Mariano test of equal predictive accuracy, with the Harvey–Leybourne–Newbold (1997) small-sample
/// correction: is forecast A's loss different from forecast B's on the same targets, or could it be luck?
///
/// d_t = L(e_A,t) − L(e_B,t); DM = d̄ / √(V̂/n) with V̂ = γ₀ + 2 Σ_{k=1}^{h−1} γ_k (autocovariances of d with divisor n);
/// HLN: DM* = DM · √((n + 1 − 2h + h(h−1)/n) / n), referred to Student's t with n − 1 degrees of freedom.
/// Negative statistics mean A has the smaller loss.
public struct DieboldMariano: Sendable, Equatable, Codable {
    public enum Loss: String, Sendable, Codable, CaseIterable { case squared, absolute }

    public var loss: Loss
    public var horizon: Int
    public var count: Int
    /// Mean loss difference d̄ (A − B), in the loss's units.
    public var meanDifference: Double
    public var statistic: Double
    /// Two-sided p-value of the plain statistic against N(0, 1).
    public var pValueNormal: Double
    public var statisticHLN: Double
    /// Two-sided p-value of the HLN statistic against t(n − 1): the one to quote.
    public var pValue: Double

    /// nil when fewer than 3 pairs, series of different lengths, or a zero variance of d (identical losses).
    public static func test(errorsA: [Double], errorsB: [Double], loss: Loss, horizon h: Int = 1) -> DieboldMariano? {
        let n = errorsA.count
        guard n >= 3, errorsB.count == n, h >= 1, h < n else { return nil }
        var d = [Double](repeating: 0, count: n)
        for i in 0..<n {
            switch loss {
            case .squared: d[i] = errorsA[i] * errorsA[i] - errorsB[i] * errorsB[i]
            case .absolute: d[i] = abs(errorsA[i]) - abs(errorsB[i])
            }
        }
        let nd = Double(n)
        let mean = d.reduce(0, +) / nd
        func gamma(_ k: Int) -> Double {
            var s = 0.0
            for t in k..<n { s += (d[t] - mean) * (d[t - k] - mean) }
            return s / nd
        }
        var v = gamma(0)
        if h > 1 { for k in 1..<h { v += 2 * gamma(k) } }
        guard v > 0 else { return nil }
        let dm = mean / (v / nd).squareRoot()
        let hd = Double(h)
        let factor = ((nd + 1 - 2 * hd + hd * (hd - 1) / nd) / nd).squareRoot()
        let hln = dm * factor
        return DieboldMariano(loss: loss, horizon: h, count: n, meanDifference: mean, statistic: dm,
                              pValueNormal: Distributions.normalTwoSided(dm), statisticHLN: hln,
                              pValue: Distributions.studentTTwoSided(hln, df: nd - 1))
    }

    /// One word for tables: "better" / "worse" (at `alpha`, two-sided) or "no difference".
    public func verdict(alpha: Double = 0.05) -> String {
        guard pValue < alpha else { return "no difference" }
        return statisticHLN < 0 ? "better" : "worse"
    }
}
