import XCTest
import Exchange

final class PrecisionTests: XCTestCase {
    private func d(_ s: String) -> Decimal { Decimal(string: s)! }

    func testStepOf0001NeverProducesFloatArtefacts() {
        // 0.1 + 0.2 in binary floating point is 0.30000000000000004; here it must stay exact.
        let amount = d("0.1") + d("0.2")
        XCTAssertEqual(Precision.format(Precision.toStep(amount, step: d("0.001"), rounding: .truncate)), "0.3")
        var sum = Decimal(0)
        for _ in 0..<300 { sum += d("0.001") }
        XCTAssertEqual(Precision.format(sum), "0.3")
        XCTAssertEqual(Precision.format(Precision.toStep(sum, step: d("0.001"), rounding: .truncate)), "0.3")
    }

    func testAmountsTruncateTowardZero() {
        XCTAssertEqual(Precision.format(Precision.toStep(d("0.0019999"), step: d("0.001"), rounding: .truncate)), "0.001")
        XCTAssertEqual(Precision.format(Precision.toStep(d("-0.0019999"), step: d("0.001"), rounding: .truncate)), "-0.001")
        XCTAssertEqual(Precision.format(Precision.toStep(d("0.0009"), step: d("0.001"), rounding: .truncate)), "0")
        XCTAssertEqual(Precision.format(Precision.toStep(d("7.9"), step: d("5"), rounding: .truncate)), "5")
    }

    func testPriceRoundingDirectionsAreExplicit() {
        let tick = d("0.10")
        XCTAssertEqual(Precision.format(Precision.toStep(d("60000.15"), step: tick, rounding: .round)), "60000.2")
        XCTAssertEqual(Precision.format(Precision.toStep(d("60000.14"), step: tick, rounding: .round)), "60000.1")
        XCTAssertEqual(Precision.format(Precision.toStep(d("60000.11"), step: tick, rounding: .up)), "60000.2")
        XCTAssertEqual(Precision.format(Precision.toStep(d("60000.19"), step: tick, rounding: .down)), "60000.1")
        XCTAssertEqual(Precision.format(Precision.toStep(d("-1.05"), step: tick, rounding: .down)), "-1.1")
        XCTAssertEqual(Precision.format(Precision.toStep(d("0.123"), step: d("0.5"), rounding: .up)), "0.5")
    }

    func testFormatHasNoExponentAndNoTrailingZeros() {
        XCTAssertEqual(Precision.format(d("0.00000001")), "0.00000001")
        XCTAssertEqual(Precision.format(d("100000000")), "100000000")
        XCTAssertEqual(Precision.format(d("1.2300")), "1.23")
        XCTAssertEqual(Precision.format(d("-0")), "0")
        XCTAssertEqual(Precision.decimals(ofStep: d("0.001")), 3)
        XCTAssertEqual(Precision.decimals(ofStep: d("10")), 0)
        XCTAssertEqual(Precision.parse("0.00100000"), d("0.001"))
        XCTAssertNil(Precision.parse("abc"))
        XCTAssertNil(Precision.parse(""))
    }

    func testMarketHelpersUseTheMarketSteps() {
        let m = Market(id: "BTCUSDT", symbol: "BTC/USDT:USDT", base: "BTC", quote: "USDT", settle: "USDT",
                       type: .swap, contract: true, linear: true, inverse: false, contractSize: 1, active: true,
                       precision: .init(amount: d("0.001"), price: d("0.10")), limits: .init())
        XCTAssertEqual(m.amountToPrecisionString(d("0.30000000000000004")), "0.3")
        XCTAssertEqual(m.amountToPrecisionString(d("1.23456")), "1.234")
        XCTAssertEqual(m.priceToPrecisionString(d("60000.06")), "60000.1")
        XCTAssertEqual(m.priceToPrecisionString(d("60000.06"), rounding: .truncate), "60000")
    }

    func testParamValueLiteralsAreExact() {
        let p: Params = ["stopPrice": 59000.1, "reduceOnly": true, "timeInForce": "GTC", "n": 3, "x": nil]
        XCTAssertEqual(p["stopPrice"]?.description, "59000.1")
        XCTAssertEqual(p["stopPrice"]?.decimalValue, d("59000.1"))
        XCTAssertEqual(p["reduceOnly"]?.description, "true")
        XCTAssertEqual(p["reduceOnly"]?.boolValue, true)
        XCTAssertEqual(p["n"]?.description, "3")
        XCTAssertNil(p["x"]?.stringValue)
        XCTAssertEqual(ParamValue(floatLiteral: 0.1).description, "0.1")
    }
}
