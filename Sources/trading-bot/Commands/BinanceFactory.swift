import Binance
import Bot
import Exchange

/// Builds the Binance USDⓈ-M client for the configured mode: testnet, demo or mainnet base URL (or EXCHANGE_URL),
/// with keys only when the command trades. Dry-run reads mainnet's public market data and never gets keys.
enum BinanceFactory {
    static func make(config: BotConfig, authenticated: Bool) throws -> any Exchange {
        let environment: BinanceEnvironment
        switch config.mode {
        case .testnet: environment = .testnet
        case .demo: environment = .demo
        case .live, .dryRun: environment = .mainnet
        }
        var credentials: BinanceCredentials?
        if authenticated, let key = config.apiKey, let secret = config.apiSecret {
            credentials = BinanceCredentials(apiKey: key, secret: secret)
        }
        var configuration = BinanceConfiguration(baseURL: config.exchangeURL ?? environment.baseURL, credentials: credentials)
        configuration.maxRetries = config.maxRetries
        // A pool: the reads a cycle starts together (ReadAheadExchange) go out side by side.
        return BinanceUSDM(configuration: configuration, transport: CurlTransportPool())
    }
}
