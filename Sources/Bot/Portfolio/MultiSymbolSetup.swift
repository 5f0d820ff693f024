import Exchange
import Foundation

/// Builds the multi-symbol loop from the configuration: models first (no network), then one look at the
/// exchange's market list, then one Trader per symbol over the one shared client.
public enum MultiSymbolSetup {
    public struct Models {
        /// Predictors that loaded and fit their configuration, by symbol.
        public var predictors: [String: Predictor] = [:]
        /// Models that load but do not fit their configuration (window, output, scalers): configuration problems,
        /// one line each naming the symbol and key.
        public var problems: [String] = []
        /// Models that did not load at all (missing, corrupt, unreadable): those symbols start isolated and are
        /// retried with backoff, the others trade.
        public var failures: [String: String] = [:]
    }

    /// Loads every symbol's model and scalers, sorting what is wrong into configuration problems and load failures.
    public static func loadModels(_ configs: [BotConfig]) -> Models {
        var models = Models()
        for config in configs {
            do {
                models.predictors[config.symbol] = try Predictor.load(config: config)
            } catch let mismatch as PredictorError {
                models.problems.append("\(config.symbol) MODEL_PATH/WINDOW_SIZE: \(mismatch)")
            } catch {
                models.failures[config.symbol] = String(describing: error)
            }
        }
        return models
    }

    /// Symbols the exchange does not list, one line each (a public call, made before anything is signed or sent).
    public static func unlisted(_ configs: [BotConfig], exchange: any Exchange) async throws -> [String] {
        let markets = try await exchange.loadMarkets(reload: false)
        return configs.filter { markets[$0.symbol] == nil }.map {
            "SYMBOLS: \($0.symbol) is not listed by \(exchange.id) (\(markets.count) markets); remove it or fix its spelling"
        }
    }

    /// One slot per symbol; a symbol whose model did not load gets a slot that retries the load.
    public static func slots(_ configs: [BotConfig], exchange: PassCachedExchange, journal: Journal, models: Models) -> [MultiSymbolLoop.Slot] {
        configs.map { config in
            let preloaded = models.predictors[config.symbol]
            return MultiSymbolLoop.Slot(config: config) {
                let predictor = try preloaded ?? Predictor.load(config: config)
                return Trader(settings: try Trader.Settings(config: config), exchange: exchange, journal: journal, predictor: predictor,
                              strategy: ReferenceStrategy(threshold: config.threshold, stopLoss: config.stopLoss),
                              orderer: Orderer(config: config))
            }
        }
    }
}
