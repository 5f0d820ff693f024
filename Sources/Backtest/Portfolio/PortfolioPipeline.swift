import Bot
import Exchange
import Foundation

/// `trading-bot backtest` with several candle files: one `OfflineSetup` per symbol (its section's model, scalers
/// and settings), predictions precomputed per symbol, then `PortfolioBacktester` on one account.
public enum PortfolioPipeline {
    /// A symbol's setup for the portfolio: its candle file loaded with its configuration section.
    public struct Entry {
        public var symbol: String
        public var setup: OfflineSetup
        public init(symbol: String, setup: OfflineSetup) { self.symbol = symbol; self.setup = setup }
    }

    /// Loads one setup per `SYMBOL=FILE`, each with `SYMBOL` and (when the config has a section for it) that
    /// section's keys; `overrides` apply to every symbol.
    public static func load(configPath: String?, files: [(symbol: String, path: String)],
                            overrides: [String: String] = [:]) throws -> [Entry] {
        let base = try ConfigLoader(path: configPath, overrides: overrides).load().config
        var entries: [Entry] = []
        var problems: [String] = []
        for (symbol, path) in files {
            do {
                let input = try CandleInput.load(path: path)
                var keys = overrides
                keys["SYMBOL"] = symbol
                if let section = base.symbolConfigs.first(where: { $0.symbol == symbol }) {
                    if keys["MODEL_PATH"] == nil { keys["MODEL_PATH"] = section.modelPath }
                    if keys["SCALERS_PATH"] == nil { keys["SCALERS_PATH"] = section.scalersPath }
                }
                var setup = try OfflineSetup.load(configPath: configPath, overrides: keys, input: input)
                if let section = base.symbolConfigs.first(where: { $0.symbol == symbol }) {
                    var c = section
                    c.interval = setup.config.interval
                    c.intervalMilliseconds = setup.config.intervalMilliseconds
                    setup.config = c
                }
                setup.config.symbolConfigs = []
                entries.append(Entry(symbol: symbol, setup: setup))
            } catch {
                problems.append("\(symbol) (\(path)): \(error)")
            }
        }
        guard problems.isEmpty else { throw PortfolioSetupError.symbols(problems) }
        return entries
    }

    /// Each symbol's market from one Binance exchangeInfo file (`--market-filters FILE`, the whole answer):
    /// `load` reads the entry of one exchange id (BTCUSDT); every symbol the file lacks is an error naming it.
    public static func markets(entries: [Entry], load: (_ marketID: String) throws -> Market) throws -> [String: Market] {
        var markets: [String: Market] = [:]
        var problems: [String] = []
        for e in entries {
            do { markets[e.symbol] = try load(e.setup.config.marketID) }
            catch { problems.append("\(e.symbol): --market-filters \(error)") }
        }
        guard problems.isEmpty else { throw PortfolioSetupError.symbols(problems) }
        return markets
    }

    /// Runs the portfolio backtest over `entries` with the account caps of `limits`.
    /// - Parameter markets: real filters by symbol (`--market-filters FILE`); a symbol not in it gets filters
    ///   derived from its candles.
    public static func run(entries: [Entry], limits: AccountLimits, from: Int64?, to: Int64?,
                           simulation: SimulationSettings, markets: [String: Market] = [:]) async throws -> PortfolioResult {
        var members: [PortfolioMember] = []
        for e in entries {
            let candles = e.setup.input.candles
            let batch = ModelBatchPredictor(e.setup.predictor)
            let range: Range<Int>
            do { range = try TraderBacktest.decisionRange(candles: candles, windowSize: batch.windowSize, from: from, to: to) }
            catch { throw PortfolioSetupError.symbols(["\(e.symbol): \(error)"]) }
            let precomputed = try TraderBacktest.precompute(candles: candles, range: range, predictor: batch)
            var market = markets[e.symbol] ?? TraderBacktest.market(symbol: e.symbol, candles: Array(candles[range]),
                                                                    balance: simulation.initialBalance, leverage: e.setup.config.leverage)
            market.taker = simulation.takerFee
            market.maker = simulation.makerFee
            members.append(PortfolioMember(config: e.setup.config, candles: candles, timeframe: e.setup.input.timeframe,
                                           range: range, predictor: precomputed, market: market))
        }
        return try await PortfolioBacktester.run(members: members, limits: limits, simulation: simulation)
    }
}

/// Why a portfolio backtest cannot start: every symbol's problem, named.
public enum PortfolioSetupError: Error, CustomStringConvertible, Equatable {
    case symbols([String])
    case badCandlesOption(String)

    public var description: String {
        switch self {
        case .symbols(let problems): return "portfolio backtest: " + problems.joined(separator: "; ")
        case .badCandlesOption(let text): return "--candles '\(text)': use SYMBOL=FILE (e.g. ETH/USDT:USDT=coin_Ethereum.csv) for each symbol of a portfolio"
        }
    }
}
