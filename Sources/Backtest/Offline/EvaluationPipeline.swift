import Bot
import Exchange
import Foundation

/// `trading-bot evaluate` without the argument parsing: every window through the bot's predictor, the figures,
/// and the files.
public enum EvaluationPipeline {
    public struct Outcome {
        public var report: EvaluationReport
        public var series: ForecastSeries
        public var closes: [Double]
        /// Seconds spent in the model and in the whole evaluation.
        public var predictSeconds: Double
        public var totalSeconds: Double
    }

    public static func run(setup: OfflineSetup, from: Int64?, to: Int64?) throws -> Outcome {
        let t0 = Date()
        let candles = setup.input.candles
        let batch = ModelBatchPredictor(setup.predictor)
        let tp = Date()
        let series = try ForecastSeries.build(candles: candles, targetColumn: setup.config.targetColumnIndex,
                                              predictor: batch, from: from, to: to)
        let predictSeconds = Date().timeIntervalSince(tp)
        let summary = EvaluationSummary(current: series.current, predicted: series.predicted, actual: series.actual,
                                        scaleRange: setup.targetScaleRange)
        let interval = setup.input.timeframe.milliseconds
        let periodStart = candles[series.ends.lowerBound + 1].timestamp     // first predicted candle
        let periodEnd = candles[series.ends.upperBound].timestamp + interval - 1
        let inputs = InputRangeSummary(check: setup.predictor.rangeCheck, candles: candles, windowSize: batch.windowSize, series: series)
        var warnings = setup.warnings + setup.overlapWarnings(from: periodStart, to: periodEnd)
        if inputs.outside > 0 { warnings.append(inputs.sentence) }
        let total = Date().timeIntervalSince(t0)
        var report = EvaluationReport(candlesFile: setup.input.path, model: setup.config.modelPath,
                                      scalers: setup.config.scalersPath, targetColumn: setup.config.targetColumn,
                                      interval: setup.input.timeframe.name, series: series, summary: summary,
                                      warnings: warnings, seconds: total)
        report.symbol = setup.identity.symbol
        report.inputRange = inputs
        return Outcome(report: report, series: series, closes: series.ends.map { candles[$0].close },
                       predictSeconds: predictSeconds, totalSeconds: total)
    }
}
