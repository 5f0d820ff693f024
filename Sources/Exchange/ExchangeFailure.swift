import Foundation

/// The one error type every exchange (real, simulated, test) throws, so callers branch on `kind`
/// the way CCXT users catch `ccxt.InsufficientFunds` or `ccxt.NetworkError`, never on raw exchange codes.
public struct ExchangeFailure: Error, Sendable, Equatable, CustomStringConvertible, LocalizedError {
    /// CCXT's error class names; `parent` encodes CCXT's hierarchy.
    public enum Kind: String, Sendable, Equatable, CaseIterable, Codable {
        // ExchangeError family
        case exchangeError = "ExchangeError"
        case authenticationError = "AuthenticationError"
        case permissionDenied = "PermissionDenied"
        case accountSuspended = "AccountSuspended"
        case insufficientFunds = "InsufficientFunds"
        case invalidOrder = "InvalidOrder"
        case orderNotFound = "OrderNotFound"
        case badRequest = "BadRequest"
        case badSymbol = "BadSymbol"
        case notSupported = "NotSupported"
        // NetworkError family
        case networkError = "NetworkError"
        case requestTimeout = "RequestTimeout"
        case exchangeNotAvailable = "ExchangeNotAvailable"
        case ddosProtection = "DDoSProtection"
        case rateLimitExceeded = "RateLimitExceeded"
        case invalidNonce = "InvalidNonce"

        /// The CCXT base class of this class (nil for the two family roots).
        public var parent: Kind? {
            switch self {
            case .exchangeError, .networkError: return nil
            case .authenticationError, .insufficientFunds, .invalidOrder, .badRequest, .notSupported: return .exchangeError
            case .permissionDenied, .accountSuspended: return .authenticationError
            case .orderNotFound: return .invalidOrder
            case .badSymbol: return .badRequest
            case .requestTimeout, .exchangeNotAvailable, .ddosProtection, .invalidNonce: return .networkError
            case .rateLimitExceeded: return .ddosProtection
            }
        }

        /// True when this kind is `other` or derives from it (CCXT `isinstance`).
        public func isA(_ other: Kind) -> Bool {
            var current: Kind? = self
            while let k = current {
                if k == other { return true }
                current = k.parent
            }
            return false
        }

        /// The CCXT class name, e.g. "InsufficientFunds".
        public var name: String { rawValue }
    }

    public var kind: Kind
    /// Exchange id, e.g. "binanceusdm" (nil when not exchange-specific).
    public var exchange: String?
    /// The exchange's own error code (Binance: -2019) or HTTP status when no code was sent.
    public var code: Int?
    /// The exchange's own message, verbatim (never contains secrets: we never put them there).
    public var message: String
    /// The unified method that failed, e.g. "createOrder".
    public var method: String?
    /// For bans and rate limits: how long until requests are allowed again, in milliseconds.
    public var retryAfterMs: Int64?

    public init(_ kind: Kind, exchange: String? = nil, code: Int? = nil, message: String,
                method: String? = nil, retryAfterMs: Int64? = nil) {
        self.kind = kind
        self.exchange = exchange
        self.code = code
        self.message = message
        self.method = method
        self.retryAfterMs = retryAfterMs
    }

    /// Network problems: the request may be retried (orders only after checking by client order id).
    public var isNetworkError: Bool { kind.isA(.networkError) }
    /// The exchange understood and refused the request: retrying the same request will not help.
    public var isExchangeError: Bool { kind.isA(.exchangeError) }
    public func isA(_ other: Kind) -> Bool { kind.isA(other) }

    /// One line: class, method, exchange, code, message and what to do.
    public var description: String {
        var s = kind.name
        if let method { s += " in \(method)" }
        if let exchange { s += " (\(exchange)" + (code.map { " code \($0)" } ?? "") + ")" }
        else if let code { s += " (code \(code))" }
        s += ": " + message.replacingOccurrences(of: "\n", with: " ")
        if let retryAfterMs { s += " (retry after \(retryAfterMs / 1000)s)" }
        if let hint = kind.hint { s += " — " + hint }
        return s
    }

    public var errorDescription: String? { description }
}

extension ExchangeFailure.Kind {
    /// What the user should do, in a few words.
    var hint: String? {
        switch self {
        case .authenticationError: return "check EXCHANGE_API_KEY / EXCHANGE_API_SECRET and the key's IP whitelist"
        case .permissionDenied: return "enable the needed permission on the API key"
        case .accountSuspended: return "contact the exchange"
        case .insufficientFunds: return "reduce the order size or add margin"
        case .invalidOrder: return "check amount/price against the market's precision and limits"
        case .orderNotFound: return "the order id or client order id is unknown on the exchange"
        case .badSymbol: return "use a symbol listed by loadMarkets, e.g. BTC/USDT:USDT"
        case .badRequest: return "check the method's arguments"
        case .notSupported: return "this exchange does not offer that method"
        case .requestTimeout, .networkError: return "check connectivity; the request may be retried"
        case .exchangeNotAvailable: return "the exchange is down or overloaded; retry later"
        case .ddosProtection, .rateLimitExceeded: return "slow down; wait before sending more requests"
        case .invalidNonce: return "the local clock differs from the exchange's; sync time"
        case .exchangeError: return nil
        }
    }
}
