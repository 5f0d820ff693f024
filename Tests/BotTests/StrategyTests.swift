@testable import Bot
import XCTest

final class StrategyTests: XCTestCase {
    let strategy = ReferenceStrategy(threshold: 0.01, stopLoss: 0.05)

    func testFlatOpensOnlyBeyondThresholdInPredictedDirection() {
        XCTAssertEqual(strategy.decide(StrategyInput(currentPrice: 100, predictedPrice: 102, position: nil)).open, .long)
        XCTAssertEqual(strategy.decide(StrategyInput(currentPrice: 100, predictedPrice: 98, position: nil)).open, .short)
        let hold = strategy.decide(StrategyInput(currentPrice: 100, predictedPrice: 100.5, position: nil))
        XCTAssertEqual(hold.label, "hold")
        XCTAssertEqual(strategy.decide(StrategyInput(currentPrice: 100, predictedPrice: 101, position: nil)).label, "hold",
                       "exactly at the threshold is not beyond it")
        XCTAssertEqual(strategy.signal(change: 0.02), .long)
        XCTAssertNil(strategy.signal(change: -0.005))
    }

    func testClosesWhenPredictionTurnsAndReversesOnStrongSignal() {
        let long = PositionSnapshot(side: .long, amount: 1, entryPrice: 100)
        XCTAssertEqual(strategy.decide(StrategyInput(currentPrice: 101, predictedPrice: 102, position: long)).label, "hold")
        let weak = strategy.decide(StrategyInput(currentPrice: 101, predictedPrice: 100.9, position: long))
        XCTAssertEqual(weak, Decision(close: true, open: nil, reason: weak.reason))
        let strong = strategy.decide(StrategyInput(currentPrice: 101, predictedPrice: 95, position: long))
        XCTAssertEqual(strong.label, "close + open short")
        let short = PositionSnapshot(side: .short, amount: 1, entryPrice: 100)
        XCTAssertEqual(strategy.decide(StrategyInput(currentPrice: 99, predictedPrice: 99.5, position: short)).label, "close")
    }

    func testStopLossFromEntry() {
        let long = PositionSnapshot(side: .long, amount: 1, entryPrice: 100)
        let stopped = strategy.decide(StrategyInput(currentPrice: 95, predictedPrice: 110, position: long))
        XCTAssertTrue(stopped.close)
        XCTAssertNil(stopped.open)
        XCTAssertTrue(stopped.reason.hasPrefix("stop loss"))
        XCTAssertEqual(strategy.decide(StrategyInput(currentPrice: 95.1, predictedPrice: 110, position: long)).label, "hold")
        let short = PositionSnapshot(side: .short, amount: 1, entryPrice: 100)
        XCTAssertTrue(strategy.decide(StrategyInput(currentPrice: 105, predictedPrice: 90, position: short)).close)
    }
}

final class StrategyPercentTextTests: XCTestCase {
    func testPercentTextMatchesPrintfForTypicalValues() {
        for value in [0.0, 0.0123, -0.0123, 0.5, -0.00004, 0.00005, 1.23456, -2.5, 0.1] {
            let expected = String(format: "%+.2f%%", value * 100)
            let got = ReferenceStrategy.percent(value, signed: true)
            if value == -0.00004 { XCTAssertEqual(got, "+0.00%"); continue }  // printf keeps "-0.00"; a sign on zero says nothing
            XCTAssertEqual(got, expected, "\(value)")
        }
        XCTAssertEqual(ReferenceStrategy.percent(0.015, signed: false), "1.50%")
    }
}
