import Foundation

/// One key the bot understands: its default, what values it accepts, and whether it is a secret.
///
/// The table below is the single source of truth for validation, for the "did you mean" hint on unknown keys and
/// for `--help`-style listings, so a key cannot be documented in one place and parsed differently in another.
public struct ConfigKey: Sendable {
    /// What a value must look like; drives both parsing and the "allowed" part of error messages.
    public enum Kind: Sendable {
        case text
        case secret
        case choice([String])
        case integer(ClosedRange<Int>)
        case decimal(min: Decimal, max: Decimal?, minInclusive: Bool)
        case boolean
        case symbol
        /// Several unified symbols: a YAML list, or one string separated by commas (environment variables).
        case symbolList
        case timeframe
        case existingFile
        case url
        case timestamp
    }

    public let name: String
    public let kind: Kind
    /// Default as the user would write it in config.yaml; nil = no default (optional key).
    public let defaultValue: String?
    public let help: String

    public var isSecret: Bool { if case .secret = kind { return true } else { return false } }

    /// Human description of the accepted values, used in error messages.
    public var allowed: String {
        switch kind {
        case .text: return "any text"
        case .secret: return "a non-empty string"
        case .choice(let values): return "one of " + values.joined(separator: ", ")
        case .integer(let range):
            return range.upperBound == Int.max ? "an integer ≥ \(range.lowerBound)" : "an integer from \(range.lowerBound) to \(range.upperBound)"
        case .decimal(let min, let max, let minInclusive):
            let low = "\(minInclusive ? "≥" : ">") \(min)"
            if let max { return "a number \(low) and ≤ \(max)" }
            return "a number \(low)"
        case .boolean: return "true or false"
        case .symbol: return "a unified linear-futures symbol BASE/QUOTE:SETTLE with QUOTE = SETTLE, e.g. BTC/USDT:USDT"
        case .symbolList: return "a list of unified symbols, e.g. [BTC/USDT:USDT, ETH/USDT:USDT] (or comma-separated)"
        case .timeframe: return "one of " + Timeframes.all.joined(separator: ", ")
        case .existingFile: return "the path of an existing file"
        case .url: return "an http:// or https:// URL"
        case .timestamp: return "an ISO 8601 date (2024-01-01 or 2024-01-01T00:00:00Z) or milliseconds since 1970"
        }
    }
}

/// Candle intervals Binance USDⓈ-M accepts, with their length in milliseconds.
public enum Timeframes {
    public static let all = ["1m", "3m", "5m", "15m", "30m", "1h", "2h", "4h", "6h", "8h", "12h", "1d", "3d", "1w"]

    /// Length of one candle of `timeframe` in milliseconds, or nil for an unknown timeframe.
    public static func milliseconds(_ timeframe: String) -> Int64? {
        guard all.contains(timeframe), let unit = timeframe.last, let count = Int64(timeframe.dropLast()) else { return nil }
        switch unit {
        case "m": return count * 60_000
        case "h": return count * 3_600_000
        case "d": return count * 86_400_000
        case "w": return count * 7 * 86_400_000
        default: return nil
        }
    }
}

extension ConfigKey {
    /// Every key the bot reads. The first group is the reference bot's, the second the Swift bot's additions.
    public static let all: [ConfigKey] = [
        // Keys of the reference (Python) bot, so its config.yaml reads as is.
        ConfigKey(name: "EXCHANGE_ID", kind: .choice(["binanceusdm"]), defaultValue: "binanceusdm",
                  help: "CCXT id of the exchange; only Binance USDⓈ-M futures is implemented"),
        ConfigKey(name: "INTERVAL", kind: .timeframe, defaultValue: "1d", help: "candle interval the model was trained on"),
        ConfigKey(name: "LEVERAGE", kind: .integer(1...125), defaultValue: "1", help: "leverage set on the exchange before the first order"),
        ConfigKey(name: "MIN_ORDER_AMOUNT", kind: .decimal(min: 0, max: nil, minInclusive: true), defaultValue: "0",
                  help: "smallest order quantity (base currency) the bot will send; the market's own minimum also applies"),
        ConfigKey(name: "MODEL_KEY", kind: .text, defaultValue: nil, help: "reference bot: S3 key of the model (kept for compatibility; MODEL_PATH is read)"),
        ConfigKey(name: "SCALERS_KEY", kind: .text, defaultValue: nil, help: "reference bot: S3 key of the scalers (kept for compatibility; SCALERS_PATH is read)"),
        ConfigKey(name: "DOWNLOAD_DIR", kind: .text, defaultValue: nil, help: "reference bot: download directory (kept for compatibility)"),
        ConfigKey(name: "STOP_LOSS", kind: .decimal(min: 0, max: 1, minInclusive: false), defaultValue: "0.05",
                  help: "close when the price moves this fraction against the entry price"),
        ConfigKey(name: "SYMBOL", kind: .symbol, defaultValue: "BTC/USDT:USDT", help: "unified symbol of the traded contract"),
        ConfigKey(name: "THRESHOLD", kind: .decimal(min: 0, max: nil, minInclusive: true), defaultValue: "0.01",
                  help: "open when |predicted − close| / close exceeds this fraction"),
        ConfigKey(name: "WINDOW_SIZE", kind: .integer(1...10_000), defaultValue: "5", help: "closed candles fed to the model; must match the model's input"),
        ConfigKey(name: "START_TIME", kind: .timestamp, defaultValue: nil, help: "reference bot: first candle time (kept for compatibility)"),
        ConfigKey(name: "MAX_RETRIES", kind: .integer(0...100), defaultValue: "3", help: "retries of a failed exchange call within one cycle"),
        ConfigKey(name: "RETRY_DELAY", kind: .decimal(min: 0, max: 3600, minInclusive: true), defaultValue: "1",
                  help: "seconds between retries (doubled after each)"),
        ConfigKey(name: "EXCHANGE_API_KEY", kind: .secret, defaultValue: nil, help: "API key (testnet and live only)"),
        ConfigKey(name: "EXCHANGE_API_SECRET", kind: .secret, defaultValue: nil, help: "API secret (testnet and live only)"),
        // Keys the Swift bot adds.
        ConfigKey(name: "MODE", kind: .choice(["dry-run", "testnet", "demo", "live"]), defaultValue: "dry-run",
                  help: "dry-run simulates orders locally; testnet/demo trade on Binance's paper venues; live trades real money"),
        ConfigKey(name: "EXCHANGE_URL", kind: .url, defaultValue: nil, help: "override of the exchange base URL"),
        ConfigKey(name: "MODEL_PATH", kind: .existingFile, defaultValue: "models/model.keras", help: "Keras model (.keras or .h5)"),
        ConfigKey(name: "SCALERS_PATH", kind: .existingFile, defaultValue: "scalers/scalers.pkl", help: "scalers (pickle dict of MinMaxScaler, or JSON)"),
        ConfigKey(name: "TARGET_COLUMN", kind: .choice(["open", "high", "low", "close", "volume"]), defaultValue: "close",
                  help: "the feature the model predicts, whose scaler turns its output back into a price"),
        ConfigKey(name: "MARGIN_TYPE", kind: .choice(["isolated", "cross"]), defaultValue: "isolated", help: "margin mode set before the first order"),
        ConfigKey(name: "ORDER_TYPE", kind: .choice(["market", "limit"]), defaultValue: "market", help: "order type for entries and exits"),
        ConfigKey(name: "JOURNAL_PATH", kind: .text, defaultValue: "journal.sqlite", help: "SQLite journal of every cycle"),
        ConfigKey(name: "STOP_LOSS_ON_EXCHANGE", kind: .boolean, defaultValue: "false",
                  help: "also place the stop loss on the exchange as a reduce-only STOP_MARKET algo order"),
        ConfigKey(name: "TRADABLE_BALANCE_RATIO", kind: .decimal(min: 0, max: 1, minInclusive: false), defaultValue: "0.99",
                  help: "share of the free balance an entry may use (Freqtrade's key): the rest is a buffer against the price moving before the fill"),
        ConfigKey(name: "DRY_RUN_BALANCE", kind: .decimal(min: 0, max: nil, minInclusive: false), defaultValue: "10000",
                  help: "starting quote balance of the simulated dry-run account"),
        // Several symbols in one process (see `symbols:` sections) and the account-level caps they share.
        ConfigKey(name: "SYMBOLS", kind: .symbolList, defaultValue: nil,
                  help: "trade these symbols in one process on one account (SYMBOL is then ignored); per-symbol keys go under symbols: SYMBOL:"),
        ConfigKey(name: "STAKE_FRACTION", kind: .decimal(min: 0, max: 1, minInclusive: false), defaultValue: nil,
                  help: "per symbol: the share of the account's equity one entry of this symbol may commit as margin"),
        ConfigKey(name: "STAKE_AMOUNT", kind: .decimal(min: 0, max: nil, minInclusive: false), defaultValue: nil,
                  help: "per symbol: the margin in USDT one entry of this symbol may commit (instead of STAKE_FRACTION)"),
        ConfigKey(name: "CANDLES_PATH", kind: .text, defaultValue: nil,
                  help: "candle CSV that backtest reads when --candles is not given; per symbol in a SYMBOLS config (symbols: SYMBOL: CANDLES_PATH)"),
        ConfigKey(name: "MAX_OPEN_POSITIONS", kind: .integer(1...1000), defaultValue: nil,
                  help: "no new entry while this many positions are open across all symbols"),
        ConfigKey(name: "MAX_MARGIN_RATIO", kind: .decimal(min: 0, max: 1, minInclusive: false), defaultValue: nil,
                  help: "no entry that would bring the margin in use above this fraction of the account's equity"),
        ConfigKey(name: "DAILY_LOSS_LIMIT", kind: .decimal(min: 0, max: nil, minInclusive: false), defaultValue: nil,
                  help: "no new entries for the rest of the UTC day once realised + unrealised loss since 00:00 UTC reaches this many USDT"),
    ] + operateKeys

    /// Operate and observe (issue 11): notifications, Telegram control, the status page / REST API. Their values
    /// reach the `Operate` module through `BotConfig.operate`.
    public static let operateKeys: [ConfigKey] = [
        ConfigKey(name: "TELEGRAM_BOT_TOKEN", kind: .secret, defaultValue: nil, help: "Telegram bot token from @BotFather (environment only)"),
        ConfigKey(name: "TELEGRAM_CHAT_ID", kind: .text, defaultValue: nil, help: "the chat notifications go to and commands are taken from"),
        ConfigKey(name: "TELEGRAM_ALLOWED_USERS", kind: .text, defaultValue: nil,
                  help: "comma-separated Telegram user ids allowed to command the bot (in TELEGRAM_CHAT_ID only)"),
        ConfigKey(name: "TELEGRAM_API_URL", kind: .url, defaultValue: "https://api.telegram.org", help: "Bot API base URL"),
        ConfigKey(name: "TELEGRAM_NOTIFICATIONS", kind: .text, defaultValue: nil,
                  help: "per event type on/silent/off, e.g. entry=on,entry_fill=silent,status=off"),
        ConfigKey(name: "TELEGRAM_CONFIRM_TIMEOUT", kind: .integer(1...3600), defaultValue: "60",
                  help: "seconds a Confirm button of a destructive command stays valid"),
        ConfigKey(name: "TELEGRAM_TIMEOUT", kind: .integer(1...120), defaultValue: "15", help: "seconds one Bot API send may take"),
        ConfigKey(name: "WEBHOOK_URL", kind: .url, defaultValue: nil, help: "POST every notification as JSON to this URL"),
        ConfigKey(name: "WEBHOOK_FORMAT", kind: .choice(["json", "discord", "slack"]), defaultValue: "json", help: "body of webhook posts"),
        ConfigKey(name: "WEBHOOK_NOTIFICATIONS", kind: .text, defaultValue: nil, help: "per event type on/silent/off for the webhook"),
        ConfigKey(name: "API_SERVER_LISTEN", kind: .text, defaultValue: nil,
                  help: "HOST:PORT of the status page and REST API (off when unset); non-loopback needs API_SERVER_PASSWORD"),
        ConfigKey(name: "API_SERVER_USERNAME", kind: .text, defaultValue: "admin", help: "user name of the status page / API login"),
        ConfigKey(name: "API_SERVER_PASSWORD", kind: .secret, defaultValue: nil, help: "password of the status page / API login (environment only)"),
        ConfigKey(name: "DEADMAN_UNREACHABLE_MINUTES", kind: .integer(1...10_080), defaultValue: "30",
                  help: "warn when the exchange has been unreachable this long"),
    ]

    /// Keys a `symbols: SYMBOL:` section may set for that symbol alone.
    public static let perSymbol: Set<String> = [
        "MODEL_PATH", "SCALERS_PATH", "INTERVAL", "WINDOW_SIZE", "TARGET_COLUMN", "THRESHOLD", "STOP_LOSS", "LEVERAGE",
        "MARGIN_TYPE", "ORDER_TYPE", "STOP_LOSS_ON_EXCHANGE", "STAKE_FRACTION", "STAKE_AMOUNT", "MIN_ORDER_AMOUNT",
        "CANDLES_PATH",
    ]

    public static let byName: [String: ConfigKey] = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })
}
