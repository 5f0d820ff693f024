import ArgumentParser
import Bot
import Exchange
import Foundation

/// Set-up shared by `predict`, `run` and `journal`: configuration with exit code 2 on any problem (before any
/// network call), warnings on standard error, and the exchange for the configured mode.
enum BotCommandSupport {
    static func printError(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// Loads and validates the configuration; prints every problem on its own line and exits 2 when invalid.
    static func loadConfig(path: String?, overrides: [String: String], requireCredentials: Bool,
                           requireModelFiles: Bool = true) throws -> BotConfig {
        do {
            let result = try ConfigLoader(path: path, overrides: overrides, requireCredentials: requireCredentials,
                                          requireModelFiles: requireModelFiles).load()
            for warning in result.warnings { printError("warning: \(warning)") }
            return result.config
        } catch let error as ConfigError {
            for issue in error.issues { printError("config error: \(issue)") }
            printError("trading-bot: fix the configuration above (config.yaml, environment variables or options); nothing was sent")
            throw ExitCode(2)
        }
    }

    /// Loads the model and scalers; a file that cannot be used is a configuration problem too (exit 2).
    static func loadPredictor(config: BotConfig) throws -> Predictor {
        do {
            return try Predictor.load(config: config)
        } catch {
            printError("config error: \(error)")
            throw ExitCode(2)
        }
    }

    /// The exchange for the configured mode. Dry-run uses public market data only (no keys are passed).
    static func marketDataExchange(config: BotConfig) throws -> any Exchange {
        try BinanceFactory.make(config: config, authenticated: false)
    }

    static func tradingExchange(config: BotConfig) throws -> any Exchange {
        try BinanceFactory.make(config: config, authenticated: true)
    }
}
