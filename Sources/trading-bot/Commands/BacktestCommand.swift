import ArgumentParser
import Backtest
import Binance
import Bot
import Foundation

/// `trading-bot backtest`: the live Trader, Strategy and Orderer replayed on a simulated USDⓈ-M exchange.
struct BacktestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backtest",
        abstract: "Replay a candle file through the bot's Trader on a simulated futures exchange.",
        discussion: """
        At the open of every candle in --from…--to the Trader sees only the candles closed by then, predicts, \
        decides and orders; the simulated exchange fills market orders at that open, plays the candle for stops \
        and liquidations, and charges fees (and funding with --funding-rate). Strategy settings (THRESHOLD, \
        STOP_LOSS, LEVERAGE, MARGIN_TYPE, ORDER_TYPE, STOP_LOSS_ON_EXCHANGE) come from the config.
        With several --candles SYMBOL=FILE: one account, one Trader per symbol, MAX_OPEN_POSITIONS, MAX_MARGIN_RATIO, \
        DAILY_LOSS_LIMIT and each symbol's STAKE_AMOUNT/STAKE_FRACTION as live; --out gets trades.csv (symbol column), \
        equity.csv, report.json and report.html; --json prints report.json.
        Without --candles the files come from the config's CANDLES_PATH: the top-level key for SYMBOL, each \
        symbol's own (symbols: SYMBOL: CANDLES_PATH: FILE) for SYMBOLS, which makes the portfolio backtest.
        With --synthetic-minutes N --bench, times evaluate and backtest over N synthetic one-minute candles.
        Tuning: --grid KEY=VALUES[,KEY=VALUES…] (keys THRESHOLD, STOP_LOSS, LEVERAGE; VALUES a list v1,v2,… or a \
        range start:stop:step, stop included) tries every combination with predictions computed once, on two \
        workers; --tune-until DATE chooses the best by --objective on the decisions before DATE and reports it on \
        those after; --walk-forward N instead cuts the period into N+1 equal blocks, choosing on block k and \
        reporting on block k+1. The report gives the chosen setting's out-of-sample result beside the \
        out-of-sample best, the number of trials, the deflated Sharpe ratio and a heatmap (--report FILE).
        """)

    @Option(help: "Candle CSV (timestamp,open,high,low,close,volume or the CoinMarketCap files). Repeat as SYMBOL=FILE for a portfolio backtest on one account (each symbol with its SYMBOLS section's model and settings). Default: CANDLES_PATH from the config (per symbol with SYMBOLS).")
    var candles: [String] = []
    @Option(help: "First decision candle (ISO 8601 UTC or ms).") var from: String?
    @Option(help: "Last decision candle (ISO 8601 UTC or ms).") var to: String?
    @Option(help: "Starting balance in USDT.") var balance: String = "10000"
    @Option(help: "Directory for trades.csv, equity.csv, report.json and equity.svg.") var out: String?
    @Flag(help: "Print report.json on stdout instead of the table.") var json = false
    @Option(help: "Write a self-contained HTML report to this file.") var report: String?
    @Option(help: "Model file (default: MODEL_PATH from the config).") var model: String?
    @Option(help: "Scalers file (default: SCALERS_PATH from the config).") var scalers: String?
    @Option(help: "Configuration file (default: config.yaml).") var config: String?
    @Option(name: .customLong("taker-fee"), help: "Taker fee rate.") var takerFee: String = "0.0005"
    @Option(name: .customLong("maker-fee"), help: "Maker fee rate.") var makerFee: String = "0.0002"
    @Option(name: .customLong("funding-rate"), help: "Funding rate charged every 8 h (e.g. 0.0001); default none.") var fundingRate: String?
    @Option(help: "Keep the backtest's journal in this SQLite file (default: in memory).") var journal: String?
    @Option(name: .customLong("synthetic-minutes"), help: "Benchmark input: this many synthetic 1m candles instead of --candles.") var syntheticMinutes: Int?
    @Flag(help: "Time evaluate and backtest (use with --synthetic-minutes or --candles).") var bench = false
    @Option(help: "trader: the live Trader with its journal; replay: the same Strategy/Orderer/exchange without the journal (fast). Default trader (bench: replay).")
    var engine: String?
    @Option(name: .customLong("market-filters"),
            help: "Binance exchangeInfo JSON (the whole answer or one symbols[] entry): use that symbol's real filters instead of ones derived from the candles. Portfolio: the whole answer, each symbol takes its entry.")
    var marketFilters: String?

    @Option(help: "Grid of strategy settings: KEY=VALUES[,KEY=VALUES…], VALUES = v1,v2,… or start:stop:step (keys THRESHOLD, STOP_LOSS, LEVERAGE).")
    var grid: String?
    @Option(name: .customLong("tune-until"), help: "With --grid: choose on decisions before this time (ISO 8601 UTC or ms), report on the rest.")
    var tuneUntil: String?
    @Option(name: .customLong("walk-forward"), help: "With --grid: N rolling folds (N+1 equal blocks; choose on block k, report on block k+1).")
    var walkForward: Int?
    @Option(help: "With --grid: what the choice maximises: \(Objective.allCases.map(\.rawValue).joined(separator: ", ")).")
    var objective: String = "sharpe"

    func run() async throws {
        var sim = SimulationSettings()
        var gridSpec: GridSpec?, split: TuningPipeline.Split?
        let goal = Objective(rawValue: objective)
        let fromMs: Int64?, toMs: Int64?
        do {
            fromMs = try Console.time(from, option: "--from")
            toMs = try Console.time(to, option: "--to")
            sim.initialBalance = try Self.decimal(balance, "--balance", positive: true)
            sim.takerFee = try Self.decimal(takerFee, "--taker-fee", positive: false)
            sim.makerFee = try Self.decimal(makerFee, "--maker-fee", positive: false)
            sim.fundingRate = try fundingRate.map { try Self.decimal($0, "--funding-rate", positive: false, signed: true) }
            if !candles.isEmpty && syntheticMinutes != nil {
                throw OptionError(message: "give one of --candles FILE and --synthetic-minutes N, not both")
            }
            if let n = syntheticMinutes, n < 100 { throw OptionError(message: "--synthetic-minutes \(n): use at least 100") }
            if let engine, BacktestPipeline.Engine(rawValue: engine) == nil {
                throw OptionError(message: "--engine '\(engine)': use trader or replay")
            }
            if let grid {
                gridSpec = try GridSpec.parse(grid)
                guard let goal else {
                    throw OptionError(message: "--objective '\(objective)': use \(Objective.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                _ = goal
                switch (try Console.time(tuneUntil, option: "--tune-until"), walkForward) {
                case (let t?, nil): split = .until(t)
                case (nil, let n?): split = .walkForward(n)
                case (nil, nil): if !bench { throw OptionError(message: "--grid needs --tune-until DATE or --walk-forward N (choosing and reporting on the same candles is the self-deception this avoids)") }
                default: throw OptionError(message: "give one of --tune-until and --walk-forward, not both")
                }
                if json { throw OptionError(message: "--json is not available with --grid (use --report FILE for the HTML page)") }
            } else if tuneUntil != nil || walkForward != nil {
                throw OptionError(message: "--tune-until and --walk-forward need --grid")
            }
        } catch { Console.error("backtest: \(error)"); throw ExitCode(2) }
        // Without --candles: the config's CANDLES_PATH (each symbol's own with SYMBOLS).
        var candles = self.candles
        var files: [(symbol: String, path: String)]?
        if candles.isEmpty && syntheticMinutes == nil {
            switch try configuredCandles(command: "backtest", config: config, model: model, scalers: scalers) {
            case .single(let path): candles = [path]
            case .portfolio(let list): files = list.map { ($0.symbol, $0.path) }
            }
        } else if CandlesOption.isPerSymbol(candles) {
            files = try Self.symbolFiles(candles)
        }
        if let files {
            if grid != nil || bench {
                Console.error("backtest: --grid and --bench take one candle file; the portfolio backtest (several symbols) has neither")
                throw ExitCode(2)
            }
            try await runPortfolio(files: files, sim: sim, fromMs: fromMs, toMs: toMs)
            return
        }
        do {
            let input: CandleInput
            if let n = syntheticMinutes {
                input = CandleInput(path: "synthetic-\(n)m", candles: SyntheticCandles.make(count: n), timeframe: .oneMinute)
            } else {
                input = try CandleInput.load(path: candles.first ?? "")
            }
            let overrides = modelOverrides(model: model, scalers: scalers)
            let setup = try OfflineSetup.load(configPath: config, overrides: overrides, input: input)
            if let gridSpec {
                if bench {
                    try await GridBench.run(setup: setup, simulation: sim, spec: gridSpec, objective: goal ?? .sharpe)
                    return
                }
                let market = try marketFilters.map { try MarketFile.load(path: $0, marketID: setup.config.marketID) }
                let tuned = try await TuningPipeline.run(setup: setup, spec: gridSpec, split: split!, objective: goal ?? .sharpe,
                                                         from: fromMs, to: toMs, simulation: sim, market: market)
                print(tuned.text(), terminator: "")
                if let report {
                    try tuned.html().write(toFile: report, atomically: true, encoding: .utf8)
                    print("report: \(report)")
                }
                return
            }
            if bench {
                try await BenchRunner.run(setup: setup, simulation: sim,
                                          engines: [engine.flatMap(BacktestPipeline.Engine.init(rawValue:)) ?? .replay])
                return
            }
            let market = try marketFilters.map { try MarketFile.load(path: $0, marketID: setup.config.marketID) }
            let outcome = try await BacktestPipeline.run(setup: setup, from: fromMs, to: toMs, simulation: sim,
                                                         journalPath: journal ?? ":memory:",
                                                         engine: engine.flatMap(BacktestPipeline.Engine.init(rawValue:)) ?? .trader,
                                                         market: market)
            if let out { _ = try outcome.report.write(to: out, result: outcome.result) }
            if let report { try outcome.report.html(result: outcome.result).write(toFile: report, atomically: true, encoding: .utf8) }
            if json {
                print(try outcome.report.json(), terminator: "")
            } else {
                print(outcome.report.text(), terminator: "")
                if let out { print("files: \(out)/trades.csv, equity.csv, report.json, equity.svg") }
                if let report { print("report: \(report)") }
            }
        } catch {
            Console.error("backtest: \(String(describing: error).replacingOccurrences(of: "\n", with: "; "))")
            throw ExitCode(1)
        }
    }


    /// `--candles SYMBOL=FILE` options as (symbol, file), each symbol once.
    static func symbolFiles(_ options: [String]) throws -> [(symbol: String, path: String)] {
        do {
            let files = try CandlesOption.symbolFiles(options)
            if Set(files.map(\.symbol)).count != files.count { throw OptionError(message: "--candles: a symbol is given twice") }
            return files
        } catch { Console.error("backtest: \(error)"); throw ExitCode(2) }
    }

    /// The portfolio backtest: one candle file per symbol (`--candles SYMBOL=FILE` or each symbol's CANDLES_PATH).
    func runPortfolio(files: [(symbol: String, path: String)], sim: SimulationSettings, fromMs: Int64?, toMs: Int64?) async throws {
        do {
            let overrides = modelOverrides(model: model, scalers: scalers)
            let base = try ConfigLoader(path: config, overrides: overrides).load().config
            let entries = try PortfolioPipeline.load(configPath: config, files: files, overrides: overrides)
            let markets = try marketFilters.map { file in
                try PortfolioPipeline.markets(entries: entries) { try MarketFile.load(path: file, marketID: $0) }
            } ?? [:]
            let result = try await PortfolioPipeline.run(entries: entries, limits: AccountLimits(config: base),
                                                         from: fromMs, to: toMs, simulation: sim, markets: markets)
            let warnings = entries.flatMap { e in e.setup.warnings.map { "\(e.symbol): \($0)" } }
            let inputs = entries.map { PortfolioReport.Input(symbol: $0.symbol, candlesFile: $0.setup.input.path, model: $0.setup.config.modelPath,
                                                             interval: $0.setup.config.interval) }
            let portfolio = PortfolioReport(result: result, initialBalance: sim.initialBalance, warnings: warnings, inputs: inputs)
            if let out { _ = try portfolio.write(to: out) }
            if let report { try portfolio.html().write(toFile: report, atomically: true, encoding: .utf8) }
            if json {
                print(try portfolio.json(), terminator: "")
            } else {
                print(portfolio.text(), terminator: "")
                if let out { print("files: \(out)/trades.csv, equity.csv, report.json, report.html") }
                if let report { print("report: \(report)") }
            }
        } catch {
            Console.error("backtest: \(String(describing: error).replacingOccurrences(of: "\n", with: "; "))")
            throw ExitCode(1)
        }
    }

    static func decimal(_ text: String, _ option: String, positive: Bool, signed: Bool = false) throws -> Decimal {
        guard let d = Decimal(string: text), d.isFinite,
              text.allSatisfy({ $0.isNumber || $0 == "." || $0 == "-" }),
              positive ? d > 0 : (signed || d >= 0) else {
            throw OptionError(message: "\(option) '\(text)' is not a \(positive ? "positive" : signed ? "" : "non-negative") number")
        }
        return d
    }
}
