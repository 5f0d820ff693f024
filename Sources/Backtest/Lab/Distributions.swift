import Foundation

/// The few distribution functions the lab's tests need (normal and Student t), in plain Double arithmetic.
/// Accurate to ~1e-12 over the ranges used; checked against scipy in LabStatisticsTests.
public enum Distributions {
    /// Φ(x), the standard normal CDF.
    public static func normalCDF(_ x: Double) -> Double { 0.5 * erfc(-x / 2.0.squareRoot()) }

    /// Φ⁻¹(p) for 0 < p < 1 (Acklam's rational approximation, then two Newton steps on erfc).
    public static func normalQuantile(_ p: Double) -> Double {
        guard p > 0 else { return -.infinity }
        guard p < 1 else { return .infinity }
        let a: [Double] = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00]
        let b: [Double] = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01]
        let c: [Double] = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00]
        let d: [Double] = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00]
        func horner(_ k: [Double], _ v: Double, last: Double? = nil) -> Double {
            var s = 0.0
            for coefficient in k { s = s * v + coefficient }
            if let last { s = s * v + last }
            return s
        }
        var x: Double
        if p < 0.02425 {
            let q: Double = (-2 * log(p)).squareRoot()
            x = horner(c, q) / horner(d, q, last: 1)
        } else if p <= 1 - 0.02425 {
            let q: Double = p - 0.5
            let r: Double = q * q
            x = horner(a, r) * q / horner(b, r, last: 1)
        } else {
            let q: Double = (-2 * log(1 - p)).squareRoot()
            x = -horner(c, q) / horner(d, q, last: 1)
        }
        for _ in 0..<2 {
            let e: Double = normalCDF(x) - p
            let u: Double = e * (2 * Double.pi).squareRoot() * exp(x * x / 2)
            x -= u / (1 + x * u / 2)
        }
        return x
    }

    /// Two-sided p-value P(|T| ≥ |t|) of Student's t with `df` degrees of freedom.
    public static func studentTTwoSided(_ t: Double, df: Double) -> Double {
        guard t.isFinite else { return t.isNaN ? .nan : 0 }
        guard df > 0 else { return .nan }
        return regularizedIncompleteBeta(df / (df + t * t), a: df / 2, b: 0.5)
    }

    /// Two-sided normal p-value P(|Z| ≥ |z|).
    public static func normalTwoSided(_ z: Double) -> Double { erfc(abs(z) / 2.0.squareRoot()) }

    /// I_x(a, b) by the continued fraction (modified Lentz), using the symmetry for x > (a+1)/(a+b+2).
    public static func regularizedIncompleteBeta(_ x: Double, a: Double, b: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let lnGammas: Double = lgamma(a + b) - lgamma(a) - lgamma(b)
        let lnPowers: Double = a * log(x) + b * log(1 - x)
        let lnFront = lnGammas + lnPowers
        if x > (a + 1) / (a + b + 2) { return 1 - regularizedIncompleteBeta(1 - x, a: b, b: a) }
        let tiny = 1e-300
        var f = 1.0, c = 1.0, d = 0.0
        for i in 0...400 {
            let m = Double(i / 2)
            let numerator: Double
            if i == 0 { numerator = 1 }
            else if i % 2 == 0 { numerator = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)) }
            else { numerator = -((a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1)) }
            d = 1 + numerator * d
            if abs(d) < tiny { d = tiny }
            d = 1 / d
            c = 1 + numerator / c
            if abs(c) < tiny { c = tiny }
            let cd = c * d
            f *= cd
            if abs(1 - cd) < 1e-15 { break }
        }
        return exp(lnFront) * (f - 1) / a
    }
}
