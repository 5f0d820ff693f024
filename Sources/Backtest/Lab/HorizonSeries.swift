import Exchange
import Foundation

/// A model's forecasts for every step of its horizon, aligned by window: index k is the window ending at candle
/// `ends[k]`, whose step j (1-based) forecasts candle `ends[k] + j`. Only windows with every step's candle in the
/// file are kept (as the study's `split_sequence` does), so all steps are scored on the same windows.
public struct HorizonSeries: Sendable {
    public var ends: Range<Int>
    /// Open time of each window's last candle.
    public var times: [Int64]
    /// The target field of each window's last candle: naive persistence's forecast for every step.
    public var current: [Double]
    /// `predicted[j][k]`, `actual[j][k]`: step j + 1 of window k.
    public var predicted: [[Double]]
    public var actual: [[Double]]

    public var horizon: Int { predicted.count }

    /// The window ends a model of this window and horizon can score on `count` candles, cut to windows whose last
    /// candle opens in [from, to] (ms).
    public static func ends(candles: [Candle], windowSize w: Int, horizon h: Int, from: Int64?, to: Int64?) -> Range<Int> {
        var lo = max(w - 1, 0), hi = max(lo, candles.count - h)
        if let from { while lo < hi && candles[lo].timestamp < from { lo += 1 } }
        if let to { while hi > lo && candles[hi - 1].timestamp > to { hi -= 1 } }
        return lo..<hi
    }

    /// Runs `model` on the windows ending in `ends`.
    public static func build(candles: [Candle], model: WindowModel, ends: Range<Int>) throws -> HorizonSeries {
        let rows = try model.predict(candles: candles, ends: ends)
        let h = model.horizon, t = model.targetField
        return HorizonSeries(ends: ends, times: candles[ends].map(\.timestamp),
                             current: candles[ends].map { WindowModel.value($0, t) },
                             predicted: (0..<h).map { j in rows.map { $0[j] } },
                             actual: (0..<h).map { j in ends.map { WindowModel.value(candles[$0 + j + 1], t) } })
    }

    /// Step `step` (1-based) as a one-step series, for the figures the single-model report already computes.
    public func step(_ step: Int) -> ForecastSeries {
        ForecastSeries(times: times, current: current, predicted: predicted[step - 1], actual: actual[step - 1], ends: ends)
    }
}
