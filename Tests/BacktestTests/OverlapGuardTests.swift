import Bot
import XCTest
@testable import Backtest

final class OverlapGuardTests: XCTestCase {
    func testWarnsOnlyWhenPredictedCandlesFallInFittedPeriods() throws {
        let json = #"{"train_start":"2013-04-29T00:00:00Z","train_end":"2019-11-16T00:00:00Z","scaler_fit_start":"2013-04-29T00:00:00Z","scaler_fit_end":"2019-11-16T00:00:00Z"}"#
        let m = try JSONDecoder().decode(ModelMetadata.self, from: Data(json.utf8))
        let parse: (String) -> Int64? = { UTCTime.parse($0) }
        let inside = OverlapGuard.warnings(from: try XCTUnwrap(UTCTime.parse("2019-01-01")), to: try XCTUnwrap(UTCTime.parse("2020-01-01")),
                                           metadata: m, source: "model.json", parse: parse)
        XCTAssertEqual(inside.count, 2)
        XCTAssertTrue(inside[0].contains("training period") && inside[0].contains("from 2019-01-01 to 2019-11-16"), inside[0])
        XCTAssertTrue(inside[1].contains("scalers' fit period"))
        let after = OverlapGuard.warnings(from: try XCTUnwrap(UTCTime.parse("2019-11-17")), to: try XCTUnwrap(UTCTime.parse("2021-07-06")),
                                          metadata: m, source: "model.json", parse: parse)
        XCTAssertTrue(after.isEmpty)
    }

    func testReadsTheRecordNextToTheModel() throws {
        let dir = NSTemporaryDirectory() + "meta-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        XCTAssertNil(try ModelMetadata.near(modelPath: dir + "/model.keras"))
        try #"{"train_end": 5}"#.write(toFile: dir + "/model.json", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ModelMetadata.near(modelPath: dir + "/model.keras")) { e in
            XCTAssertTrue("\(e)".contains("model.json"))
        }
        try #"{"train_start":"2020-01-01","train_end":"2020-02-01","window_size":5}"#.write(toFile: dir + "/model.json", atomically: true, encoding: .utf8)
        XCTAssertEqual(try ModelMetadata.near(modelPath: dir + "/model.keras")?.metadata.windowSize, 5)
    }
}
