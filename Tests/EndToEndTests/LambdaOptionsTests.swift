import Foundation
import Serverless
import XCTest

/// `trading-bot lambda` reads its own three options on the cold-start path and leaves everything else to
/// ArgumentParser: the forms ArgumentParser accepts parse to the same options, anything else is nil.
final class LambdaOptionsTests: XCTestCase {
    func testEveryFormArgumentParserAcceptsParsesTheSame() {
        XCTAssertEqual(LambdaOptions.parse([]), LambdaOptions())
        XCTAssertEqual(LambdaOptions.parse(["--max-invocations", "3"]), LambdaOptions(maxInvocations: 3))
        XCTAssertEqual(LambdaOptions.parse(["--max-invocations=3"]), LambdaOptions(maxInvocations: 3))
        XCTAssertEqual(LambdaOptions.parse(["--config", "/var/task/config.yaml", "--confirm-live"]),
                       LambdaOptions(config: "/var/task/config.yaml", confirmLive: true))
        XCTAssertEqual(LambdaOptions.parse(["--confirm-live", "--config=c.yaml", "--max-invocations", "1"]),
                       LambdaOptions(config: "c.yaml", confirmLive: true, maxInvocations: 1))
    }

    func testAnythingElseIsLeftToArgumentParser() {
        for arguments in [["--bogus"], ["--config"], ["--config", "--confirm-live"], ["--max-invocations", "two"],
                          ["--max-invocations"], ["--confirm-live=yes"], ["--confirm-live", "--confirm-live"],
                          ["--config", "a", "--config", "b"], ["extra"], ["-h"], ["--config="]] {
            XCTAssertNil(LambdaOptions.parse(arguments), "\(arguments)")
        }
    }

    /// Through the real binary: the fast path reaches the runtime (which then wants AWS_LAMBDA_RUNTIME_API), and an
    /// unknown option gets ArgumentParser's own error and usage, before anything else happens.
    func testTheBinaryTakesTheFastPathOrArgumentParsersError() throws {
        let directory = FileManager.default.temporaryDirectory
        let fast = try Harness.run(["lambda", "--max-invocations=1"], environment: ["PATH": "/usr/bin:/bin"], directory: directory)
        XCTAssertEqual(fast.status, 2, fast.stderr)
        XCTAssertTrue(fast.stderr.contains("AWS_LAMBDA_RUNTIME_API is not set"), fast.stderr)
        let unknown = try Harness.run(["lambda", "--bogus"], environment: ["PATH": "/usr/bin:/bin"], directory: directory)
        XCTAssertEqual(unknown.status, 64, unknown.stderr)
        XCTAssertTrue(unknown.stderr.contains("Unknown option '--bogus'"), unknown.stderr)
        XCTAssertTrue(unknown.stderr.contains("Usage: trading-bot lambda"), unknown.stderr)
        XCTAssertFalse(unknown.stderr.contains("AWS_LAMBDA_RUNTIME_API"), unknown.stderr)
    }
}
