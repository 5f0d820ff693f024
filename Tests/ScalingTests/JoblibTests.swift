import XCTest
@testable import Scaling

/// Files written by `joblib.dump` (scikit-learn's documented way to persist estimators; fixtures made by
/// tools/make_scaler_fixtures.py with joblib 1.6): numpy arrays as `NumpyArrayWrapper` with their bytes inline.
final class JoblibTests: XCTestCase {
    func testJoblibFilesGiveTheSameScalersAsPickleDump() throws {
        let reference = try ScalerSet.load(path: try Fixtures.path("scalers_p4.pkl"))
        for name in ["scalers_joblib.pkl", "scalers_joblib_p2.pkl"] {
            let set = try ScalerSet.load(path: try Fixtures.path(name))
            XCTAssertEqual(set, reference, name)
        }
    }

    func testDataFrameFittedScalersBringTheirObjectArraysAlong() throws {
        // feature_names_in_ is an object array: joblib writes it as a nested pickle inside the stream.
        let set = try ScalerSet.load(path: try Fixtures.path("scalers_joblib_dataframe.pkl"))
        XCTAssertTrue(set.keyedByName)
        XCTAssertEqual(set.columns.map(\.featureName), ["Open", "High", "Low", "Close", "Volume"])
        let reference = try ScalerSet.load(path: try Fixtures.path("scalers_p4.pkl"))
        let ordered = try set.ordered(by: ["open", "high", "low", "close", "volume"], file: "f")
        XCTAssertEqual(ordered.columns.map { $0.named("") }, reference.columns.map { $0.named("") })
    }

    func testACompressedJoblibFileIsNamedAsSuch() throws {
        let path = try Fixtures.path("scalers_joblib_compressed.pkl")
        XCTAssertThrowsError(try ScalerSet.load(path: path)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.hasPrefix("\(path): not a scaler file (zlib-compressed"), text)
            XCTAssertTrue(text.contains("without compress"), text)
            XCTAssertFalse(text.contains("\n"))
        }
    }

    func testTruncatedArrayBytesAreRefused() throws {
        let bytes = try Fixtures.bytes("scalers_joblib.pkl")
        // Cut inside the first array's inline data (just after the first wrapper's BUILD and padding).
        let marker = Array("numpy_array_alignment_bytes".utf8)
        let at = try XCTUnwrap((0..<(bytes.count - marker.count)).first { Array(bytes[$0..<$0 + marker.count]) == marker })
        for cut in [at + marker.count + 6, at + marker.count + 12] {
            XCTAssertThrowsError(try ScalerSet(pickle: Array(bytes[..<cut]), file: "t.pkl")) { error in
                XCTAssertTrue("\(error)".contains("t.pkl"), "\(error)")
            }
        }
    }
}
