import XCTest
@testable import BinanceTestServer

final class ControlTests: ServerTestCase {
    func testControlEndpointsDriveClockFaultsAndAccounts() throws {
        try startServer()
        let start = Fixture.t0 + 100 * Fixture.hour + 1_800_000
        let adv = try client.send("POST", "/_test/advance", query: "ms=3600000")
        XCTAssertEqual(adv.status, 200, adv.text)
        XCTAssertEqual(adv.object["clockMs"] as? Int64, start + Fixture.hour)
        XCTAssertEqual(try client.send("POST", "/_test/clock", query: "ms=\(start)").object["clockMs"] as? Int64, start)
        XCTAssertEqual(try client.send("POST", "/_test/clock", query: "iso=2023-11-19T02:30:00Z").object["clockMs"] as? Int64, start)

        XCTAssertEqual(try client.send("POST", "/_test/fault", query: "kind=http5xx&status=500&count=2").status, 200)
        XCTAssertEqual(try client.get("/fapi/v1/ping").status, 500)
        XCTAssertEqual(try client.get("/fapi/v1/ping").status, 500)
        XCTAssertEqual(try client.get("/fapi/v1/ping").status, 200)
        XCTAssertEqual(try client.send("POST", "/_test/fault", query: "kind=nonsense").status, 400)

        XCTAssertEqual(try client.send("POST", "/_test/account", body: "apiKey=k2&secret=s2&balance=500").status, 200)
        let other = RawClient(base: server.baseURL, apiKey: "k2", secret: "s2")
        let bal = try other.signed("GET", "/fapi/v2/balance", [], server: server)
        XCTAssertEqual((bal.array.first as? [String: Any])?["balance"] as? String, "500.00000000")

        XCTAssertEqual(try client.send("POST", "/_test/price", query: "symbol=BTCUSDT&price=50000").status, 200)
        XCTAssertEqual(try client.get("/fapi/v1/ticker/price", [("symbol", "BTCUSDT")]).object["price"] as? String, "50000.00")

        let state = try client.send("GET", "/_test/state")
        XCTAssertEqual((state.object["accounts"] as? [Any])?.count, 2)
        XCTAssertEqual(state.object["clockRunning"] as? Bool, false)
        let requests = try client.send("GET", "/_test/requests").array
        XCTAssertFalse(requests.isEmpty)
        XCTAssertFalse(requests.contains { ($0 as? [String: Any])?["path"] as? String == "/_test/state" })
        XCTAssertEqual(try client.send("GET", "/_test/nothing").status, 404)
    }

    func testRunningClockMovesWithWallTime() throws {
        try startServer { $0.clockRunning = true }
        let a = server.clock.nowMs
        Thread.sleep(forTimeInterval: 0.05)
        XCTAssertGreaterThanOrEqual(server.clock.nowMs - a, 40)
        server.clock.freeze()
        let b = server.clock.nowMs
        Thread.sleep(forTimeInterval: 0.02)
        XCTAssertEqual(server.clock.nowMs, b)
    }
}

final class CandleFileTests: XCTestCase {
    func testParsesTimestampLayout() throws {
        let rows = try CandleFile.parse("timestamp,open,high,low,close,volume\n1700000000000,1.5,2,1,1.75,10\n1700003600,1.75,2.5,1.5,2,3\n")
        XCTAssertEqual(rows.count, 2)
        XCTAssertEqual(rows[0].openTime, 1_700_000_000_000)
        XCTAssertEqual(rows[1].openTime, 1_700_003_600_000)   // seconds are accepted
        XCTAssertEqual(rows[0].close, Decimal(string: "1.75"))
    }

    func testParsesCoinMarketCapLayoutToDayOpens() throws {
        let text = "SNo,Name,Symbol,Date,High,Low,Open,Close,Volume,Marketcap\n1,Bitcoin,BTC,2013-04-29 23:59:59,147.48800659179688,134.0,134.44400024414062,144.5399932861328,0.0,1603768864.5\n"
        let rows = try CandleFile.parse(text)
        XCTAssertEqual(rows.first?.openTime, 1_367_193_600_000)   // 2013-04-29 00:00 UTC
        XCTAssertEqual(rows.first?.open, Decimal(string: "134.44400024414062"))
    }

    func testBadRowsNameFileAndLine() {
        XCTAssertThrowsError(try CandleFile.parse("timestamp,open,high,low,close,volume\n1,2,3,4,x,6\n", file: "c.csv")) { error in
            XCTAssertEqual("\(error)", "c.csv:2: close 'x' is not a number")
        }
        XCTAssertThrowsError(try CandleFile.parse("a,b\n1,2\n", file: "c.csv")) { error in
            XCTAssertTrue("\(error)".hasPrefix("c.csv:1: header 'a,b' lacks"))
        }
        XCTAssertThrowsError(try CandleFile.parse("timestamp,open,high,low,close\n2,1,1,1,1\n1,1,1,1,1\n", file: "c.csv")) { error in
            XCTAssertTrue("\(error)".contains("c.csv:3:"))
        }
        XCTAssertThrowsError(try CandleFile.load(path: "/nonexistent/x.csv"))
    }

    /// The real shared data file, served as daily klines with prices on BTCUSDT's 0.10 tick.
    func testRealBitcoinFileServesDailyKlines() throws {
        var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        var found: URL?
        for _ in 0..<8 {
            let candidate = dir.appendingPathComponent("shared/data/coin_Bitcoin.csv")
            if FileManager.default.fileExists(atPath: candidate.path) { found = candidate; break }
            dir = dir.deletingLastPathComponent()
        }
        guard let file = found else { throw XCTSkip("shared/data/coin_Bitcoin.csv not present") }
        var options = BinanceTestServer.Options()
        options.clockRunning = false
        options.startTimeMs = 1_609_459_200_000 + 12 * 3_600_000   // 2021-01-01 12:00 UTC
        let server = BinanceTestServer(options: options)
        try server.loadCandles(symbol: "BTCUSDT", interval: "1d", csvPath: file.path)
        try blocking { try await server.start() }
        let client = RawClient(base: server.baseURL)
        let rows = try client.get("/fapi/v1/klines", [("symbol", "BTCUSDT"), ("interval", "1d"), ("limit", "2")]).array.compactMap { $0 as? [Any] }
        try blocking { await server.stop() }
        XCTAssertEqual(rows.count, 2)
        XCTAssertEqual(rows[1][0] as? Int64, 1_609_459_200_000)
        let close = try XCTUnwrap(rows[0][4] as? String)
        XCTAssertTrue(close.hasSuffix("0"), close)   // on the 0.10 tick, printed with 2 decimals
        XCTAssertEqual(close.split(separator: ".").last?.count, 2)
    }
}
