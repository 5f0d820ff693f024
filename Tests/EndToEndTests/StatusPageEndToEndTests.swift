import Bot
import Foundation
import HTTPClient
import HTTPServer
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

/// `trading-bot close-all` from a shell, and the generic webhook channel.
final class CloseAllAndWebhookEndToEndTests: XCTestCase {
    func testCloseAllCommandFlattensCancelsConditionalOrdersAndWritesTheWebhook() throws {
        guard FileManager.default.fileExists(atPath: Scenario.modelPath) else { throw XCTSkip("shipped model missing") }
        let scenario = try Scenario(self)
        let exchange = try scenario.startExchange()
        let hook = try WebhookLoopback()
        defer { hook.stop() }
        try scenario.writeConfig(mode: "testnet", extra: ["STOP_LOSS_ON_EXCHANGE": "true"])
        var env = scenario.credentials
        env["WEBHOOK_URL"] = hook.url + "/hook/SECRET-path"
        hook.failNext(2)  // the first two posts get a 503: retried
        let expected = try scenario.expectedDecisions(indices: 5...30, threshold: 0.002)
        let opening = try XCTUnwrap(expected.firstIndex { $0.contains("open") }.map { 5 + $0 })
        let config = scenario.directory.appendingPathComponent("config.yaml").path
        for index in 5...opening {
            try exchange.setClock(scenario.after(index))
            let output = try scenario.bot(["run", "--once", "--config", config], environment: env)
            XCTAssertEqual(output.status, 0, output.stderr)
        }
        let before = try exchange.state()
        XCTAssertEqual(((before["algoOrders"] as? [[String: Any]]) ?? []).filter { ($0["algoStatus"] as? String) == "NEW" }.count, 1,
                       "the exchange-side stop loss is working")
        let output = try scenario.bot(["close-all", "--config", config], environment: env)
        XCTAssertEqual(output.status, 0, output.stdout + output.stderr)
        XCTAssertTrue(output.stdout.contains("cancelled 1 conditional order"), output.stdout)
        XCTAssertTrue(output.stdout.contains("account is flat"), output.stdout)
        let after = try exchange.state()
        XCTAssertEqual(((after["accounts"] as? [[String: Any]])?.first?["positions"] as? [[String: Any]] ?? []).count, 0)
        XCTAssertEqual(((after["algoOrders"] as? [[String: Any]]) ?? []).filter { ($0["algoStatus"] as? String) == "NEW" }.count, 0)
        let again = try scenario.bot(["close-all", "--config", config], environment: env)
        XCTAssertEqual(again.status, 0)
        XCTAssertTrue(again.stdout.contains("no open position"), again.stdout)
        XCTAssertEqual(((try exchange.state()["orders"] as? [[String: Any]]) ?? []).count, ((after["orders"] as? [[String: Any]]) ?? []).count,
                       "a second close-all sends nothing")

        // The webhook got every notification once, in order, as JSON, through the 503s. (The CLI does not deliver:
        // the next `run` does.)
        try exchange.setClock(scenario.after(opening))
        _ = try scenario.bot(["run", "--once", "--config", config], environment: env)
        let posts = hook.bodies.compactMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
        let ids = posts.compactMap { ($0["id"] as? NSNumber)?.int64Value }
        XCTAssertEqual(ids, ids.sorted(), "in outbox order")
        XCTAssertEqual(Set(ids).count, ids.count, "each once")
        let kinds = posts.compactMap { $0["kind"] as? String }
        XCTAssertTrue(kinds.contains("entry_fill") && kinds.contains("exit_fill") && kinds.contains("status"), "\(kinds)")
        XCTAssertTrue(posts.contains { ($0["title"] as? String) == "ℹ️ Close-all done — BTC/USDT:USDT" }, "\(posts.map { $0["title"] ?? "" })")
        XCTAssertGreaterThanOrEqual(hook.attempts, posts.count + 2)
    }
}

/// A webhook receiver on 127.0.0.1 that records bodies and can answer 503 a few times.
final class WebhookLoopback: @unchecked Sendable {
    private var server: HTTP1Server?
    private let lock = NSLock()
    private var received: [Data] = []
    private var failing = 0
    private var count = 0
    private(set) var port: UInt16 = 0
    init() throws {
        let server = HTTP1Server(port: 0) { [unowned self] request in
            self.lock.lock(); defer { self.lock.unlock() }
            self.count += 1
            if self.failing > 0 { self.failing -= 1; return .send(WireResponse(status: 503)) }
            self.received.append(request.body)
            return .send(WireResponse(status: 204))
        }
        port = try server.start()
        self.server = server
    }
    var url: String { "http://127.0.0.1:\(port)" }
    func failNext(_ n: Int) { lock.withLock { failing = n } }
    var bodies: [Data] { lock.withLock { received } }
    var attempts: Int { lock.withLock { count } }
    func stop() { server?.stop() }
}
