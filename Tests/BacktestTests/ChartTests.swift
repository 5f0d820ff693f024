import XCTest
@testable import Backtest

final class ChartTests: XCTestCase {
    func testNiceTicks() {
        let t = AxisTicks.nice(lo: 0, hi: 97)         // raw step 16.2 → 20
        XCTAssertEqual(t.step, 20)
        XCTAssertEqual(t.ticks, [0, 20, 40, 60, 80, 100])
        let s = AxisTicks.nice(lo: 0.013, hi: 0.061)  // raw 0.008 → 0.01
        XCTAssertEqual(s.step, 0.01, accuracy: 1e-15)
        XCTAssertEqual(AxisTicks.label(12500, step: 500), "12,500")
        XCTAssertEqual(AxisTicks.label(-1234567.5, step: 0.5), "-1,234,567.5")
        XCTAssertEqual(AxisTicks.label(0.25, step: 0.05), "0.25")
    }

    func testTimeTicksAreCalendarAligned() {
        // 2021-01-01 .. 2021-07-01 → monthly ticks labelled yyyy-MM
        let ticks = AxisTicks.time(fromMs: 1_609_459_200_000, toMs: 1_625_097_600_000)
        XCTAssertEqual(ticks.first?.label, "2021-01")
        XCTAssertEqual(ticks.last?.label, "2021-07")
        XCTAssertLessThanOrEqual(ticks.count, 8)
        // 6 hours → hourly ticks
        let hours = AxisTicks.time(fromMs: 1_609_459_200_000, toMs: 1_609_459_200_000 + 6 * 3_600_000)
        XCTAssertEqual(hours.first?.label, "00:00")
        XCTAssertEqual(hours.count, 7)
    }

    func testSVGHasAxesLegendAndEscapes() {
        let chart = LineChart(title: "Actual & predicted", xLabel: "time (UTC)", yLabel: "price",
                              yRightLabel: "close", xAxis: .time,
                              series: [ChartSeries(name: "actual", color: "#222", xs: [0, 86_400_000], ys: [1, 2]),
                                       ChartSeries(name: "price", color: "#999", xs: [0, 86_400_000], ys: [5, 6], axis: .right)],
                              verticalMarkers: [(43_200_000, "noon")])
        let svg = chart.svg()
        XCTAssertTrue(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        XCTAssertTrue(svg.contains("Actual &amp; predicted"))
        XCTAssertTrue(svg.contains(">price</text>"))
        XCTAssertTrue(svg.contains("price (right axis)"))
        XCTAssertTrue(svg.contains("noon"))
        XCTAssertEqual(svg.components(separatedBy: "<path ").count - 1, 2)
        XCTAssertTrue(svg.hasSuffix("</svg>\n"))
    }

    func testDecimationKeepsExtremes() {
        let n = 525_600
        var ys = [Double](repeating: 1, count: n)
        ys[1234] = 99; ys[400_000] = -7
        let xs = (0..<n).map(Double.init)
        let pts = ChartDecimation.reduce(xs: xs, ys: ys, columns: 800, xLo: 0, xHi: Double(n - 1))
        XCTAssertLessThanOrEqual(pts.count, 2 * 801)
        XCTAssertTrue(pts.contains { $0.1 == 99 }); XCTAssertTrue(pts.contains { $0.1 == -7 })
    }
}
