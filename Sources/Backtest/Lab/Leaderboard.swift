import Bot
import Exchange
import Foundation

/// Several models on one candle file, on the target candles they all predict: error figures, Theil's U, direction,
/// Diebold–Mariano against naive persistence and between models, the lag verdict and the share of extrapolated
/// windows. Ranked by Theil's U (model RMSE / naive RMSE on the same candles), then RMSE.
///
/// Alignment: every model runs every window of the file it can (its own window size); a window ending at candle e
/// predicts candle e + 1. Only target candles every model predicts are kept, so a 7-candle model and a 5-candle one
/// are scored on the same targets.
public struct Leaderboard: Encodable {
    /// One model's figures on the common targets.
    public struct Entry: Encodable {
        public var rank: Int
        public var name: String
        public var model: String
        public var scalers: String
        public var family: String?
        public var window: Int
        public var target: String
        public var summary: EvaluationSummary
        /// Diebold–Mariano of the model's errors against naive persistence's (negative: the model's loss is smaller).
        public var dmNaiveSquared: DieboldMariano?
        public var dmNaiveAbsolute: DieboldMariano?
        public var inputRange: InputRangeSummary
        public var warnings: [String]
    }

    /// Diebold–Mariano between two models (a − b; negative: a's loss is smaller). Only for models with the same target.
    public struct Pair: Encodable {
        public var a: String
        public var b: String
        public var squared: DieboldMariano?
        public var absolute: DieboldMariano?
    }

    public var candlesFile: String
    public var symbol: String
    public var interval: String
    /// Open times of the first and last common target candle.
    public var firstTarget: String
    public var lastTarget: String
    public var count: Int
    public var entries: [Entry]
    public var pairs: [Pair]
    public var warnings: [String]
    /// The aligned series behind the figures, for the page and predictions.csv (not in the JSON).
    public var targetTimes: [Int64] = []
    public var actual: [String: [Double]] = [:]
    public var current: [String: [Double]] = [:]
    public var predicted: [String: [Double]] = [:]

    enum CodingKeys: String, CodingKey {
        case candlesFile = "candles_file", symbol, interval, firstTarget = "first_target", lastTarget = "last_target"
        case count, entries, pairs, warnings
    }

    /// - Parameters:
    ///   - from, to: keep windows whose last candle opens in [from, to] (ms), as `evaluate --from/--to`.
    ///   - configSymbol: the configuration's SYMBOL, the label when the file has no Symbol column.
    public static func run(models: [LabModel], input: CandleInput, configSymbol: String, from: Int64? = nil, to: Int64? = nil) throws -> Leaderboard {
        guard !models.isEmpty else { throw LabError(file: input.path, problem: "no model to rank") }
        let candles = input.candles
        var series: [ForecastSeries] = []
        for m in models {
            series.append(try ForecastSeries.build(candles: candles, targetColumn: m.targetIndex,
                                                   predictor: ModelBatchPredictor(m.predictor), from: from, to: to))
        }
        // Common window ends: every model has a contiguous range of ends on the same file.
        let lo = series.map(\.ends.lowerBound).max() ?? 0, hi = series.map(\.ends.upperBound).min() ?? 0
        guard lo < hi else {
            throw LabError(file: input.path, problem: "the models share no target candle (windows \(models.map(\.windowSize))); use a longer file or a wider --from/--to")
        }
        let common = lo..<hi
        func cut(_ s: ForecastSeries) -> ForecastSeries {
            let a = common.lowerBound - s.ends.lowerBound, b = common.upperBound - s.ends.lowerBound
            return ForecastSeries(times: Array(s.times[a..<b]), current: Array(s.current[a..<b]), predicted: Array(s.predicted[a..<b]),
                                  actual: Array(s.actual[a..<b]), ends: common)
        }
        let aligned = series.map(cut)
        let interval = input.timeframe.milliseconds
        let periodStart = candles[common.lowerBound + 1].timestamp
        let periodEnd = candles[common.upperBound].timestamp + interval - 1
        var board = Leaderboard(candlesFile: input.path, symbol: input.symbol ?? configSymbol, interval: input.timeframe.name,
                                firstTarget: UTCTime.iso(periodStart), lastTarget: UTCTime.iso(candles[common.upperBound].timestamp),
                                count: common.count, entries: [], pairs: [], warnings: input.gapWarnings())
        if let s = input.symbol, DataIdentity.baseAsset(s) != DataIdentity.baseAsset(configSymbol) {
            board.warnings.append("\(input.path) holds \(s) candles (its Symbol column) but SYMBOL is \(configSymbol): the output is labelled \(s)")
        }
        board.targetTimes = (common.lowerBound + 1...common.upperBound).map { candles[$0].timestamp }
        var errors: [[Double]] = []
        for (m, s) in zip(models, aligned) {
            let summary = EvaluationSummary(current: s.current, predicted: s.predicted, actual: s.actual, scaleRange: m.targetScaleRange)
            let e = zip(s.predicted, s.actual).map { $0 - $1 }
            let naive = zip(s.current, s.actual).map { $0 - $1 }
            errors.append(e)
            let identity = DataIdentity.resolve(file: input.path, fileSymbol: input.symbol, interval: input.timeframe.name,
                                                configSymbol: configSymbol, metadata: m.record)
            var warnings = identity.warnings.filter { !$0.contains("its Symbol column) but SYMBOL") }
            if identity.sameMarketAsModel, let r = m.record {
                warnings += OverlapGuard.warnings(from: periodStart, to: periodEnd, metadata: r.metadata, source: r.path, parse: { UTCTime.parse($0) })
            } else if m.record == nil {
                warnings.append("no training record next to \(m.modelPath): cannot check whether this period was used for training")
            }
            let inputs = InputRangeSummary(check: m.predictor.rangeCheck, candles: candles, windowSize: m.windowSize, series: s)
            board.entries.append(Entry(rank: 0, name: m.name, model: m.modelPath, scalers: m.scalersPath, family: m.record?.metadata.family,
                                       window: m.windowSize, target: m.targetColumn, summary: summary,
                                       dmNaiveSquared: DieboldMariano.test(errorsA: e, errorsB: naive, loss: .squared),
                                       dmNaiveAbsolute: DieboldMariano.test(errorsA: e, errorsB: naive, loss: .absolute),
                                       inputRange: inputs, warnings: warnings))
            board.predicted[m.name] = s.predicted
            board.actual[m.targetColumn] = s.actual
            board.current[m.targetColumn] = s.current
        }
        for i in models.indices {
            for j in models.indices where j > i && models[i].targetIndex == models[j].targetIndex {
                board.pairs.append(Pair(a: models[i].name, b: models[j].name,
                                        squared: DieboldMariano.test(errorsA: errors[i], errorsB: errors[j], loss: .squared),
                                        absolute: DieboldMariano.test(errorsA: errors[i], errorsB: errors[j], loss: .absolute)))
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
        return Pair(a: a, b: b, squared: flip(p.squared), absolute: flip(p.absolute))
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
