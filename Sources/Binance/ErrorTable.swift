import Foundation
import Exchange

/// The ONE place Binance error codes and HTTP statuses become unified errors.
/// Nothing outside this file looks at a raw Binance code.
public enum BinanceErrorTable {
    public typealias Kind = ExchangeFailure.Kind

    /// Binance USDⓈ-M error codes (docs: "Error Codes") -> CCXT class.
    public static let codes: [Int: Kind] = [
        -1000: .exchangeNotAvailable,  // UNKNOWN
        -1001: .exchangeNotAvailable,  // DISCONNECTED: internal error, try again
        -1002: .authenticationError,   // UNAUTHORIZED
        -1003: .rateLimitExceeded,     // TOO_MANY_REQUESTS
        -1006: .exchangeNotAvailable,  // UNEXPECTED_RESP: execution status unknown
        -1007: .requestTimeout,        // TIMEOUT: execution status unknown
        -1008: .exchangeNotAvailable,  // server busy
        -1014: .invalidOrder,          // UNKNOWN_ORDER_COMPOSITION
        -1015: .rateLimitExceeded,     // TOO_MANY_ORDERS
        -1016: .exchangeNotAvailable,  // SERVICE_SHUTTING_DOWN
        -1021: .invalidNonce,          // INVALID_TIMESTAMP
        -1022: .authenticationError,   // INVALID_SIGNATURE
        -1100: .badRequest, -1101: .badRequest, -1102: .badRequest, -1103: .badRequest,
        -1104: .badRequest, -1105: .badRequest, -1106: .badRequest, -1108: .badRequest,
        -1109: .authenticationError,   // invalid account
        -1110: .badSymbol,
        -1111: .invalidOrder,          // BAD_PRECISION
        -1112: .invalidOrder,          // no orders on book
        -1113: .badRequest,
        -1114: .badRequest, -1115: .invalidOrder, -1116: .invalidOrder, -1117: .invalidOrder,
        -1118: .badRequest, -1119: .badRequest, -1120: .badRequest,
        -1121: .badSymbol,             // BAD_SYMBOL
        -1125: .authenticationError,   // invalid listen key
        -1127: .badRequest, -1128: .badRequest, -1130: .badRequest, -1136: .invalidOrder,
        -2010: .invalidOrder,          // NEW_ORDER_REJECTED
        -2011: .orderNotFound,         // CANCEL_REJECTED "Unknown order sent."
        -2013: .orderNotFound,         // NO_SUCH_ORDER "Order does not exist."
        -2014: .authenticationError,   // BAD_API_KEY_FMT
        -2015: .authenticationError,   // REJECTED_MBX_KEY (key, IP or permissions)
        -2016: .exchangeNotAvailable,  // NO_TRADING_WINDOW
        -2017: .permissionDenied,      // API keys locked
        -2018: .insufficientFunds,     // BALANCE_NOT_SUFFICIENT
        -2019: .insufficientFunds,     // MARGIN_NOT_SUFFICIEN
        -2020: .invalidOrder, -2021: .invalidOrder, -2022: .invalidOrder,
        -2023: .insufficientFunds,     // USER_IN_LIQUIDATION
        -2024: .insufficientFunds,     // POSITION_NOT_SUFFICIENT
        -2025: .invalidOrder, -2026: .invalidOrder, -2027: .invalidOrder,
        -2028: .insufficientFunds,
        -4000: .invalidOrder, -4001: .invalidOrder, -4002: .invalidOrder, -4003: .invalidOrder,
        -4004: .invalidOrder, -4005: .invalidOrder, -4006: .invalidOrder, -4007: .invalidOrder,
        -4008: .invalidOrder, -4013: .invalidOrder, -4014: .invalidOrder,
        -4015: .badRequest,            // client order id not valid
        -4016: .invalidOrder, -4023: .invalidOrder, -4024: .invalidOrder,
        -4028: .badRequest,            // leverage not valid
        -4046: .badRequest,            // no need to change margin type
        -4047: .badRequest, -4048: .badRequest, -4059: .badRequest,
        -4061: .invalidOrder, -4062: .invalidOrder,
        -4118: .invalidOrder,
        -4120: .notSupported,          // conditional types must use the algo-order API
        -4131: .invalidOrder,          // PERCENT_PRICE
        -4140: .badRequest,            // symbol not trading
        -4164: .invalidOrder,          // MIN_NOTIONAL
        -5021: .invalidOrder, -5022: .invalidOrder,
    ]

    /// Binance's 503 text meaning "sent to the matching engine, no answer": execution status UNKNOWN.
    public static let unknownExecutionMessage = "Unknown error, please check your request or try again later."

    /// Maps one failed HTTP answer to a unified error carrying Binance's code and message and the method.
    public static func failure(status: Int, code: Int?, message: String?, method: String,
                               retryAfterMs: Int64? = nil) -> ExchangeFailure {
        let text = message ?? "HTTP \(status)"
        let kind: Kind
        switch status {
        case 418: kind = .ddosProtection
        case 429: kind = .rateLimitExceeded
        default:
            if let code, let k = codes[code] { kind = k }
            else {
                switch status {
                case 401: kind = .authenticationError
                case 403: kind = .ddosProtection          // WAF limit violated
                case 408: kind = .requestTimeout
                case 500...599: kind = .exchangeNotAvailable
                case 400...499: kind = code == nil ? .badRequest : .exchangeError
                default: kind = .exchangeError
                }
            }
        }
        return ExchangeFailure(kind, exchange: BinanceUSDM.exchangeId, code: code ?? status, message: text,
                               method: method, retryAfterMs: retryAfterMs)
    }

    /// Failures after which an order may or may not exist on the exchange: look it up before re-sending.
    public static func executionUnknown(_ f: ExchangeFailure) -> Bool {
        switch f.kind {
        case .requestTimeout, .exchangeNotAvailable, .networkError: return true
        default: return false
        }
    }

    /// Unified error for a request that got no HTTP answer.
    public static func failure(transport t: TransportFailure, method: String) -> ExchangeFailure {
        let kind: ExchangeFailure.Kind
        switch t.kind {
        case .timeout: kind = .requestTimeout
        case .unavailable: kind = .exchangeError  // a local set-up problem, not the network: not retried
        case .connectFailed, .connectionLost, .other: kind = .networkError
        }
        return ExchangeFailure(kind, exchange: BinanceUSDM.exchangeId, message: t.message, method: method)
    }
}
