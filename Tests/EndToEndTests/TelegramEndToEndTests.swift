import Bot
import Exchange
import Foundation
import XCTest

/// The real `trading-bot` binary against the loopback exchange and a Telegram-compatible loopback server.
final class TelegramEndToEndTests: XCTestCase {
    static let chat: Int64 = 4242
    static let owner: Int64 = 7
    static let stranger: Int64 = 999

    private func requireModel() throws {
        guard FileManager.default.fileExists(atPath: Scenario.modelPath) else { throw XCTSkip("shipped model missing") }
    }

    private func environment(_ scenario: Scenario, _ telegram: TelegramLoopback, extra: [String: String] = [:]) -> [String: String] {
        var env = scenario.credentials
        env["TELEGRAM_BOT_TOKEN"] = telegram.token
        env["TELEGRAM_CHAT_ID"] = String(Self.chat)
        env["TELEGRAM_ALLOWED_USERS"] = String(Self.owner)
        env["TELEGRAM_API_URL"] = telegram.url
        env["TELEGRAM_TIMEOUT"] = "2"
        env.merge(extra) { _, new in new }
        return env
    }

    private var configPath: (Scenario) -> String { { $0.directory.appendingPathComponent("config.yaml").path } }

    private func once(_ scenario: Scenario, _ env: [String: String], index: Int) throws -> Harness.Output {
        try scenario.exchange?.setClock(scenario.after(index))
        let output = try scenario.bot(["run", "--once", "--config", configPath(scenario)], environment: env)
        XCTAssertEqual(output.status, 0, "candle \(index): \(output.stderr)\n\(output.stdout)")
        return output
    }

    /// Client order ids named in messages whose title contains `marker`, in arrival order.
    private func ids(_ messages: [TelegramLoopback.Sent], _ marker: String) -> [String] {
        messages.filter { $0.text.contains(marker) }.compactMap { message in
            message.text.split(separator: "\n").first { $0.hasPrefix("Client id: ") }.map { String($0.dropFirst("Client id: ".count)) }
        }
    }

    private func kill9(_ running: Harness.Running) {
        kill(running.process.processIdentifier, SIGKILL)
        running.process.waitUntilExit()
    }

    private func openJournal(_ scenario: Scenario) throws -> Journal {
        try Journal(path: scenario.directory.appendingPathComponent("journal.sqlite").path)
    }

    private func wait(_ what: String, timeout: TimeInterval = 20, _ condition: () throws -> Bool) rethrows {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try condition() { return }
            usleep(50_000)
        }
        XCTFail("timed out waiting for \(what)")
    }

    func testTradeMessagesArriveInOrderExactlyOnceThroughFailuresAndAKill() throws {
        try requireModel()
        let scenario = try Scenario(self)
        let exchange = try scenario.startExchange()
        let telegram = try TelegramLoopback()
        defer { telegram.stop() }
        try scenario.writeConfig(mode: "testnet")
        let env = environment(scenario, telegram)
        // The chat service fails for a while: a proxy's 502 page, a Bot API 502, a 429 with retry_after, a stall past
        // the client's time-out.
        telegram.script([.badGateway, .error(code: 502, description: "Bad Gateway", retryAfter: nil),
                         .error(code: 429, description: "Too Many Requests: retry after 1", retryAfter: 1), .stall(seconds: 2.5)])
        for index in 5...12 { try once(scenario, env, index: index) }

        // SIGKILL between the fact and the send: the chat service is down while a cycle trades; the bot is killed
        // as soon as the order's row is in the journal; the next start sends it.
        let expected = try scenario.expectedDecisions(indices: 5...35, threshold: 0.002)
        let trading = try XCTUnwrap(expected.indices.first { $0 >= 8 && expected[$0] != "hold" }.map { 5 + $0 }, "no trade after candle 12: \(expected)")
        for index in 13..<trading { try once(scenario, env, index: index) }
        telegram.script(Array(repeating: .error(code: 502, description: "Bad Gateway", retryAfter: nil), count: 1000))
        let journal = try openJournal(scenario)
        let before = try journal.lastOutboxID()
        try exchange.setClock(scenario.after(trading))
        let running = try Harness.start(["run", "--config", configPath(scenario)], environment: env, directory: scenario.directory)
        try wait("the order rows of candle \(trading)") { try journal.outbox(after: before, limit: 50).contains { $0.kind.hasPrefix("e") && $0.kind != "error" } }
        kill9(running)
        telegram.clearFaults()
        try once(scenario, env, index: trading)

        XCTAssertEqual(telegram.htmlProblems, [], "every message is valid Telegram HTML under 4096 characters")
        let messages = telegram.messages
        let serverOrders = (try exchange.state()["orders"] as? [[String: Any]] ?? []).compactMap { $0["clientOrderId"] as? String }
        XCTAssertGreaterThan(serverOrders.count, 2, "the fixture trades")
        XCTAssertEqual(ids(messages, "order placed"), serverOrders, "one 'placed' message per order, in the exchange's order")
        XCTAssertEqual(ids(messages, "filled"), serverOrders, "one 'filled' message per (market) order, in order")
        for id in serverOrders {
            let placed = messages.firstIndex { $0.text.contains("order placed") && $0.text.contains(id) }
            let filled = messages.firstIndex { $0.text.contains("filled") && $0.text.contains(id) }
            XCTAssertLessThan(try XCTUnwrap(placed), try XCTUnwrap(filled), id)
        }
        XCTAssertTrue(messages.contains { $0.text.contains("Realised P&L:") }, "exits report realised P&L")
        XCTAssertGreaterThan(telegram.sendAttempts, messages.count, "the failures were really met")
        for output in try [scenario.bot(["journal", "--limit", "100", "--config", configPath(scenario)])] {
            XCTAssertFalse(output.stdout.contains(telegram.token) || output.stderr.contains(telegram.token))
        }
        for file in ["journal.sqlite", "journal.sqlite-wal"] {
            let bytes = (try? Data(contentsOf: scenario.directory.appendingPathComponent(file))) ?? Data()
            XCTAssertNil(bytes.range(of: Data(telegram.token.utf8)), "the bot token is not in \(file)")
        }
        for file in try FileManager.default.contentsOfDirectory(atPath: scenario.directory.path) where file.hasPrefix("out-") || file.hasPrefix("err-") {
            let text = (try? String(contentsOf: scenario.directory.appendingPathComponent(file), encoding: .utf8)) ?? ""
            XCTAssertFalse(text.contains(telegram.token), "the bot token is not in the log \(file)")
        }
    }

    func testCloseAllNeedsAnAllowedUserAndAFreshConfirm() throws {
        try requireModel()
        let scenario = try Scenario(self)
        let exchange = try scenario.startExchange()
        let telegram = try TelegramLoopback()
        defer { telegram.stop() }
        try scenario.writeConfig(mode: "testnet")
        let env = environment(scenario, telegram, extra: ["TELEGRAM_CONFIRM_TIMEOUT": "2"])
        let expected = try scenario.expectedDecisions(indices: 5...30, threshold: 0.002)
        let opening = try XCTUnwrap(expected.firstIndex { $0.contains("open") }.map { 5 + $0 })
        for index in 5...opening { try once(scenario, env, index: index) }
        func positions() throws -> [[String: Any]] {
            ((try exchange.state()["accounts"] as? [[String: Any]])?.first?["positions"] as? [[String: Any]]) ?? []
        }
        XCTAssertEqual(try positions().count, 1, "a position is open before the close-all")

        let starts = telegram.messages.filter { $0.text.hasPrefix("🤖 Bot started") }.count
        let running = try Harness.start(["run", "--config", configPath(scenario)], environment: env, directory: scenario.directory)
        defer { if running.process.isRunning { kill9(running) } }
        telegram.waitFor("the loop's start-up message") { $0.filter { $0.text.hasPrefix("🤖 Bot started") && $0.html.contains("<b>") }.count > starts }

        // A stranger in the allowed chat, and the owner in another chat: nothing.
        let before = telegram.messages.count
        telegram.userSays("/closeall", user: Self.stranger, chat: Self.chat)
        telegram.userSays("/closeall", user: Self.owner, chat: 555)
        telegram.userSays("/status", user: Self.owner, chat: Self.chat)
        let status = telegram.waitFor("the owner's /status answer") { $0.contains { $0.text.contains("Last prediction:") } }
        XCTAssertEqual(status.count, before + 1, "only the owner's /status was answered: \(status.suffix(3).map(\.text))")
        XCTAssertTrue(status.last?.text.contains("Position: ") == true, status.last?.text ?? "")
        XCTAssertEqual(try positions().count, 1)

        // The owner asks; a stranger's press of the button does nothing; the owner's press flattens the account.
        telegram.userSays("/closeall", user: Self.owner, chat: Self.chat)
        let prompt = telegram.waitFor("the Confirm button") { $0.last?.replyMarkup?["inline_keyboard"] != nil }
        let buttons = try XCTUnwrap((prompt.last?.replyMarkup?["inline_keyboard"] as? [[[String: Any]]])?.first)
        let confirm = try XCTUnwrap(buttons.first?["callback_data"] as? String)
        XCTAssertTrue(confirm.hasPrefix("confirm:"))
        telegram.userPresses(confirm, user: Self.stranger, chat: Self.chat)
        try wait("the stranger's press to be read") { telegram.unconfirmed == 0 }
        usleep(300_000)
        XCTAssertEqual(try positions().count, 1, "a stranger's Confirm does nothing")
        telegram.userPresses(confirm, user: Self.owner, chat: Self.chat)
        let done = telegram.waitFor("the close-all report") { $0.contains { $0.text.contains("Close-all done") } }
        XCTAssertEqual(try positions().count, 0, done.last?.text ?? "")
        let state = try exchange.state()
        let openOrders = (state["orders"] as? [[String: Any]] ?? []).filter { ($0["status"] as? String) == "NEW" }
        XCTAssertEqual(openOrders.count, 0)
        let ordersAfter = (state["orders"] as? [[String: Any]] ?? []).count

        // The same button again (a replay), and a fresh prompt confirmed too late: nothing.
        telegram.userPresses(confirm, user: Self.owner, chat: Self.chat)
        telegram.waitFor("the replay's answer") { $0.last?.text.contains("expired or was already used") == true }
        telegram.userSays("/closeall", user: Self.owner, chat: Self.chat)
        let second = telegram.waitFor("a second Confirm button") { $0.last?.replyMarkup?["inline_keyboard"] != nil }
        let late = try XCTUnwrap(((second.last?.replyMarkup?["inline_keyboard"] as? [[[String: Any]]])?.first?.first?["callback_data"]) as? String)
        XCTAssertNotEqual(late, confirm, "every prompt has its own token")
        Thread.sleep(forTimeInterval: 2.5)
        telegram.userPresses(late, user: Self.owner, chat: Self.chat)
        telegram.waitFor("the expired answer") { $0.last?.text.contains("expired or was already used") == true }
        XCTAssertEqual(telegram.messages.filter { $0.text.contains("Close-all done") }.count, 1, "only the first Confirm acted")
        XCTAssertEqual((try exchange.state()["orders"] as? [[String: Any]] ?? []).count, ordersAfter, "no order after the close-all")
        XCTAssertEqual(telegram.htmlProblems, [])
        XCTAssertEqual(telegram.answeredCallbacks.count, 3, "the owner's presses are acknowledged, the stranger's is not")
        running.process.terminate()
        running.process.waitUntilExit()

        // Every command and its result are in the journal.
        let commands = try openJournal(scenario).recentCommands(limit: 20).reversed().map { "\($0.command) \($0.authorised) \($0.result)" }
        XCTAssertTrue(commands.contains("/closeall false ignored: not allowed"), "\(commands)")
        XCTAssertTrue(commands.contains { $0.hasPrefix("button confirm true close-all: flat") }, "\(commands)")
        XCTAssertEqual(commands.filter { $0.contains("expired or replayed") }.count, 2, "\(commands)")
    }

    func testPauseSurvivesARestart() throws {
        try requireModel()
        let scenario = try Scenario(self)
        let exchange = try scenario.startExchange()
        let telegram = try TelegramLoopback()
        defer { telegram.stop() }
        try scenario.writeConfig(mode: "testnet")
        let env = environment(scenario, telegram)
        try exchange.setClock(scenario.after(5))
        let running = try Harness.start(["run", "--config", configPath(scenario)], environment: env, directory: scenario.directory)
        telegram.waitFor("the start-up message") { $0.contains { $0.text.hasPrefix("🤖 Bot started") } }
        telegram.userSays("/pause", user: Self.owner, chat: Self.chat)
        telegram.waitFor("the pause answer") { $0.contains { $0.text.contains("New entries paused") } }
        running.process.terminate()
        running.process.waitUntilExit()

        let journal = try openJournal(scenario)
        let entriesBefore = try journal.recentOrders(limit: 100).filter { $0.purpose == .open }.count
        var decided: [String] = []
        for index in 6...30 {
            try once(scenario, env, index: index)
            decided = try journal.recentCycles(limit: 100).compactMap(\.decision)
            if decided.first?.contains("open") == true { break }
        }
        XCTAssertTrue(decided.first?.contains("open") == true, "the strategy wanted an entry after the restart: \(decided)")
        XCTAssertEqual(try journal.recentOrders(limit: 100).filter { $0.purpose == .open }.count, entriesBefore,
                       "no entry after the restart while paused")
        XCTAssertTrue(telegram.messages.contains { $0.text.contains("Entries: paused") }, "the start-up message says so")
    }

    func testFiftyIdenticalErrorsGiveAHandfulOfMessages() throws {
        try requireModel()
        let scenario = try Scenario(self)
        let exchange = try scenario.startExchange()
        let telegram = try TelegramLoopback()
        defer { telegram.stop() }
        try scenario.writeConfig(mode: "testnet", extra: ["MAX_RETRIES": "0"])
        let env = environment(scenario, telegram, extra: ["TELEGRAM_NOTIFICATIONS": "startup=off"])
        try exchange.setClock(scenario.after(5))
        try exchange.control("POST", "/_test/fault", ["kind": "http5xx", "status": "502", "path": "/fapi/v1/klines", "count": "1000"])
        for _ in 0..<50 {
            let output = try scenario.bot(["run", "--once", "--config", configPath(scenario)], environment: env)
            XCTAssertEqual(output.status, 1, "a failed single cycle is a failed run: \(output.stderr)")
        }
        let errors = telegram.messages.filter { $0.text.contains("Error") }
        XCTAssertGreaterThanOrEqual(errors.count, 1)
        XCTAssertLessThanOrEqual(errors.count, 3, errors.map(\.text).joined(separator: "\n---\n"))
        XCTAssertEqual(telegram.messages.count, errors.count)
        XCTAssertEqual(try openJournal(scenario).recentOutbox(limit: 100, kinds: ["error"]).count, 50, "every error is journaled")
    }

    func testALoopStoppedForTwoIntervalsGivesTheDeadManWarning() throws {
        try requireModel()
        let scenario = try Scenario(self)
        let exchange = try scenario.startExchange()
        let telegram = try TelegramLoopback()
        defer { telegram.stop() }
        try scenario.writeConfig(mode: "testnet", extra: ["MAX_RETRIES": "0"])
        let env = environment(scenario, telegram)
        try exchange.setClock(scenario.after(5))
        let running = try Harness.start(["run", "--config", configPath(scenario), "--watch-every-ms", "200", "--max-nap-ms", "200",
                                         "--clock-resync-ms", "100"], environment: env, directory: scenario.directory)
        defer { if running.process.isRunning { kill9(running) } }
        let journal = try openJournal(scenario)
        try wait("the first cycle") { try journal.lastCompletedCycle(symbol: "BTC/USDT:USDT") != nil }
        // The exchange stops serving candles; a day later nothing is wrong yet, two days later the watch warns.
        try exchange.control("POST", "/_test/fault", ["kind": "http5xx", "status": "503", "path": "/fapi/v1/klines", "count": "100000"])
        try exchange.setClock(scenario.after(6))
        Thread.sleep(forTimeInterval: 1.5)
        XCTAssertFalse(telegram.messages.contains { $0.text.contains("no cycle completed") })
        try exchange.setClock(scenario.after(7) + 60_000)
        let warned = telegram.waitFor("the dead-man warning") { $0.contains { $0.text.contains("no cycle completed for 2 d") } }
        XCTAssertEqual(warned.filter { $0.text.contains("no cycle completed") }.count, 1)
        Thread.sleep(forTimeInterval: 1)
        XCTAssertEqual(telegram.messages.filter { $0.text.contains("no cycle completed") }.count, 1, "warned once, not every check")
    }
}

/// With SYMBOLS, the same notifications and commands: messages name each symbol, `/status` shows each, `/closeall`
/// flattens every symbol.
final class MultiSymbolTelegramEndToEndTests: XCTestCase {
    func testSeveralSymbolsAreReportedAndClosedTogether() throws {
        guard FileManager.default.fileExists(atPath: Scenario.modelPath) else { throw XCTSkip("shipped model missing") }
        let m = try MultiSymbolEndToEndTests.Markets(self)
        try m.writeConfig(symbols: ["BTC/USDT:USDT", "ETH/USDT:USDT"], sections: """
              BTC/USDT:USDT: {INTERVAL: 1d, STAKE_FRACTION: 0.45}
              ETH/USDT:USDT: {INTERVAL: 4h, STAKE_FRACTION: 0.45, MODEL_PATH: "\(m.ethModel.path)", SCALERS_PATH: "\(m.ethScalers.path)"}

            """)
        let telegram = try TelegramLoopback()
        defer { telegram.stop() }
        var env = m.scenario.credentials
        env.merge(["TELEGRAM_BOT_TOKEN": telegram.token, "TELEGRAM_CHAT_ID": "4242", "TELEGRAM_ALLOWED_USERS": "7",
                   "TELEGRAM_API_URL": telegram.url]) { _, b in b }
        for step in 0..<12 {
            try m.exchange.setClock(MultiSymbolEndToEndTests.time(step: step))
            let run = try m.scenario.bot(["run", "--once"], environment: env)
            XCTAssertEqual(run.status, 0, run.stderr)
        }
        XCTAssertTrue(telegram.messages.contains { $0.text.hasPrefix("🤖 Bot started — BTC/USDT:USDT, ETH/USDT:USDT") })
        let traded = Set(telegram.messages.filter { $0.text.contains("filled") }.compactMap { $0.text.split(separator: "\n").first?.split(separator: "—").last })
        XCTAssertFalse(traded.isEmpty, "fills are reported: \(telegram.messages.map(\.text))")
        XCTAssertEqual(telegram.htmlProblems, [])

        XCTAssertGreaterThan((try m.account()["positions"] as? [[String: Any]] ?? []).count, 0, "positions are open before the close-all")
        let running = try Harness.start(["run"], environment: env, directory: m.scenario.directory)
        defer { if running.process.isRunning { running.process.terminate(); running.process.waitUntilExit() } }
        telegram.userSays("/status", user: 7, chat: 4242)
        let status = telegram.waitFor("/status") { $0.last?.text.contains("Last prediction") == true }
        XCTAssertTrue(status.last?.text.contains("BTC/USDT:USDT · testnet") == true && status.last?.text.contains("ETH/USDT:USDT · testnet") == true,
                      status.last?.text ?? "")
        telegram.userSays("/closeall", user: 7, chat: 4242)
        let prompt = telegram.waitFor("Confirm") { $0.last?.replyMarkup?["inline_keyboard"] != nil }
        let data = try XCTUnwrap(((prompt.last?.replyMarkup?["inline_keyboard"] as? [[[String: Any]]])?.first?.first?["callback_data"]) as? String)
        telegram.userPresses(data, user: 7, chat: 4242)
        let done = telegram.waitFor("the report") { $0.last?.text.contains("Close-all") == true }
        XCTAssertTrue(done.last?.text.contains("Close-all done") == true, done.last?.text ?? "")
        XCTAssertEqual((try m.account()["positions"] as? [[String: Any]] ?? []).count, 0, "every symbol is flat")
    }
}
