import Foundation
import XCTest
@testable import Scaling

/// Paths and expected values of the fixtures written by tools/make_scaler_fixtures.py.
enum Fixtures {
    static var directory: URL {
        get throws {
            guard let url = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else {
                throw XCTSkip("Fixtures resource missing from the test bundle")
            }
            return url
        }
    }

    static func path(_ name: String) throws -> String {
        try directory.appendingPathComponent(name).path
    }

    static func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: directory.appendingPathComponent(name)))
    }

    struct Expected: Decodable {
        struct Group: Decodable {
            let files: [String]
            let sklearn: String
            let numpy: String
            let feature_range: [Double]
            let clip: Bool
            let columns: [Column]
        }
        struct Column: Decodable {
            let column: Int
            let transform_in: [String]
            let transform_out: [String]
            let inverse64_in: [String]
            let inverse64_out: [String]
            let inverse32_in: [String]
            let inverse32_out: [String]
        }
        struct ArrayCase: Decodable {
            let shape: [Int]
            let dtype: String
            let values: [String]
        }
        let groups: [Group]
        let arrays: [String: ArrayCase]
    }

    static func expected() throws -> Expected {
        try JSONDecoder().decode(Expected.self, from: Data(contentsOf: directory.appendingPathComponent("expected.json")))
    }

    /// Parses Python's `float.hex()` output exactly.
    static func hex(_ s: String, file: StaticString = #filePath, line: UInt = #line) -> Double {
        guard let d = Double(s) else {
            XCTFail("bad hex float \(s)", file: file, line: line)
            return .nan
        }
        return d
    }
}

/// Asserts that `body` throws a `ScalerError` and returns it for further checks.
func scalerError(_ body: () throws -> Any, file: StaticString = #filePath, line: UInt = #line) -> ScalerError? {
    do {
        _ = try body()
        XCTFail("expected a ScalerError, got a value", file: file, line: line)
    } catch let e as ScalerError {
        return e
    } catch {
        XCTFail("expected a ScalerError, got \(error)", file: file, line: line)
    }
    return nil
}

func pickleError(_ body: () throws -> Any, file: StaticString = #filePath, line: UInt = #line) -> PickleError? {
    do {
        _ = try body()
        XCTFail("expected a PickleError, got a value", file: file, line: line)
    } catch let e as PickleError {
        return e
    } catch {
        XCTFail("expected a PickleError, got \(error)", file: file, line: line)
    }
    return nil
}
