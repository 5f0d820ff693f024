import Foundation
import XCTest
@testable import Keras

/// `model inspect` prints what Keras' `model.summary()` prints: BatchNormalization's moving statistics and every
/// weight of a layer saved with `trainable: false` are non-trainable; a variable input axis shows as None.
final class ModelSummaryTests: XCTestCase {
    func testBatchNormalizationStatisticsAreNonTrainable() throws {
        // Keras 3.15.1 `model.summary()` of this fixture: Total 44, Trainable 36, Non-trainable 8.
        for ext in ["keras", "h5"] {
            let m = try KerasModel.load(path: Fixtures.root.appendingPathComponent("batchnorm_conv1d.\(ext)").path)
            XCTAssertEqual(m.summary.totalParameters, 44, ext)
            XCTAssertEqual(m.summary.nonTrainableParameters, 8, ext)
            XCTAssertTrue(m.summary.description.contains("Trainable params: 36\nNon-trainable params: 8"), m.summary.description)
        }
    }

    func testAFrozenLayerCountsAsNonTrainable() throws {
        let path = Fixtures.root.appendingPathComponent("shipped.keras").path
        let parts = try ModelFile.archiveMembers(path, Data(contentsOf: URL(fileURLWithPath: path)))
        let config = String(decoding: parts.config, as: UTF8.self)
        // Freeze the LSTM (6 800 weights), as transfer learning does with `layer.trainable = False`.
        let marker = #""class_name": "LSTM""#
        let lstm = try XCTUnwrap(config.range(of: marker), "shipped config has no LSTM")
        let trainable = try XCTUnwrap(config.range(of: #""trainable": true"#, range: lstm.upperBound..<config.endIndex))
        let frozen = config.replacingCharacters(in: trainable, with: #""trainable": false"#)
        let m = try KerasModel.load(file: ModelFile.fromArchiveParts("frozen.keras", config: Data(frozen.utf8),
                                                                    metadata: parts.metadata, weights: parts.weights))
        XCTAssertEqual(m.summary.totalParameters, 7945)
        XCTAssertEqual(m.summary.nonTrainableParameters, 6800)
        let unfrozen = try KerasModel.load(path: path)
        XCTAssertEqual(unfrozen.summary.nonTrainableParameters, 0)
    }

    func testAVariableTimeAxisShowsAsNone() throws {
        // Keras 3.15.1 `model.summary()`: conv1d (None, None, 4) 28, lstm (None, 5) 200.
        for ext in ["keras", "h5"] {
            let path = Fixtures.root.appendingPathComponent("variable_length.\(ext)").path
            XCTAssertThrowsError(try KerasModel.load(path: path))  // a plain load needs the window length
            let s = try KerasModel.inspect(path: path)
            XCTAssertEqual(s.rows.map { ModelSummary.describe($0.outputShape, variable: $0.variableAxes) },
                           ["(None, None, 4)", "(None, 5)"], ext)
            XCTAssertEqual(s.rows.map(\.parameters), [28, 200], ext)
            XCTAssertTrue(s.description.contains("Input 'input_layer': shape (None, None, 3)"), s.description)
            XCTAssertTrue(s.description.contains("Output 0: shape (None, 5)"), s.description)
        }
        // Fixed inputs: built once, no None beyond the batch.
        let shipped = try KerasModel.inspect(path: Fixtures.root.appendingPathComponent("shipped.keras").path)
        XCTAssertTrue(shipped.rows.allSatisfy { $0.variableAxes.isEmpty })
    }
}
