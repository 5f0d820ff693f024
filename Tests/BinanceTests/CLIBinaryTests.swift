import XCTest
import Foundation
import BinanceTestServer

/// Runs the built `trading-bot exchange ...` against the loopback server: JSON out, --verbose on stderr,
/// and the canary secret nowhere in either.
final class CLIBinaryTests: XCTestCase {
    var loop: Loopback!

    override func setUp() async throws {
        loop = Loopback()
        try await loop.start()
    }
    override func tearDown() async throws { await loop.server.stop(); loop = nil }

    /// .build/debug/trading-bot next to the test bundle, or skip.
    func binary() throws -> URL {
        var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while dir.path != "/" {
            let candidate = dir.appendingPathComponent(".build/debug/trading-bot")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        throw XCTSkip("trading-bot binary not built (run swift build first)")
    }

    func run(_ args: [String], env extra: [String: String]) throws -> (status: Int32, out: String, err: String) {
        let p = Process()
        p.executableURL = try binary()
        p.arguments = ["exchange"] + args
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("EXCHANGE_") && $0.key != "MODE" && $0.key != "ENVIRONMENT" }
        env.merge(extra) { $1 }
        p.environment = env
        p.currentDirectoryURL = FileManager.default.temporaryDirectory   // no config.yaml there
        let out = Pipe(), err = Pipe()
        p.standardOutput = out; p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    func testVerboseCallsPrintJSONAndNeverTheSecret() throws {
        let env = ["MODE": "testnet", "EXCHANGE_URL": loop.server.baseURL,
                   "EXCHANGE_API_KEY": Loopback.apiKey, "EXCHANGE_API_SECRET": Loopback.secret]
        let order = try run(["createOrder", "BTC/USDT:USDT", "limit", "buy", "0.002", "50000.06",
                             "--params", #"{"timeInForce":"GTC","clientOrderId":"cli-1"}"#, "--verbose"], env: env)
        XCTAssertEqual(order.status, 0, order.err)
        XCTAssertTrue(order.out.contains(#""clientOrderId": "cli-1""#), order.out)
        XCTAssertTrue(order.out.contains(#""price": 50000.1"#), order.out)
        XCTAssertTrue(order.out.contains(#""datetime": ""#), order.out)
        XCTAssertTrue(order.out.contains(#""info": {"#), order.out)
        XCTAssertTrue(order.err.contains("-> POST"), order.err)
        XCTAssertTrue(order.err.contains("signature="), order.err)
        XCTAssertEqual(loop.server.orders(symbol: "BTCUSDT").map(\.clientOrderId), ["cli-1"])

        // CCXT positional arguments with null / undefined for the ones left out, params last (the issue's example).
        let open = try run(["fetchOpenOrders", "BTC/USDT:USDT", "null", "undefined", #"{"trigger": true}"#, "--verbose"], env: env)
        XCTAssertEqual(open.status, 0, open.err)
        XCTAssertTrue(open.err.contains("/fapi/v1/openAlgoOrders"), open.err)
        XCTAssertEqual(open.out.trimmingCharacters(in: .whitespacesAndNewlines), "[]")
        let cancel = try run(["cancelOrder", "", "BTC/USDT:USDT", #"{"clientOrderId": "cli-1"}"#], env: env)
        XCTAssertEqual(cancel.status, 0, cancel.err)
        XCTAssertTrue(cancel.out.contains(#""status": "canceled""#), cancel.out)

        let ohlcv = try run(["fetchOHLCV", "BTC/USDT:USDT", "1m", String(Loopback.start), "3"], env: env)
        XCTAssertEqual(ohlcv.status, 0, ohlcv.err)
        XCTAssertTrue(ohlcv.out.contains(String(Loopback.start)), ohlcv.out)

        let wrong = try run(["fetchBalance", "--verbose"], env: env.merging(["EXCHANGE_API_SECRET": "wrong-" + Loopback.secret]) { $1 })
        XCTAssertEqual(wrong.status, 1)
        XCTAssertTrue(wrong.err.contains("AuthenticationError"), wrong.err)

        let dry = try run(["fetchBalance"], env: ["MODE": "dry-run", "EXCHANGE_API_SECRET": Loopback.secret])
        XCTAssertEqual(dry.status, 1)
        XCTAssertTrue(dry.err.contains("dry-run"), dry.err)

        for text in [order.out, order.err, ohlcv.out, ohlcv.err, wrong.out, wrong.err, dry.out, dry.err] {
            XCTAssertFalse(text.contains(Loopback.secret), "secret leaked: \(text)")
            XCTAssertFalse(text.contains(Loopback.apiKey), "API key not masked: \(text)")
        }
    }
}
