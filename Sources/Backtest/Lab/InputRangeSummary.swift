import Bot
import Exchange
import Foundation

/// Over many windows: how many had inputs outside the scalers' fitted range, and the model's (and the naive
/// forecast's) error inside vs outside that range. A model's error outside its range is extrapolation, not skill.
public struct InputRangeSummary: Sendable, Equatable, Codable {
    public var windows: Int
    public var outside: Int
    public var share: Double
    public var rmseInside: Double?
    public var rmseOutside: Double?
    public var naiveRmseInside: Double?
    public var naiveRmseOutside: Double?
    /// The window furthest outside: the open time of its last candle and its columns outside the range.
    public var worstTime: String?
    public var worst: [InputExcursion]

    /// Per-window flags for a series (`outside[k]` for the window ending at `series.ends[k]`).
    public static func flags(check: InputRangeCheck, candles: [Candle], windowSize: Int, ends: Range<Int>) -> [Bool] {
        check.flags(candles: candles, windowSize: windowSize, ends: ends).outside
    }

    public init(check: InputRangeCheck, candles: [Candle], windowSize: Int, series: ForecastSeries) {
        let (outside, worstFraction) = check.flags(candles: candles, windowSize: windowSize, ends: series.ends)
        self.init(outside: outside, series: series)
        if let k = worstFraction.indices.max(by: { worstFraction[$0] < worstFraction[$1] }), worstFraction[k] > 0 {
            let end = series.ends.lowerBound + k
            worstTime = UTCTime.iso(candles[end].timestamp)
            worst = check.check(candles[(end - windowSize + 1)...end])
        }
    }

    /// From flags aligned with `series`.
    public init(outside: [Bool], series: ForecastSeries) {
        let n = min(outside.count, series.predicted.count)
        var pi: [Double] = [], ai: [Double] = [], ci: [Double] = [], po: [Double] = [], ao: [Double] = [], co: [Double] = []
        for k in 0..<n {
            if outside[k] { po.append(series.predicted[k]); ao.append(series.actual[k]); co.append(series.current[k]) }
            else { pi.append(series.predicted[k]); ai.append(series.actual[k]); ci.append(series.current[k]) }
        }
        windows = n
        self.outside = po.count
        share = n == 0 ? 0 : Double(po.count) / Double(n)
        rmseInside = ForecastMetrics.rmse(pi, ai)
        rmseOutside = ForecastMetrics.rmse(po, ao)
        naiveRmseInside = ForecastMetrics.rmse(ci, ai)
        naiveRmseOutside = ForecastMetrics.rmse(co, ao)
        worstTime = nil
        worst = []
    }

    /// "312 of 2,986 windows (10.45 %) had inputs outside the scalers' fitted range; RMSE inside 120.5, outside 2,870.3 …"
    public var sentence: String {
        guard outside > 0 else { return "every one of the \(windows) windows had its inputs inside the scalers' fitted range" }
        var s = "\(outside) of \(windows) windows (\(Fmt.pct(share))) had inputs outside the scalers' fitted range (the model extrapolates there): "
        s += "model RMSE inside \(Fmt.num(rmseInside)), outside \(Fmt.num(rmseOutside)); naive RMSE inside \(Fmt.num(naiveRmseInside)), outside \(Fmt.num(naiveRmseOutside))"
        if let worstTime, !worst.isEmpty { s += "; furthest out: the window ending \(worstTime): " + worst.map(\.sentence).joined(separator: "; ") }
        return s
    }
}
