import Exchange
import XCTest
@testable import Backtest

final class ReportTests: XCTestCase {
    /// A lagging "model" over 40 daily candles: the prediction for tomorrow is today's close.
    func lagging() throws -> (ForecastSeries, EvaluationSummary) {
        let candles = TraderBacktestTests.candles
        let lag = RulePredictor(windowSize: 5) { c, end in c[end].close }
        let s = try ForecastSeries.build(candles: candles, targetColumn: 3, predictor: lag)
        return (s, EvaluationSummary(current: s.current, predicted: s.predicted, actual: s.actual))
    }

    func testEvaluationFilesAndPage() throws {
        let (series, summary) = try lagging()
        XCTAssertEqual(summary.lag.bestShift, 1)
        let report = EvaluationReport(candlesFile: "c.csv", model: "m.keras", scalers: "s.pkl", targetColumn: "close",
                                      interval: "1d", series: series, summary: summary, warnings: ["in-sample <period>"])
        let dir = NSTemporaryDirectory() + "eval-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let files = try report.write(to: dir, series: series, closes: series.current, intervalMs: 86_400_000)
        XCTAssertEqual(files.map { ($0 as NSString).lastPathComponent },
                       ["predictions.csv", "report.json", "actual_vs_predicted.svg", "actual_vs_predicted_shifted.svg", "lag_profile.svg", "actual_vs_predicted_zoom.svg"])
        let csv = try String(contentsOfFile: files[0], encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(csv.first, "timestamp,close,predicted,actual")
        XCTAssertEqual(csv.count, series.times.count + 1)
        XCTAssertEqual(csv[1], "\(series.times[0]),\(series.current[0]),\(series.predicted[0]),\(series.actual[0])")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: files[1]))) as? [String: Any]
        let sum = try XCTUnwrap(json?["summary"] as? [String: Any])
        XCTAssertEqual((sum["lag"] as? [String: Any])?["best_shift"] as? Int, 1)
        XCTAssertNotNil(sum["theil_u"]); XCTAssertNotNil(sum["direction"]); XCTAssertEqual(json?["windows"] as? Int, series.times.count)
        let html = report.html(series: series, intervalMs: 86_400_000)
        XCTAssertEqual(html.components(separatedBy: "<svg ").count - 1, 4)
        XCTAssertTrue(html.contains("lagging indicator"))
        XCTAssertTrue(html.contains("in-sample &lt;period&gt;"), "warnings escaped")
        XCTAssertFalse(html.contains("<script"), "self-contained, no scripts")
        XCTAssertTrue(report.text().contains("← best"))
    }

    func testBacktestFilesAndPage() async throws {
        let candles = TraderBacktestTests.candles
        let ex = SimulatedExchange(market: TraderBacktest.market(symbol: "BTC/USDT:USDT", candles: candles), timeframe: .oneDay,
                                   candles: candles, start: 5)
        try await ex.setLeverage(1, symbol: "BTC/USDT:USDT")
        let result = await Backtester(exchange: ex, start: 5, end: 60).run { now in
            if now == candles[10].timestamp { _ = try? await ex.createOrder(symbol: "BTC/USDT:USDT", type: .market, side: .buy, amount: 10, price: nil, params: [:]) }
            return CycleOutcome()
        }
        let settings = BacktestReport.Settings(symbol: "BTC/USDT:USDT", interval: "1d", leverage: 1, marginMode: "isolated",
                                               orderType: "market", threshold: 0.01, stopLoss: 0.05, stopLossOnExchange: false,
                                               takerFee: Decimal(string: "0.0005") ?? 0, makerFee: Decimal(string: "0.0002") ?? 0,
                                               fundingRatePer8h: nil)
        let report = BacktestReport(candlesFile: "c.csv", model: "m", settings: settings, result: result, intervalMs: 86_400_000, warnings: [])
        XCTAssertEqual(result.trades.count, 1)
        XCTAssertEqual(result.trades.first?.exit, .endOfData)
        let dir = NSTemporaryDirectory() + "bt-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let files = try report.write(to: dir, result: result)
        let trades = try String(contentsOfFile: files[0], encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(trades.count, 2)
        XCTAssertTrue(trades[1].hasPrefix("2021-01-11T00:00:00Z,2021-03-02T00:00:00Z,long,10,"), String(trades[1]))
        let equity = try String(contentsOfFile: files[1], encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(equity.count, 56)
        let html = report.html(result: result)
        XCTAssertTrue(html.contains("number of trades")); XCTAssertTrue(html.contains("buy-and-hold return"))
        XCTAssertEqual(html.components(separatedBy: "<svg ").count - 1, 1)
        XCTAssertTrue(report.text().contains("max drawdown"))
    }
}
