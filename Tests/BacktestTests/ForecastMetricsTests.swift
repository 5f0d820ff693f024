import Exchange
import XCTest
@testable import Backtest

/// Every figure checked against values computed by hand (shown in the comments).
final class ForecastMetricsTests: XCTestCase {
    func testRMSE() throws {
        // errors 0, 0, 2 → sqrt(4 / 3)
        XCTAssertEqual(try XCTUnwrap(ForecastMetrics.rmse([1, 2, 3], [1, 2, 5])), (4.0 / 3).squareRoot(), accuracy: 1e-12)
        XCTAssertNil(ForecastMetrics.rmse([], []))
        XCTAssertNil(ForecastMetrics.rmse([1], [1, 2]))
    }

    func testMAPESkipsZeroActuals() throws {
        // |100−110|/100 = 10 %, |100−90|/100 = 10 %, actual 0 skipped → 10 %
        XCTAssertEqual(try XCTUnwrap(ForecastMetrics.mape([110, 90, 5], [100, 100, 0])), 10, accuracy: 1e-12)
        XCTAssertNil(ForecastMetrics.mape([1], [0]))
    }

    func testPearson() throws {
        XCTAssertEqual(try XCTUnwrap(ForecastMetrics.pearson([1, 2, 3], [2, 4, 6])), 1, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(ForecastMetrics.pearson([1, 2, 3], [3, 2, 1])), -1, accuracy: 1e-12)
        // x = 1,2,3,4 ; y = 1,3,2,4 → sxy = 4, sxx = 5, syy = 5 → 0.8
        XCTAssertEqual(try XCTUnwrap(ForecastMetrics.pearson([1, 2, 3, 4], [1, 3, 2, 4])), 0.8, accuracy: 1e-12)
        XCTAssertNil(ForecastMetrics.pearson([1, 1, 1], [1, 2, 3]), "constant series has no correlation")
    }

    func testDirectionAccuracy() {
        // t0 up/up ✓, t1 down/up ✗, t2 up/down ✗, t3 predicted change 0 → skipped
        let d = DirectionAccuracy(current: [10, 10, 10, 10], predicted: [11, 9, 11, 10], actual: [12, 11, 9, 13])
        XCTAssertEqual(d.counted, 3); XCTAssertEqual(d.correct, 1); XCTAssertEqual(d.skipped, 1)
        XCTAssertEqual(d.accuracy ?? -1, 1.0 / 3, accuracy: 1e-12)
        // 1 of 3: P(X ≤ 1) = (1 + 3)/8 → two-sided 1.0
        XCTAssertEqual(d.pValue, 1, accuracy: 1e-12)
    }

    func testBinomialExactSmallCases() {
        // 8 of 10: P(X ≤ 2) = (1 + 10 + 45)/1024 → two-sided 112/1024
        XCTAssertEqual(Binomial.twoSidedPValueHalf(successes: 8, trials: 10), 112.0 / 1024, accuracy: 1e-12)
        XCTAssertEqual(Binomial.twoSidedPValueHalf(successes: 2, trials: 10), 112.0 / 1024, accuracy: 1e-12)
        // 5 of 5: 2 × 1/32
        XCTAssertEqual(Binomial.twoSidedPValueHalf(successes: 5, trials: 5), 1.0 / 16, accuracy: 1e-12)
        XCTAssertEqual(Binomial.twoSidedPValueHalf(successes: 5, trials: 10), 1)
        XCTAssertEqual(Binomial.twoSidedPValueHalf(successes: 0, trials: 0), 1)
    }

    func testBinomialLargeNStaysFiniteInLogSpace() {
        let even = Binomial.twoSidedPValueHalf(successes: 262_800, trials: 525_600)
        XCTAssertEqual(even, 1)
        // 51 % of 525,600 is z ≈ 14.5 → p around 1e-47: tiny, but finite and non-zero (plain products would underflow).
        let p = Binomial.twoSidedPValueHalf(successes: 268_056, trials: 525_600)
        XCTAssertGreaterThan(p, 0); XCTAssertLessThan(p, 1e-40)
        // Normal approximation check at a moderate size: 5,100 of 10,000 (z = 2) → p ≈ 0.0455 (exact 0.0462).
        XCTAssertEqual(Binomial.twoSidedPValueHalf(successes: 5_100, trials: 10_000), 0.0462, accuracy: 0.001)
    }

    func testSummaryTheilUAndScaledRMSE() throws {
        // model errors 1, 0 → RMSE √0.5; naive errors 2, 2 → RMSE 2; U = √0.5 / 2
        let s = EvaluationSummary(current: [10, 10], predicted: [11, 12], actual: [12, 12], scaleRange: 10)
        XCTAssertEqual(try XCTUnwrap(s.model.rmse), 0.5.squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(s.naive.rmse), 2, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(s.theilU), 0.5.squareRoot() / 2, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(s.model.rmseScaled), 0.5.squareRoot() / 10, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(s.naive.rmseScaled), 0.2, accuracy: 1e-12)
        // MAPE: |12−11|/12, 0 → 100 × (1/12)/2
        XCTAssertEqual(try XCTUnwrap(s.model.mape), 100.0 / 24, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(s.naive.mape), 100.0 * 2 / 12, accuracy: 1e-12)
        XCTAssertTrue(s.verdict.contains("below the naive"), s.verdict)
    }
}

final class ExactDecimalTests: XCTestCase {
    func testMatchesTheStringParserNumerically() {
        var state: UInt64 = 12345
        func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
        var values: [Double] = [0, -0.0, 0.1, 1, 30000.0, 57412.3, 0.00001234, 1e-7, 123456789.125, -42.5, 144.5399932861328,
                                34235.19345116, 1e20, 0.30000000000000004]
        for _ in 0..<20_000 { values.append((next() * 100_000 * 10).rounded() / 10); values.append(next() * pow(10, next() * 12 - 6)) }
        for v in values {
            let reference = Decimal(string: "\(v)", locale: Locale(identifier: "en_US_POSIX")) ?? Decimal(v)
            XCTAssertEqual(ExactDecimal.from(v), reference, "\(v)")
        }
    }
}
