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
        XCTAssertEqual(kind(400, -1013), .exchangeError)   // not a futures code: generic, code kept
        XCTAssertEqual(kind(400, -4003), .invalidOrder)
        XCTAssertEqual(kind(400, -1121), .badSymbol)
        XCTAssertEqual(kind(400, -4120), .notSupported)
        XCTAssertEqual(kind(400, -1102), .badRequest)
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
        XCTAssertEqual(kind(400, nil), .badRequest)
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
