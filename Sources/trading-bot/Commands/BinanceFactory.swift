import Bot
import Exchange

/// Builds the exchange client for the configured mode. The Binance USDⓈ-M client is wired in when it lands on main.
enum BinanceFactory {
    static func make(config: BotConfig, authenticated: Bool) throws -> any Exchange {
        throw ExchangeFailure(.notSupported, message: "the Binance client is not built into this version yet; use predict --candles FILE")
    }
}
