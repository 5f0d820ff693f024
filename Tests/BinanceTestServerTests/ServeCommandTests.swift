import Foundation
import XCTest

/// Runs the real `trading-bot serve-test-exchange` binary: first stdout line, HTTP, control
/// endpoints, and a clean exit on SIGTERM.
final class ServeCommandTests: XCTestCase {
    func binary() throws -> URL {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let url = root.appendingPathComponent(".build/debug/trading-bot")
        guard FileManager.default.isExecutableFile(atPath: url.path) else {
            throw XCTSkip("trading-bot not built at \(url.path); run swift build first")
        }
        return url
    }

    func testServesAndStopsOnSigterm() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("serve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = dir.appendingPathComponent("c.csv")
        try "timestamp,open,high,low,close,volume\n1609459200000,100,110,90,105,1\n1609545600000,105,120,100,115,2\n".write(to: csv, atomically: true, encoding: .utf8)

        let process = Process()
        process.executableURL = try binary()
        process.arguments = ["serve-test-exchange", "--port", "0", "--candles", csv.path, "--symbol", "BTCUSDT", "--interval", "1d",
                             "--api-key", "K", "--api-secret", "canary-secret-123", "--balance", "1000",
                             "--start-time", "2021-01-02T06:00:00Z", "--clock", "frozen"]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        defer { if process.isRunning { process.terminate() } }

        // First line, flushed: "listening on http://127.0.0.1:PORT".
        var line = Data()
        let handle = out.fileHandleForReading
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        let first = String(decoding: line, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? ""
        XCTAssertTrue(first.hasPrefix("listening on http://127.0.0.1:"), first)
        let base = String(first.dropFirst("listening on ".count))

        let client = RawClient(base: base, apiKey: "K", secret: "canary-secret-123")
        defer { client.session.invalidateAndCancel() }
        let time = try client.get("/fapi/v1/time").object["serverTime"] as? Int64
        XCTAssertEqual(time, 1_609_567_200_000)
        let klines = try client.get("/fapi/v1/klines", [("symbol", "BTCUSDT"), ("interval", "1d")]).array
        XCTAssertEqual(klines.count, 2)
        let state = try client.send("POST", "/_test/advance", query: "ms=86400000")
        XCTAssertEqual(state.object["clockMs"] as? Int64, 1_609_653_600_000)
        let ts = String(1_609_653_600_000 as Int64)
        let payload = "timestamp=\(ts)"
        let balance = try client.send("GET", "/fapi/v2/balance", query: payload + "&signature=" + RawClient.sign(payload, secret: "canary-secret-123"),
                                      headers: ["X-MBX-APIKEY": "K"])
        XCTAssertEqual((balance.array.first as? [String: Any])?["balance"] as? String, "1000.00000000", balance.text)

        process.terminate()   // SIGTERM
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let stdout = first + String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertFalse((stdout + stderr).contains("canary-secret-123"))
    }

    func testBadCandleFileIsOneLineError() throws {
        let process = Process()
        process.executableURL = try binary()
        process.arguments = ["serve-test-exchange", "--api-key", "K", "--api-secret", "S", "--candles", "/nonexistent/c.csv"]
        let err = Pipe()
        process.standardError = err
        process.standardOutput = Pipe()
        try process.run()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 1)
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertEqual(text, "error: /nonexistent/c.csv: cannot read the file; check the path\n")
    }
}
