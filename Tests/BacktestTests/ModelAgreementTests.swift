import Bot
import Exchange
import Foundation
import XCTest
@testable import Backtest

/// With the shipped model on real Bitcoin candles: evaluate's batched predictions, the backtest's Trader and
/// `trading-bot predict` see the same number for the same window.
final class ModelAgreementTests: XCTestCase {
    static func walkUp(until exists: (URL) -> Bool) -> URL? {
        var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while dir.path != "/" {
            if exists(dir) { return dir }
            dir = dir.deletingLastPathComponent()
        }
        return nil
    }

    static let repo = walkUp { FileManager.default.fileExists(atPath: $0.appendingPathComponent("models/model.keras").path) }
    static let shared = walkUp { FileManager.default.fileExists(atPath: $0.appendingPathComponent("shared/data/coin_Bitcoin.csv").path) }

    func fixture() throws -> (repo: URL, candles: [Candle], predictor: Predictor) {
        guard let repo = Self.repo else { throw XCTSkip("models/model.keras not found above \(#filePath)") }
        guard let shared = Self.shared else { throw XCTSkip("shared/data/coin_Bitcoin.csv not found (CI clones it as a sibling)") }
        let all = try CandleFile.read(path: shared.appendingPathComponent("shared/data/coin_Bitcoin.csv").path)
        let predictor = try Predictor.load(modelPath: repo.appendingPathComponent("models/model.keras").path,
                                           scalersPath: repo.appendingPathComponent("scalers/scalers.pkl").path,
                                           windowSize: 5, targetColumn: 3, maxBatch: 16)
        return (repo, Array(all.suffix(80)), predictor)
    }

    func testEvaluateBacktestAndPredictAgree() async throws {
        let (_, candles, predictor) = try fixture()
        let batch = ModelBatchPredictor(predictor)
        let series = try ForecastSeries.build(candles: candles, targetColumn: 3, predictor: batch, batch: 13)
        XCTAssertEqual(series.times.count, 75)
        for (k, end) in series.ends.enumerated() {
            let single = try predictor.predict(Array(candles[(end - 4)...end]))      // the `predict` code path
            XCTAssertEqual(series.predicted[k], single, "window ending \(UTCTime.iso(candles[end].timestamp))")
        }
        // The backtest: record what the Trader is given at each decision.
        let range = try TraderBacktest.decisionRange(candles: candles, windowSize: 5, from: nil, to: nil)
        let pre = try TraderBacktest.precompute(candles: candles, range: range, predictor: batch)
        let recorder = Recorder(base: pre)
        let config = try ConfigLoader(path: nil, environment: [:], overrides: ["RETRY_DELAY": "0"], requireModelFiles: false).load().config
        let result = try await TraderBacktest.run(config: config, candles: candles, timeframe: .oneDay, range: range,
                                                  predictor: recorder, simulation: SimulationSettings(),
                                                  market: TraderBacktest.market(symbol: config.symbol, candles: candles))
        XCTAssertTrue(result.failedCycles.isEmpty, "\(result.failedCycles)")
        XCTAssertEqual(recorder.seen.count, range.count)
        let byTime = Dictionary(uniqueKeysWithValues: zip(series.times, series.predicted))
        for (time, value) in recorder.seen { XCTAssertEqual(byTime[time], value, "decision after \(UTCTime.iso(time))") }
        // The fast replay engine makes the same trades on real data.
        let replay = try await StrategyReplay.run(config: config, candles: candles, timeframe: .oneDay, range: range, predictions: pre,
                                                  simulation: SimulationSettings(), market: TraderBacktest.market(symbol: config.symbol, candles: candles))
        XCTAssertEqual(replay.trades, result.trades)
        XCTAssertEqual(replay.metrics, result.metrics)
    }

    /// The real binary: `trading-bot predict --candles` on a file ending at a window prints evaluate's number.
    func testPredictCommandPrintsTheEvaluatedNumber() throws {
        let (repo, candles, predictor) = try fixture()
        let series = try ForecastSeries.build(candles: candles, targetColumn: 3, predictor: ModelBatchPredictor(predictor))
        let k = 40, end = series.ends.lowerBound + k
        let path = NSTemporaryDirectory() + "agree-\(UUID().uuidString).csv"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try CandleCSVAppender(path: path).append(Array(candles[0...end]))
        let run = try TradingBotBinary.run(["predict", "--candles", path, "--json"], repo: repo)
        XCTAssertEqual(run.status, 0, run.errorText)
        let object = try run.json()
        let printed = try XCTUnwrap(object["predicted"] as? Double)
        XCTAssertEqual(printed, series.predicted[k], accuracy: abs(series.predicted[k]) * 1e-12)
        XCTAssertEqual(object["candle_time"] as? String, UTCTime.iso(candles[end].timestamp))
    }
}

/// Forwards to the precomputed table and remembers (window's last candle time, prediction).
final class Recorder: PricePredicting, @unchecked Sendable {
    let base: PrecomputedPredictor
    var seen: [(Int64, Double)] = []
    init(base: PrecomputedPredictor) { self.base = base }
    var windowSize: Int { base.windowSize }
    func predict(_ candles: [Candle]) throws -> Double {
        let v = try base.predict(candles)
        seen.append((candles.last?.timestamp ?? 0, v))
        return v
    }
}
