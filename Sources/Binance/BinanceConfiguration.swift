import Foundation
import Logging

/// Which Binance USDⓈ-M deployment to talk to.
public enum BinanceEnvironment: String, Sendable, CaseIterable {
    case mainnet, testnet, demo
    public var baseURL: String {
        switch self {
        case .mainnet: return "https://fapi.binance.com"
        case .testnet: return "https://testnet.binancefuture.com"
        case .demo: return "https://demo-fapi.binance.com"
        }
    }
}

/// Everything the client needs; defaults are Binance's (recvWindow 5000) and conservative timeouts.
public struct BinanceConfiguration: Sendable {
    /// e.g. "https://fapi.binance.com" or a loopback test server; `EXCHANGE_URL` overrides in the CLI.
    public var baseURL: String
    public var credentials: BinanceCredentials?
    public var recvWindow: Int = 5000
    /// Retries for idempotent requests after network errors, 5xx or 429.
    public var maxRetries = 3
    /// First back-off step; doubles each retry.
    public var backoffBaseMs: Int64 = 500
    /// Longest Retry-After (429) the client waits by itself before giving up.
    public var maxRetryAfterWaitMs: Int64 = 120_000
    /// Prefix of generated client order ids (Binance allows [.A-Z:/a-z0-9_-]{1,36}).
    public var clientOrderIdPrefix = "tb-"
    /// Times the order layer re-sends after confirming (by client id) that an order does not exist.
    public var maxOrderResends = 2
    public var logger = Logger(label: "binance")
    /// Called with one line per HTTP request and response (`--verbose`); the secret is never in it.
    public var trace: (@Sendable (String) -> Void)?

    public init(baseURL: String, credentials: BinanceCredentials? = nil) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.credentials = credentials
    }

    public init(environment: BinanceEnvironment, credentials: BinanceCredentials? = nil) {
        self.init(baseURL: environment.baseURL, credentials: credentials)
    }
}
