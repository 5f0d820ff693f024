import AWSTestSupport
import Bot
import Exchange
import Foundation
import XCTest

/// The real binary as `trading-bot lambda`, against the loopback Lambda Runtime API above, a real moto server for
/// S3 and SNS, and the loopback Binance server (testnet mode).
final class LambdaEndToEndTests: XCTestCase {
    static let bucket = "bot-bucket"
    static let phone = "+15555550100"

    struct Setup {
        var scenario: Scenario
        var exchange: TestExchange
        var moto: MotoServer
        var runtime: LambdaRuntimeServer
        var environment: [String: String]
    }

    private func makeSetup(candles: Int = 40, modelBytes: Data? = nil, extra: [String: String] = [:]) throws -> Setup {
        guard FileManager.default.fileExists(atPath: Scenario.modelPath) else { throw XCTSkip("shipped model missing") }
        let scenario = try Scenario(self, candles: Scenario.waveCandles(count: candles))
        let exchange = try scenario.startExchange()
        let moto = try MotoServer()
        addTeardownBlock { moto.stop() }
        try moto.createBucket(Self.bucket)
        let model = try modelBytes ?? Data(contentsOf: URL(fileURLWithPath: Scenario.modelPath))
        try put(moto, "models/model.keras", model)
        try put(moto, "models/scalers.pkl", Data(contentsOf: URL(fileURLWithPath: Scenario.scalersPath)))
        let runtime = LambdaRuntimeServer()
        try runtime.start()
        addTeardownBlock { runtime.stop() }
        try scenario.writeConfig(mode: "testnet", extra: ["MODEL_PATH": "s3://\(Self.bucket)/models/model.keras",
                                                          "SCALERS_PATH": "s3://\(Self.bucket)/models/scalers.pkl"])
        var env = moto.environment.merging(scenario.credentials) { a, _ in a }
        env["AWS_LAMBDA_RUNTIME_API"] = runtime.api
        env["CONFIG_PATH"] = scenario.directory.appendingPathComponent("config.yaml").path
        env["JOURNAL_PATH"] = "s3://\(Self.bucket)/bots/btc/journal.sqlite"
        env["DOWNLOAD_DIR"] = scenario.directory.appendingPathComponent("tmp").path
        env["SNS_PHONE_NUMBER"] = Self.phone
        env["LAMBDA_SAFETY_MARGIN_MS"] = "3000"
        env.merge(extra) { _, new in new }
        return Setup(scenario: scenario, exchange: exchange, moto: moto, runtime: runtime, environment: env)
    }

    private func put(_ moto: MotoServer, _ key: String, _ body: Data) throws {
        let response = try moto.call("PUT", "/\(Self.bucket)/\(key)", body: body)
        XCTAssertEqual(response.status, 200, "upload \(key)")
    }

    /// The journal as stored in S3, read with `trading-bot journal`.
    private func s3Journal(_ setup: Setup, key: String = "bots/btc/journal.sqlite") throws -> (cycles: [[String: Any]], orders: [[String: Any]], bytes: Data) {
        let response = try setup.moto.call("GET", "/\(Self.bucket)/\(key)")
        XCTAssertEqual(response.status, 200, "journal in S3")
        let name = "from-s3-\(UUID().uuidString).sqlite"
        try response.body.write(to: setup.scenario.directory.appendingPathComponent(name))
        let journal = try setup.scenario.journal(name)
        return (journal.cycles, journal.orders, response.body)
    }

    private func sentSMS(_ moto: MotoServer) throws -> [[String: Any]] {
        ((try moto.data()["sns"] as? [String: Any])?["SMS"] as? [[String: Any]]) ?? []
    }

    private func startLambda(_ setup: Setup, invocations: Int? = nil, environment: [String: String] = [:]) throws -> Harness.Running {
        let running = try Harness.start(["lambda"] + (invocations.map { ["--max-invocations", String($0)] } ?? []),
                                        environment: setup.environment.merging(environment) { _, new in new }, directory: setup.scenario.directory)
        addTeardownBlock { if running.process.isRunning { running.process.terminate(); running.process.waitUntilExit() } }
        return running
    }

    func testTwentyCandlesDeliveredTwiceAndRetriedGiveOneDecisionPerCandle() throws {
        let setup = try makeSetup()
        let scenario = setup.scenario, runtime = setup.runtime
        let lambda = try startLambda(setup)
        var delivered = 0
        var answers: [Int: [LambdaRuntimeServer.Outcome]] = [:]
        for index in 5...24 {
            try setup.exchange.setClock(scenario.after(index))
            let deliveries = ["c\(index)-first", "c\(index)-again"] + (index % 3 == 0 ? ["c\(index)-first"] : [])  // some retried
            for id in deliveries { runtime.enqueue(id) }
            delivered += deliveries.count
            let outcomes = runtime.waitForOutcomes(delivered, timeout: 90)
            XCTAssertEqual(outcomes.count, delivered, "candle \(index): \(lambda.stderr())")
            answers[index] = Array(outcomes.suffix(deliveries.count))
        }
        XCTAssertTrue(runtime.protocolErrors.isEmpty, "\(runtime.protocolErrors)")
        let expected = try scenario.expectedDecisions(indices: 5...24, threshold: 0.002)
        for index in 5...24 {
            let outcomes = answers[index] ?? []
            XCTAssertTrue(outcomes.allSatisfy { $0.kind == "response" }, "candle \(index): every delivery is answered as handled")
            let statuses = outcomes.map { $0.json["status"] as? String ?? "?" }
            XCTAssertEqual(statuses.first, "done", "candle \(index): \(outcomes.map { String(decoding: $0.body, as: UTF8.self) })")
            XCTAssertEqual(Array(statuses.dropFirst()), Array(repeating: "duplicate", count: outcomes.count - 1), "candle \(index)")
            XCTAssertEqual(outcomes.first?.json["candle"] as? String,
                           String(UTCTime.iso(scenario.candles[index].timestamp).prefix(19)) + "Z", "candle \(index)")
            XCTAssertEqual(outcomes.first?.json["decision"] as? String, expected[index - 5], "candle \(index)")
        }

        let journal = try s3Journal(setup)
        // Exactly one decision per candle, the ones the strategy makes on these candles.
        XCTAssertEqual(journal.cycles.map { $0["decision"] as? String ?? "-" }, expected)
        XCTAssertEqual(Set(journal.cycles.compactMap { $0["candle_time"] as? String }).count, 20)
        // At most one opening order per candle, and the S3 journal equals the exchange.
        let server = (try setup.exchange.state()["orders"] as? [[String: Any]]) ?? []
        let serverIDs = server.compactMap { $0["clientOrderId"] as? String }
        XCTAssertEqual(Set(journal.orders.compactMap { $0["client_order_id"] as? String }), Set(serverIDs))
        XCTAssertEqual(serverIDs.count, Set(serverIDs).count, "no client order id twice on the exchange")
        let opens = journal.orders.filter { $0["purpose"] as? String == "open" }
        XCTAssertEqual(opens.count, Set(opens.compactMap { $0["cycle_id"] as? Int }).count)
        XCTAssertTrue(expected.contains { $0.hasPrefix("open") }, "the fixture must trade: \(expected)")
        XCTAssertGreaterThan(server.count, 0)
        XCTAssertTrue(journal.orders.allSatisfy { $0["state"] as? String == "sent" })
        // One SMS per order placed, to the configured number, none for duplicates.
        let sms = try sentSMS(setup.moto)
        XCTAssertEqual(sms.count, journal.orders.count, "\(sms)")
        XCTAssertTrue(sms.allSatisfy { $0["phone_number"] as? String == Self.phone })
        let texts = sms.map { "\($0["message"] ?? "")" }
        for id in journal.orders.compactMap({ $0["client_order_id"] as? String }) {
            XCTAssertEqual(texts.filter { $0.contains(id) }.count, 1, "one SMS names \(id): \(texts)")
        }
        // No secret in S3 or in the answers.
        XCTAssertNil(journal.bytes.range(of: Data(TestExchange.apiSecret.utf8)))
        XCTAssertFalse(lambda.stdout().contains(TestExchange.apiSecret) || lambda.stderr().contains(TestExchange.apiSecret))
        XCTAssertFalse(lambda.stderr().contains("testing-secret"))
    }

    func testBadModelInS3IsAnInitErrorAndNoOrder() throws {
        let setup = try makeSetup(modelBytes: Data("this is not a keras file".utf8))
        let lambda = try startLambda(setup)
        let body = try XCTUnwrap(setup.runtime.waitForInitError(timeout: 60), lambda.stderr())
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: body) as? [String: Any])
        XCTAssertEqual(json["errorType"] as? String, "TradingBot.InitError")
        XCTAssertTrue((json["errorMessage"] as? String ?? "").hasPrefix("model or scalers:"), "\(json)")
        lambda.process.waitUntilExit()
        XCTAssertEqual(lambda.process.terminationStatus, 1)
        XCTAssertEqual(setup.runtime.polls, 0, "a failed init asks for no event")
        let orders = (try setup.exchange.state()["orders"] as? [[String: Any]]) ?? []
        XCTAssertTrue(orders.isEmpty)
        XCTAssertFalse(try setup.exchange.requests().contains { $0["path"] as? String == "/fapi/v1/order" }, "no order was even tried")
        XCTAssertEqual(try setup.moto.call("GET", "/\(Self.bucket)/bots/btc/journal.sqlite").status, 404, "nothing was journaled")
    }

    func testDeadlineTooShortIsARecordedSkip() throws {
        let setup = try makeSetup()
        let lambda = try startLambda(setup)
        try setup.exchange.setClock(setup.scenario.after(8))
        setup.runtime.enqueue("short-deadline", deadlineIn: 1.0)
        let outcome = try XCTUnwrap(setup.runtime.waitForOutcomes(1).first, lambda.stderr())
        XCTAssertEqual(outcome.kind, "response")
        XCTAssertEqual(outcome.json["status"] as? String, "skipped")
        XCTAssertTrue((outcome.json["message"] as? String ?? "").contains("deadline"), "\(outcome.json)")
        XCTAssertTrue(((try setup.exchange.state()["orders"] as? [[String: Any]]) ?? []).isEmpty)
        // Recorded in the journal in S3; the candle was not claimed, so a delivery with time enough still trades it.
        let stored = try setup.moto.call("GET", "/\(Self.bucket)/bots/btc/journal.sqlite")
        XCTAssertEqual(stored.status, 200)
        let file = setup.scenario.directory.appendingPathComponent("skip.sqlite")
        try stored.body.write(to: file)
        let events = try Journal(path: file.path).events(limit: 20)
        XCTAssertTrue(events.contains { $0.kind == "skip" && $0.message.contains("short-deadline") && $0.message.contains("deadline") }, "\(events)")
        setup.runtime.enqueue("enough-time", deadlineIn: 60)
        let second = setup.runtime.waitForOutcomes(2)
        XCTAssertEqual(second.last?.json["status"] as? String, "done", "\(second.last?.json ?? [:])")
    }

    func testTwoInvocationsRacingForOneJournalOneTradesTheOtherStops() throws {
        // Two functions (different strategy names, so their candle claims differ) misconfigured onto one journal,
        // invoked at the same moment: the journal's conditional writes let exactly one of them trade.
        let setup = try makeSetup()
        let other = LambdaRuntimeServer()
        try other.start()
        addTeardownBlock { other.stop() }
        // A candle whose decision, from flat, is an entry: the one that wins the race must trade.
        let candle = try XCTUnwrap(try (5...30).first { try setup.scenario.expectedDecisions(indices: $0...$0, threshold: 0.002)[0].hasPrefix("open") })
        try setup.exchange.setClock(setup.scenario.after(candle))
        let first = try startLambda(setup, environment: ["STRATEGY_NAME": "alpha"])
        let second = try startLambda(setup, environment: ["STRATEGY_NAME": "beta", "AWS_LAMBDA_RUNTIME_API": other.api])
        // Both initialised (each has asked its runtime API for the next event) before the events go out together.
        XCTAssertTrue(setup.runtime.waitForPoll(), first.stderr())
        XCTAssertTrue(other.waitForPoll(), second.stderr())
        setup.runtime.enqueue("race-alpha")
        other.enqueue("race-beta")
        let a = try XCTUnwrap(setup.runtime.waitForOutcomes(1).first, first.stderr())
        let b = try XCTUnwrap(other.waitForOutcomes(1).first, second.stderr())
        let statuses = [a.json["status"] as? String ?? "?", b.json["status"] as? String ?? "?"]
        XCTAssertEqual(statuses.filter { $0 == "done" }.count, 1, "\(statuses): \(a.json) \(b.json)")
        print("race: \(statuses)")
        let stopped = statuses.first { $0 != "done" } ?? ""
        XCTAssertTrue(["journal-conflict", "journal-busy", "already-done"].contains(stopped), "\(statuses)")
        let journal = try s3Journal(setup)
        XCTAssertEqual(journal.cycles.count, 1, "one cycle in the journal")
        let server = (try setup.exchange.state()["orders"] as? [[String: Any]]) ?? []
        XCTAssertLessThanOrEqual(server.count, 1)
        // The one that trades makes the strategy's decision for that candle, and it is an entry here, so it ordered.
        let winner = statuses[0] == "done" ? a : b
        let decision = try setup.scenario.expectedDecisions(indices: candle...candle, threshold: 0.002)[0]
        XCTAssertEqual(winner.json["decision"] as? String, decision, "\(winner.json)")
        XCTAssertTrue(decision.hasPrefix("open"), "the fixture must open at candle \(candle): \(decision)")
        XCTAssertEqual(server.count, 1, "the winner placed its entry: \(server)")
        XCTAssertEqual(Set(journal.orders.compactMap { $0["client_order_id"] as? String }),
                       Set(server.compactMap { $0["clientOrderId"] as? String }))
    }
    func testAJournalWrittenAfterInitIsReadAgainBeforeTrading() throws {
        // The function reads the journal at init and starts its first invocation from that copy. Here another
        // invocation writes the journal between the two, so the copy is stale: its lease must get 412, and the
        // invocation must start over from the journal in S3 and trade on top of it. Without the retry it would
        // answer journal-conflict and trade nothing.
        let setup = try makeSetup()
        let other = LambdaRuntimeServer()
        try other.start()
        addTeardownBlock { other.stop() }
        let first = 8
        try setup.exchange.setClock(setup.scenario.after(first))
        let held = try startLambda(setup, invocations: 1)
        XCTAssertTrue(setup.runtime.waitForPoll(), held.stderr())  // initialised: its copy of the journal is read
        let writer = try startLambda(setup, invocations: 1, environment: ["AWS_LAMBDA_RUNTIME_API": other.api])
        other.enqueue("writer")
        let written = try XCTUnwrap(other.waitForOutcomes(1).first, writer.stderr())
        XCTAssertEqual(written.json["status"] as? String, "done", "\(written.json)")
        // The writer sends its alerts and uploads the journal once more after answering (its SNS cursor); a second
        // sandbox only runs once that one is done (reserved concurrency 1), so wait for it to exit, or its last upload
        // races the held copy's retry and both end in 412.
        writer.process.waitUntilExit()
        try setup.exchange.setClock(setup.scenario.after(first + 1))
        setup.runtime.enqueue("from-held-copy")
        let outcome = try XCTUnwrap(setup.runtime.waitForOutcomes(1).first, held.stderr())
        XCTAssertEqual(outcome.json["status"] as? String, "done", "\(outcome.json): \(held.stderr())")
        XCTAssertEqual(outcome.json["journal"] as? String, "stored", "\(outcome.json)")
        held.process.waitUntilExit()
        XCTAssertTrue(held.stdout().contains("stale (412 on the lease)"), held.stdout())
        // Both cycles are in S3, in order, with the strategy's decisions (the second one knows the first's position).
        let journal = try s3Journal(setup)
        let expected = try setup.scenario.expectedDecisions(indices: first...(first + 1), threshold: 0.002)
        XCTAssertEqual(journal.cycles.map { $0["decision"] as? String ?? "-" }, expected)
        let server = (try setup.exchange.state()["orders"] as? [[String: Any]]) ?? []
        XCTAssertEqual(Set(journal.orders.compactMap { $0["client_order_id"] as? String }),
                       Set(server.compactMap { $0["clientOrderId"] as? String }))
    }
}
