import Bot
import Exchange
import Foundation

/// What `backtest --grid` prints and writes: per window the chosen (in-sample best) setting and its out-of-sample
/// result beside the out-of-sample best, the number of trials, the deflated Sharpe ratio of the choice, the surface,
/// and a plain verdict.
public struct TuningReport {
    public var candlesFile: String
    public var model: String
    public var spec: GridSpec
    public var objective: Objective
    public var folds: [FoldOutcome]
    /// Decision index → open time of that candle (for the window dates).
    public var periods: [(train: (String, String), test: (String, String))]
    public var warnings: [String]
    public var predictSeconds: Double
    public var gridSeconds: Double

    public init(candlesFile: String, model: String, spec: GridSpec, objective: Objective, folds: [FoldOutcome],
                candles: [Candle], warnings: [String], predictSeconds: Double, gridSeconds: Double) {
        self.candlesFile = candlesFile; self.model = model; self.spec = spec; self.objective = objective; self.folds = folds
        func span(_ r: Range<Int>) -> (String, String) { (UTCTime.iso(candles[r.lowerBound].timestamp), UTCTime.iso(candles[r.upperBound - 1].timestamp)) }
        periods = folds.map { (span($0.window.train), span($0.window.test)) }
        self.warnings = warnings; self.predictSeconds = predictSeconds; self.gridSeconds = gridSeconds
    }

    /// Every window's chosen setting survives (see `FoldOutcome.survives`).
    public var survives: Bool { folds.allSatisfy(\.survives) }

    /// The plain sentence: does the tuned setting hold up after the period it was chosen on?
    public var verdict: String {
        if folds.count == 1, let f = folds.first {
            let label = f.inSample[f.chosen].point.label
            return f.survives
                ? "The in-sample best (\(label)) survives out of sample: it returns \(Fmt.pct(f.outOfSample[f.chosen].metrics.totalReturn)) after the tuning period and its deflated Sharpe ratio is \(Fmt.num(f.deflatedSharpe?.probability, 3))."
                : "The best setting does not survive out of sample: the in-sample best (\(label)) — " + f.failures.joined(separator: "; ") + "."
        }
        let failed = folds.indices.filter { !folds[$0].survives }
        let total = TuningStudy.compoundedOutOfSample(folds)
        if failed.isEmpty {
            return "The chosen settings survive in all \(folds.count) walk-forward folds; compounded out-of-sample return \(Fmt.pct(total))."
        }
        return "The best setting does not survive out of sample in \(failed.count) of \(folds.count) walk-forward folds (" +
            failed.map { "fold \($0 + 1): " + folds[$0].failures.joined(separator: "; ") }.joined(separator: " | ") +
            "); compounded out-of-sample return of the chosen settings \(Fmt.pct(total))."
    }

    func score(_ v: Double) -> String { objective == .profit ? Fmt.pct(v) : Fmt.num(v, 3) }

    /// Rows of one fold's comparison: the chosen point (in-sample best) and the out-of-sample best.
    func comparison(_ f: FoldOutcome) -> [[String]] {
        [("in-sample best (chosen)", f.chosen), ("out-of-sample best (hindsight)", f.outOfSampleBest)].map { name, i in
            let a = f.inSample[i], b = f.outOfSample[i]
            return [name, a.point.label, score(a.score), Fmt.pct(a.metrics.totalReturn), score(b.score), Fmt.pct(b.metrics.totalReturn),
                    "\(b.metrics.trades)", Fmt.pct(b.metrics.maxDrawdown)]
        }
    }
    static let comparisonHeader = ["", "setting", "in-sample objective", "in-sample return", "out-of-sample objective",
                                   "out-of-sample return", "out-of-sample trades", "out-of-sample max drawdown"]

    func dsrLine(_ f: FoldOutcome) -> String {
        guard let d = f.deflatedSharpe else { return "deflated Sharpe ratio: undefined (the chosen point's equity is flat in sample)" }
        let finite = f.inSample.map { $0.perPeriodSharpe ?? 0 }
        let mu = finite.reduce(0, +) / Double(max(1, finite.count))
        let v = finite.count > 1 ? finite.reduce(0) { $0 + ($1 - mu) * ($1 - mu) } / Double(finite.count - 1) : 0
        return "deflated Sharpe ratio of the chosen point: \(Fmt.num(d.probability, 3)) (per-candle Sharpe \(String(format: "%.5f", d.sharpe)) vs \(String(format: "%.5f", d.expectedMaxSharpe)) expected from the best of \(d.trials) trials with Sharpe variance \(String(format: "%.3g", v)); \(d.observations) returns, skew \(Fmt.num(d.skewness, 2)), kurtosis \(Fmt.num(d.kurtosis, 2)))"
    }

    public func text() -> String {
        var s = "Grid backtest: \(candlesFile), model \(model)\n"
        s += "objective \(objective.rawValue); \(spec.count) settings (trials) per window: "
        s += spec.axes.map { axis in "\(axis.key.rawValue) ∈ {\(axis.values.map { GridPoint.format($0, axis.key) }.joined(separator: ", "))}" }.joined(separator: " × ") + "\n"
        s += String(format: "predictions computed once for all windows and settings in %.2f s; %d replays in %.2f s on 2 workers\n",
                    predictSeconds, spec.count * folds.count * 2, gridSeconds)
        for w in warnings { s += "warning: \(w)\n" }
        for (k, f) in folds.enumerated() {
            let p = periods[k]
            s += "\n" + (folds.count > 1 ? "fold \(k + 1) of \(folds.count): " : "")
            s += "chosen on \(p.train.0) … \(p.train.1) (\(f.window.train.count) candles), reported on \(p.test.0) … \(p.test.1) (\(f.window.test.count) candles)\n"
            let rows = [Self.comparisonHeader] + comparison(f)
            let widths = (0..<Self.comparisonHeader.count).map { c in rows.map { $0[c].count }.max() ?? 0 }
            for r in rows {
                let line = r.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  ")
                s += String(line.reversed().drop { $0 == " " }.reversed()) + "\n"
            }
            s += "trials: \(f.inSample.count)\n" + dsrLine(f) + "\n"
        }
        if folds.count > 1 { s += "\ncompounded out-of-sample return of the chosen settings: \(Fmt.pct(TuningStudy.compoundedOutOfSample(folds)))\n" }
        s += "\n" + verdict + "\n"
        return s
    }

    public func html() -> String {
        var page = HTMLPage(title: "Grid backtest — \((candlesFile as NSString).lastPathComponent)")
        page.paragraph("Model \(model); objective \(objective.rawValue); \(spec.count) settings (trials) per window; predictions computed once and shared by every window and setting.", cssClass: "sub")
        page.paragraph(verdict, cssClass: "verdict")
        page.warnings(warnings)
        for (k, f) in folds.enumerated() {
            let p = periods[k]
            page.heading((folds.count > 1 ? "Fold \(k + 1): " : "") + "chosen on \(p.train.0) … \(p.train.1), reported on \(p.test.0) … \(p.test.1)")
            page.table(header: Self.comparisonHeader, rows: comparison(f), numeric: [2, 3, 4, 5, 6, 7], highlight: [0])
            page.paragraph("Trials: \(f.inSample.count). " + dsrLine(f) + ".")
            if let (x, y) = Heatmap.axes(spec) {
                let chosen = f.inSample[f.chosen].point
                let others = spec.axes.map(\.key).filter { $0 != x && $0 != y }
                let held = others.isEmpty ? "" : "; " + others.map { "\($0.rawValue)=\(GridPoint.format(chosen.values[$0] ?? 0, $0))" }.joined(separator: ", ") + " (the chosen point's)"
                for (name, trials) in [("in sample", f.inSample), ("out of sample", f.outOfSample)] {
                    let map = Heatmap(spec: spec, trials: trials, x: x, y: y, fixed: chosen, mark: chosen)
                    page.svg(map.svg(title: "\(objective.rawValue) \(name)", format: score),
                             caption: "Objective \(name) over \(x.rawValue) × \(y.rawValue)\(held); outlined: the in-sample choice.")
                }
            }
            let top = f.inSample.indices.sorted { f.inSample[$0].score > f.inSample[$1].score }.prefix(10)
            page.table(header: ["setting", "in-sample objective", "in-sample return", "out-of-sample objective", "out-of-sample return"],
                       rows: top.map { i in [f.inSample[i].point.label, score(f.inSample[i].score), Fmt.pct(f.inSample[i].metrics.totalReturn),
                                             score(f.outOfSample[i].score), Fmt.pct(f.outOfSample[i].metrics.totalReturn)] },
                       numeric: [1, 2, 3, 4], highlight: [0])
        }
        if folds.count > 1 {
            page.paragraph("Compounded out-of-sample return of the chosen settings over \(folds.count) folds: \(Fmt.pct(TuningStudy.compoundedOutOfSample(folds))).")
        }
        return page.html()
    }
}
