import Exchange
import Foundation
import Scaling

/// One input column of a window that left the range its scaler was fitted on (`data_min_` … `data_max_`).
public struct InputExcursion: Sendable, Equatable, Codable {
    public enum Side: String, Sendable, Codable { case below, above }
    public var column: String
    /// The value furthest outside the fitted range in the window.
    public var value: Double
    public var dataMin: Double
    public var dataMax: Double
    public var side: Side
    /// How far outside, as a fraction of the fitted range (`data_max_ − data_min_`): 0.5 = half a range beyond it.
    public var fraction: Double

    /// "close 64,863.10 is 2.33× the fitted range above data_max 19,497.40".
    public var sentence: String {
        let bound = side == .below ? "data_min \(Self.number(dataMin))" : "data_max \(Self.number(dataMax))"
        let how = fraction >= 0.1 ? String(format: "%.2f× the", fraction) : String(format: "%.2f %% of the", fraction * 100)
        return "\(column) \(Self.number(value)) is \(how) fitted range \(side.rawValue) \(bound)"
    }

    static func number(_ v: Double) -> String {
        let a = abs(v)
        if a != 0 && (a < 0.01 || a >= 1e9) { return String(format: "%.4g", v) }
        return String(format: a < 10 ? "%.4f" : "%.2f", v)
    }
}

/// Flags windows whose inputs fall outside the scalers' fitted range: the model then extrapolates (a min-max scaled
/// input below 0 or above 1), and its output says little. Per column, the value furthest outside is reported.
public struct InputRangeCheck: Sendable {
    public let columns: [ColumnScaler]
    public let names: [String]
    /// The candle field each scaler describes (0 open, 1 high, 2 low, 3 close, 4 volume).
    public let fields: [Int]

    /// - Parameter names: the columns' names in the scalers' order (the bot's `[open, high, low, close, volume]`).
    public init(scalers: ScalerSet, names: [String] = BotConfig.featureColumns) {
        self.columns = scalers.columns
        self.names = (0..<scalers.count).map { $0 < names.count ? names[$0] : "column \($0)" }
        self.fields = Array(0..<min(scalers.count, 5))
    }

    /// Checks only the given columns: `scalers[k]` describes candle field `fields[k]` (named `names[k]`), for
    /// models whose inputs are not the bot's five columns in order (the study's `[open, high, low]`).
    public init(columns: [ColumnScaler], names: [String], fields: [Int]) {
        precondition(columns.count == names.count && names.count == fields.count, "one name and field per scaler")
        self.columns = columns
        self.names = names
        self.fields = fields
    }

    static func value(_ c: Candle, _ i: Int) -> Double {
        switch i { case 0: c.open; case 1: c.high; case 2: c.low; case 3: c.close; default: c.volume }
    }

    /// How far outside one value is (0 inside), signed: negative below `data_min_`, positive above `data_max_`.
    @inline(__always)
    func excess(_ x: Double, column i: Int) -> Double {
        let s = columns[i]
        let width = s.dataRange > 0 ? s.dataRange : 1
        if x < s.dataMin { return -(s.dataMin - x) / width }
        if x > s.dataMax { return (x - s.dataMax) / width }
        return 0
    }

    /// The columns of `window` outside the fitted range (empty: every input inside), worst value per column.
    public func check(_ window: ArraySlice<Candle>) -> [InputExcursion] {
        var out: [InputExcursion] = []
        for i in fields.indices {
            var worst = 0.0, worstValue = 0.0
            for c in window {
                let x = Self.value(c, fields[i])
                let e = excess(x, column: i)
                if abs(e) > abs(worst) { worst = e; worstValue = x }
            }
            if worst != 0 {
                out.append(InputExcursion(column: names[i], value: worstValue, dataMin: columns[i].dataMin, dataMax: columns[i].dataMax,
                                          side: worst < 0 ? .below : .above, fraction: abs(worst)))
            }
        }
        return out
    }

    public func check(_ window: [Candle]) -> [InputExcursion] { check(window[...]) }

    /// Per window ending at each index of `ends` (window = candles[end − size + 1 … end]): outside the range or not,
    /// and the largest fraction outside. One pass over the candles, then a sliding maximum over each window.
    public func flags(candles: [Candle], windowSize size: Int, ends: Range<Int>) -> (outside: [Bool], worst: [Double]) {
        guard !ends.isEmpty else { return ([], []) }
        let first = max(0, ends.lowerBound - size + 1)
        var perCandle = [Double](repeating: 0, count: ends.upperBound - first)
        for k in first..<ends.upperBound {
            var m = 0.0
            for i in fields.indices { m = max(m, abs(excess(Self.value(candles[k], fields[i]), column: i))) }
            perCandle[k - first] = m
        }
        var outside: [Bool] = [], worst: [Double] = []
        outside.reserveCapacity(ends.count); worst.reserveCapacity(ends.count)
        for end in ends {
            var m = 0.0
            for k in max(first, end - size + 1)...end { m = max(m, perCandle[k - first]) }
            outside.append(m > 0); worst.append(m)
        }
        return (outside, worst)
    }

    /// Where `value` of column `i` sits in the fitted range: 0 at data_min_, 1 at data_max_ (outside: below 0 or above 1).
    public func position(_ value: Double, column i: Int) -> Double {
        let s = columns[i]
        return s.dataRange > 0 ? (value - s.dataMin) / s.dataRange : 0
    }

    /// "close 138.99 sits at 0.36 % of the fitted range 68.43 … 19497.40": for data of another market, whose
    /// prices may be inside the range and still nothing like what the scalers saw.
    public func placement(_ candle: Candle, column i: Int = 3) -> String {
        let s = columns[i]
        return "\(names[i]) \(InputExcursion.number(Self.value(candle, i))) sits at \(String(format: "%.2f %%", position(Self.value(candle, i), column: i) * 100)) of the scalers' fitted range \(InputExcursion.number(s.dataMin)) … \(InputExcursion.number(s.dataMax))"
    }

    /// The warning line for a window, or nil when every input is inside the fitted range.
    public func warning(_ window: ArraySlice<Candle>) -> String? {
        let found = check(window)
        return found.isEmpty ? nil : Self.describe(found)
    }

    /// "inputs outside the scalers' fitted range (the model extrapolates): close … ; volume …".
    public static func describe(_ found: [InputExcursion]) -> String {
        "inputs outside the scalers' fitted range (the model extrapolates): " + found.map(\.sentence).joined(separator: "; ")
    }
}
