import Bot
import Exchange
import Foundation
import Scaling
import XCTest
@testable import Backtest

/// Issue 13, honest inputs: windows outside the scalers' fitted range are flagged (which column, how far); the data's
/// symbol and interval are checked against model.json and the file's Symbol column; the overlap guard only applies
/// to the market and interval the model was trained on; output is labelled with the data's symbol.
final class HonestInputsTests: XCTestCase {
    /// Every column fitted on [100, 200] (volume on [0, 1000]), as sklearn would store it.
    static func scalers() -> ScalerSet {
        func column(_ lo: Double, _ hi: Double) -> ColumnScaler {
            let range = hi - lo
            return ColumnScaler(featureMin: 0, featureMax: 1, clip: false, dataMin: lo, dataMax: hi, dataRange: range,
                                scale: 1 / range, min: -lo / range)
        }
        return ScalerSet(columns: [column(100, 200), column(100, 200), column(100, 200), column(100, 200), column(0, 1000)])
    }

    static func candle(_ i: Int, close: Double, open: Double? = nil, high: Double? = nil, low: Double? = nil, volume: Double = 500) -> Candle {
        Candle(timestamp: 1_704_067_200_000 + Int64(i) * 86_400_000, open: open ?? close, high: high ?? close, low: low ?? close,
               close: close, volume: volume)
    }

    func testWindowsMadeToSitOutsideTheRangeAreFlaggedWithColumnAndDistance() {
        let check = InputRangeCheck(scalers: Self.scalers())
        let inside = (0..<5).map { Self.candle($0, close: 150, high: 200, low: 100) }     // the bounds themselves are inside
        XCTAssertEqual(check.check(inside), [])
        XCTAssertNil(check.warning(inside[...]))

        var above = inside
        above[3] = Self.candle(3, close: 250, open: 150, high: 260, low: 150)                                   // close 0.5 ranges above, high 0.6
        let a = check.check(above)
        XCTAssertEqual(a.map(\.column), ["high", "close"])
        XCTAssertEqual(a[0].side, .above); XCTAssertEqual(a[0].value, 260); XCTAssertEqual(a[0].fraction, 0.6, accuracy: 1e-12)
        XCTAssertEqual(a[1].fraction, 0.5, accuracy: 1e-12)
        XCTAssertEqual(a[1].dataMax, 200)
        let line = check.warning(above[...]) ?? ""
        XCTAssertTrue(line.contains("close 250.00 is 0.50× the fitted range above data_max 200.00"), line)

        var below = inside
        below[0] = Self.candle(0, close: 150, low: 99, volume: 1500)                      // low 1 % below, volume 0.5× above
        let b = check.check(below)
        XCTAssertEqual(b.map(\.column), ["low", "volume"])
        XCTAssertEqual(b[0].side, .below); XCTAssertEqual(b[0].fraction, 0.01, accuracy: 1e-12)
        XCTAssertTrue(b[0].sentence.contains("low 99.00 is 1.00 % of the fitted range below data_min 100.00"), b[0].sentence)
        XCTAssertEqual(b[1].side, .above); XCTAssertEqual(b[1].fraction, 0.5, accuracy: 1e-12)

        // The sliding per-window flags agree with the per-window check.
        let candles = inside + [Self.candle(5, close: 150), Self.candle(6, close: 201), Self.candle(7, close: 150)] + (8..<14).map { Self.candle($0, close: 120) }
        let (outside, worst) = check.flags(candles: candles, windowSize: 3, ends: 2..<13)
        for (k, end) in (2..<13).enumerated() {
            XCTAssertEqual(outside[k], !check.check(candles[(end - 2)...end]).isEmpty, "window ending \(end)")
        }
        XCTAssertEqual(outside, [false, false, false, false, true, true, true, false, false, false, false])
        XCTAssertEqual(worst[4], 0.01, accuracy: 1e-12)
    }

    func testTheSummarySplitsTheErrorInsideAndOutside() {
        let series = ForecastSeries(times: [0, 1, 2, 3], current: [10, 10, 10, 10], predicted: [11, 12, 13, 14],
                                    actual: [10, 10, 10, 10], ends: 4..<8)
        let s = InputRangeSummary(outside: [false, true, false, true], series: series)
        XCTAssertEqual(s.outside, 2); XCTAssertEqual(s.share, 0.5)
        XCTAssertEqual(try XCTUnwrap(s.rmseInside), ((1.0 + 9) / 2).squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(s.rmseOutside), ((4.0 + 16) / 2).squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(s.naiveRmseOutside, 0)
        XCTAssertTrue(s.sentence.hasPrefix("2 of 4 windows (50.00 %) had inputs outside"), s.sentence)
    }

    func testSymbolsAreComparedByBaseAsset() {
        XCTAssertEqual(DataIdentity.baseAsset("BTC/USDT:USDT"), "BTC")
        XCTAssertEqual(DataIdentity.baseAsset("BTCUSDT"), "BTC")
        XCTAssertEqual(DataIdentity.baseAsset("ltc"), "LTC")
        XCTAssertEqual(DataIdentity.baseAsset("USDT"), "USDT")
        var m = try! JSONDecoder().decode(ModelMetadata.self, from: Data(#"{"symbol":"BTC/USDT","interval":"1d"}"#.utf8))
        let ltc = DataIdentity.resolve(file: "f.csv", fileSymbol: "LTC", interval: "1d", configSymbol: "BTC/USDT:USDT", metadata: ("model.json", m))
        XCTAssertEqual(ltc.symbol, "LTC")
        XCTAssertFalse(ltc.sameMarketAsModel)
        XCTAssertEqual(ltc.warnings.count, 2)
        XCTAssertTrue(ltc.warnings[0].contains("holds LTC candles (its Symbol column) but SYMBOL is BTC/USDT:USDT: the output is labelled LTC"))
        XCTAssertTrue(ltc.warnings[1].contains("trained on BTC/USDT candles (model.json) but these are LTC candles"))
        let btc = DataIdentity.resolve(file: "f.csv", fileSymbol: "BTC", interval: "1d", configSymbol: "BTC/USDT:USDT", metadata: ("model.json", m))
        XCTAssertTrue(btc.sameMarketAsModel); XCTAssertEqual(btc.warnings, []); XCTAssertEqual(btc.symbol, "BTC")
        let hourly = DataIdentity.resolve(file: "f.csv", fileSymbol: nil, interval: "1h", configSymbol: "BTC/USDT:USDT", metadata: ("model.json", m))
        XCTAssertFalse(hourly.sameMarketAsModel)
        XCTAssertEqual(hourly.symbol, "BTC/USDT:USDT", "no Symbol column: the configuration's SYMBOL")
        XCTAssertTrue(hourly.warnings[0].contains("trained on 1d candles"))
        m.symbol = nil
        XCTAssertTrue(DataIdentity.resolve(file: "f.csv", fileSymbol: "LTC", interval: "1d", configSymbol: "LTC/USDT:USDT",
                                           metadata: ("model.json", m)).sameMarketAsModel, "a record without a symbol cannot rule the overlap out")
    }

    func testTheFilesSymbolColumn() throws {
        let dir = NSTemporaryDirectory() + "sym-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "SNo,Name,Symbol,Date,High,Low,Open,Close,Volume,Marketcap\n1,Litecoin,LTC,2019-01-01 23:59:59,2,1,1,2,5,9\n2,Bitcoin,BTC,2019-01-02 23:59:59,2,1,1,2,5,9\n"
            .write(toFile: dir + "/mixed.csv", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try DataIdentity.fileSymbol(path: dir + "/mixed.csv")) { e in
            XCTAssertTrue("\(e)".contains("mixed.csv:3: Symbol 'BTC' differs from 'LTC'"), "\(e)")
        }
        try "timestamp,open,high,low,close,volume\n0,1,1,1,1,1\n".write(toFile: dir + "/plain.csv", atomically: true, encoding: .utf8)
        XCTAssertNil(try DataIdentity.fileSymbol(path: dir + "/plain.csv"))
    }

    /// The overlap rule end to end through evaluate's set-up: the same 2019 dates (inside the shipped model's training
    /// period) warn for BTC candles and do not for LTC candles, which get the mismatch warning and their own label.
    func testOverlapAppliesOnlyToTheModelsMarket() throws {
        guard let repo = ModelAgreementTests.repo else { throw XCTSkip("models/model.keras not found") }
        let dir = NSTemporaryDirectory() + "overlap-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        func file(_ symbol: String) throws -> CandleInput {
            var text = "SNo,Name,Symbol,Date,High,Low,Open,Close,Volume,Marketcap\n"
            for d in 1...12 { text += "\(d),Coin,\(symbol),2019-03-\(String(format: "%02d", d)) 23:59:59,4100,3900,4000,\(4000 + d * 10),1e9,1e10\n" }
            let path = dir + "/\(symbol).csv"
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            return try CandleInput.load(path: path)
        }
        let overrides = ["MODEL_PATH": repo.appendingPathComponent("models/model.keras").path,
                         "SCALERS_PATH": repo.appendingPathComponent("scalers/scalers.pkl").path]
        let btc = try OfflineSetup.load(configPath: nil, overrides: overrides, input: try file("BTC"))
        let e = try EvaluationPipeline.run(setup: btc, from: nil, to: nil)
        XCTAssertEqual(e.report.symbol, "BTC")
        XCTAssertTrue(e.report.warnings.contains { $0.contains("overlaps the model's training period") }, "\(e.report.warnings)")
        XCTAssertEqual(e.report.inputRange?.outside, 0)

        let ltc = try OfflineSetup.load(configPath: nil, overrides: overrides, input: try file("LTC"))
        let l = try EvaluationPipeline.run(setup: ltc, from: nil, to: nil)
        XCTAssertEqual(l.report.symbol, "LTC")
        XCTAssertFalse(l.report.warnings.contains { $0.contains("overlaps") }, "\(l.report.warnings)")
        XCTAssertTrue(l.report.warnings.contains { $0.contains("trained on BTC/USDT candles") && $0.contains("these are LTC candles") })
        XCTAssertTrue(l.report.text().contains("(LTC 1d, target close)"))
        XCTAssertTrue(l.report.html(series: l.series, intervalMs: 86_400_000).contains("Inputs inside vs outside the scalers"))
    }

    /// evaluate on real Bitcoin candles: the windows after the scalers' fit period (BTC above 19.5 k) are flagged,
    /// and the share and the split RMSE are reported.
    func testEvaluateReportsTheShareOfExtrapolatedWindows() throws {
        guard let repo = ModelAgreementTests.repo, let shared = ModelAgreementTests.shared else { throw XCTSkip("model or shared data not found") }
        let input = try CandleInput.load(path: shared.appendingPathComponent("shared/data/coin_Bitcoin.csv").path)
        let setup = try OfflineSetup.load(configPath: nil, overrides: [
            "MODEL_PATH": repo.appendingPathComponent("models/model.keras").path,
            "SCALERS_PATH": repo.appendingPathComponent("scalers/scalers.pkl").path], input: input)
        let e = try EvaluationPipeline.run(setup: setup, from: UTCTime.parse("2019-11-17"), to: nil)
        let r = try XCTUnwrap(e.report.inputRange)
        XCTAssertEqual(r.windows, e.series.times.count)
        XCTAssertGreaterThan(r.outside, 0)
        XCTAssertLessThan(r.outside, r.windows)
        // Independently: a window is outside when any of its 25 inputs leaves [data_min, data_max].
        let scalers = try Predictor.loadScalers(path: repo.appendingPathComponent("scalers/scalers.pkl").path)
        var count = 0
        for end in e.series.ends {
            let w = input.candles[(end - 4)...end]
            if w.contains(where: { c in
                zip([c.open, c.high, c.low, c.close, c.volume], scalers.columns).contains { $0 < $1.dataMin || $0 > $1.dataMax }
            }) { count += 1 }
        }
        XCTAssertEqual(r.outside, count)
        XCTAssertGreaterThan(try XCTUnwrap(r.rmseOutside), try XCTUnwrap(r.rmseInside))
        XCTAssertTrue(e.report.warnings.contains { $0.hasPrefix("\(count) of \(r.windows) windows") })
        XCTAssertFalse(e.report.warnings.contains { $0.contains("overlaps") }, "the test period is after the fit period")
    }

    /// The real binary on Litecoin candles: labelled LTC, warned about the BTC model and where LTC sits in its range.
    func testPredictOnLitecoinWarnsAndIsLabelledLTC() throws {
        guard let repo = ModelAgreementTests.repo, let shared = ModelAgreementTests.shared else { throw XCTSkip("model or shared data not found") }
        for json in [false, true] {
            let run = try TradingBotBinary.run(["predict", "--candles", shared.appendingPathComponent("shared/data/coin_Litecoin.csv").path] + (json ? ["--json"] : []), repo: repo)
            XCTAssertEqual(run.status, 0, run.errorText)
            let text = run.text
            if json {
                let object = try run.json()
                XCTAssertEqual(object["symbol"] as? String, "LTC")
                let warnings = try XCTUnwrap(object["warnings"] as? [String])
                XCTAssertTrue(warnings.contains { $0.contains("trained on BTC/USDT candles") }, "\(warnings)")
            } else {
                XCTAssertTrue(text.hasPrefix("LTC 1d  last closed candle 2021-07-06"), text)
                XCTAssertFalse(text.contains("BTC/USDT:USDT 1d"), text)
                XCTAssertTrue(text.contains("warning: the model was trained on BTC/USDT candles"), text)
                XCTAssertTrue(text.contains("warning: LTC's last close 138.99 sits at 0.36 % of the scalers' fitted range 68.43 … 19497.40"), text)
            }
        }
    }
}
