@testable import Bot
import Exchange
import Scaling
import XCTest

final class PredictorTests: XCTestCase {
    private var modelPath: String { repositoryRoot().appendingPathComponent("models/model.keras").path }
    private var scalersPath: String { repositoryRoot().appendingPathComponent("scalers/scalers.pkl").path }

    private func load(window: Int = 5, batch: Int = 1) throws -> Predictor {
        guard FileManager.default.fileExists(atPath: modelPath) else { throw XCTSkip("shipped model missing") }
        return try Predictor.load(modelPath: modelPath, scalersPath: scalersPath, windowSize: window, targetColumn: 3, maxBatch: batch)
    }

    func testBatchedPredictionsEqualSingleWindowsOnRealBitcoinCandles() throws {
        let predictor = try load(batch: 64)
        let candles = Array(try CandleFile.read(path: try sharedDataDirectory().appendingPathComponent("coin_Bitcoin.csv").path).suffix(300))
        let all = try predictor.predictAll(candles)
        XCTAssertEqual(all.count, candles.count - 4)
        for i in stride(from: 0, to: all.count, by: 37) {
            XCTAssertEqual(all[i], try predictor.predict(Array(candles[i ..< i + 5])), "window \(i)")
        }
        // A lagging model: the prediction stays near the last close of its window.
        for (i, value) in all.enumerated() {
            XCTAssertEqual(value, candles[i + 4].close, accuracy: candles[i + 4].close * 0.5, "window \(i)")
        }
    }

    /// tools/train.py records what Keras predicts after the last window of the Bitcoin file in models/model.json.
    func testMatchesTheKerasPredictionRecordedWithTheShippedModel() throws {
        let predictor = try load()
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: repositoryRoot().appendingPathComponent("models/model.json"))) as? [String: Any]
        let record = try XCTUnwrap(json?["last_window_prediction"] as? [String: Any])
        let expected = try XCTUnwrap(record["predicted_close"] as? Double)
        let candles = try CandleFile.read(path: try sharedDataDirectory().appendingPathComponent("coin_Bitcoin.csv").path)
        XCTAssertEqual(UTCTime.iso(try XCTUnwrap(candles.last).timestamp), record["candle_time"] as? String)
        XCTAssertEqual(try predictor.predict(candles), expected, accuracy: 0.01, "float32 output, inverse-scaled as scikit-learn does")
    }

    /// Scalers keyed by column name (`{'High': …, 'Close': …}`, any order and case) are matched to the model's
    /// [open, high, low, close, volume] by name: same predictions as the index-keyed file.
    func testScalersKeyedByNameAreMatchedByName() throws {
        let byIndex = try load()
        let shipped = try ScalerSet.load(path: scalersPath)
        let order = [(1, "High"), (2, "Low"), (0, "OPEN"), (3, "close"), (4, "Volume")]
        let shuffled = ScalerSet(columns: order.map { shipped[$0.0].named($0.1) }, keyedByName: true)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("by-name-\(UUID().uuidString).json")
        try shuffled.jsonString().write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let byName = try Predictor.load(modelPath: modelPath, scalersPath: file.path, windowSize: 5, targetColumn: 3)
        let candles = dailyCandles([9000, 9100, 9050, 9200, 9300, 9250, 9400])
        XCTAssertEqual(try byName.predict(candles), try byIndex.predict(candles))

        // Taken by position instead, the same file would scale every column with the wrong scaler.
        let positional = ScalerSet(columns: shuffled.columns, keyedByName: false)
        try positional.jsonString().write(to: file, atomically: true, encoding: .utf8)
        let wrong = try Predictor.load(modelPath: modelPath, scalersPath: file.path, windowSize: 5, targetColumn: 3)
        XCTAssertNotEqual(try wrong.predict(candles), try byIndex.predict(candles))
    }

    func testOnlyTheLastWindowIsUsed() throws {
        let predictor = try load()
        let candles = dailyCandles([9000, 9100, 9050, 9200, 9300, 9250, 9400])
        XCTAssertEqual(try predictor.predict(candles), try predictor.predict(Array(candles.suffix(5))))
        XCTAssertThrowsError(try predictor.predict(Array(candles.prefix(3)))) { error in
            XCTAssertTrue("\(error)".contains("needs 5 closed candles, got 3"), "\(error)")
        }
    }

    func testWindowSizeMismatchIsRefusedAtLoad() throws {
        XCTAssertThrowsError(try load(window: 7)) { error in
            XCTAssertTrue(error is PredictorError, "\(error)")
            XCTAssertTrue("\(error)".contains("WINDOW_SIZE 7"), "\(error)")
            XCTAssertTrue("\(error)".hasPrefix(self.modelPath), "\(error)")
        }
    }
}
