import Foundation

extension Leaderboard {
    /// The leaderboard's header and rows as text cells (shared by the text table and the HTML page).
    public var tableHeader: [String] {
        ["#", "model", "window", "steps", "RMSE", "MAPE", "scaled RMSE", "Theil's U", "direction", "dir. p", "DM² vs naive", "p", "DM|e| vs naive", "p", "lag k", "extrapolated"]
    }

    public var tableRows: [[String]] {
        func dm(_ d: DieboldMariano?) -> [String] {
            guard let d else { return ["n/a", "n/a"] }
            return [Fmt.num(d.statisticHLN, 2), Fmt.pvalue(d.pValue)]
        }
        var rows: [[String]] = entries.map { e in
            let s = e.summary
            return ["\(e.rank)", e.name, "\(e.window)", "\(e.horizon)", Fmt.num(s.model.rmse), Fmt.num(s.model.mape, 2) + " %", Fmt.num(s.model.rmseScaled, 5),
                    Fmt.num(s.theilU, 3), Fmt.pct(s.direction.accuracy, 1), Fmt.pvalue(s.direction.pValue)]
                + dm(e.dmNaiveSquared) + dm(e.dmNaiveAbsolute)
                + [s.lag.bestShift.map { $0 > 0 ? "+\($0)" : "\($0)" } ?? "n/a", Fmt.pct(e.inputRange.share, 1)]
        }
        // Naive persistence once per target column (Theil's U compares each model with its own target's).
        var seen: [String] = []
        for e in entries where !seen.contains(e.target) { seen.append(e.target) }
        for t in seen {
            guard let n = entries.first(where: { $0.target == t })?.summary.naive else { continue }
            let label = seen.count == 1 ? "naive (next = current)" : "naive (next = current \(t))"
            rows.append(["–", label, "1", "–", Fmt.num(n.rmse), Fmt.num(n.mape, 2) + " %", Fmt.num(n.rmseScaled, 5), "1.000",
                         "–", "–", "–", "–", "–", "–", "+1", "–"])
        }
        return rows
    }

    /// Columns of `pairRows`.
    public static let pairHeader = ["a", "b", "compared on", "DM² (HLN)", "p", "DM|e| (HLN)", "p", "reading"]

    /// Pairwise Diebold–Mariano rows: a, b, the quantity compared, squared-loss DM* and p, absolute-loss DM* and p,
    /// the reading (or why the pair was skipped).
    public var pairRows: [[String]] {
        pairs.map { p in
            if let why = p.skipped { return [p.a, p.b, p.comparedOn, "–", "–", "–", "–", "skipped: \(why)"] }
            let reading: String
            if let d = p.squared, d.pValue < 0.05 { reading = d.statisticHLN < 0 ? "\(p.a) better" : "\(p.b) better" } else { reading = "no significant difference" }
            return [p.a, p.b, p.comparedOn, Fmt.num(p.squared?.statisticHLN, 2), p.squared.map { Fmt.pvalue($0.pValue) } ?? "n/a",
                    Fmt.num(p.absolute?.statisticHLN, 2), p.absolute.map { Fmt.pvalue($0.pValue) } ?? "n/a", reading]
        }
    }

    /// Columns of `stepRows`.
    public static let stepHeader = ["model", "step", "RMSE", "naive RMSE", "Theil's U", "DM² vs naive (h = step)", "p", "verdict",
                                    "study MINMAX RMSE", "persistence, same"]

    /// Every step of every model (shown when some model forecasts more than the next candle).
    public var stepRows: [[String]] {
        entries.flatMap { e in
            e.steps.map { st in
                [e.name, "\(st.step)", Fmt.num(st.rmse), Fmt.num(st.naiveRMSE), Fmt.num(st.theilU, 3),
                 Fmt.num(st.dmNaiveSquared?.statisticHLN, 2), st.dmNaiveSquared.map { Fmt.pvalue($0.pValue) } ?? "n/a",
                 st.dmNaiveSquared?.verdict() ?? "n/a", Fmt.num(st.studyMinmaxRMSE, 4), Fmt.num(st.naiveStudyMinmaxRMSE, 4)]
            }
        }
    }

    /// True when some model forecasts more than one step.
    public var multiStep: Bool { entries.contains { $0.horizon > 1 } }

    /// Everything on stdout: the table, the pairwise tests, each model's lag verdict and warnings.
    public func text() -> String {
        var o = "Leaderboard on \(candlesFile) (\(symbol) \(interval)): \(entries.count) models, \(count) common target candles from \(firstTarget) to \(lastTarget)\n"
        o += "ranked by Theil's U (model RMSE / naive RMSE); DM* = Diebold–Mariano with the HLN correction (h = 1), p two-sided vs t(n−1); negative DM*: the model's loss is smaller than naive persistence's\n\n"
        o += Self.align([tableHeader] + tableRows, right: Set([0] + Array(2...15)))
        if multiStep {
            o += "\nper forecast step (step j forecasts the candle j after the window; naive = the window's last value for every step; DM with h = j; study MINMAX RMSE = main.py's eval_result)\n"
            o += Self.align([Self.stepHeader] + stepRows, right: Set([1, 2, 3, 4, 5, 6, 8, 9]))
        }
        if !pairRows.isEmpty {
            o += "\npairwise Diebold–Mariano on step 1 (a − b; negative: a's loss is smaller)\n"
            o += Self.align([Self.pairHeader] + pairRows, right: Set([3, 4, 5, 6]))
        }
        o += "\n" + verdict + "\n"
        for e in entries {
            let shape = e.horizon > 1 ? ", the next \(e.horizon) values" : ""
            o += "\n\(e.rank). \(e.name) (\(e.model), scalers \(e.scalers), window \(e.window) × [\(e.features.joined(separator: ", "))], target \(e.target)\(shape)): \(e.summary.verdict)\n"
            o += "   inputs: \(e.inputRange.sentence)\n"
            for w in e.warnings { o += "   warning: \(w)\n" }
        }
        for w in warnings { o += "warning: \(w)\n" }
        for k in skipped { o += "skipped \(k.file): \(k.problem)\n" }
        return o
    }

    /// Columns padded to their widest cell; `right` columns right-aligned.
    static func align(_ rows: [[String]], right: Set<Int>) -> String {
        let columns = rows.map(\.count).max() ?? 0
        var widths = [Int](repeating: 0, count: columns)
        for r in rows { for (i, c) in r.enumerated() { widths[i] = max(widths[i], c.count) } }
        return rows.map { r in
            r.enumerated().map { i, c in
                right.contains(i) ? c.leftPad(widths[i]) : c.padding(toLength: widths[i], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }
}
