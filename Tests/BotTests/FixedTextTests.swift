@testable import Bot
import Foundation
import XCTest

/// `FixedText` writes what `String(format: "%.Nf")` / `"%+.Nf"` write: the C library's exact rounding.
final class FixedTextTests: XCTestCase {
    func testMatchesStringFormatOnTiesExtremesAndRandomValues() {
        var values: [Double] = [0, -0.0, 0.125, 0.135, 0.145, 0.155, 0.165, 0.005, -0.005, 2.675, 1.005, 7123.455, -1e-9,
                                123456789.125, 1e21, -1e300, .greatestFiniteMagnitude, .leastNonzeroMagnitude, .nan, -.nan,
                                .infinity, -.infinity]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            values.append(Double(bitPattern: generator.next()))
            values.append(Double.random(in: -100_000...100_000, using: &generator))
        }
        for value in values {
            for decimals in [0, 1, 2, 4, 6] {
                XCTAssertEqual(FixedText.string(value, decimals: decimals), String(format: "%.\(decimals)f", value), "\(value)")
                XCTAssertEqual(FixedText.string(value, decimals: decimals, signed: true), String(format: "%+.\(decimals)f", value), "\(value)")
            }
        }
    }

    func testCycleLineKeepsItsFormat() {
        var report = CycleReport(status: .done)
        report.predicted = 7123.456
        report.change = 0.012345
        XCTAssertTrue(report.line.contains("predicted 7123.46"), report.line)
        XCTAssertTrue(report.line.contains("change +1.23%"), report.line)
        report.change = -0.0000001
        XCTAssertTrue(report.line.contains("change -0.00%"), report.line)
    }
}
