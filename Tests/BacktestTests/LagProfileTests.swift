import XCTest
@testable import Backtest

final class LagProfileTests: XCTestCase {
    func testHandComputedShifts() throws {
        // p = 1,2,3 ; a = 2,3,4. k=0: errors 1,1,1 → 1. k=+1 pairs (p1,a0),(p2,a1) = (2,2),(3,3) → 0.
        // k=−1 pairs (p0,a1),(p1,a2) = (1,3),(2,4) → 2. k=5: no pairs.
        let lag = LagProfile(predicted: [1, 2, 3], actual: [2, 3, 4])
        XCTAssertEqual(lag.points.map(\.shift), Array(-5...5))
        XCTAssertEqual(try XCTUnwrap(lag.point(shift: 0)?.rmse), 1, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(lag.point(shift: 1)?.rmse), 0, accuracy: 1e-12)
        XCTAssertEqual(lag.point(shift: 1)?.pairs, 2)
        XCTAssertEqual(try XCTUnwrap(lag.point(shift: -1)?.rmse), 2, accuracy: 1e-12)
        XCTAssertEqual(lag.point(shift: 5)?.pairs, 0)
        XCTAssertNil(lag.point(shift: 5)?.rmse)
        XCTAssertEqual(lag.bestShift, 1)
    }

    /// The study's finding in miniature: a "prediction" that is the actual series shifted by one candle.
    func testSeriesShiftedByOneIsALaggingIndicator() throws {
        let actual: [Double] = [100, 104, 101, 108, 105, 111, 103, 109, 106, 112, 107, 115]
        var predicted = [actual[0]]
        predicted += actual.dropLast()            // p[t] = a[t−1]
        let current = predicted                   // the naive forecast is the same thing
        let s = EvaluationSummary(current: current, predicted: predicted, actual: actual)
        XCTAssertEqual(s.lag.bestShift, 1)
        XCTAssertEqual(try XCTUnwrap(s.lag.point(shift: 1)?.rmse), 0, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(s.lag.point(shift: 1)?.correlation), 1, accuracy: 1e-12)
        XCTAssertGreaterThan(try XCTUnwrap(s.lag.point(shift: 0)?.rmse), 3)
        XCTAssertEqual(try XCTUnwrap(s.theilU), 1, accuracy: 1e-12)
        XCTAssertTrue(s.verdict.contains("1 candle late"), s.verdict)
        XCTAssertTrue(s.verdict.contains("lagging indicator"), s.verdict)
        XCTAssertTrue(s.verdict.contains("does not beat"), s.verdict)
    }

    func testLeadingSeriesIsFlagged() {
        let a: [Double] = [1, 5, 2, 7, 3, 9, 4]
        let p = Array(a.dropFirst(2)) + [0, 0]     // p[t] = a[t+2]
        let lag = LagProfile(predicted: p, actual: a)
        XCTAssertEqual(lag.bestShift, -2)
        XCTAssertTrue(Verdict.sentence(bestShift: -2, theilU: 0.5).contains("early"))
        XCTAssertTrue(Verdict.sentence(bestShift: 0, theilU: 0.5).contains("no lag"))
        XCTAssertTrue(Verdict.sentence(bestShift: 3, theilU: 1.2).contains("3 candles late"))
    }
}
