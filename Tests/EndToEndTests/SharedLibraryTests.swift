import Foundation
import XCTest

/// The executable must not pull libcurl (and with it ~25 TLS/Kerberos/LDAP libraries, ~5 MB and milliseconds of
/// dynamic linking) into processes that never talk to an exchange, such as a cold `trading-bot model predict`:
/// libcurl is dlopen'ed by the exchange transport on first use, libhdf5 and SQLite come from static archives.
final class SharedLibraryTests: XCTestCase {
    func testTheExecutableLinksNeitherLibcurlNorLibhdf5NorSQLite() throws {
        // glibc's loader lists what it maps and exits without running the program when this is set.
        let out = try Harness.run([], environment: ["LD_TRACE_LOADED_OBJECTS": "1"], directory: temporaryDirectory())
        XCTAssertEqual(out.status, 0, out.stderr)
        XCTAssertTrue(out.stdout.contains("libc.so"), "loader trace missing: \(out.stdout)")
        for library in ["libcurl", "libhdf5", "libsqlite3", "libFoundationNetworking"] {
            XCTAssertFalse(out.stdout.contains(library), "\(library) is linked again:\n\(out.stdout)")
        }
    }

    func testAMissingLibcurlIsOneLineWithoutRetries() throws {
        let out = try Harness.run(["exchange", "fetchTime"], environment: [
            "TRADINGBOT_LIBCURL": "/nonexistent/libcurl.so.4", "MODE": "testnet", "EXCHANGE_URL": "http://127.0.0.1:9",
        ], directory: temporaryDirectory())
        XCTAssertEqual(out.status, 1, out.stderr)
        let lines = out.stderr.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, out.stderr)  // no "retry 1/3 …": a missing library is not a network problem
        XCTAssertTrue(out.stderr.contains("cannot load libcurl /nonexistent/libcurl.so.4"), out.stderr)
        XCTAssertTrue(out.stderr.contains("install libcurl4"), out.stderr)
    }

    func testTheDefaultLibcurlLoadsAndTalks() throws {
        // The same call with the library found: it reaches the network (nothing listens on port 9) instead.
        let out = try Harness.run(["exchange", "fetchTime"], environment: [
            "MODE": "testnet", "EXCHANGE_URL": "http://127.0.0.1:9",
        ], directory: temporaryDirectory())
        XCTAssertEqual(out.status, 1, out.stderr)
        XCTAssertFalse(out.stderr.contains("cannot load libcurl"), out.stderr)
        XCTAssertTrue(out.stderr.contains("NetworkError"), out.stderr)
    }

    private func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("shared-libs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }
}
