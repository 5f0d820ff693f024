import Bot
import Foundation
import HTTPClient
import XCTest

/// The status page and REST API of the real binary (API_SERVER_LISTEN), over real HTTP, and the page rendered by
/// headless Chromium at desktop and phone widths.
final class StatusPageEndToEndTests: XCTestCase {
    static let password = "pw-CANARY-4711"

    private func requireModel() throws {
        guard FileManager.default.fileExists(atPath: Scenario.modelPath) else { throw XCTSkip("shipped model missing") }
    }

    private func config(_ scenario: Scenario) -> String { scenario.directory.appendingPathComponent("config.yaml").path }

    /// Runs candles first...last with --once, so the journal has cycles and orders to show.
    private func trade(_ scenario: Scenario, through last: Int) throws {
        for index in 5...last {
            try scenario.exchange?.setClock(scenario.after(index))
            let output = try scenario.bot(["run", "--once", "--config", config(scenario)], environment: scenario.credentials)
            XCTAssertEqual(output.status, 0, output.stderr)
        }
    }

    /// Starts `run` with the API on an ephemeral port; returns the process and the port from its log line.
    private func startBot(_ scenario: Scenario, env: [String: String]) throws -> (Harness.Running, UInt16) {
        let running = try Harness.start(["run", "--config", config(scenario)], environment: scenario.credentials.merging(env) { _, b in b },
                                        directory: scenario.directory)
        addTeardownBlock {
            if running.process.isRunning { running.process.terminate(); running.process.waitUntilExit() }
        }
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            let out = running.stdout()
            if let range = out.range(of: #"REST API on http://127\.0\.0\.1:(\d+)/"#, options: .regularExpression) {
                let text = String(out[range])
                if let port = text.split(separator: ":").last.flatMap({ UInt16($0.dropLast()) }) { return (running, port) }
            }
            usleep(50_000)
        }
        throw XCTSkip("the bot did not start its API: \(running.stdout())\n\(running.stderr())")
    }

    /// Over the project's own libcurl client.
    private func request(_ method: String, _ url: String, auth: String? = nil, body: String? = nil) throws -> (Int, Data, [String: String]) {
        var headers: [(String, String)] = []
        if let auth { headers.append(("Authorization", auth)) }
        if body != nil { headers.append(("Content-Type", "application/json")) }
        let request = HTTPRequest(method: method, url: url, headers: headers, body: body.map { Data($0.utf8) })
        let response = try TestExchange.blocking { try await CurlTransport(connectTimeoutMs: 2_000, totalTimeoutMs: 30_000).send(request) }
        return (response.status, response.body, response.headers)
    }

    private func basic(_ user: String, _ password: String) -> String { "Basic " + Data("\(user):\(password)".utf8).base64EncodedString() }

    func testNonLoopbackBindNeedsAPassword() throws {
        try requireModel()
        let scenario = try Scenario(self)
        _ = try scenario.startExchange()
        try scenario.writeConfig(mode: "testnet")
        let output = try scenario.bot(["run", "--once", "--config", config(scenario)],
                                      environment: scenario.credentials.merging(["API_SERVER_LISTEN": "0.0.0.0:0"]) { _, b in b })
        XCTAssertEqual(output.status, 2)
        XCTAssertTrue(output.stderr.contains("API_SERVER_LISTEN: 0.0.0.0:0 is reachable from other machines; set API_SERVER_PASSWORD"), output.stderr)
        XCTAssertEqual(try scenario.exchange?.requests().filter { ($0["path"] as? String) == "/fapi/v1/order" }.count, 0, "nothing traded")
    }

    func testAPINeedsCredentialsAndClosesAll() throws {
        try requireModel()
        let scenario = try Scenario(self)
        let exchange = try scenario.startExchange()
        try scenario.writeConfig(mode: "testnet")
        let expected = try scenario.expectedDecisions(indices: 5...30, threshold: 0.002)
        let opening = try XCTUnwrap(expected.firstIndex { $0.contains("open") }.map { 5 + $0 })
        try trade(scenario, through: opening)
        let (running, port) = try startBot(scenario, env: ["API_SERVER_LISTEN": "127.0.0.1:0", "API_SERVER_PASSWORD": Self.password])
        let base = "http://127.0.0.1:\(port)"

        XCTAssertEqual(try request("GET", base + "/api/v1/ping").0, 200)
        let anonymous = try request("GET", base + "/api/v1/status")
        XCTAssertEqual(anonymous.0, 401)
        XCTAssertEqual(anonymous.2["www-authenticate"], "Basic realm=\"trading-bot\", charset=\"UTF-8\"")
        XCTAssertEqual(try request("GET", base + "/", auth: basic("admin", "wrong")).0, 401)
        XCTAssertEqual(try request("GET", base + "/api/v1/status", auth: basic("root", Self.password)).0, 401)
        let status = try request("GET", base + "/api/v1/status", auth: basic("admin", Self.password))
        XCTAssertEqual(status.0, 200)
        let rows = try XCTUnwrap(try JSONSerialization.jsonObject(with: status.1) as? [[String: Any]])
        XCTAssertEqual(rows.first?["symbol"] as? String, "BTC/USDT:USDT")
        XCTAssertNotEqual(rows.first?["side"] as? String, "flat")
        for path in ["/api/v1/balance", "/api/v1/profit", "/api/v1/daily", "/api/v1/trades", "/api/v1/health", "/"] {
            XCTAssertEqual(try request("GET", base + path, auth: basic("admin", Self.password)).0, 200, path)
        }

        // POSTs need a bearer token: Basic alone (what a browser would replay) is not enough.
        XCTAssertEqual(try request("POST", base + "/api/v1/forceexit", auth: basic("admin", Self.password), body: #"{"tradeid":"all"}"#).0, 401)
        XCTAssertEqual(try request("POST", base + "/api/v1/token/login").0, 401)
        let login = try request("POST", base + "/api/v1/token/login", auth: basic("admin", Self.password))
        XCTAssertEqual(login.0, 200)
        let token = try XCTUnwrap((try JSONSerialization.jsonObject(with: login.1) as? [String: Any])?["access_token"] as? String)
        XCTAssertEqual(try request("POST", base + "/api/v1/forceexit", auth: "Bearer " + token + "x", body: #"{"tradeid":"all"}"#).0, 401)
        let close = try request("POST", base + "/api/v1/forceexit", auth: "Bearer " + token, body: #"{"tradeid":"all"}"#)
        XCTAssertEqual(close.0, 200, String(decoding: close.1, as: UTF8.self))
        let positions = ((try exchange.state()["accounts"] as? [[String: Any]])?.first?["positions"] as? [[String: Any]]) ?? []
        XCTAssertEqual(positions.count, 0, "the account is flat on the exchange")
        let after = try request("GET", base + "/api/v1/status", auth: "Bearer " + token)
        XCTAssertEqual((try JSONSerialization.jsonObject(with: after.1) as? [[String: Any]])?.first?["paused"] as? Bool, true)

        running.process.terminate()
        running.process.waitUntilExit()
        for file in try FileManager.default.contentsOfDirectory(atPath: scenario.directory.path) where !file.hasSuffix(".csv") {
            let bytes = (try? Data(contentsOf: scenario.directory.appendingPathComponent(file))) ?? Data()
            XCTAssertNil(bytes.range(of: Data(Self.password.utf8)), "the API password is not in \(file)")
        }
    }

    func testThePageRendersInHeadlessChromiumAtDesktopAndPhoneWidths() throws {
        try requireModel()
        guard let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw XCTSkip("chromium is not installed (apt-get install -y chromium; .ci/run does)")
        }
        let scenario = try Scenario(self)
        _ = try scenario.startExchange()
        try scenario.writeConfig(mode: "testnet")
        try trade(scenario, through: 20)
        let (_, port) = try startBot(scenario, env: ["API_SERVER_LISTEN": "127.0.0.1:0"])
        let url = "http://127.0.0.1:\(port)/"
        let shots = ProcessInfo.processInfo.environment["TRADINGBOT_SCREENSHOT_DIR"].map { URL(fileURLWithPath: $0) } ?? scenario.directory
        try FileManager.default.createDirectory(at: shots, withIntermediateDirectories: true)
        func chrome(_ arguments: [String]) throws -> String {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: chromium)
            let profile = scenario.directory.appendingPathComponent("chromium-\(UUID().uuidString)")
            process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars",
                                 "--user-data-dir=\(profile.path)", "--virtual-time-budget=3000"] + arguments + [url]
            let out = scenario.directory.appendingPathComponent("chromium-\(UUID().uuidString).txt")
            FileManager.default.createFile(atPath: out.path, contents: nil)
            process.standardOutput = try FileHandle(forWritingTo: out)
            process.standardError = FileHandle.nullDevice
            try process.run()
            let deadline = Date().addingTimeInterval(90)
            while process.isRunning && Date() < deadline { usleep(50_000) }
            if process.isRunning { process.terminate(); throw XCTSkip("chromium did not finish in 90 s") }
            return (try? String(contentsOf: out, encoding: .utf8)) ?? ""
        }
        let dom = try chrome(["--dump-dom", "--window-size=1280,2400"])
        for text in ["trading-bot — BTC/USDT:USDT", "Positions", "Equity", "Daily P&amp;L", "Predictions", "Recent orders", "tb-BTCUSDT-",
                     "Recent errors and warnings", "Notifications", "Type <b>CLOSE ALL</b> to confirm", "model.keras (trained 2013-04-29"] {
            XCTAssertTrue(dom.contains(text), "the rendered page shows '\(text)'")
        }
        XCTAssertTrue(dom.contains("<svg"), "charts are inline SVG")
        for (name, size) in [("desktop", "1280,2400"), ("phone", "390,3200")] {
            let file = shots.appendingPathComponent("status-\(name).png")
            try? FileManager.default.removeItem(at: file)
            _ = try chrome(["--screenshot=\(file.path)", "--window-size=\(size)"])
            let png = try Data(contentsOf: file)
            XCTAssertGreaterThan(png.count, 20_000, "\(name) screenshot has content")
            XCTAssertEqual(Array(png.prefix(4)), [0x89, 0x50, 0x4E, 0x47], "\(name) is a PNG")
        }
    }
}
