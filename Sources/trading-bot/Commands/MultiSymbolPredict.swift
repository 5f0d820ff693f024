import ArgumentParser
import Bot
import Exchange
import Foundation

/// `trading-bot predict` with SYMBOLS: one line per symbol from one exchange client; a symbol that cannot be
/// predicted gets an error line and the exit status 1, the others still print.
enum MultiSymbolPredict {
    struct Shortfall: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }

    static func run(configs: [BotConfig], json: Bool) async throws {
        let exchange: any Exchange
        do { exchange = try BotCommandSupport.marketDataExchange(config: configs[0]) } catch {
            BotCommandSupport.printError("trading-bot predict: \(error)")
            throw ExitCode(1)
        }
        var failed = false
        var now: Int64?
        for config in configs {
            do {
                let predictor = try Predictor.load(config: config)
                let time: Int64
                if let now { time = now } else { time = try await exchange.fetchTime(); now = time }
                let fetcher = Fetcher(exchange: exchange, symbol: config.symbol, timeframe: try Timeframe(config.interval), windowSize: config.windowSize)
                let window = try await fetcher.closedCandles(now: time)
                guard window.count == config.windowSize, let last = window.last else {
                    throw Shortfall(message: "need \(config.windowSize) closed candles, got \(window.count)")
                }
                let predicted = try predictor.predict(window)
                let close = ExactDecimal.from(last.close)
                let change = StrategyInput(currentPrice: close, predictedPrice: predicted, position: nil).change
                let signal = ReferenceStrategy(threshold: config.threshold, stopLoss: config.stopLoss).signal(change: change)
                if json {
                    let object: [String: Any] = [
                        "symbol": config.symbol, "interval": config.interval, "candle_time": UTCTime.iso(last.timestamp),
                        "close": last.close, "predicted": predicted, "change": change, "signal": signal?.rawValue ?? "none",
                        "threshold": config.threshold, "target_column": config.targetColumn, "source": "exchange",
                    ]
                    let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
                    print(String(decoding: data, as: UTF8.self))
                } else {
                    print("\(config.symbol) \(config.interval) candle \(UTCTime.iso(last.timestamp)) close \(close) predicted "
                          + String(format: "%.6g (%+.2f %%)", predicted, change * 100)
                          + " when flat: \(signal.map { "open \($0.rawValue)" } ?? "no trade") (threshold \(String(format: "%.2f", config.threshold * 100)) %)")
                }
            } catch {
                failed = true
                let line = String(describing: error).replacingOccurrences(of: "\n", with: "; ")
                if json {
                    let data = try JSONSerialization.data(withJSONObject: ["symbol": config.symbol, "error": line], options: [.sortedKeys, .withoutEscapingSlashes])
                    print(String(decoding: data, as: UTF8.self))
                } else {
                    print("\(config.symbol) error: \(line)")
                }
                BotCommandSupport.printError("trading-bot predict: \(config.symbol): \(line)")
            }
        }
        if failed { throw ExitCode(1) }
    }
}
