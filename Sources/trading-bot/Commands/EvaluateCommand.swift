import ArgumentParser
import Backtest
import Bot
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

        Leaderboard: `--model A.keras --model B.keras …` (two or more) or `--models DIR` ranks every model on the target \
        candles they all predict: RMSE, MAPE, scaled RMSE, Theil's U, direction accuracy with its binomial p, \
        Diebold–Mariano (squared and absolute loss, HLN) against naive persistence and between models, the lag verdict \
        and the share of windows outside the scalers' fitted range. Each model's scalers come from NAME.json beside \
        NAME.keras ("scalers_file", relative to that folder; else NAME.scalers.pkl or scalers.pkl beside it). Models \
        with other inputs or several output steps say so there: "features" (e.g. ["open", "high", "low"]), \
        "scaler_columns" (the column of each scaler, e.g. ["close", "open", "high", "low"]) and "horizon"; every step \
        is then scored against persistence (DM with h = step) and by the study's own min-max RMSE. A model of --models \
        DIR that cannot be used is skipped with one line naming the file and why. --report writes one HTML page with \
        every model on the same charts; --out writes leaderboard.json, predictions.csv and the charts; --json prints \
        leaderboard.json.
        """)

    @Option(name: .customLong("candles"), help: "Candle CSV (timestamp,open,high,low,close,volume or the CoinMarketCap files). Repeat as SYMBOL=FILE to evaluate each symbol with its SYMBOLS section's model (one summary each). Default: CANDLES_PATH from the config (each symbol's own with SYMBOLS).")
    var candlesList: [String] = []
    var candles: String { candlesList.first ?? "" }
    @Option(help: "Model file (default: MODEL_PATH from the config). Repeat for a leaderboard of several models.") var model: [String] = []
    @Option(help: "Leaderboard of every .keras/.h5 model under this folder (with --model: those too).") var models: String?
    @Option(help: "Scalers file (default: SCALERS_PATH from the config).") var scalers: String?
    @Option(help: "Configuration file (default: config.yaml).") var config: String?
    @Option(help: "First window end (ISO 8601 UTC or ms).") var from: String?
    @Option(help: "Last window end (ISO 8601 UTC or ms).") var to: String?
    @Option(help: "Directory for predictions.csv, report.json and the SVG charts.") var out: String?
    @Flag(help: "Print report.json on stdout instead of the text report.") var json = false
    @Option(help: "Write a self-contained HTML report to this file.") var report: String?

    mutating func run() async throws {
        // Without --candles: the config's CANDLES_PATH, as `backtest` reads it (each symbol's own with SYMBOLS).
        var configuredFiles: [(symbol: String, path: String)]?
        if candlesList.isEmpty {
            switch try configuredCandles(command: "evaluate", config: config, model: model.first, scalers: scalers) {
            case .single(let path): candlesList = [path]
            case .portfolio(let files): configuredFiles = files.map { ($0.symbol, $0.path) }
            }
        }
        let fromMs: Int64?, toMs: Int64?
        do {
            fromMs = try Console.time(from, option: "--from")
            toMs = try Console.time(to, option: "--to")
        } catch { Console.error("evaluate: \(error)"); throw ExitCode(2) }
        if configuredFiles != nil || CandlesOption.isPerSymbol(candlesList) {
            do {
                try perSymbol(files: configuredFiles ?? CandlesOption.symbolFiles(candlesList), fromMs: fromMs, toMs: toMs)
            } catch {
                Console.error("evaluate: \(String(describing: error).replacingOccurrences(of: "\n", with: "; "))")
                throw ExitCode(1)
            }
            return
        }
        if model.count > 1 || models != nil {
            guard scalers == nil else {
                Console.error("evaluate: --scalers is for one model; in a leaderboard each model's scalers come from its NAME.json (\"scalers_file\")")
                throw ExitCode(2)
            }
            do {
                try leaderboard(fromMs: fromMs, toMs: toMs)
            } catch {
                Console.error("evaluate: \(String(describing: error).replacingOccurrences(of: "\n", with: "; "))")
                throw ExitCode(1)
            }
            return
        }
        do {
            let input = try CandleInput.load(path: candles)
            let setup = try OfflineSetup.load(configPath: config, overrides: modelOverrides(model: model.first, scalers: scalers), input: input)
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

    /// `evaluate --candles SYM=FILE …` (or each symbol's CANDLES_PATH): each symbol with its own model and scalers
    /// (its SYMBOLS section), one summary each; `--out DIR` gets one sub-folder per symbol.
    func perSymbol(files: [(symbol: String, path: String)], fromMs: Int64?, toMs: Int64?) throws {
        let overrides = modelOverrides(model: model.first, scalers: scalers)
        for entry in try PortfolioPipeline.load(configPath: config, files: files, overrides: overrides) {
            let outcome = try EvaluationPipeline.run(setup: entry.setup, from: fromMs, to: toMs)
            if let out {
                let dir = (out as NSString).appendingPathComponent(entry.symbol.replacingOccurrences(of: "/", with: "-").replacingOccurrences(of: ":", with: "-"))
                _ = try outcome.report.write(to: dir, series: outcome.series, closes: outcome.closes,
                                             intervalMs: entry.setup.input.timeframe.milliseconds)
            }
            print("== \(entry.symbol) (model \(entry.setup.config.modelPath))")
            print(outcome.report.text(), terminator: "")
        }
    }

    /// `evaluate --model A --model B …` / `--models DIR`: one leaderboard.
    func leaderboard(fromMs: Int64?, toMs: Int64?) throws {
        let input = try CandleInput.load(path: candles)
        let loaded = try ConfigLoader(path: config, overrides: ["INTERVAL": input.timeframe.name], requireModelFiles: false).load()
        let found = try models.map { try LabModel.discover(folder: $0) } ?? []
        let paths = model + found
        let names = LabModel.names(for: paths)
        // Models named with --model must load; one of a folder that does not is skipped with one line.
        let named = try zip(model, names).map { try LabModel.load(path: $0, name: $1) }
        var lab = named, skipped: [LabError] = []
        if !found.isEmpty {
            do {
                let usable = try LabModel.loadUsable(paths: found, names: Array(names[model.count...]))
                lab += usable.models
                skipped = usable.skipped
            } catch let e as LabError where !named.isEmpty {
                skipped = [e]
            }
        }
        for k in skipped { Console.error("evaluate: skipped \(k.file): \(k.problem)") }
        var board = try Leaderboard.run(models: lab, input: input, configSymbol: loaded.config.symbol, from: fromMs, to: toMs)
        board.skipped = skipped
        board.warnings = loaded.warnings + board.warnings
        if let out { _ = try board.write(to: out) }
        if let report { try board.html().write(toFile: report, atomically: true, encoding: .utf8) }
        if json {
            print(try board.json(), terminator: "")
        } else {
            print(board.text(), terminator: "")
            if let out { print("files: \(out)/leaderboard.json, predictions.csv, leaderboard_*.svg") }
            if let report { print("report: \(report)") }
        }
    }
}
