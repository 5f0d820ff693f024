import Foundation
import XCTest

/// libhdf5 1.10.8 loops forever on some corrupt HDF5 data and crashes on other (fuzzing findings, reproducers in
/// tools/fuzz_model/crashes/). The loader runs under a time limit (SIGALRM) and a crash guard (Sources/CKerasGuard), so the
/// user gets one line and exit status 1 instead of a hung process or a core dump. Run as subprocesses: neither the
/// stuck libhdf5 thread nor the crash may happen inside the test process.
final class ModelLoadTimeLimitTests: XCTestCase {
    func testACrashInsideLibhdf5BecomesOneErrorLine() throws {
        let crash = Harness.root.appendingPathComponent("tools/fuzz_model/crashes/libhdf5-H5Gget_info-accum_read.keras")
        guard FileManager.default.fileExists(atPath: crash.path) else { throw XCTSkip("reproducer missing") }
        let (status, message) = try runInspect(crash.path, environment: [:])
        XCTAssertEqual(status, 1, message)
        XCTAssertEqual(message, "error: \(crash.path): reading the model crashed inside libhdf5 (the HDF5 data is corrupt); re-save the model\n")
    }

    private func runInspect(_ path: String, environment extra: [String: String]) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = try Harness.binary()
        process.arguments = ["model", "inspect", path]
        process.environment = ProcessInfo.processInfo.environment.merging(extra) { $1 }
        let stderr = Pipe()
        process.standardError = stderr
        process.standardOutput = Pipe()
        try process.run()
        let deadline = Date().addingTimeInterval(30)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning {
            process.terminate()
            XCTFail("trading-bot model inspect \(path) still running after 30 s")
        }
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
    }

    func testAFileLibhdf5LoopsOnIsRefusedInsteadOfHanging() throws {
        let hang = Harness.root.appendingPathComponent("tools/fuzz_model/crashes/libhdf5-H5Aread-vlen-hang.h5")
        guard FileManager.default.fileExists(atPath: hang.path) else { throw XCTSkip("reproducer missing") }
        let (status, message) = try runInspect(hang.path, environment: ["TRADINGBOT_MODEL_LOAD_TIMEOUT": "2"])
        XCTAssertEqual(status, 1, message)
        XCTAssertTrue(message.contains("libhdf5-H5Aread-vlen-hang.h5"), message)
        XCTAssertTrue(message.contains("did not finish within 2 s"), message)
        XCTAssertEqual(message.split(separator: "\n").count, 1, "one line: \(message)")
    }
}
