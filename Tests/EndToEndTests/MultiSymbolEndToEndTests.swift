import BinanceTestServer
import Bot
import Exchange
import Foundation
import XCTest

/// The real binary with SYMBOLS against the loopback server: three markets on one wallet, three models (one
/// broken), mixed intervals (BTC 1d, ETH 4h, LTC 1h).
final class MultiSymbolEndToEndTests: XCTestCase {
    static let hour: Int64 = 3_600_000
    static let fourHours: Int64 = 4 * hour

    /// ETH on 4-hour candles: the daily wave, phase-shifted, at 1/20 of the price (its own scalers say so).
    static func ethCandles(count: Int) -> [Candle] {
        (0..<count).map { i in
            func price(_ t: Double) -> Double { (9_000 + 900 * sin((t + 1.5) / 3.0) + 150 * sin((t + 1.5) * 1.7)) / 20 }
            let t = Double(i) / 6
            let close = price(t), open = price(t - 1.0 / 6)
            func r(_ x: Double) -> Double { (x * 100).rounded() / 100 }
            return Candle(timestamp: Scenario.start + Int64(i) * fourHours, open: r(open), high: r(max(open, close) * 1.004),
                          low: r(min(open, close) * 0.996), close: r(close), volume: (2.0e10 + 6.0e9 * sin(t / 2.0)).rounded())
        }
    }

    static func ltcCandles(count: Int) -> [Candle] {
        (0..<count).map { i in
            let close = 60 + 3 * sin(Double(i) / 10)
            return Candle(timestamp: Scenario.start + Int64(i) * hour, open: close, high: close + 0.5, low: close - 0.5, close: close, volume: 1e6)
        }
    }

    /// A scenario with the three markets loaded on one server and the per-symbol model files written.
    final class Markets {
        let scenario: Scenario
        let exchange: TestExchange
        let eth: [Candle]
        let ethModel: URL, ethScalers: URL, ltcModel: URL

        init(_ testCase: XCTestCase, startStep: Int = 0) throws {
            scenario = try Scenario(testCase)
            exchange = try TestExchange(candles: scenario.candleFile, interval: "1d", startMs: MultiSymbolEndToEndTests.time(step: startStep))
            scenario.exchange = exchange
            // A running clock (jumped forward by the test): a frozen one lets the client's signed timestamps run
            // ahead of the server between steps, which is not what this test is about.
            exchange.server.clock.resume()
            eth = MultiSymbolEndToEndTests.ethCandles(count: 240)
            exchange.server.loadCandles(symbol: "ETHUSDT", interval: "4h", candles: eth.map(BinanceTestServer.Candle.init))
            exchange.server.loadCandles(symbol: "LTCUSDT", interval: "1h", candles: MultiSymbolEndToEndTests.ltcCandles(count: 960).map(BinanceTestServer.Candle.init))
            let dir = scenario.directory
            ethModel = dir.appendingPathComponent("eth.keras")
            try FileManager.default.copyItem(atPath: Scenario.modelPath, toPath: ethModel.path)
            ethScalers = dir.appendingPathComponent("eth-scalers.json")
            let export = try scenario.bot(["scalers", "export", Scenario.scalersPath, "--out", ethScalers.path])
            guard export.status == 0 else { throw XCTSkip("scalers export failed: \(export.stderr)") }
            try MultiSymbolEndToEndTests.rescale(ethScalers, by: 20)
            ltcModel = dir.appendingPathComponent("ltc.keras")
            try Data("this is not a keras archive".utf8).write(to: ltcModel)
        }

        func writeConfig(symbols: [String], extra: [String: String] = [:], sections: String) throws {
            var keys: [String: String] = [
                "SYMBOLS": symbols.joined(separator: ","), "MODE": "testnet", "LEVERAGE": "2", "THRESHOLD": "0.002", "STOP_LOSS": "0.9",
                "MIN_ORDER_AMOUNT": "0.001", "MODEL_PATH": Scenario.modelPath, "SCALERS_PATH": Scenario.scalersPath,
                "JOURNAL_PATH": "journal.sqlite", "MAX_RETRIES": "3", "RETRY_DELAY": "0.05", "EXCHANGE_URL": exchange.baseURL,
            ]
            keys.merge(extra) { _, new in new }
            let yaml = "default:\n" + keys.sorted { $0.key < $1.key }.map { "  \($0.key): \"\($0.value)\"" }.joined(separator: "\n")
                + "\nsymbols:\n" + sections
            try yaml.write(to: scenario.directory.appendingPathComponent("config.yaml"), atomically: true, encoding: .utf8)
        }

        var standardSections: String {
            """
              BTC/USDT:USDT: {INTERVAL: 1d, STAKE_FRACTION: 0.45, MARGIN_TYPE: isolated}
              ETH/USDT:USDT: {INTERVAL: 4h, STAKE_FRACTION: 0.45, MARGIN_TYPE: cross, MODEL_PATH: "\(ethModel.path)", SCALERS_PATH: "\(ethScalers.path)"}
              LTC/USDT:USDT: {INTERVAL: 1h, STAKE_FRACTION: 0.1, MODEL_PATH: "\(ltcModel.path)"}

            """
        }

        /// Expected decisions of ETH for the candles closed at steps `steps` (each step is one 4-hour candle).
        func ethDecisions(steps: Range<Int>) throws -> [String] {
            try MultiSymbolEndToEndTests.decisions(candles: eth, indices: steps.map { 35 + $0 }, model: ethModel.path, scalers: ethScalers.path)
        }

        func btcDecisions(days: [Int]) throws -> [String] {
            try MultiSymbolEndToEndTests.decisions(candles: scenario.candles, indices: days, model: Scenario.modelPath, scalers: Scenario.scalersPath)
        }

        func account() throws -> [String: Any] { (try exchange.state()["accounts"] as? [[String: Any]])?.first ?? [:] }
        func serverOrders() throws -> [[String: Any]] { (try exchange.state()["orders"] as? [[String: Any]]) ?? [] }
    }

    /// Step k: one second after the close of the k-th 4-hour candle after BTC's sixth daily candle closed.
    static func time(step: Int) -> Int64 { Scenario.start + 6 * Scenario.day + Int64(step) * fourHours + 1_000 }

    /// Scales the price columns of a JSON scalers file by 1/k (volume untouched): the same model on prices k times lower.
    static func rescale(_ url: URL, by k: Double) throws {
        var object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        var columns = try XCTUnwrap(object["columns"] as? [[String: Any]])
        for i in 0..<4 {
            // As scikit-learn's MinMaxScaler.fit computes them (the loader checks that they agree).
            let low = (columns[i]["data_min"] as? Double ?? 0) / k, high = (columns[i]["data_max"] as? Double ?? 0) / k
            let range = high - low, scale = 1.0 / range
            columns[i]["data_min"] = low
            columns[i]["data_max"] = high
            columns[i]["data_range"] = range
            columns[i]["scale"] = scale
            columns[i]["min"] = 0 - low * scale
        }
        object["columns"] = columns
        try JSONSerialization.data(withJSONObject: object).write(to: url)
    }

    /// The reference strategy's decisions over `indices` with positions following them (in-process, same Predictor).
    static func decisions(candles: [Candle], indices: [Int], model: String, scalers: String) throws -> [String] {
        let predictor = try Predictor.load(modelPath: model, scalersPath: scalers, windowSize: 5, targetColumn: 3)
        let strategy = ReferenceStrategy(threshold: 0.002, stopLoss: 0.9)
        var position: PositionSnapshot?
        return try indices.map { index in
            let close = Decimal(string: "\(candles[index].close)") ?? 0
            let decision = strategy.decide(StrategyInput(currentPrice: close, predictedPrice: try predictor.predict(Array(candles[(index - 4)...index])),
                                                         position: position))
            if decision.close { position = nil }
            if let side = decision.open, position == nil { position = PositionSnapshot(side: side, amount: 1, entryPrice: close) }
            return decision.label
        }
    }

    static func lines(_ text: String, containing parts: String...) -> [Substring] {
        text.split(separator: "\n").filter { line in parts.allSatisfy { line.contains($0) } }
    }

    private func requireModel() throws {
        guard FileManager.default.fileExists(atPath: Scenario.modelPath) else { throw XCTSkip("shipped model missing") }
    }

    // MARK: the tests

    func testThreeSymbolsMixedIntervalsBrokenModelIsolatedAndRetriedOthersTradeAsTheirStrategiesSay() throws {
        try requireModel()
        let m = try Markets(self)
        try m.writeConfig(symbols: ["BTC/USDT:USDT", "ETH/USDT:USDT", "LTC/USDT:USDT"], extra: ["MAX_OPEN_POSITIONS": "3"], sections: m.standardSections)
        let bot = try Harness.start(["run", "--max-nap-ms", "20", "--clock-resync-ms", "0"], environment: m.scenario.credentials,
                                    directory: m.scenario.directory)
        defer { if bot.process.isRunning { bot.process.terminate() } }
        let steps = 30
        var available: [Decimal] = []
        for step in 0..<steps {
            if step > 0 { try m.exchange.setClock(Self.time(step: step)) }
            if step == 24 {
                // The broken model is replaced by a working one: the symbol recovers without a restart.
                try FileManager.default.removeItem(at: m.ltcModel)
                try FileManager.default.copyItem(atPath: Scenario.modelPath, toPath: m.ltcModel.path)
            }
            let eth = step + 1, btc = step / 6 + 1
            let deadline = Date().addingTimeInterval(20)
            func count(_ symbol: String) -> Int { Self.lines(bot.stdout(), containing: symbol, "[done]").count }
            while (count("ETH/USDT:USDT") < eth || count("BTC/USDT:USDT") < btc) && Date() < deadline && bot.process.isRunning { usleep(10_000) }
            XCTAssertEqual(count("ETH/USDT:USDT"), eth, "step \(step): \(bot.stdout().suffix(3000)) \(bot.stderr())")
            XCTAssertEqual(count("BTC/USDT:USDT"), btc, "step \(step)")
            // availableBalance is clamped at 0 as Binance's is; the headroom before the clamp shows over-commitment.
            if let free = m.exchange.server.marginHeadroom(apiKey: TestExchange.apiKey) { available.append(free) }
        }
        kill(bot.process.processIdentifier, SIGTERM)
        bot.process.waitUntilExit()
        XCTAssertEqual(bot.process.terminationStatus, 0, bot.stderr())
        let out = bot.stdout()
        XCTAssertFalse(out.contains(TestExchange.apiSecret) || bot.stderr().contains(TestExchange.apiSecret))

        // The good symbols decide exactly as their strategies say, each on its own interval.
        let journal = try m.scenario.journal()
        let ethCycles = journal.cycles.filter { $0["symbol"] as? String == "ETH/USDT:USDT" }
        let btcCycles = journal.cycles.filter { $0["symbol"] as? String == "BTC/USDT:USDT" }
        let expectedETH = try m.ethDecisions(steps: 0..<steps)
        XCTAssertTrue(expectedETH.contains { $0.hasPrefix("open") } && expectedETH.contains { $0.hasPrefix("close") }, "\(expectedETH)")
        XCTAssertEqual(ethCycles.map { $0["decision"] as? String ?? "-" }, expectedETH)
        XCTAssertEqual(Set(ethCycles.map { $0["interval"] as? String ?? "" }), ["4h"])
        XCTAssertEqual(btcCycles.map { $0["decision"] as? String ?? "-" }, try m.btcDecisions(days: Array(5..<(5 + (steps - 1) / 6 + 1))))
        XCTAssertEqual(Set(btcCycles.map { $0["interval"] as? String ?? "" }), ["1d"])
        XCTAssertTrue((ethCycles + btcCycles).allSatisfy { $0["status"] as? String == "done" })

        // The broken one: reported once (one ERROR line), retried with backoff, recovered after the fix.
        let errors = Self.lines(out, containing: "ERROR")
        XCTAssertEqual(errors.count, 1, "\(errors)")
        XCTAssertTrue(errors.first?.contains("LTC/USDT:USDT isolated: cannot load its model") == true, "\(errors)")
        XCTAssertGreaterThanOrEqual(Self.lines(out, containing: "LTC/USDT:USDT retry").count, 20, out)
        XCTAssertEqual(Self.lines(out, containing: "LTC/USDT:USDT recovered").count, 1, out)
        XCTAssertGreaterThan(Self.lines(out, containing: "LTC/USDT:USDT [done]").count, 0, "LTC trades once its model loads")

        // One wallet: never over-committed, no order refused for margin; margin type set per symbol.
        XCTAssertEqual(available.count, steps)
        XCTAssertTrue(available.allSatisfy { $0 >= 0 }, "free balance went negative: \(available)")
        XCTAssertFalse(journal.orders.contains { ($0["error"] as? String ?? "").contains("-2019") })
        let types = try XCTUnwrap(try m.account()["marginTypes"] as? [String: String])
        XCTAssertEqual(types["BTCUSDT"], "ISOLATED")
        XCTAssertEqual(types["ETHUSDT"] ?? "CROSSED", "CROSSED", "cross is the server's default; asked for, not changed")
        let marginRequests = try m.exchange.requests().filter { $0["path"] as? String == "/fapi/v1/marginType" }
            .map { "\($0["query"] ?? "")&\($0["body"] ?? "")" }
        XCTAssertTrue(marginRequests.contains { $0.contains("symbol=ETHUSDT") && $0.contains("marginType=CROSSED") }, "\(marginRequests)")
        XCTAssertTrue(marginRequests.contains { $0.contains("symbol=BTCUSDT") && $0.contains("marginType=ISOLATED") }, "\(marginRequests)")
        // Journal = server, per symbol.
        let server = try m.serverOrders()
        for id in ["BTCUSDT", "ETHUSDT", "LTCUSDT"] {
            let symbol = id.replacingOccurrences(of: "USDT", with: "/USDT:USDT")
            let mine = Set(journal.orders.filter { $0["symbol"] as? String == symbol && $0["state"] as? String == "sent" }.compactMap { $0["client_order_id"] as? String })
            XCTAssertEqual(mine, Set(server.filter { $0["symbol"] as? String == id }.compactMap { $0["clientOrderId"] as? String }), id)
        }
        XCTAssertFalse(server.filter { $0["symbol"] as? String == "ETHUSDT" }.isEmpty)
        // `journal --symbol` shows that symbol only.
        let only = try m.scenario.bot(["journal", "--symbol", "ETH/USDT:USDT", "--limit", "1000", "--json"])
        XCTAssertEqual(only.status, 0, only.stderr)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(only.stdout.utf8)) as? [String: Any])
        XCTAssertEqual((object["cycles"] as? [[String: Any]])?.count, ethCycles.count)
        XCTAssertTrue(((object["orders"] as? [[String: Any]]) ?? []).allSatisfy { $0["symbol"] as? String == "ETH/USDT:USDT" })
        let ltcEvents = try m.scenario.bot(["journal", "--symbol", "LTC/USDT:USDT", "--limit", "1000", "--json"])
        let events = ((try JSONSerialization.jsonObject(with: Data(ltcEvents.stdout.utf8)) as? [String: Any])?["events"] as? [[String: Any]]) ?? []
        XCTAssertEqual(events.filter { $0["kind"] as? String == "isolated" }.count, 1)
        XCTAssertEqual(events.filter { $0["kind"] as? String == "recovered" }.count, 1)

        // `predict` prints one line per symbol.
        let predict = try m.scenario.bot(["predict"])
        XCTAssertEqual(predict.status, 0, predict.stderr)
        let predicted = predict.stdout.split(separator: "\n")
        XCTAssertEqual(predicted.map { String($0.prefix { $0 != " " }) }, ["BTC/USDT:USDT", "ETH/USDT:USDT", "LTC/USDT:USDT"], predict.stdout)
    }

    func testAccountCapsHoldAcrossSymbols() throws {
        try requireModel()
        let m = try Markets(self)
        try m.writeConfig(symbols: ["BTC/USDT:USDT", "ETH/USDT:USDT"], extra: ["MAX_OPEN_POSITIONS": "1", "DAILY_LOSS_LIMIT": "40"], sections: """
              BTC/USDT:USDT: {INTERVAL: 1d, STAKE_FRACTION: 0.5}
              ETH/USDT:USDT: {INTERVAL: 4h, STAKE_FRACTION: 0.5, MODEL_PATH: "\(m.ethModel.path)", SCALERS_PATH: "\(m.ethScalers.path)"}

            """)
        var haltedDay: Int64?
        var haltedAt: Int64?
        var lossRefusals = 0
        var positionsSeen: [Int] = []
        for step in 0..<36 {
            try m.exchange.setClock(Self.time(step: step))
            let run = try m.scenario.bot(["run", "--once"], environment: m.scenario.credentials)
            XCTAssertEqual(run.status, 0, "step \(step): \(run.stderr)\n\(run.stdout)")
            let account = try m.account()
            let positions = (account["positions"] as? [[String: Any]]) ?? []
            positionsSeen.append(positions.count)
            XCTAssertGreaterThanOrEqual(m.exchange.server.marginHeadroom(apiKey: TestExchange.apiKey) ?? -1, 0,
                                        "margin in use exceeds the wallet at step \(step)")
            let reached = Self.lines(run.stdout, containing: "DAILY_LOSS_LIMIT reached")
            if !reached.isEmpty {
                XCTAssertNil(haltedAt, "told once: \(reached)")
                XCTAssertEqual(reached.count, 1)
                haltedDay = Self.time(step: step) / Scenario.day
                haltedAt = Self.time(step: step)
            }
            if let day = haltedDay, Self.time(step: step) / Scenario.day == day {
                lossRefusals += Self.lines(run.stdout, containing: "entry: DAILY_LOSS_LIMIT").count
            }
            // Once the first position is open, push its market 6 % against it: the day's loss passes the limit.
            if haltedDay == nil, let open = positions.first, step >= 6 {
                let symbol = open["symbol"] as? String ?? ""
                let entry = Double(open["entryPrice"] as? String ?? "") ?? 0
                let long = (Decimal(string: open["positionAmt"] as? String ?? "") ?? 0) > 0
                let price = entry * (long ? 0.94 : 1.06)
                try m.exchange.control("POST", "/_test/price", ["symbol": symbol, "price": String(format: symbol == "BTCUSDT" ? "%.1f" : "%.2f", price)])
            } else if haltedDay != nil {
                try m.exchange.control("POST", "/_test/price", ["symbol": "BTCUSDT"])
                try m.exchange.control("POST", "/_test/price", ["symbol": "ETHUSDT"])
            }
        }
        XCTAssertTrue(positionsSeen.allSatisfy { $0 <= 1 }, "MAX_OPEN_POSITIONS 1 broken: \(positionsSeen)")
        XCTAssertTrue(positionsSeen.contains(1))
        let journal = try m.scenario.journal()
        let events = try m.scenario.bot(["journal", "--symbol", "ETH/USDT:USDT", "--limit", "1000", "--json"])
        let refusals = (((try JSONSerialization.jsonObject(with: Data(events.stdout.utf8)) as? [String: Any])?["events"] as? [[String: Any]]) ?? [])
            .filter { ($0["message"] as? String ?? "").contains("MAX_OPEN_POSITIONS 1 reached") }
        let btcEvents = try m.scenario.bot(["journal", "--symbol", "BTC/USDT:USDT", "--limit", "1000", "--json"])
        let btcRefusals = (((try JSONSerialization.jsonObject(with: Data(btcEvents.stdout.utf8)) as? [String: Any])?["events"] as? [[String: Any]]) ?? [])
            .filter { ($0["message"] as? String ?? "").contains("MAX_OPEN_POSITIONS 1 reached") }
        XCTAssertGreaterThan(refusals.count + btcRefusals.count, 0, "the fixture must make both symbols want a position at once")

        // The daily loss limit: reached once, then no entry until the next UTC day.
        let day = try XCTUnwrap(haltedDay, "the loss limit was never reached")
        let since = try XCTUnwrap(haltedAt)
        let nextDay = (day + 1) * Scenario.day
        XCTAssertGreaterThan(lossRefusals, 0, "the fixture must want an entry while halted")
        for order in journal.orders where order["purpose"] as? String == "open" {
            let id = order["client_order_id"] as? String ?? ""
            guard let candle = id.split(separator: "-").dropFirst(2).first.flatMap({ Int64($0) }) else { continue }
            let interval = id.contains("BTCUSDT") ? Scenario.day : Self.fourHours
            let decidedAt = candle * 1000 + interval + 1_000
            XCTAssertFalse(decidedAt >= since && decidedAt < nextDay, "entry \(id) placed while the daily loss limit held")
        }
    }
    func testSIGKILLInTheMiddleOfAPassLeavesExactlyOneOrderPerIntendedEntry() throws {
        try requireModel()
        // A step at which both symbols, flat, want to enter.
        let probe = try Markets(self)
        let btcPredictor = try Predictor.load(modelPath: Scenario.modelPath, scalersPath: Scenario.scalersPath, windowSize: 5, targetColumn: 3)
        let ethPredictor = try Predictor.load(modelPath: probe.ethModel.path, scalersPath: probe.ethScalers.path, windowSize: 5, targetColumn: 3)
        func wantsEntry(_ candles: [Candle], _ i: Int, _ p: Predictor) throws -> Bool {
            let close = Decimal(string: "\(candles[i].close)") ?? 0
            let input = StrategyInput(currentPrice: close, predictedPrice: try p.predict(Array(candles[(i - 4)...i])), position: nil)
            return ReferenceStrategy(threshold: 0.002, stopLoss: 0.9).decide(input).open != nil
        }
        let step = try XCTUnwrap(try (0..<60).first { k in
            try wantsEntry(probe.scenario.candles, 5 + k / 6, btcPredictor) && wantsEntry(probe.eth, 35 + k, ethPredictor)
        }, "no step where both enter")
        probe.exchange.stop()
        let m = try Markets(self, startStep: step)
        try m.writeConfig(symbols: ["BTC/USDT:USDT", "ETH/USDT:USDT"], sections: """
              BTC/USDT:USDT: {INTERVAL: 1d, STAKE_FRACTION: 0.5}
              ETH/USDT:USDT: {INTERVAL: 4h, STAKE_FRACTION: 0.5, MODEL_PATH: "\(m.ethModel.path)", SCALERS_PATH: "\(m.ethScalers.path)"}

            """)
        try m.exchange.setClock(Self.time(step: step))
        // BTC's entry is executed, then the connection drops; the look-up hangs: killed there, ETH not yet sent.
        try m.exchange.control("POST", "/_test/fault", ["kind": "acceptThenDrop", "method": "POST", "path": "/fapi/v1/order", "count": "1"])
        try m.exchange.control("POST", "/_test/fault", ["kind": "latency", "seconds": "20", "method": "GET", "path": "/fapi/v1/order", "count": "5"])
        let running = try Harness.start(["run", "--once"], environment: m.scenario.credentials, directory: m.scenario.directory)
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, try m.serverOrders().count < 1 { usleep(20_000) }
        XCTAssertEqual(try m.serverOrders().count, 1, running.stdout() + running.stderr())
        usleep(100_000)
        kill(running.process.processIdentifier, SIGKILL)
        running.process.waitUntilExit()
        XCTAssertEqual(running.process.terminationReason, .uncaughtSignal)

        try m.exchange.control("POST", "/_test/clear-faults")
        let restart = try m.scenario.bot(["run", "--once"], environment: m.scenario.credentials)
        XCTAssertEqual(restart.status, 0, restart.stderr)
        XCTAssertEqual(Self.lines(restart.stdout, containing: "BTC/USDT:USDT reconcile", "was placed").count, 1, restart.stdout)
        let again = try m.scenario.bot(["run", "--once"], environment: m.scenario.credentials)
        XCTAssertEqual(again.status, 0, again.stderr)

        let server = try m.serverOrders()
        XCTAssertEqual(server.compactMap { $0["symbol"] as? String }.sorted(), ["BTCUSDT", "ETHUSDT"], "one order per intended entry: \(server)")
        let journal = try m.scenario.journal()
        XCTAssertEqual(Set(journal.orders.compactMap { $0["client_order_id"] as? String }), Set(server.compactMap { $0["clientOrderId"] as? String }))
        XCTAssertTrue(journal.orders.allSatisfy { $0["state"] as? String == "sent" })
        let btc = journal.cycles.filter { $0["symbol"] as? String == "BTC/USDT:USDT" }.map { $0["status"] as? String ?? "" }
        XCTAssertEqual(btc, ["failed", "done"], "the interrupted cycle is marked; the re-run holds what it found")
        XCTAssertEqual(journal.cycles.filter { $0["symbol"] as? String == "BTC/USDT:USDT" }.last?["decision"] as? String, "hold")
        XCTAssertTrue((journal.cycles.filter { $0["symbol"] as? String == "ETH/USDT:USDT" }.first?["decision"] as? String ?? "").hasPrefix("open"))
    }

    func testShippedSingleSymbolConfigAndAJournalOfThePreviousVersionStillWork() throws {
        try requireModel()
        let fixture = Harness.root.appendingPathComponent("Tests/EndToEndTests/Fixtures/journal-v1.sqlite")
        let bitcoin = Harness.root.appendingPathComponent("../shared/data/coin_Bitcoin.csv").standardizedFileURL
        guard FileManager.default.fileExists(atPath: fixture.path), FileManager.default.fileExists(atPath: bitcoin.path) else {
            throw XCTSkip("fixture or ../shared/data/coin_Bitcoin.csv missing")
        }
        let scenario = try Scenario(self)
        // The candle after the fixture's last one (2021-01-10) has closed.
        let exchange = try TestExchange(candles: bitcoin, interval: "1d", startMs: 1_610_409_601_000)
        scenario.exchange = exchange
        try FileManager.default.copyItem(at: Harness.root.appendingPathComponent("config.yaml"), to: scenario.directory.appendingPathComponent("config.yaml"))
        try FileManager.default.copyItem(at: fixture, to: scenario.directory.appendingPathComponent("journal.sqlite"))
        let environment = scenario.credentials.merging([
            "MODE": "testnet", "EXCHANGE_URL": exchange.baseURL, "MODEL_PATH": Scenario.modelPath, "SCALERS_PATH": Scenario.scalersPath,
            "THRESHOLD": "0.002", "RETRY_DELAY": "0.05",
        ]) { _, new in new }

        let before = try scenario.bot(["journal", "--limit", "100"], environment: environment)
        XCTAssertEqual(before.status, 0, before.stderr)
        XCTAssertEqual(before.stdout.split(separator: "\n").filter { $0.hasPrefix("#") }.count, 6, before.stdout)
        XCTAssertTrue(before.stdout.contains("tb-BTCUSDT-1609804800-o"), before.stdout)

        let run = try scenario.bot(["run", "--once"], environment: environment)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stdout.contains("BTC/USDT:USDT 1d leverage 1x isolated market orders"), "the single-symbol banner: \(run.stdout)")
        XCTAssertTrue(run.stdout.contains("last journaled cycle: candle 2021-01-10T00:00:00Z"), run.stdout)
        XCTAssertTrue(run.stdout.contains("(journal short, exchange flat): trusting the exchange"), run.stdout)
        XCTAssertEqual(Self.lines(run.stdout, containing: "[done] candle 2021-01-11T00:00:00Z").count, 1, run.stdout)

        let journal = try scenario.journal()
        XCTAssertEqual(journal.cycles.count, 7)
        XCTAssertEqual(journal.cycles.prefix(6).map { $0["decision"] as? String ?? "" }, ["open short"] + Array(repeating: "hold", count: 5))
        let current = try Journal(path: scenario.directory.appendingPathComponent("fresh.sqlite").path).schemaVersion()
        XCTAssertGreaterThan(current, 1)
        XCTAssertEqual(try Journal(path: scenario.directory.appendingPathComponent("journal.sqlite").path).schemaVersion(), current,
                       "migrated in place to the current schema")
    }
}

extension BinanceTestServer.Candle {
    init(_ c: Candle) {
        self.init(openTime: c.timestamp, open: Decimal(string: "\(c.open)") ?? 0, high: Decimal(string: "\(c.high)") ?? 0,
                  low: Decimal(string: "\(c.low)") ?? 0, close: Decimal(string: "\(c.close)") ?? 0, volume: Decimal(string: "\(c.volume)") ?? 0)
    }
}
