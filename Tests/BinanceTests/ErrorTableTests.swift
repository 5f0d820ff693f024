import XCTest
import Exchange
@testable import Binance

final class ErrorTableTests: XCTestCase {
    private func kind(_ status: Int, _ code: Int?) -> ExchangeFailure.Kind {
        BinanceErrorTable.failure(status: status, code: code, message: "m", method: "x").kind
    }

    func testBinanceCodesMapToUnifiedKinds() {
        XCTAssertEqual(kind(400, -1021), .invalidNonce)
        XCTAssertEqual(kind(400, -1022), .authenticationError)
        XCTAssertEqual(kind(401, -2014), .authenticationError)
        XCTAssertEqual(kind(401, -2015), .authenticationError)
        XCTAssertEqual(kind(400, -2019), .insufficientFunds)
        XCTAssertEqual(kind(400, -2011), .orderNotFound)
        XCTAssertEqual(kind(400, -2013), .orderNotFound)
        XCTAssertEqual(kind(400, -1111), .invalidOrder)
        XCTAssertEqual(kind(400, -4164), .invalidOrder)
        XCTAssertEqual(kind(400, -1013), .badRequest)      // ccxt common map: INVALID_MESSAGE
        XCTAssertEqual(kind(400, -9999), .exchangeError)   // unknown code: generic, code kept
        XCTAssertEqual(kind(400, -4003), .badRequest)      // ccxt: QTY_LESS_THAN_ZERO is BadRequest
        XCTAssertEqual(kind(400, -1121), .badSymbol)
        XCTAssertEqual(kind(400, -4120), .notSupported)
        XCTAssertEqual(kind(400, -1102), .badRequest)
        XCTAssertEqual(kind(408, -1007), .requestTimeout)
    }

    /// ccxt python/ccxt/binance.py `exceptions` (common `exact` + `linear`), nearest ancestor where our
    /// vocabulary lacks ccxt's class (OperationRejected/OperationFailed -> ExchangeError, Order*Fillable -> InvalidOrder).
    func testCodesFollowCCXTsBinanceMap() {
        let expected: [Int: ExchangeFailure.Kind] = [
            -1005: .permissionDenied, -1011: .permissionDenied, -1016: .badRequest, -1023: .badRequest, -1099: .authenticationError,
            -1108: .badSymbol, -1109: .permissionDenied, -1110: .badRequest, -1112: .exchangeError, -1115: .badRequest,
            -1116: .badRequest, -1117: .badRequest, -1136: .badRequest,
            -2016: .exchangeError, -2020: .exchangeError, -2021: .invalidOrder, -2023: .exchangeError, -2024: .insufficientFunds,
            -2025: .exchangeError, -2027: .exchangeError, -2028: .exchangeError,
            -4001: .badRequest, -4005: .badRequest, -4014: .badRequest, -4023: .badRequest, -4046: .exchangeError,
            -4047: .exchangeError, -4059: .exchangeError, -4061: .exchangeError, -4062: .badRequest, -4131: .exchangeError,
            -4142: .invalidOrder, -4164: .invalidOrder, -5021: .invalidOrder, -5022: .invalidOrder, -5040: .badRequest,
        ]
        for (code, k) in expected { XCTAssertEqual(kind(400, code), k, "code \(code)") }
    }

    /// General Info, HTTP 503: "Unknown error, please check your request or try again later." = execution status UNKNOWN,
    /// whatever code rides along; any 5xx is Binance's side, so never an ExchangeError ("refused, not placed").
    func testFiveHundredsAndTheUnknownMessageAreNeverRefusals() {
        let unknown = BinanceErrorTable.unknownExecutionMessage
        for code in [nil, -1000, -1003, -2010, -4164] as [Int?] {
            let f = BinanceErrorTable.failure(status: 503, code: code, message: unknown, method: "createOrder")
            XCTAssertEqual(f.kind, .exchangeNotAvailable, "code \(String(describing: code))")
            XCTAssertTrue(BinanceErrorTable.executionUnknown(f))
        }
        XCTAssertEqual(kind(500, -2010), .exchangeNotAvailable)
        XCTAssertEqual(kind(503, -1008), .exchangeNotAvailable)   // "Request throttled by system-level protection"
        XCTAssertEqual(kind(502, nil), .exchangeNotAvailable)
        XCTAssertEqual(kind(408, -1007), .requestTimeout)
    }

    func testHTTPStatusesMapToUnifiedKinds() {
        XCTAssertEqual(kind(418, nil), .ddosProtection)
        XCTAssertEqual(kind(418, -1003), .ddosProtection)
        XCTAssertEqual(kind(429, -1003), .rateLimitExceeded)
        XCTAssertEqual(kind(403, nil), .ddosProtection)
        XCTAssertEqual(kind(408, nil), .requestTimeout)
        XCTAssertEqual(kind(500, nil), .exchangeNotAvailable)
        XCTAssertEqual(kind(502, nil), .exchangeNotAvailable)
        XCTAssertEqual(kind(503, nil), .exchangeNotAvailable)
        // No Binance code (proxy page, empty body): ccxt's base httpExceptions — not a refusal by Binance.
        XCTAssertEqual(kind(400, nil), .exchangeNotAvailable)
        XCTAssertEqual(kind(404, nil), .exchangeNotAvailable)
        XCTAssertEqual(kind(504, nil), .requestTimeout)
        XCTAssertEqual(kind(401, nil), .authenticationError)
    }

    func testFailureCarriesCodeMessageAndMethod() {
        let f = BinanceErrorTable.failure(status: 400, code: -2019, message: "Margin is insufficient.", method: "createOrder")
        XCTAssertEqual(f.code, -2019)
        XCTAssertEqual(f.message, "Margin is insufficient.")
        XCTAssertEqual(f.method, "createOrder")
        XCTAssertEqual(f.exchange, "binanceusdm")
        XCTAssertTrue(f.description.contains("-2019") && f.description.contains("createOrder"))
        XCTAssertTrue(BinanceErrorTable.executionUnknown(BinanceErrorTable.failure(status: 503, code: nil,
            message: BinanceErrorTable.unknownExecutionMessage, method: "createOrder")))
        XCTAssertFalse(BinanceErrorTable.executionUnknown(f))
        XCTAssertFalse(BinanceErrorTable.executionUnknown(BinanceErrorTable.failure(status: 429, code: -1003, message: "", method: "")))
    }
}
