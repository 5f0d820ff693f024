import Bot
import Exchange
import Foundation

/// Several models on one candle file, on the target candles they all predict: error figures, Theil's U, direction,
/// Diebold–Mariano against naive persistence and between models, the lag verdict and the share of extrapolated
/// windows. Ranked by Theil's U (model RMSE / naive RMSE on the same candles, step 1), then RMSE.
///
/// Alignment: every model runs every window of the file it can (its own window size) whose every output step has
/// its candle in the file; a window ending at candle e forecasts candles e + 1 … e + horizon. Only windows every
/// model has are kept, so a 7-candle model, a 5-candle one and a 6-candle model with a 5-step horizon are scored
/// on the same targets. The table scores step 1 (the next candle); `steps` scores every step of each model.
public struct Leaderboard: Encodable {
    /// One model's figures on the common targets.
    public struct Entry: Encodable {
        public var rank: Int
        public var name: String
        public var model: String
        public var scalers: String
        public var family: String?
        public var window: Int
        /// Output steps (1: the next candle only).
        public var horizon: Int
        public var features: [String]
        public var target: String
        /// Step 1 (the next candle).
        public var summary: EvaluationSummary
        /// Diebold–Mariano of the model's errors against naive persistence's (negative: the model's loss is smaller).
        public var dmNaiveSquared: DieboldMariano?
        public var dmNaiveAbsolute: DieboldMariano?
        /// Every step of the horizon, on the same windows.
        public var steps: [Step]
        public var inputRange: InputRangeSummary
        public var warnings: [String]
    }

    /// One output step of one model against naive persistence (the window's last value, for every step).
    public struct Step: Encodable {
        public var step: Int
        public var rmse: Double?
        public var mape: Double?
        public var naiveRMSE: Double?
        public var theilU: Double?
        /// Diebold–Mariano with horizon h = step (autocovariances up to lag step − 1), HLN.
        public var dmNaiveSquared: DieboldMariano?
        public var dmNaiveAbsolute: DieboldMariano?
        /// The study's "Test MINMAX RMSE" (`StudyRMSE`) of this step, and persistence's by the same rule.
        public var studyMinmaxRMSE: Double?
        public var naiveStudyMinmaxRMSE: Double?
    }

    /// Diebold–Mariano between two models on step 1 (a − b; negative: a's loss is smaller). Same target: on the
    /// errors in the target's units. Different price targets (close vs high): on percentage errors
    /// 100 (predicted − actual) / actual, each against its own target. Otherwise skipped, with the reason.
    public struct Pair: Encodable {
        public var a: String
        public var b: String
        public var comparedOn: String
        public var squared: DieboldMariano?
        public var absolute: DieboldMariano?
        /// Why no test was run, or nil.
        public var skipped: String?
    }

    public var candlesFile: String
    public var symbol: String
    public var interval: String
    /// Open times of the first and last common target candle (step 1).
    public var firstTarget: String
    public var lastTarget: String
    /// Open time of the first common window's last candle (`evaluate --from` that selects the same windows).
    public var firstWindowEnd: String
    public var count: Int
    public var entries: [Entry]
    public var pairs: [Pair]
    public var warnings: [String]
    /// Models of `--models DIR` that could not be used: the file and why.
    public var skipped: [LabError] = []
    /// The aligned series behind the figures (step 1), for the page and predictions.csv (not in the JSON).
    public var targetTimes: [Int64] = []
    public var actual: [String: [Double]] = [:]
    public var current: [String: [Double]] = [:]
    public var predicted: [String: [Double]] = [:]

    enum CodingKeys: String, CodingKey {
        case candlesFile = "candles_file", symbol, interval, firstTarget = "first_target", lastTarget = "last_target"
        case firstWindowEnd = "first_window_end", count, entries, pairs, warnings, skipped
    }

    /// - Parameters:
    ///   - from, to: keep windows whose last candle opens in [from, to] (ms), as `evaluate --from/--to`.
    ///   - configSymbol: the configuration's SYMBOL, the label when the file has no Symbol column.
    public static func run(models: [LabModel], input: CandleInput, configSymbol: String, from: Int64? = nil, to: Int64? = nil) throws -> Leaderboard {
        guard !models.isEmpty else { throw LabError(file: input.path, problem: "no model to rank") }
        let candles = input.candles
        let own = models.map { HorizonSeries.ends(candles: candles, windowSize: $0.windowSize, horizon: $0.horizon, from: from, to: to) }
        let lo = own.map(\.lowerBound).max() ?? 0, hi = own.map(\.upperBound).min() ?? 0
        guard lo < hi else {
            throw LabError(file: input.path, problem: "the models share no target candle (windows \(models.map(\.windowSize)), horizons \(models.map(\.horizon)), \(candles.count) candles); use a longer file or a wider --from/--to")
        }
        let common = lo..<hi
        let series = try models.map { try HorizonSeries.build(candles: candles, model: $0.model, ends: common) }
        let interval = input.timeframe.milliseconds
        let periodStart = candles[common.lowerBound + 1].timestamp
        let periodEnd = candles[common.upperBound - 1 + models.map(\.horizon).max()!].timestamp + interval - 1
        var board = Leaderboard(candlesFile: input.path, symbol: input.symbol ?? configSymbol, interval: input.timeframe.name,
                                firstTarget: UTCTime.iso(periodStart), lastTarget: UTCTime.iso(candles[common.upperBound].timestamp),
                                firstWindowEnd: UTCTime.iso(candles[common.lowerBound].timestamp),
                                count: common.count, entries: [], pairs: [], warnings: input.gapWarnings())
        if let s = input.symbol, DataIdentity.baseAsset(s) != DataIdentity.baseAsset(configSymbol) {
            board.warnings.append("\(input.path) holds \(s) candles (its Symbol column) but SYMBOL is \(configSymbol): the output is labelled \(s)")
        }
        board.targetTimes = (common.lowerBound + 1...common.upperBound).map { candles[$0].timestamp }
        var errors: [[Double]] = [], percentErrors: [[Double]] = []
        for (m, hs) in zip(models, series) {
            let s = hs.step(1)
            let summary = EvaluationSummary(current: s.current, predicted: s.predicted, actual: s.actual, scaleRange: m.targetScaleRange)
            let e = zip(s.predicted, s.actual).map { $0 - $1 }
            let naive = zip(s.current, s.actual).map { $0 - $1 }
            errors.append(e)
            percentErrors.append(zip(e, s.actual).map { 100 * $0 / $1 })
            let identity = DataIdentity.resolve(file: input.path, fileSymbol: input.symbol, interval: input.timeframe.name,
                                                configSymbol: configSymbol, metadata: m.record)
            var warnings = identity.warnings.filter { !$0.contains("its Symbol column) but SYMBOL") }
            if identity.sameMarketAsModel, let r = m.record {
                warnings += OverlapGuard.warnings(from: periodStart, to: periodEnd, metadata: r.metadata, source: r.path, parse: { UTCTime.parse($0) })
            } else if m.record == nil {
                warnings.append("no training record next to \(m.modelPath): cannot check whether this period was used for training")
            }
            let inputs = InputRangeSummary(check: m.model.rangeCheck, candles: candles, windowSize: m.windowSize, series: s)
            board.entries.append(Entry(rank: 0, name: m.name, model: m.modelPath, scalers: m.scalersPath, family: m.record?.metadata.family,
                                       window: m.windowSize, horizon: m.horizon, features: m.features, target: m.targetColumn,
                                       summary: summary,
                                       dmNaiveSquared: DieboldMariano.test(errorsA: e, errorsB: naive, loss: .squared),
                                       dmNaiveAbsolute: DieboldMariano.test(errorsA: e, errorsB: naive, loss: .absolute),
                                       steps: Self.steps(hs), inputRange: inputs, warnings: warnings))
            board.predicted[m.name] = s.predicted
            board.actual[m.targetColumn] = s.actual
            board.current[m.targetColumn] = s.current
        }
        for i in models.indices {
            for j in models.indices where j > i {
                board.pairs.append(Self.pair(models[i], models[j], errors: (errors[i], errors[j]), percent: (percentErrors[i], percentErrors[j])))
            }
        }
        let order = board.entries.indices.sorted { a, b in
            let ua = board.entries[a].summary.theilU ?? .infinity, ub = board.entries[b].summary.theilU ?? .infinity
            if ua != ub { return ua < ub }
            return (board.entries[a].summary.model.rmse ?? .infinity) < (board.entries[b].summary.model.rmse ?? .infinity)
        }
        board.entries = order.enumerated().map { rank, i in var e = board.entries[i]; e.rank = rank + 1; return e }
        return board
    }

    /// Every step of a model's horizon against persistence, with DM at h = step and the study's RMSE.
    static func steps(_ hs: HorizonSeries) -> [Step] {
        let naive = Array(repeating: hs.current, count: hs.horizon)
        let study = StudyRMSE.perStep(predicted: hs.predicted, actual: hs.actual)
        let naiveStudy = StudyRMSE.perStep(predicted: naive, actual: hs.actual)
        return (0..<hs.horizon).map { j in
            let p = hs.predicted[j], a = hs.actual[j]
            let e = zip(p, a).map { $0 - $1 }, n = zip(hs.current, a).map { $0 - $1 }
            let r = ForecastMetrics.rmse(p, a), z = ForecastMetrics.rmse(hs.current, a)
            return Step(step: j + 1, rmse: r, mape: ForecastMetrics.mape(p, a), naiveRMSE: z,
                        theilU: r.flatMap { r in z.flatMap { $0 > 0 ? r / $0 : nil } },
                        dmNaiveSquared: DieboldMariano.test(errorsA: e, errorsB: n, loss: .squared, horizon: j + 1),
                        dmNaiveAbsolute: DieboldMariano.test(errorsA: e, errorsB: n, loss: .absolute, horizon: j + 1),
                        studyMinmaxRMSE: study[j], naiveStudyMinmaxRMSE: naiveStudy[j])
        }
    }

    /// Step-1 Diebold–Mariano of two models on the quantity they share (see `Pair`).
    static func pair(_ a: LabModel, _ b: LabModel, errors: ([Double], [Double]), percent: ([Double], [Double])) -> Pair {
        if a.targetIndex == b.targetIndex {
            return Pair(a: a.name, b: b.name, comparedOn: "\(a.targetColumn) errors",
                        squared: DieboldMariano.test(errorsA: errors.0, errorsB: errors.1, loss: .squared),
                        absolute: DieboldMariano.test(errorsA: errors.0, errorsB: errors.1, loss: .absolute), skipped: nil)
        }
        let volume = WindowModel.fieldNames.firstIndex(of: "volume")
        guard a.targetIndex != volume, b.targetIndex != volume else {
            return Pair(a: a.name, b: b.name, comparedOn: "nothing", squared: nil, absolute: nil,
                        skipped: "targets differ (\(a.targetColumn) vs \(b.targetColumn)): a traded volume and a price share no common quantity, and their percentage errors measure different things")
        }
        return Pair(a: a.name, b: b.name, comparedOn: "percentage errors (\(a.targetColumn) vs \(b.targetColumn), each against its own target)",
                    squared: DieboldMariano.test(errorsA: percent.0, errorsB: percent.1, loss: .squared),
                    absolute: DieboldMariano.test(errorsA: percent.0, errorsB: percent.1, loss: .absolute), skipped: nil)
    }

    public func entry(_ name: String) -> Entry? { entries.first { $0.name == name } }

    /// The pair (a, b) in either order, with the statistics' sign turned to read "a − b".
    public func pair(_ a: String, _ b: String) -> Pair? {
        if let p = pairs.first(where: { $0.a == a && $0.b == b }) { return p }
        guard let p = pairs.first(where: { $0.a == b && $0.b == a }) else { return nil }
        func flip(_ d: DieboldMariano?) -> DieboldMariano? {
            guard var d else { return nil }
            d.meanDifference = -d.meanDifference; d.statistic = -d.statistic; d.statisticHLN = -d.statisticHLN
            return d
        }
        return Pair(a: a, b: b, comparedOn: p.comparedOn, squared: flip(p.squared), absolute: flip(p.absolute), skipped: p.skipped)
    }

    /// One sentence: the best model and how many beat naive persistence significantly.
    public var verdict: String {
        guard let best = entries.first else { return "No model." }
        let beating = entries.filter { $0.dmNaiveSquared?.verdict() == "better" }
        let worse = entries.filter { $0.dmNaiveSquared?.verdict() == "worse" }.count
        var s = "Best by Theil's U: \(best.name) (U \(Fmt.num(best.summary.theilU, 3)), RMSE \(Fmt.num(best.summary.model.rmse))). "
        if beating.isEmpty {
            s += "No model beats naive persistence (next = current) significantly (Diebold–Mariano, squared loss, HLN, 5 %)"
        } else {
            s += "\(beating.count) of \(entries.count) beat naive persistence significantly (Diebold–Mariano, squared loss, HLN, 5 %): \(beating.map(\.name).joined(separator: ", "))"
        }
        s += worse > 0 ? "; \(worse) are significantly worse than it." : "."
        return s
    }

    public func json() throws -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        e.keyEncodingStrategy = .convertToSnakeCase
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: try e.encode(self), as: UTF8.self) + "\n"
    }

    /// predictions.csv: target candle open time (ms), then actual, naive and each model's prediction per target column.
    public func predictionsCSV() -> String {
        let names = entries.map(\.name)
        let targets = Array(Set(entries.map(\.target))).sorted()
        var o = "target_time," + targets.flatMap { ["actual_\($0)", "naive_\($0)"] }.joined(separator: ",") + "," + names.joined(separator: ",") + "\n"
        for k in targetTimes.indices {
            var row = ["\(targetTimes[k])"]
            for t in targets { row += ["\(actual[t]?[k] ?? .nan)", "\(current[t]?[k] ?? .nan)"] }
            row += names.map { "\(predicted[$0]?[k] ?? .nan)" }
            o += row.joined(separator: ",") + "\n"
        }
        return o
    }
}
