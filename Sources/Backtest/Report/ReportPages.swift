import Foundation

extension EvaluationReport {
    /// The evaluate page: verdict, warnings, metric table, lag table, the three charts.
    public func html(series: ForecastSeries, intervalMs: Int64) -> String {
        var page = HTMLPage(title: "Does the model beat doing nothing? — evaluation")
        page.paragraph("\(model) on \(candlesFile), \(symbol.map { "\($0) " } ?? "")\(interval) candles, target \(targetColumn); \(windows) windows whose last candle runs from \(from) to \(to).", cssClass: "sub")
        page.paragraph(summary.verdict, cssClass: "verdict")
        page.warnings(warnings)
        page.heading("Errors: model vs the naive forecast “next = current”")
        page.table(header: ["metric", "model", "naive"], rows: metricRows.map { [$0.0, $0.1, $0.2] }, numeric: [1, 2])
        let s = summary
        page.table(header: ["figure", "value"], rows: [
            ["Theil's U (model RMSE / naive RMSE; < 1 beats doing nothing)", Fmt.num(s.theilU, 4)],
            ["direction accuracy", "\(Fmt.pct(s.direction.accuracy)) of \(s.direction.counted) moves"],
            ["binomial p-value vs 50 % (two-sided, exact)", Fmt.pvalue(s.direction.pValue)],
        ], numeric: [1])
        if let r = inputRange {
            page.heading("Inputs inside vs outside the scalers' fitted range")
            page.paragraph("A window is outside when any of its inputs lies below data_min_ or above data_max_ of its column's scaler: the model then extrapolates.")
            page.table(header: ["windows", "count", "share", "model RMSE", "naive RMSE"], rows: [
                ["inside the range", "\(r.windows - r.outside)", Fmt.pct(1 - r.share), Fmt.num(r.rmseInside), Fmt.num(r.naiveRmseInside)],
                ["outside the range", "\(r.outside)", Fmt.pct(r.share), Fmt.num(r.rmseOutside), Fmt.num(r.naiveRmseOutside)],
            ], numeric: [1, 2, 3, 4])
        }
        page.heading("Lag profile")
        page.paragraph("RMSE and correlation between the prediction series and the actual series shifted by k candles. A minimum at k = +1 means the predictions repeat the price one candle late.")
        let best = s.lag.points.firstIndex { $0.shift == s.lag.bestShift }
        page.table(header: ["k", "RMSE", "correlation", ""], rows: lagRows.map { [$0.0, $0.1, $0.2, $0.3] },
                   numeric: [0, 1, 2], highlight: best.map { [$0] } ?? [])
        for c in Self.charts(series, summary: summary, intervalMs: intervalMs, target: targetColumn) {
            let caption: String
            switch c.name {
            case "actual_vs_predicted.svg": caption = "Actual next-candle value (blue) and the model's prediction for it (orange)."
            case "actual_vs_predicted_zoom.svg": caption = "The last predictions up close: each dot is one candle."
            case "actual_vs_predicted_shifted.svg": caption = "The prediction drawn \(s.lag.bestShift ?? 0) candle(s) earlier: if the two lines coincide, the model is a lagging indicator."
            default: caption = "RMSE (solid, left axis) and correlation (dashed, right axis) for each shift; the red line marks the best shift."
            }
            page.svg(c.svg, caption: caption)
        }
        return page.html()
    }
}

extension BacktestReport {
    /// The backtest page: settings, the table, warnings, the equity chart, the first trades.
    public func html(result: BacktestResult) -> String {
        var page = HTMLPage(title: "Does the model beat doing nothing? — backtest")
        page.paragraph("\(model) on \(candlesFile): \(settings.symbol) \(settings.interval), decisions from \(from) to \(to). Leverage \(settings.leverage)× \(settings.marginMode), \(settings.orderType) orders, threshold \(Fmt.pct(settings.threshold)), stop loss \(Fmt.pct(settings.stopLoss)), taker fee \(Fmt.pct(NSDecimalNumber(decimal: settings.takerFee).doubleValue, 3)).", cssClass: "sub")
        let m = metrics
        let verdict = m.totalReturn > m.buyAndHoldReturn
            ? "The strategy returned \(Fmt.pct(m.totalReturn)) against \(Fmt.pct(m.buyAndHoldReturn)) for buy-and-hold over the same period."
            : "The strategy returned \(Fmt.pct(m.totalReturn)), worse than buy-and-hold (\(Fmt.pct(m.buyAndHoldReturn))) over the same period."
        page.paragraph(verdict, cssClass: "verdict")
        page.paragraph("Simulated market: \(settings.marketFilters).", cssClass: "sub")
        page.warnings(warnings + (failedCycles > 0 ? ["\(failedCycles) cycles failed; first: \(firstFailure ?? "")"] : [])
                      + notPlaced.prefix(10).map { "\($0.time): \($0.message)" })
        page.heading("Results")
        page.table(header: ["figure", "value"], rows: rows.map { [$0.0, $0.1] }, numeric: [1], highlight: [5, 14])
        page.svg(Self.chart(result.equity, symbol: settings.symbol),
                 caption: "Equity (wallet + unrealized P&L at each close, blue, left axis) with the close price (grey, right axis).")
        page.heading("Trades" + (result.trades.count > 50 ? " (first 50 of \(result.trades.count))" : ""))
        page.table(header: ["entry (UTC)", "exit (UTC)", "side", "entry", "exit", "net P&L", "return on margin", "exit reason"],
                   rows: result.trades.prefix(50).map { t in
                       [String(UTCTimeShort.iso(t.entryTime)), String(UTCTimeShort.iso(t.exitTime)), t.side.rawValue,
                        Fmt.money(t.entryPrice), Fmt.money(t.exitPrice), Fmt.money(t.netPnl), Fmt.pct(t.returnOnMargin), t.exit.rawValue]
                   }, numeric: [3, 4, 5, 6])
        return page.html()
    }
}

enum UTCTimeShort {
    static func iso(_ ms: Int64) -> String { AxisTicks.format(ms, "yyyy-MM-dd HH:mm") }
}
