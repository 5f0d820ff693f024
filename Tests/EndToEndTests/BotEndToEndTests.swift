import Bot
import Exchange
import Foundation
import XCTest

/// The real `trading-bot` binary against the loopback Binance server, in testnet mode.
final class BotEndToEndTests: XCTestCase {
    private func requireModel() throws {
        guard FileManager.default.fileExists(atPath: Scenario.modelPath), FileManager.default.fileExists(atPath: Scenario.scalersPath) else {
            throw XCTSkip("shipped model or scalers missing")
        }
    }

    func testPredictPrintsWhatTheModelComputes() throws {
        try requireModel()
        let scenario = try Scenario(self)
        let exchange = try scenario.startExchange()
        try exchange.setClock(scenario.after(20) + 3_600_000)  // candle 21 is open: it must be ignored
        try scenario.writeConfig(mode: "testnet")
        let output = try scenario.bot(["predict", "--json"])
        XCTAssertEqual(output.status, 0, output.stderr)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any], output.stdout)

        let predictor = try Predictor.load(modelPath: Scenario.modelPath, scalersPath: Scenario.scalersPath, windowSize: 5, targetColumn: 3)
        let expected = try predictor.predict(Array(scenario.candles[16...20]))
        XCTAssertEqual(json["symbol"] as? String, "BTC/USDT:USDT")
        XCTAssertEqual(json["interval"] as? String, "1d")
        XCTAssertEqual(json["candle_time"] as? String, UTCTime.iso(scenario.candles[20].timestamp))
        XCTAssertEqual(json["close"] as? Double, scenario.candles[20].close)
        XCTAssertEqual(try XCTUnwrap(json["predicted"] as? Double), expected, accuracy: abs(expected) * 1e-12)
        let change = (expected - scenario.candles[20].close) / scenario.candles[20].close
        XCTAssertEqual(try XCTUnwrap(json["change"] as? Double), change, accuracy: 1e-12)
        let signal = abs(change) > 0.002 ? (change > 0 ? "long" : "short") : "none"
        XCTAssertEqual(json["signal"] as? String, signal)
        // Public endpoints only: no signed request, no key sent.
        for request in try exchange.requests() {
            XCTAssertFalse((request["query"] as? String ?? "").contains("signature"), "\(request)")
        }

        // The same window from a local file gives the same number, with no network at all.
        let fileWindow = scenario.directory.appendingPathComponent("window.csv")
        try CandleFile.csv(Array(scenario.candles[0...20])).write(to: fileWindow, atomically: true, encoding: .utf8)
        let offline = try scenario.bot(["predict", "--json", "--candles", fileWindow.path])
        XCTAssertEqual(offline.status, 0, offline.stderr)
        let offlineJSON = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(offline.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(offlineJSON["predicted"] as? Double, json["predicted"] as? Double)
        let text = try scenario.bot(["predict", "--candles", fileWindow.path])
        XCTAssertTrue(text.stdout.contains("predicted"), text.stdout)
    }

    /// Runs `run --once` at each candle close from `first` to `last`; returns the journal afterwards.
    private func runCandles(_ scenario: Scenario, exchange: TestExchange?, first: Int, last: Int, mode: String,
                            journal: String) throws -> [[String: Any]] {
        for index in first...last {
            try exchange?.setClock(scenario.after(index))
            let output = try scenario.bot(["run", "--once", "--config", scenario.directory.appendingPathComponent("config.yaml").path],
                                          environment: mode == "dry-run" ? [:] : scenario.credentials)
            XCTAssertEqual(output.status, 0, "candle \(index): \(output.stderr)\n\(output.stdout)")
            XCTAssertFalse(output.stdout.contains(TestExchange.apiSecret) || output.stderr.contains(TestExchange.apiSecret))
        }
        return try scenario.journal(journal).cycles
    }

    func testRunTradesAsTheStrategySaysAndDryRunAgrees() throws {
        try requireModel()
        let scenario = try Scenario(self)
        let exchange = try scenario.startExchange()
        try exchange.setClock(scenario.after(5))
        try scenario.writeConfig(mode: "testnet", journal: "testnet.sqlite")
        let cycles = try runCandles(scenario, exchange: exchange, first: 5, last: 18, mode: "testnet", journal: "testnet.sqlite")

        let expected = try scenario.expectedDecisions(indices: 5...18, threshold: 0.002)
        XCTAssertTrue(expected.contains { $0.hasPrefix("open") } && expected.contains { $0.hasPrefix("close") },
                      "the fixture must open and close positions: \(expected)")
        XCTAssertEqual(cycles.map { $0["decision"] as? String ?? "-" }, expected)
        XCTAssertEqual(cycles.map { $0["status"] as? String ?? "-" }, Array(repeating: "done", count: expected.count))

        // Leverage and margin type were set before the first order; every order signed; quantities on the step.
        let requests = try exchange.requests()
        let paths = requests.map { "\($0["method"] as? String ?? "") \($0["path"] as? String ?? "")" }
        let firstOrder = try XCTUnwrap(paths.firstIndex(of: "POST /fapi/v1/order"), "no order was sent")
        let leverage = try XCTUnwrap(paths.firstIndex(of: "POST /fapi/v1/leverage"))
        XCTAssertLessThan(leverage, firstOrder)
        XCTAssertTrue(paths.contains("POST /fapi/v1/marginType"))
        let leverageRequest = requests[leverage]
        XCTAssertTrue(("\(leverageRequest["query"] ?? "")\(leverageRequest["body"] ?? "")").contains("leverage=2"))
        for request in requests where (request["path"] as? String) == "/fapi/v1/order" && (request["method"] as? String) == "POST" {
            let text = "\(request["query"] ?? "")&\(request["body"] ?? "")"
            XCTAssertTrue(text.contains("signature="), text)
            XCTAssertEqual(request["status"] as? Int, 200, text)
            let quantity = text.split(separator: "&").first { $0.hasPrefix("quantity=") }.map { String($0.dropFirst(9)) } ?? ""
            let amount = try XCTUnwrap(Decimal(string: quantity), text)
            XCTAssertEqual(amount, Precision.toStep(amount, step: Decimal(string: "0.001")!, rounding: .truncate), "off step: \(quantity)")
            XCTAssertFalse(text.contains(TestExchange.apiSecret))
        }
        // The journal's orders match the server's, one for one.
        let journalOrders = try scenario.journal("testnet.sqlite").orders
        let state = try exchange.state()
        let serverOrders = state["orders"] as? [[String: Any]] ?? []
        XCTAssertEqual(Set(journalOrders.compactMap { $0["client_order_id"] as? String }),
                       Set(serverOrders.compactMap { $0["clientOrderId"] as? String }))
        XCTAssertTrue(journalOrders.allSatisfy { $0["state"] as? String == "sent" })
        // The journal never holds the key or the secret (nor does its write-ahead log).
        for file in ["testnet.sqlite", "testnet.sqlite-wal"] {
            let bytes = (try? Data(contentsOf: scenario.directory.appendingPathComponent(file))) ?? Data()
            XCTAssertNil(bytes.range(of: Data(TestExchange.apiSecret.utf8)), file)
            XCTAssertNil(bytes.range(of: Data(TestExchange.apiKey.utf8)), file)
        }
        let text = try scenario.bot(["journal", "--journal", "testnet.sqlite", "--limit", "3"])
        XCTAssertEqual(text.status, 0, text.stderr)
        XCTAssertEqual(text.stdout.split(separator: "\n").filter { $0.hasPrefix("#") }.count, 3, text.stdout)
        XCTAssertTrue(text.stdout.contains("tb-BTCUSDT-"), text.stdout)

        // Dry-run on the same candles (market data from the same server, no keys) decides the same.
        try scenario.writeConfig(mode: "dry-run", journal: "dry.sqlite")
        try exchange.control("POST", "/_test/clear-requests")
        let dry = try runCandles(scenario, exchange: exchange, first: 5, last: 18, mode: "dry-run", journal: "dry.sqlite")
        XCTAssertEqual(dry.map { $0["decision"] as? String ?? "-" }, expected)
        for request in try exchange.requests() {
            XCTAssertFalse((request["query"] as? String ?? "").contains("signature"), "dry-run must not sign: \(request)")
            XCTAssertNotEqual(request["path"] as? String, "/fapi/v1/order")
        }
    }

    func testKilledRightAfterSendingThenRestartedLeavesExactlyOneOrder() throws {
        try requireModel()
        let scenario = try Scenario(self)
        let exchange = try scenario.startExchange()
        // Find a candle where the model opens a position from flat.
        let decisions = try scenario.expectedDecisions(indices: 5...30, threshold: 0.002)
        let index = try XCTUnwrap(decisions.firstIndex { $0.hasPrefix("open") }) + 5
        try exchange.setClock(scenario.after(index))
        try scenario.writeConfig(mode: "testnet")
        // The order is executed, then the connection drops; the client's look-up of it hangs: we kill it there.
        try exchange.control("POST", "/_test/fault", ["kind": "acceptThenDrop", "method": "POST", "path": "/fapi/v1/order", "count": "1"])
        try exchange.control("POST", "/_test/fault", ["kind": "latency", "seconds": "20", "method": "GET", "path": "/fapi/v1/order", "count": "5"])
        let running = try Harness.start(["run", "--once"], environment: scenario.credentials, directory: scenario.directory)
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if ((try exchange.state()["orders"] as? [[String: Any]]) ?? []).count == 1 { break }
            usleep(20_000)
        }
        XCTAssertEqual(((try exchange.state()["orders"] as? [[String: Any]]) ?? []).count, 1, running.stderr())
        usleep(100_000)
        kill(running.process.processIdentifier, SIGKILL)
        running.process.waitUntilExit()
        XCTAssertEqual(running.process.terminationReason, .uncaughtSignal, running.stdout() + running.stderr())

        try exchange.control("POST", "/_test/clear-faults")
        let restart = try scenario.bot(["run", "--once"], environment: scenario.credentials)
        XCTAssertEqual(restart.status, 0, restart.stderr)
        XCTAssertTrue(restart.stdout.contains("was placed"), restart.stdout)

        let serverOrders = (try exchange.state()["orders"] as? [[String: Any]]) ?? []
        XCTAssertEqual(serverOrders.count, 1, "exactly one order on the server: \(serverOrders)")
        let journal = try scenario.journal()
        XCTAssertEqual(journal.orders.count, 1)
        XCTAssertEqual(journal.orders.first?["state"] as? String, "sent")
        XCTAssertEqual(journal.orders.first?["client_order_id"] as? String, serverOrders.first?["clientOrderId"] as? String)
        // The interrupted cycle is marked, and the re-run of the same candle holds the position it found.
        XCTAssertEqual(journal.cycles.map { $0["status"] as? String ?? "" }, ["failed", "done"])
        XCTAssertEqual(journal.cycles.last?["decision"] as? String, "hold")
        XCTAssertNotNil(journal.cycles.last?["position_side"] as? String)
    }

    func testStopLossIsPlacedOnTheExchangeAndCancelledWithThePosition() throws {
        try requireModel()
        let scenario = try Scenario(self)
        let exchange = try scenario.startExchange()
        let decisions = try scenario.expectedDecisions(indices: 5...18, threshold: 0.002)
        let open = try XCTUnwrap(decisions.firstIndex { $0.hasPrefix("open") }) + 5
        let close = try XCTUnwrap(decisions[(open - 5 + 1)...].firstIndex { $0.hasPrefix("close") }) + 5
        try scenario.writeConfig(mode: "testnet", extra: ["STOP_LOSS": "0.05", "STOP_LOSS_ON_EXCHANGE": "true"])
        func runOnce(_ index: Int) throws -> [[String: Any]] {
            try exchange.setClock(scenario.after(index))
            let output = try scenario.bot(["run", "--once", "--log-format", "json"], environment: scenario.credentials)
            XCTAssertEqual(output.status, 0, output.stderr)
            // Every line of --log-format json is one JSON object.
            for line in output.stdout.split(separator: "\n") {
                XCTAssertNotNil(try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], String(line))
            }
            return (try exchange.state()["algoOrders"] as? [[String: Any]]) ?? []
        }
        let afterOpen = try runOnce(open)
        let stop = try XCTUnwrap(afterOpen.first, "no stop-loss order after the entry")
        XCTAssertEqual(afterOpen.count, 1)
        XCTAssertEqual(stop["orderType"] as? String, "STOP_MARKET")
        XCTAssertEqual(stop["reduceOnly"] as? Bool, true)
        XCTAssertEqual(stop["algoStatus"] as? String, "NEW")
        let state = try exchange.state()
        let position = try XCTUnwrap(((state["accounts"] as? [[String: Any]])?.first?["positions"] as? [[String: Any]])?.first)
        let amount = try XCTUnwrap(Decimal(string: position["positionAmt"] as? String ?? ""))
        let entry = try XCTUnwrap(Decimal(string: position["entryPrice"] as? String ?? ""))
        let long = amount > 0
        XCTAssertEqual(stop["side"] as? String, long ? "SELL" : "BUY")
        XCTAssertEqual(Decimal(string: stop["quantity"] as? String ?? ""), abs(amount))
        let raw = entry * (long ? Decimal(string: "0.95")! : Decimal(string: "1.05")!)
        let trigger = try XCTUnwrap(Decimal(string: stop["triggerPrice"] as? String ?? ""))
        XCTAssertEqual(trigger, Precision.toStep(raw, step: Decimal(string: "0.1")!, rounding: long ? .down : .up))
        for index in (open + 1)...close { _ = try runOnce(index) }
        let afterClose = (try exchange.state()["algoOrders"] as? [[String: Any]]) ?? []
        XCTAssertFalse(afterClose.contains { $0["algoStatus"] as? String == "NEW" && $0["clientAlgoId"] as? String == stop["clientAlgoId"] as? String },
                       "the stop of the closed position is still working: \(afterClose)")
    }

    func testBadConfigGivesOneLinePerProblemExitTwoAndNoNetworkCall() throws {
        let scenario = try Scenario(self)
        let exchange = try scenario.startExchange()
        try scenario.writeConfig(mode: "testnet", extra: ["SYMBOL": "BTCUSDT", "LEVERAGE": "-3", "MODEL_PATH": "missing/model.keras",
                                                          "THRESHOLD": "one percent"])
        let before = (try exchange.state()["requestCount"] as? Int) ?? -1
        for command in [["run"], ["run", "--once"], ["predict"]] {
            let output = try scenario.bot(command, environment: scenario.credentials)
            XCTAssertEqual(output.status, 2, "\(command): \(output.stderr)")
            let problems = output.stderr.split(separator: "\n").filter { $0.hasPrefix("config error:") }
            XCTAssertEqual(problems.count, 4, output.stderr)
            for key in ["SYMBOL", "LEVERAGE", "MODEL_PATH", "THRESHOLD"] {
                XCTAssertEqual(problems.filter { $0.contains(" \(key) = ") }.count, 1, "\(key): \(output.stderr)")
            }
            XCTAssertFalse(output.stderr.contains(TestExchange.apiSecret))
        }
        XCTAssertEqual((try exchange.state()["requestCount"] as? Int) ?? -1, before, "no request reached the exchange")
    }

    func testPredictWithoutTheExchangeSaysHowToPredictOffline() throws {
        let scenario = try Scenario(self)
        // Nothing listens on port 9: every attempt fails to connect.
        try scenario.writeConfig(mode: "dry-run", extra: ["EXCHANGE_URL": "http://127.0.0.1:9", "RETRY_DELAY": "0.01"])
        let output = try scenario.bot(["predict"], environment: [:])
        XCTAssertEqual(output.status, 1, output.stderr)
        let last = try XCTUnwrap(output.stderr.split(separator: "\n").last)
        XCTAssertTrue(last.hasPrefix("trading-bot predict: NetworkError"), output.stderr)
        XCTAssertTrue(last.hasSuffix("offline, predict from a candle file instead: trading-bot predict --candles FILE.csv"), output.stderr)
    }

    func testSIGINTStopsTheLoopCleanlyWhileItWaitsForTheNextCandle() throws {
        try requireModel()
        let scenario = try Scenario(self)
        let exchange = try scenario.startExchange()
        try exchange.setClock(scenario.after(5))
        try scenario.writeConfig(mode: "testnet")
        let running = try Harness.start(["run"], environment: scenario.credentials, directory: scenario.directory)
        let deadline = Date().addingTimeInterval(30)
        while !running.stdout().contains("[done]") && Date() < deadline && running.process.isRunning { usleep(20_000) }
        XCTAssertTrue(running.stdout().contains("[done]"), running.stdout() + running.stderr())
        usleep(300_000)  // now asleep until the next candle, a simulated day away
        let sent = Date()
        kill(running.process.processIdentifier, SIGINT)
        while running.process.isRunning && Date().timeIntervalSince(sent) < 10 { usleep(10_000) }
        XCTAssertFalse(running.process.isRunning, "still running 10 s after SIGINT")
        if running.process.isRunning { running.process.terminate() }
        running.process.waitUntilExit()
        XCTAssertLessThan(Date().timeIntervalSince(sent), 3)
        XCTAssertEqual(running.process.terminationReason, .exit)
        XCTAssertEqual(running.process.terminationStatus, 0, running.stderr())
        XCTAssertTrue(running.stdout().contains("received SIGINT"), running.stdout())
        XCTAssertTrue(running.stdout().contains("stopped after 1 cycle"), running.stdout())
    }

    func testLiveRunsOnlyWithConfirmationAndSaysSo() throws {
        try requireModel()
        let scenario = try Scenario(self)
        let exchange = try scenario.startExchange()
        try scenario.writeConfig(mode: "live")  // EXCHANGE_URL points at the loopback server: no real money here
        let output = try scenario.bot(["run", "--once", "--confirm-live"], environment: scenario.credentials)
        XCTAssertEqual(output.status, 0, output.stderr)
        let banner = try XCTUnwrap(output.stdout.split(separator: "\n").first.map(String.init))
        XCTAssertTrue(banner.contains("LIVE TRADING"), banner)
        XCTAssertTrue(banner.contains("BTC/USDT:USDT"), banner)
        XCTAssertTrue(banner.contains("e2e-…6789"), "masked account key: \(banner)")
        XCTAssertFalse(output.stdout.contains(TestExchange.apiKey))
        XCTAssertGreaterThan((try exchange.state()["requestCount"] as? Int) ?? 0, 0)
    }

    func testLiveIsRefusedWithoutConfirmation() throws {
        try requireModel()
        let scenario = try Scenario(self)
        let exchange = try scenario.startExchange()
        try scenario.writeConfig(mode: "live")
        let output = try scenario.bot(["run", "--once"], environment: scenario.credentials)
        XCTAssertEqual(output.status, 2)
        XCTAssertTrue(output.stderr.contains("--confirm-live"), output.stderr)
        XCTAssertEqual((try exchange.state()["requestCount"] as? Int) ?? -1, 0)
    }
}
