import Foundation

/// Where the bot sends orders. `dryRun` never needs keys and never places a real order.
public enum TradingMode: String, Sendable, CaseIterable {
    case dryRun = "dry-run"
    case testnet
    case demo
    case live

    /// True for the modes that talk to an account with API keys.
    public var needsCredentials: Bool { self != .dryRun }
}

/// The validated, typed configuration. Built only by `ConfigLoader`, so every field has passed validation.
public struct BotConfig: Sendable {
    public var exchangeID: String
    public var mode: TradingMode
    public var exchangeURL: String?
    public var symbol: String
    public var interval: String
    public var intervalMilliseconds: Int64
    public var leverage: Int
    public var marginType: String
    public var orderType: String
    public var minOrderAmount: Decimal
    /// Share of the free balance an entry may use (TRADABLE_BALANCE_RATIO, default 0.99).
    public var tradableBalanceRatio: Decimal = PositionSizer.defaultTradableBalanceRatio
    public var threshold: Double
    public var stopLoss: Double
    public var stopLossOnExchange: Bool
    public var windowSize: Int
    public var maxRetries: Int
    public var retryDelay: Double
    public var modelPath: String
    public var scalersPath: String
    /// The column the model predicts. The reference bot inverted the output with the *close* scaler although its
    /// training target was the next *open*; here the choice is explicit (default `close`, matching the shipped model,
    /// which was trained to predict the next close) so the right scaler turns the output back into a price.
    public var targetColumn: String
    public var journalPath: String
    public var dryRunBalance: Decimal
    public var apiKey: String?
    public var apiSecret: String?
    /// Which environment section was applied on top of `default:` (nil = only `default:`).
    public var environment: String?
    /// The validated text of `ConfigKey.operateKeys` that are set, by key (read by the `Operate` module).
    public var operate: [String: String] = [:]

    // MARK: several symbols (SYMBOLS); all empty/nil for the single-SYMBOL bot, whose behaviour is unchanged.

    /// The configuration of every traded symbol, in SYMBOLS order, each with its `symbols:` section applied.
    /// Empty when SYMBOLS is not set: the process then trades `symbol` alone, as before.
    public var symbolConfigs: [BotConfig] = []
    /// This symbol's allotment (one of the two is set in each element of `symbolConfigs`).
    public var stakeFraction: Decimal?
    public var stakeAmount: Decimal?
    /// The candle file `backtest` reads when no `--candles` is given (CANDLES_PATH, resolved against the config's
    /// directory); per symbol in `symbolConfigs`.
    public var candlesPath: String?
    /// Account-level caps shared by all symbols.
    public var maxOpenPositions: Int?
    public var maxMarginRatio: Decimal?
    public var dailyLossLimit: Decimal?

    /// True when SYMBOLS is set: one process, one account, several markets.
    public var isMultiSymbol: Bool { !symbolConfigs.isEmpty }
    /// What the process trades: `symbolConfigs`, or this configuration alone.
    public var traded: [BotConfig] { symbolConfigs.isEmpty ? [self] : symbolConfigs }

    /// Feature columns in model order; the shipped model and the reference training use this order.
    public static let featureColumns = ["open", "high", "low", "close", "volume"]

    public var targetColumnIndex: Int { BotConfig.featureColumns.firstIndex(of: targetColumn) ?? 3 }

    /// Exchange market id (BTC/USDT:USDT -> BTCUSDT) for places that speak the exchange's own language.
    public var marketID: String {
        let pair = symbol.split(separator: ":").first.map(String.init) ?? symbol
        return String(pair.filter { $0 != "/" })
    }
}

extension BotConfig: CustomStringConvertible {
    /// A summary safe to print: secrets are shown only as set/unset.
    public var description: String {
        "mode=\(mode.rawValue) symbol=\(symbol) interval=\(interval) leverage=\(leverage) margin=\(marginType) "
            + "order=\(orderType) threshold=\(threshold) stop_loss=\(stopLoss) window=\(windowSize) "
            + "model=\(modelPath) scalers=\(scalersPath) target=\(targetColumn) journal=\(journalPath) "
            + "api_key=\(apiKey == nil ? "unset" : "set")"
    }
}
