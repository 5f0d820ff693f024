import Foundation
import Exchange

/// The ONE place Binance error codes and HTTP statuses become unified errors.
/// Nothing outside this file looks at a raw Binance code.
public enum BinanceErrorTable {
    public typealias Kind = ExchangeFailure.Kind

    /// Binance USDⓈ-M error codes -> CCXT class, as ccxt's `binance` exceptions map (common `exact` plus the
    /// `linear` overrides, python/ccxt/binance.py). CCXT classes this vocabulary lacks map to their nearest
    /// ancestor: OperationRejected / OperationFailed (definite refusals) -> ExchangeError, OrderImmediatelyFillable /
    /// OrderNotFillable -> InvalidOrder, MarginModeAlreadySet -> ExchangeError. Deliberate deviations (money safety
    /// or the issue's own list) are marked "≠ ccxt". Audit: docs/binance-wire-audit.md.
    public static let codes: [Int: Kind] = [
        // 10xx: server / network. Execution status unknown for -1000/-1001/-1006/-1007 (ccxt: OperationFailed,
        // RequestTimeout): kept in the NetworkError family so an order is looked up, never assumed refused (≠ ccxt).
        -1000: .exchangeNotAvailable, -1001: .exchangeNotAvailable, -1006: .exchangeNotAvailable,
        -1007: .requestTimeout,
        -1008: .exchangeNotAvailable,  // "Request throttled by system-level protection": retry with back-off (≠ ccxt OperationFailed)
        -1002: .authenticationError, -1099: .authenticationError,
        -1003: .rateLimitExceeded, -1015: .rateLimitExceeded,
        -1004: .exchangeError,         // OperationRejected
        -1005: .permissionDenied, -1011: .permissionDenied,
        -1010: .exchangeError,         // OperationFailed
        -1013: .badRequest, -1016: .badRequest, -1020: .badRequest, -1023: .badRequest,
        -1014: .invalidOrder,
        -1021: .invalidNonce,
        -1022: .authenticationError,
        // 11xx: request issues
        -1100: .badRequest, -1101: .badRequest, -1102: .badRequest, -1103: .badRequest, -1104: .badRequest,
        -1105: .badRequest, -1106: .badRequest, -1110: .badRequest, -1113: .badRequest, -1114: .badRequest,
        -1115: .badRequest, -1116: .badRequest, -1117: .badRequest, -1118: .badRequest, -1119: .badRequest,
        -1120: .badRequest, -1122: .badRequest, -1127: .badRequest, -1128: .badRequest, -1130: .badRequest,
        -1136: .badRequest,
        -1108: .badSymbol, -1121: .badSymbol, -1126: .badSymbol,
        -1109: .permissionDenied,
        -1111: .invalidOrder,          // BAD_PRECISION (ccxt: BadRequest; the issue asks InvalidOrder — same family)
        -1112: .exchangeError,         // OperationFailed: no orders on book
        -1125: .authenticationError,   // invalid listen key
        // 20xx: order / account
        -2010: .invalidOrder,
        -2011: .orderNotFound, -2013: .orderNotFound,
        -2012: .exchangeError,         // CANCEL_ALL_FAIL (OperationFailed)
        -2014: .authenticationError, -2015: .authenticationError,
        -2016: .exchangeError,         // no trading window (OperationRejected)
        -2017: .permissionDenied,
        -2018: .insufficientFunds, -2019: .insufficientFunds, -2024: .insufficientFunds,
        -2020: .exchangeError,         // unable to fill (OperationFailed)
        -2021: .invalidOrder,          // would immediately trigger (OrderImmediatelyFillable)
        -2022: .invalidOrder, -2026: .invalidOrder,
        -2023: .exchangeError,         // user in liquidation mode (OperationFailed)
        -2025: .exchangeError, -2027: .exchangeError, -2028: .exchangeError,  // OperationRejected
        // 40xx: filters and parameters (ccxt: BadRequest unless noted)
        -4000: .invalidOrder,
        -4001: .badRequest, -4002: .badRequest, -4003: .badRequest, -4004: .badRequest, -4005: .badRequest,
        -4006: .badRequest, -4007: .badRequest, -4008: .badRequest, -4013: .badRequest, -4014: .badRequest,
        -4015: .badRequest, -4016: .badRequest, -4023: .badRequest, -4024: .badRequest, -4028: .badRequest,
        -4029: .badRequest, -4030: .badRequest, -4031: .badRequest, -4060: .badRequest, -4062: .badRequest,
        -4135: .badRequest, -4137: .badRequest, -4138: .badRequest, -4140: .badRequest, -4183: .badRequest,
        -4184: .badRequest,
        -4046: .exchangeError,         // "No need to change margin type." (MarginModeAlreadySet; setMarginMode treats it as success)
        -4045: .exchangeError, -4047: .exchangeError, -4048: .exchangeError, -4059: .exchangeError,
        -4061: .exchangeError, -4118: .exchangeError, -4131: .exchangeError, -4141: .exchangeError,  // OperationRejected
        -4050: .insufficientFunds, -4051: .insufficientFunds,
        -4087: .permissionDenied, -4088: .permissionDenied, -4192: .permissionDenied, -4400: .permissionDenied,
        -4401: .permissionDenied, -4402: .permissionDenied,
        -4120: .notSupported,          // conditional types must use the algo-order API (not in ccxt's map)
        -4142: .invalidOrder,          // stop would trigger immediately (OrderImmediatelyFillable)
        -4144: .badSymbol,
        -4164: .invalidOrder,          // MIN_NOTIONAL
        // 50xx
        -5021: .invalidOrder, -5022: .invalidOrder,  // FOK / post-only rejected (OrderNotFillable)
        -5028: .badRequest, -5037: .badRequest, -5038: .badRequest, -5039: .badRequest, -5040: .badRequest,
    ]

    /// Binance's 503 text meaning "sent to the matching engine, no answer": execution status UNKNOWN.
    public static let unknownExecutionMessage = "Unknown error, please check your request or try again later."

    /// Maps one failed HTTP answer to a unified error carrying Binance's code and message and the method.
    /// Any 5xx, and Binance's "Unknown error …" text whatever its code, stays in the NetworkError family:
    /// the docs say the execution status is then UNKNOWN, so it must never read as "refused".
    public static func failure(status: Int, code: Int?, message: String?, method: String,
                               retryAfterMs: Int64? = nil) -> ExchangeFailure {
        let text = message ?? "HTTP \(status)"
        let kind: Kind
        switch status {
        case 418: kind = .ddosProtection
        case 429: kind = .rateLimitExceeded
        default:
            if let code, let k = codes[code] { kind = k }
            else if code != nil { kind = .exchangeError }   // ccxt: a code it does not know is an ExchangeError
            else {
                // No Binance code (a proxy/CDN page, an empty body): ccxt's base httpExceptions by status.
                switch status {
                case 401, 407, 511: kind = .authenticationError
                case 403: kind = .ddosProtection          // Binance: WAF limit violated (ccxt: ExchangeNotAvailable)
                case 408, 504: kind = .requestTimeout
                case 422: kind = .exchangeError
                default: kind = .exchangeNotAvailable     // 400, 404, 405, 409, 410, 451, 5xx …
                }
            }
        }
        var unified = kind
        let unknownExecution = message.map { $0.hasPrefix(String(unknownExecutionMessage.prefix(40))) } ?? false
        if unknownExecution || (status >= 500 && !kind.isA(.networkError)) {
            unified = .exchangeNotAvailable
        }
        return ExchangeFailure(unified, exchange: BinanceUSDM.exchangeId, code: code ?? status, message: text,
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
