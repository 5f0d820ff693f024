import Foundation

/// Errors of one forecast series against the actual next values.
public struct ErrorFigures: Sendable, Equatable, Codable {
    public var rmse: Double?
    public var mape: Double?
    /// RMSE after min-max scaling of the target column (as the study reports it).
    public var rmseScaled: Double?
}

/// Every figure `trading-bot evaluate` reports, computed from aligned series.
///
/// Alignment: index t is the window that ends with candle t. `current[t]` is that candle's value of the target column,
/// `predicted[t]` the model's forecast for the next candle, `actual[t]` the target column of candle t + 1.
public struct EvaluationSummary: Sendable, Equatable, Codable {
    public var count: Int
    public var model: ErrorFigures
    /// The naive forecast "next = current".
    public var naive: ErrorFigures
    /// model RMSE / naive RMSE: below 1 means the model beats doing nothing.
    public var theilU: Double?
    public var direction: DirectionAccuracy
    public var lag: LagProfile
    public var verdict: String

    /// - Parameter scaleRange: `max − min` of the target column as the fitted scaler saw it; scaled RMSE = RMSE / range.
    ///   nil falls back to the range of the actual series.
    public init(current: [Double], predicted: [Double], actual: [Double], scaleRange: Double? = nil, maxShift: Int = 5) {
        let n = min(current.count, predicted.count, actual.count)
        let c = Array(current.prefix(n)), p = Array(predicted.prefix(n)), a = Array(actual.prefix(n))
        let range: Double? = scaleRange ?? {
            guard let lo = a.min(), let hi = a.max(), hi > lo else { return nil }
            return hi - lo
        }()
        func figures(_ f: [Double]) -> ErrorFigures {
            let r = ForecastMetrics.rmse(f, a)
            return ErrorFigures(rmse: r, mape: ForecastMetrics.mape(f, a),
                                rmseScaled: r.flatMap { r in range.map { r / $0 } })
        }
        count = n
        model = figures(p)
        naive = figures(c)
        if let m = model.rmse, let z = naive.rmse, z > 0 { theilU = m / z } else { theilU = nil }
        direction = DirectionAccuracy(current: c, predicted: p, actual: a)
        lag = LagProfile(predicted: p, actual: a, maxShift: maxShift)
        verdict = Verdict.sentence(bestShift: lag.bestShift, theilU: theilU)
    }
}
