import Foundation

extension Leaderboard {
    /// Line colours for the models, in rank order (the actual price is blue, naive persistence grey).
    static let palette = ["#e07b00", "#2e8b57", "#c0392b", "#8e44ad", "#16a085", "#b8860b", "#d35400", "#2c3e50", "#e84393", "#6c5ce7"]

    /// The charts, every model on the same axes: predicted vs actual (whole period and the last 60 targets), the
    /// rolling RMSE of each model and of naive persistence, and each model's lag profile.
    public func charts(window rolling: Int = 30) -> [(name: String, svg: String)] {
        let xs = targetTimes.map(Double.init)
        let targets = Array(Set(entries.map(\.target))).sorted()
        let target = targets.count == 1 ? targets[0] : "target"
        var lines: [ChartSeries] = targets.map { t in
            ChartSeries(name: "actual \(t)", color: "#1f4e9c", xs: xs, ys: actual[t] ?? [], width: 1.6)
        }
        for (i, e) in entries.enumerated() {
            lines.append(ChartSeries(name: e.name, color: Self.palette[i % Self.palette.count], xs: xs, ys: predicted[e.name] ?? [], width: 1.1))
        }
        let all = LineChart(title: "Actual \(target) and every model's prediction for it (drawn at the candle predicted)",
                            xLabel: "time (UTC)", yLabel: target, xAxis: .time, series: lines).svg()
        let z = max(0, xs.count - 60)
        let zoomLines = lines.map { s in
            ChartSeries(name: s.name, color: s.color, xs: Array(s.xs[min(z, s.xs.count)...]), ys: Array(s.ys[min(z, s.ys.count)...]),
                        markers: true, width: s.width)
        }
        let zoom = LineChart(title: "The last \(xs.count - z) targets up close", xLabel: "time (UTC)", yLabel: target,
                             xAxis: .time, series: zoomLines).svg()
        // Rolling RMSE: errors of every model on one chart, with naive persistence as the line to beat.
        func rollingRMSE(_ p: [Double], _ a: [Double]) -> [Double] {
            var out = [Double](repeating: .nan, count: p.count)
            var sum = 0.0
            for k in p.indices {
                let d = p[k] - a[k]; sum += d * d
                if k >= rolling { let o = p[k - rolling] - a[k - rolling]; sum -= o * o }
                if k >= rolling - 1 { out[k] = (max(0, sum) / Double(rolling)).squareRoot() }
            }
            return out
        }
        var errorLines: [ChartSeries] = []
        if let t = targets.first, let a = actual[t], let c = current[t] {
            errorLines.append(ChartSeries(name: "naive (next = current)", color: "#888888", xs: xs, ys: rollingRMSE(c, a), dashed: true, width: 1.6))
        }
        for (i, e) in entries.enumerated() {
            guard let p = predicted[e.name], let a = actual[e.target] else { continue }
            errorLines.append(ChartSeries(name: e.name, color: Self.palette[i % Self.palette.count], xs: xs, ys: rollingRMSE(p, a), width: 1.2))
        }
        let errors = LineChart(title: "Rolling RMSE over \(rolling) targets: below the grey dashed line = better than doing nothing",
                               xLabel: "time (UTC)", yLabel: "RMSE (\(target))", xAxis: .time, series: errorLines).svg()
        var lagLines: [ChartSeries] = []
        for (i, e) in entries.enumerated() {
            let pts = e.summary.lag.points.filter { $0.rmse != nil }
            lagLines.append(ChartSeries(name: e.name, color: Self.palette[i % Self.palette.count], xs: pts.map { Double($0.shift) },
                                        ys: pts.map { $0.rmse ?? .nan }, markers: true, width: 1.8))
        }
        var lag = LineChart(title: "Lag profiles: RMSE against the actual series shifted by k candles (minimum at k = +1: a lagging copy)",
                            xLabel: "shift k (candles)", yLabel: "RMSE (\(target))", xAxis: .numeric(integers: true), series: lagLines,
                            verticalMarkers: [(1, "k = +1")])
        lag.height = 380
        return [("leaderboard_predictions.svg", all), ("leaderboard_zoom.svg", zoom), ("leaderboard_rolling_rmse.svg", errors),
                ("leaderboard_lag.svg", lag.svg())]
    }

    /// One self-contained page: the verdict, the leaderboard, DM against naive and between models, inputs outside
    /// the fitted range, every model on the same charts, and the warnings.
    public func html() -> String {
        var page = HTMLPage(title: "Which model, if any, beats doing nothing? — leaderboard")
        page.paragraph("\(candlesFile): \(symbol) \(interval) candles; \(entries.count) models scored on the \(count) target candles they all predict, \(firstTarget) to \(lastTarget).", cssClass: "sub")
        page.paragraph(verdict, cssClass: "verdict")
        page.warnings(warnings + entries.flatMap { e in e.warnings.map { "\(e.name): \($0)" } } + skipped.map { "skipped \($0.file): \($0.problem)" })
        page.heading("Leaderboard")
        page.paragraph("Ranked by Theil's U (model RMSE / naive RMSE on the same candles; below 1 beats next = current). Direction: share of moves whose sign the model got right, with the exact binomial p against 50 %. DM*: Diebold–Mariano statistic against naive persistence with the Harvey–Leybourne–Newbold correction, p two-sided against t(n − 1); negative means the model's loss is smaller. Lag k: the shift with the lowest RMSE. Extrapolated: share of windows with an input outside the scalers' fitted range.")
        page.table(header: tableHeader, rows: tableRows, numeric: Set([0] + Array(2...15)),
                   highlight: entries.isEmpty ? [] : [0])
        if multiStep {
            page.heading("Every forecast step")
            page.paragraph("Step j forecasts the candle j after the window's last one; naive persistence forecasts the window's last value for every step. DM* with horizon h = j (autocovariances up to lag j − 1). Study MINMAX RMSE: the study's own metric (main.py eval_result: predictions and targets each min-max scaled on their own range, RMSE per step), persistence scored the same way beside it.")
            page.table(header: Self.stepHeader, rows: stepRows, numeric: [1, 2, 3, 4, 5, 6, 8, 9])
        }
        if !pairRows.isEmpty {
            page.heading("Model against model (Diebold–Mariano, HLN)")
            page.paragraph("Step 1, a − b: a negative statistic means a's loss is smaller. Models with the same target are compared on their errors; models with different price targets on percentage errors, each against its own target; a price against a volume is skipped, with the reason.")
            page.table(header: Self.pairHeader, rows: pairRows, numeric: [3, 4, 5, 6])
        }
        page.heading("Inputs inside vs outside the scalers' fitted range")
        page.table(header: ["model", "windows outside", "share", "model RMSE inside", "outside", "naive RMSE inside", "outside"],
                   rows: entries.map { e in
                       let r = e.inputRange
                       return [e.name, "\(r.outside) of \(r.windows)", Fmt.pct(r.share), Fmt.num(r.rmseInside), Fmt.num(r.rmseOutside),
                               Fmt.num(r.naiveRmseInside), Fmt.num(r.naiveRmseOutside)]
                   }, numeric: [1, 2, 3, 4, 5, 6])
        page.heading("Lag verdicts")
        page.table(header: ["model", "verdict"], rows: entries.map { [$0.name, $0.summary.verdict] })
        page.heading("Every model on the same charts")
        let captions = [
            "leaderboard_predictions.svg": "Actual next-candle value (blue) and each model's prediction for it.",
            "leaderboard_zoom.svg": "The last predictions up close: each dot is one candle. A line that repeats the blue one a candle later is a lagging copy.",
            "leaderboard_rolling_rmse.svg": "Each model's RMSE over a sliding window of targets, against naive persistence (grey, dashed).",
            "leaderboard_lag.svg": "RMSE of each model against the actual series moved by k candles; the minimum is the model's lag.",
        ]
        for c in charts() { page.svg(c.svg, caption: captions[c.name] ?? "") }
        return page.html()
    }

    /// Writes leaderboard.json, predictions.csv and the SVG charts into `dir`; returns the paths written.
    public func write(to dir: String) throws -> [String] {
        try writeFiles([("leaderboard.json", try json()), ("predictions.csv", predictionsCSV())]
                       + charts().map { (name: $0.name, text: $0.svg) }, into: dir)
    }
}
