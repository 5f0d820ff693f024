import Foundation
import XCTest

/// The deployment files users deploy: schedule expressions (EventBridge grammar and systemd's own parser, firing at
/// the same moments), the SAM template (cfn-lint and the SAM translator), the systemd units (`systemd-analyze
/// verify`), the Lambda bootstrap.
final class DeployFilesTests: XCTestCase {
    static func tool(_ name: String) throws -> String {
        guard let path = ProcessInfo.processInfo.environment["PATH"]?.split(separator: ":").map({ "\($0)/\(name)" })
            .first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw NSError(domain: "DeployFilesTests", code: 1, userInfo: [NSLocalizedDescriptionKey:
                "\(name) is not installed (.ci/run installs it: pip install cfn-lint aws-sam-translator; apt-get install systemd)"])
        }
        return path
    }

    /// Runs a tool; returns exit status and combined output.
    static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    func schedules() throws -> [[String: Any]] {
        let output = try Harness.run(["schedule", "--all", "--json"], environment: [:], directory: FileManager.default.temporaryDirectory)
        XCTAssertEqual(output.status, 0, output.stderr)
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [[String: Any]])
    }

    func testEveryIntervalsSchedulePassesBothGrammarsAndFiresAfterEachClose() throws {
        let systemd = try Self.tool("systemd-analyze")
        let table = try schedules()
        XCTAssertEqual(table.map { $0["interval"] as? String ?? "" }, ["1m", "3m", "5m", "15m", "30m", "1h", "2h", "4h", "6h", "8h", "12h", "1d", "3d", "1w"])
        let minute: Int64 = 60_000
        let lengths: [String: Int64] = ["1m": 1, "3m": 3, "5m": 5, "15m": 15, "30m": 30, "1h": 60, "2h": 120, "4h": 240, "6h": 360,
                                        "8h": 480, "12h": 720, "1d": 1440, "3d": 1440, "1w": 10080]
        for row in table {
            let interval = row["interval"] as? String ?? "", cron = row["eventBridge"] as? String ?? "", calendar = row["onCalendar"] as? String ?? ""
            let offset = Int64(row["offsetMinutes"] as? Int ?? -1)
            XCTAssertNil(EventBridgeGrammar.problem(cron), "\(interval): \(cron)")
            // systemd's own parser, and the next 6 times it fires (from a fixed Thursday).
            let (status, text) = try Self.run(systemd, ["calendar", "--iterations=6", "--base-time=2026-12-03 13:00:00 UTC", calendar],
                                              environment: ["TZ": "UTC", "PATH": "/usr/bin:/bin"])
            XCTAssertEqual(status, 0, "\(interval): \(calendar): \(text)")
            let times = text.split(separator: "\n").compactMap { line -> Date? in
                guard line.contains("Next elapse:") || line.contains("Iter.") else { return nil }
                let stamp = line.split(separator: ":", maxSplits: 1)[1].trimmingCharacters(in: .whitespaces)
                let f = DateFormatter()
                f.locale = Locale(identifier: "en_US_POSIX"); f.timeZone = TimeZone(identifier: "UTC"); f.dateFormat = "EEE yyyy-MM-dd HH:mm:ss 'UTC'"
                return f.date(from: stamp)
            }
            XCTAssertEqual(times.count, 6, "\(interval): \(text)")
            let step = (lengths[interval] ?? 0) * minute
            for time in times {
                let ms = Int64(time.timeIntervalSince1970 * 1000)
                if interval == "1m" {
                    XCTAssertEqual(ms % minute, 5_000, "1m fires 5 s after each close")
                } else if interval == "1w" {
                    XCTAssertEqual((ms - offset * minute - 4 * 86_400_000) % step, 0, "weekly candles open Monday 00:00 UTC")  // 1970-01-05 was a Monday
                } else {
                    XCTAssertEqual((ms - offset * minute) % step, 0, "\(interval): \(time) is not \(offset) min after a close")
                }
                // The EventBridge expression fires at the same minute, and not in the minute before.
                if cron.hasPrefix("cron(") {
                    let whole = Date(timeIntervalSince1970: TimeInterval(ms / minute * minute) / 1000)
                    XCTAssertTrue(EventBridgeGrammar.fires(cron, at: whole), "\(interval): \(cron) does not fire at \(whole)")
                    XCTAssertFalse(EventBridgeGrammar.fires(cron, at: whole.addingTimeInterval(-60)), "\(interval): \(cron) fires early")
                }
            }
        }
        // The grammar checker itself refuses what AWS refuses.
        for bad in ["cron(1 0/4 * * * *)", "cron(60 * * * ? *)", "cron(1 0 * * ?)", "rate(1 minutes)", "rate(0 hours)", "cron(1 24 * * ? *)",
                    "cron(1 0 ? * MOM *)"] {
            XCTAssertNotNil(EventBridgeGrammar.problem(bad), bad)
        }
        XCTAssertNil(EventBridgeGrammar.problem("cron(0/15 8-17 ? * MON-FRI 2026)"))
        let bad = try Harness.run(["schedule", "--interval", "7h"], environment: [:], directory: FileManager.default.temporaryDirectory)
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.stderr.contains("unknown interval '7h'"), bad.stderr)
        let text = try Harness.run(["schedule", "--interval", "4h"], environment: [:], directory: FileManager.default.temporaryDirectory)
        XCTAssertTrue(text.stdout.contains("cron(1 0/4 * * ? *)") && text.stdout.contains("OnCalendar=*-*-* 00/4:01:00 UTC"), text.stdout)
    }

    func testSAMTemplatePassesCfnLintAndTheSAMTranslator() throws {
        let template = Harness.root.appendingPathComponent("deploy/aws/template.yaml").path
        let (lint, lintOutput) = try Self.run(try Self.tool("cfn-lint"), [template])
        XCTAssertEqual(lint, 0, lintOutput)
        let (translated, output) = try Self.run(try Self.tool("python3"), [Harness.root.appendingPathComponent("deploy/aws/check_template.py").path, template])
        XCTAssertEqual(translated, 0, output)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data((output.split(separator: "\n").last ?? "").utf8)) as? [String: Any], output)
        XCTAssertTrue((json["resources"] as? [String] ?? []).contains("AWS::Scheduler::Schedule"))
        // The template's schedule mapping is the bot's table.
        let mapping = try XCTUnwrap(json["schedules"] as? [String: [String: String]])
        for row in try schedules() {
            XCTAssertEqual(mapping[row["interval"] as? String ?? ""]?["Expression"], row["eventBridge"] as? String, "\(row)")
        }
        XCTAssertEqual(mapping.count, try schedules().count)
    }

    func testSystemdUnitsVerify() throws {
        let systemd = try Self.tool("systemd-analyze")
        let binary = try Harness.binary().path
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("units-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var paths: [String] = []
        for name in ["trading-bot.service", "trading-bot-once.service", "trading-bot-once.timer"] {
            let text = try String(contentsOf: Harness.root.appendingPathComponent("deploy/systemd/\(name)"), encoding: .utf8)
            let target = dir.appendingPathComponent(name)
            try text.replacingOccurrences(of: "/usr/local/bin/trading-bot", with: binary).write(to: target, atomically: true, encoding: .utf8)
            paths.append(target.path)
        }
        let (status, output) = try Self.run(systemd, ["verify"] + paths)
        XCTAssertEqual(status, 0, output)
        let service = try String(contentsOfFile: paths[0], encoding: .utf8)
        for line in ["Type=notify", "WatchdogSec=", "Restart=on-failure"] { XCTAssertTrue(service.contains(line), line) }
        // The timer's OnCalendar is the table's 4h line.
        let timer = try String(contentsOfFile: paths[2], encoding: .utf8)
        let fourHours = try schedules().first { $0["interval"] as? String == "4h" }?["onCalendar"] as? String ?? "?"
        XCTAssertTrue(timer.contains("OnCalendar=\(fourHours)\n"), timer)
        // A broken unit is refused (the check can fail).
        let broken = dir.appendingPathComponent("broken.service")
        try "[Service]\nType=notify\nExecStart=relative/path\n".write(to: broken, atomically: true, encoding: .utf8)
        XCTAssertNotEqual(try Self.run(systemd, ["verify", broken.path]).0, 0)
    }

    func testBootstrapStartsTheLambdaRuntime() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("task-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("trading-bot").path, withDestinationPath: try Harness.binary().path)
        let (status, output) = try Self.run("/bin/sh", [Harness.root.appendingPathComponent("deploy/aws/bootstrap").path],
                                            environment: ["LAMBDA_TASK_ROOT": dir.path, "PATH": "/usr/bin:/bin"])
        XCTAssertEqual(status, 2, output)
        XCTAssertTrue(output.contains("trading-bot lambda: AWS_LAMBDA_RUNTIME_API is not set"), output)
    }
}
