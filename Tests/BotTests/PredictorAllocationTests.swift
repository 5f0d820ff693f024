@testable import Bot
import Exchange
import MallocCounter
import XCTest

/// A whole prediction (scaling, forward pass, inverse scaling) allocates nothing after warm-up, counted call by call
/// on this thread (Tests/MallocCounter interposes glibc's allocator in the test executable).
final class PredictorAllocationTests: XCTestCase {
    func testPredictionAllocatesNothingAfterWarmUp() throws {
        let root = repositoryRoot()
        let modelPath = root.appendingPathComponent("models/model.keras").path
        guard FileManager.default.fileExists(atPath: modelPath) else { throw XCTSkip("shipped model missing") }
        let predictor = try Predictor.load(modelPath: modelPath,
                                           scalersPath: root.appendingPathComponent("scalers/scalers.pkl").path,
                                           windowSize: 5, targetColumn: 3)
        let candles = (0..<64).map { i -> Candle in
            let p = 30_000 + Double(i % 9) * 150
            return Candle(timestamp: Int64(i) * 86_400_000, open: p, high: p + 200, low: p - 200, close: p + 50, volume: 1e9)
        }
        _ = try predictor.predict(candles[0..<5])
        var sink = 0.0
        let before = malloc_counter_thread_allocations()
        for start in 0..<(candles.count - 5) {
            sink += try predictor.predict(candles[start ..< start + 5])
        }
        XCTAssertEqual(malloc_counter_thread_allocations() - before, 0, "heap allocations in \(candles.count - 5) predictions")
        XCTAssertTrue(sink.isFinite)
    }
}
