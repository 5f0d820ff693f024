import ArgumentParser
import Backtest
import Foundation

/// `trading-bot evaluate`: does the model beat "next = current"? Errors, direction, lag profile, charts.
struct EvaluateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Run the model over every window of a candle file and report its error, direction accuracy and lag.",
        discussion: """
        Predictions go through the same code as `trading-bot predict`. Figures: RMSE/MAPE in price and RMSE in \
        min-max-scaled space for the model and for the naive forecast next = current, Theil's U, direction accuracy \
        with an exact binomial p-value, and the lag profile k = -5…+5 with a plain verdict. --from/--to select the \
        windows by the open time of their last candle.
        """)

    @Option(help: "Candle CSV (timestamp,open,high,low,close,volume or the CoinMarketCap files).") var candles: String
    @Option(help: "Model file (default: MODEL_PATH from the config).") var model: String?
    @Option(help: "Scalers file (default: SCALERS_PATH from the config).") var scalers: String?
    @Option(help: "Configuration file (default: config.yaml).") var config: String?
    @Option(help: "First window end (ISO 8601 UTC or ms).") var from: String?
    @Option(help: "Last window end (ISO 8601 UTC or ms).") var to: String?
    @Option(help: "Directory for predictions.csv, report.json and the SVG charts.") var out: String?
    @Flag(help: "Print report.json on stdout instead of the text report.") var json = false
    @Option(help: "Write a self-contained HTML report to this file.") var report: String?

    func run() async throws {
        let fromMs: Int64?, toMs: Int64?
        do {
            fromMs = try Console.time(from, option: "--from")
            toMs = try Console.time(to, option: "--to")
        } catch { Console.error("evaluate: \(error)"); throw ExitCode(2) }
        do {
            let input = try CandleInput.load(path: candles)
            var overrides: [String: String] = [:]
            if let model { overrides["MODEL_PATH"] = model }
            if let scalers { overrides["SCALERS_PATH"] = scalers }
            let setup = try OfflineSetup.load(configPath: config, overrides: overrides, input: input)
            let outcome = try EvaluationPipeline.run(setup: setup, from: fromMs, to: toMs)
            if let out {
                _ = try outcome.report.write(to: out, series: outcome.series, closes: outcome.closes,
                                             intervalMs: input.timeframe.milliseconds)
            }
            if let report {
                try outcome.report.html(series: outcome.series, intervalMs: input.timeframe.milliseconds)
                    .write(toFile: report, atomically: true, encoding: .utf8)
            }
            if json {
                print(try outcome.report.json(), terminator: "")
            } else {
                print(outcome.report.text(), terminator: "")
                if let out { print("files: \(out)/predictions.csv, report.json, actual_vs_predicted.svg, actual_vs_predicted_shifted.svg, actual_vs_predicted_zoom.svg, lag_profile.svg") }
                if let report { print("report: \(report)") }
            }
        } catch {
            Console.error("evaluate: \(String(describing: error).replacingOccurrences(of: "\n", with: "; "))")
            throw ExitCode(1)
        }
    }
}
