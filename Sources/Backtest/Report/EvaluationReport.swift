import Bot
import Foundation

/// Everything `trading-bot evaluate` shows and writes.
public struct EvaluationReport: Encodable {
    public var candlesFile: String
    public var model: String
    public var scalers: String
    public var targetColumn: String
    public var interval: String
    public var from: String
    public var to: String
    public var windows: Int
    public var summary: EvaluationSummary
    public var warnings: [String]
    public var seconds: Double?
    /// The data's symbol (the file's Symbol column, else the configuration's SYMBOL).
    public var symbol: String?
    /// Windows outside the scalers' fitted range and the error inside vs outside it.
    public var inputRange: InputRangeSummary?

    enum CodingKeys: String, CodingKey {
        case candlesFile = "candles_file", model, scalers, targetColumn = "target_column", interval, from, to, windows
        case summary, warnings, seconds, symbol, inputRange = "input_range"
    }

    public init(candlesFile: String, model: String, scalers: String, targetColumn: String, interval: String,
                series: ForecastSeries, summary: EvaluationSummary, warnings: [String], seconds: Double? = nil) {
        self.candlesFile = candlesFile; self.model = model; self.scalers = scalers; self.targetColumn = targetColumn
        self.interval = interval
        self.from = series.times.first.map(UTCTime.iso) ?? ""
        self.to = series.times.last.map(UTCTime.iso) ?? ""
        self.windows = series.times.count
        self.summary = summary; self.warnings = warnings; self.seconds = seconds
    }

    public func json() throws -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        e.keyEncodingStrategy = .convertToSnakeCase
        return String(decoding: try e.encode(self), as: UTF8.self) + "\n"
    }

    /// The figures as rows for the text and HTML tables.
    public var metricRows: [(String, String, String)] {
        let s = summary
        return [
            ("RMSE (price)", Fmt.num(s.model.rmse), Fmt.num(s.naive.rmse)),
            ("MAPE", Fmt.num(s.model.mape, 3) + " %", Fmt.num(s.naive.mape, 3) + " %"),
            ("RMSE (min-max scaled)", Fmt.num(s.model.rmseScaled, 5), Fmt.num(s.naive.rmseScaled, 5)),
        ]
    }

    public var lagRows: [(String, String, String, String)] {
        summary.lag.points.map { p in
            (p.shift > 0 ? "+\(p.shift)" : "\(p.shift)", Fmt.num(p.rmse), Fmt.num(p.correlation, 5),
             p.shift == summary.lag.bestShift ? "best" : "")
        }
    }

    public func text() -> String {
        let s = summary
        var o = "Evaluation of \(model) on \(candlesFile) (\(symbol.map { "\($0) " } ?? "")\(interval), target \(targetColumn))\n"
        o += "windows: \(windows), last candle of each window from \(from) to \(to)\n"
        if let r = inputRange {
            o += "inputs outside the scalers' fitted range: \(r.outside) of \(r.windows) windows (\(Fmt.pct(r.share)))"
            o += r.outside > 0 ? "; model RMSE inside \(Fmt.num(r.rmseInside)), outside \(Fmt.num(r.rmseOutside))\n" : "\n"
        }
        o += "\n"
        o += "metric                  model        naive (next = current)\n"
        for r in metricRows { o += r.0.padding(toLength: 24, withPad: " ", startingAt: 0) + r.1.padding(toLength: 13, withPad: " ", startingAt: 0) + r.2 + "\n" }
        o += "Theil's U (model/naive) \(Fmt.num(s.theilU, 4))\n"
        o += "direction accuracy      \(Fmt.pct(s.direction.accuracy)) of \(s.direction.counted) (\(s.direction.skipped) without a move), binomial p = \(Fmt.pvalue(s.direction.pValue)) vs 50 %\n\n"
        o += "lag profile (prediction vs actual shifted by k candles)\n   k        RMSE   correlation\n"
        for r in lagRows {
            o += r.0.leftPad(4) + r.1.leftPad(12) + r.2.leftPad(14) + (r.3.isEmpty ? "" : "  ← " + r.3) + "\n"
        }
        o += "\n" + s.verdict + "\n"
        for w in warnings { o += "warning: " + w + "\n" }
        return o
    }

    /// predictions.csv: timestamp (ms, open time of the window's last candle), close, predicted, actual.
    public static func predictionsCSV(_ series: ForecastSeries, closes: [Double]) -> String {
        var o = "timestamp,close,predicted,actual\n"
        o.reserveCapacity(series.times.count * 48)
        for k in series.times.indices {
            o += "\(series.times[k]),\(closes[k]),\(series.predicted[k]),\(series.actual[k])\n"
        }
        return o
    }

    /// The three charts: actual vs predicted, the same with the best shift applied, and the lag profile.
    public static func charts(_ series: ForecastSeries, summary: EvaluationSummary, intervalMs: Int64, target: String) -> [(name: String, svg: String)] {
        // Actual value k belongs to the *next* candle: plot it at its own time.
        let actualX = series.times.map { Double($0 + intervalMs) }
        let predX = actualX
        let actual = ChartSeries(name: "actual \(target)", color: "#1f4e9c", xs: actualX, ys: series.actual, width: 1.4)
        let predicted = ChartSeries(name: "predicted \(target)", color: "#e07b00", xs: predX, ys: series.predicted, width: 1.4)
        let first = LineChart(title: "Actual vs predicted \(target) (each prediction drawn at the candle it predicts)",
                              xLabel: "time (UTC)", yLabel: target, xAxis: .time, series: [actual, predicted]).svg()
        let k = summary.lag.bestShift ?? 0
        let shiftedX = predX.map { $0 - Double(Int64(k) * intervalMs) }
        let shifted = ChartSeries(name: "predicted, moved \(k) candle\(abs(k) == 1 ? "" : "s") earlier", color: "#e07b00",
                                  xs: shiftedX, ys: series.predicted, width: 1.4)
        let second = LineChart(title: "With the best shift applied (k = \(k)): the predictions lie on the actual price",
                               xLabel: "time (UTC)", yLabel: target, xAxis: .time, series: [actual, shifted]).svg()
        let pts = summary.lag.points.filter { $0.rmse != nil }
        let rmse = ChartSeries(name: "RMSE", color: "#1f4e9c", xs: pts.map { Double($0.shift) }, ys: pts.map { $0.rmse ?? 0 },
                               markers: true, width: 2)
        let corr = ChartSeries(name: "correlation", color: "#2e8b57", xs: pts.map { Double($0.shift) },
                               ys: pts.map { $0.correlation ?? .nan }, axis: .right, dashed: true, markers: true, width: 2)
        var lagChart = LineChart(title: "Lag profile: prediction vs actual shifted by k candles (k > 0: prediction is late)",
                                 xLabel: "shift k (candles)", yLabel: "RMSE (\(target))", yRightLabel: "Pearson correlation",
                                 xAxis: .numeric(integers: true), series: [rmse, corr],
                                 verticalMarkers: summary.lag.bestShift.map { [(Double($0), "best k = \($0)")] } ?? [])
        lagChart.height = 380
        // The lag is invisible at the scale of years: the last 60 predictions, as points, make it plain.
        let z = max(0, series.times.count - 60)
        let zoomActual = ChartSeries(name: "actual \(target)", color: "#1f4e9c", xs: Array(actualX[z...]), ys: Array(series.actual[z...]),
                                     markers: true, width: 1.6)
        let zoomPred = ChartSeries(name: "predicted \(target)", color: "#e07b00", xs: Array(predX[z...]), ys: Array(series.predicted[z...]),
                                   markers: true, width: 1.6)
        let zoomTitle = k > 0
            ? "Zoom on the last \(series.times.count - z) predictions: the orange line repeats the blue one \(k) candle\(k == 1 ? "" : "s") later"
            : "Zoom on the last \(series.times.count - z) predictions"
        let zoom = LineChart(title: zoomTitle,
                             xLabel: "time (UTC)", yLabel: target, xAxis: .time, series: [zoomActual, zoomPred]).svg()
        return [("actual_vs_predicted.svg", first), ("actual_vs_predicted_shifted.svg", second), ("lag_profile.svg", lagChart.svg()),
                ("actual_vs_predicted_zoom.svg", zoom)]
    }

    /// Writes predictions.csv, report.json and the SVG charts into `dir`; returns the paths written.
    public func write(to dir: String, series: ForecastSeries, closes: [Double], intervalMs: Int64) throws -> [String] {
        let charts = Self.charts(series, summary: summary, intervalMs: intervalMs, target: targetColumn).map { (name: $0.name, text: $0.svg) }
        return try writeFiles([("predictions.csv", Self.predictionsCSV(series, closes: closes)), ("report.json", try json())] + charts, into: dir)
    }
}

extension String {
    func leftPad(_ n: Int) -> String { count >= n ? self : String(repeating: " ", count: n - count) + self }
}
