@testable import Cloud
import Foundation
import XCTest

/// `ScratchFile`: what S3FileCache and the S3 journal write their local copies with.
final class S3ScratchFileTests: XCTestCase {
    func testWritesReplacesAndNamesTheFileOnFailure() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("scratch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("model.keras").path
        let large = Data((0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        try ScratchFile.write(large, to: path)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), large)
        try ScratchFile.write(Data("short".utf8), to: path)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), Data("short".utf8), "a shorter file replaces a longer one whole")
        try ScratchFile.write(Data(), to: path)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), Data())

        let missing = dir.appendingPathComponent("no-such-dir/journal.sqlite").path
        XCTAssertThrowsError(try ScratchFile.write(Data("x".utf8), to: missing)) { error in
            let text = String(describing: error)
            XCTAssertTrue(text.contains(missing), text)
            XCTAssertTrue(text.contains("No such file"), text)
        }
    }
}
