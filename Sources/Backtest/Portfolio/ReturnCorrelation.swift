import Foundation

/// Pearson correlation of daily returns between symbols, on the UTC days every pair has in common.
public struct ReturnCorrelation: Sendable, Equatable {
    public var symbols: [String]
    /// `matrix[i][j]`: correlation of symbol i's and symbol j's daily returns; nil when fewer than 3 common days
    /// or a series does not vary.
    public var matrix: [[Double?]]
    /// Common days used for each pair.
    public var days: [[Int]]

    /// - Parameter values: per symbol, a value at the end of each UTC day (day number → close or equity).
    public init(symbols: [String], values: [[Int64: Double]]) {
        self.symbols = symbols
        let returns = values.map(Self.dailyReturns)
        var m = Array(repeating: Array(repeating: Double?.none, count: symbols.count), count: symbols.count)
        var d = Array(repeating: Array(repeating: 0, count: symbols.count), count: symbols.count)
        for i in symbols.indices {
            for j in symbols.indices {
                let common = Set(returns[i].keys).intersection(returns[j].keys).sorted()
                d[i][j] = common.count
                m[i][j] = Self.pearson(common.map { returns[i][$0]! }, common.map { returns[j][$0]! })
            }
        }
        matrix = m
        days = d
    }

    /// Day-over-day simple returns, only between consecutive days (a gap breaks the chain).
    static func dailyReturns(_ values: [Int64: Double]) -> [Int64: Double] {
        var out: [Int64: Double] = [:]
        for (day, v) in values {
            guard let prev = values[day - 1], prev != 0, v.isFinite, prev.isFinite else { continue }
            out[day] = v / prev - 1
        }
        return out
    }

    /// ForecastMetrics' Pearson, asking for three common days: two points always correlate ±1.
    static func pearson(_ x: [Double], _ y: [Double]) -> Double? {
        x.count >= 3 ? ForecastMetrics.pearson(x, y) : nil
    }
}
