import ArgumentParser
import Backtest
import Bot
import Exchange
import Foundation

/// `trading-bot predict`: one prediction from the latest closed candles (public endpoints, no keys) or from a file.
struct PredictCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Predict the next price from the last closed candles and show what the strategy would do when flat.",
        discussion: """
        Reads config.yaml (or --config), MODEL_PATH, SCALERS_PATH, WINDOW_SIZE, TARGET_COLUMN and THRESHOLD.
        With --candles FILE.csv the last window of the file is used and no network call is made.
        Warnings (data of another market or interval than model.json records, inputs outside the scalers' fitted
        range) follow the prediction as `warning:` lines; --json puts them in `warnings`.
        --json prints one object: symbol (of the data: the file's Symbol column if it has one), interval, candle_time (ISO 8601 open time of the last closed candle), close,
        predicted, change (fraction, e.g. 0.012 = +1.2 %), signal (long | short | none), threshold, source.
        With SYMBOLS, one line per symbol (with --json one object per line), each with its own model and settings;
        --symbol picks one of them.
        """)

    @Option(name: .long, help: "Configuration file (default: ./config.yaml).") var config: String?
    @Option(name: .long, help: "Keras model (.keras or .h5); overrides MODEL_PATH.") var model: String?
    @Option(name: .long, help: "Scalers (.pkl or .json); overrides SCALERS_PATH.") var scalers: String?
    @Option(name: .long, help: "Predict from the last window of this candle CSV instead of the exchange.") var candles: String?
    @Flag(name: .long, help: "Print one JSON object.") var json = false
    @Option(name: .long, help: "With SYMBOLS: predict only this symbol.") var symbol: String?

    func run() async throws {
        let overrides = modelOverrides(model: model, scalers: scalers)
        let loaded = try BotCommandSupport.loadConfig(path: self.config, overrides: overrides, requireCredentials: false)
        var config = loaded
        if loaded.isMultiSymbol {
            let chosen = loaded.traded.filter { symbol == nil || $0.symbol == symbol }
            guard !chosen.isEmpty else {
                BotCommandSupport.printError("trading-bot predict: --symbol \(symbol ?? "") is not in SYMBOLS (\(loaded.traded.map(\.symbol).joined(separator: ", ")))")
                throw ExitCode(2)
            }
            if chosen.count > 1 {
                guard candles == nil else {
                    BotCommandSupport.printError("trading-bot predict: --candles holds one symbol's candles; add --symbol to say which of SYMBOLS it is")
                    throw ExitCode(2)
                }
                try await MultiSymbolPredict.run(configs: chosen, json: json)
                return
            }
            config = chosen[0]
        }
        let predictor = try BotCommandSupport.loadPredictor(config: config)

        let window: [Candle]
        let source: String
        var fileSymbol: String?, interval = config.interval
        if let candles {
            do {
                let input = try CandleInput.load(path: candles)
                window = Array(input.candles.suffix(config.windowSize))
                fileSymbol = input.symbol
                interval = input.timeframe.name
            } catch {
                BotCommandSupport.printError("trading-bot predict: \(error)")
                throw ExitCode(1)
            }
            source = candles
        } else {
            do {
                let exchange = try BotCommandSupport.marketDataExchange(config: config)
                let now = try await exchange.fetchTime()
                let fetcher = Fetcher(exchange: exchange, symbol: config.symbol, timeframe: try Timeframe(config.interval),
                                      windowSize: config.windowSize)
                window = try await fetcher.closedCandles(now: now)
            } catch {
                // Offline (or the exchange unreachable): say how to predict without it.
                let offline = (error as? ExchangeFailure)?.isNetworkError == true
                    ? "; offline, predict from a candle file instead: trading-bot predict --candles FILE.csv" : ""
                BotCommandSupport.printError("trading-bot predict: \(error)\(offline)")
                throw ExitCode(1)
            }
            source = "exchange"
        }
        guard window.count == config.windowSize, let last = window.last else {
            BotCommandSupport.printError("trading-bot predict: need \(config.windowSize) closed candles, got \(window.count)")
            throw ExitCode(1)
        }
        let predicted: Double
        do { predicted = try predictor.predict(window) } catch {
            BotCommandSupport.printError("trading-bot predict: \(error)")
            throw ExitCode(1)
        }
        // Honest inputs: the data's market and interval against the training record, and the window against the
        // scalers' fitted range. The output is labelled with the data's symbol.
        let metadata: (path: String, metadata: ModelMetadata)?
        do { metadata = try ModelMetadata.near(modelPath: config.modelPath) } catch {
            BotCommandSupport.printError("trading-bot predict: \(error)")
            throw ExitCode(1)
        }
        let identity = DataIdentity.resolve(file: source, fileSymbol: fileSymbol, interval: interval,
                                            configSymbol: config.symbol, metadata: metadata)
        var warnings = identity.warnings
        if !identity.sameMarketAsModel, identity.modelSymbol.map(DataIdentity.baseAsset) != DataIdentity.baseAsset(identity.symbol) {
            warnings.append("\(identity.symbol)'s last \(predictor.rangeCheck.placement(last, column: config.targetColumnIndex)) (fitted on \(identity.modelSymbol ?? "the training market")): the prediction is not a forecast for \(identity.symbol)")
        }
        warnings += [predictor.inputWarning(window)].compactMap { $0 }
        let strategy = ReferenceStrategy(threshold: config.threshold, stopLoss: config.stopLoss)
        let close = ExactDecimal.from(last.close)
        let change = StrategyInput(currentPrice: close, predictedPrice: predicted, position: nil).change
        let signal = strategy.signal(change: change)
        if json {
            let object: [String: Any] = [
                "symbol": identity.symbol, "interval": identity.interval, "candle_time": UTCTime.iso(last.timestamp),
                "warnings": warnings,
                "close": last.close, "predicted": predicted, "change": change, "signal": signal?.rawValue ?? "none",
                "threshold": config.threshold, "target_column": config.targetColumn, "source": source,
            ]
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
            print(String(decoding: data, as: UTF8.self))
        } else {
            print("\(identity.symbol) \(identity.interval)  last closed candle \(UTCTime.iso(last.timestamp))  (\(source))")
            print("last close  \(close)")
            print("predicted   \(String(format: "%.2f", predicted))  (\(String(format: "%+.2f", change * 100)) %, target \(config.targetColumn))")
            let rule = "|change| \(abs(change) > config.threshold ? ">" : "≤") threshold \(String(format: "%.2f", config.threshold * 100)) %"
            print("when flat   \(signal.map { "open \($0.rawValue)" } ?? "no trade")  (\(rule))")
            for warning in warnings { print("warning: \(warning)") }
        }
    }
}
