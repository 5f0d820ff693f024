import BinanceTestServer
import Bot
import Exchange
import Foundation
import XCTest

/// The loop under faults for many passes over three symbols on one wallet (issue 12):
/// `TRADINGBOT_SOAK_CYCLES=1000 swift test --skip-build --filter MultiSymbolSoakTests`. Skipped by default, like the
/// single-symbol `SoakTests`. BTC on 1-minute, ETH on 3-minute (cross margin) and LTC on 5-minute candles, each market with its own
/// filters and prices on the loopback server, the same rotating faults as the single-symbol soak; per symbol: no
/// duplicate order, journal = server; for the process: flat memory; for the wallet: free balance never negative.
///
/// `TRADINGBOT_PASS_COST_PASSES=300 swift test --skip-build --filter MultiSymbolSoakTests/testPassCost` measures one
/// fault-free pass over 1 and over 3 symbols (CPU of the bot process, exchange requests by endpoint).
final class MultiSymbolSoakTests: XCTestCase {
    static let minute: Int64 = 60_000

    /// A wave around `level` (the single-symbol soak's, phase-shifted by `phase`), on a `tick` grid.
    static func wave(count: Int, interval: Int64, level: Double, phase: Double, tick: Double, history: Int = 0) -> [Candle] {
        (0..<count).map { i in
            func price(_ t: Double) -> Double {
                (9_000 + 400 * sin((t + phase) / 7.0) + 120 * sin((t + phase) * 1.3) + 60 * sin((t + phase) * 0.37)) * level / 9_000
            }
            let t = Double(i)
            let close = price(t), open = price(t - 1)
            func r(_ x: Double) -> Double { (x / tick).rounded() * tick }
            return Candle(timestamp: Scenario.start + Int64(i - history) * interval, open: r(open), high: r(max(open, close) * 1.002),
                          low: r(min(open, close) * 0.998), close: r(close), volume: (2.0e10 + 5.0e9 * sin(t / 3)).rounded())
        }
    }

    /// Exchange time one second after the close of one-minute candle `i`.
    static func after(_ i: Int) -> Int64 { Scenario.start + Int64(i + 1) * minute + 1_000 }

    /// Cycle lines a symbol on `n`-minute candles has printed once the driver has set the clock to `after(i)` for
    /// i = 4 … `i` (it runs at the first step, then whenever a new candle of its interval has opened).
    static func expectedCycles(step i: Int, minutes n: Int) -> Int { (i + 1) / n - 5 / n + 1 }

    /// One symbol of the soak: unified name, exchange id, interval in minutes, price level (its scalers are the
    /// shipped ones divided by 9,000 / level) and price tick.
    struct Member {
        var symbol: String
        var id: String
        var minutes: Int
        var level: Double
        var tick: Double
        var interval: String { "\(minutes)m" }
    }

    /// The three markets on one server and one wallet, with their model files and config.yaml.
    final class Setup {
        let scenario: Scenario
        let exchange: TestExchange
        let members: [Member]

        init(_ testCase: XCTestCase, members: [Member], candles count: Int) throws {
            guard FileManager.default.fileExists(atPath: Scenario.modelPath) else { throw XCTSkip("shipped model missing") }
            self.members = members
            let btc = members[0]
            scenario = try Scenario(testCase, candles: MultiSymbolSoakTests.wave(count: count, interval: MultiSymbolSoakTests.minute,
                                                                                 level: btc.level, phase: 0, tick: btc.tick))
            exchange = try TestExchange(candles: scenario.candleFile, interval: btc.interval, startMs: MultiSymbolSoakTests.after(4), generousLimits: true)
            scenario.exchange = exchange
            var sections = ""
            for (k, m) in members.enumerated() {
                var scalers = Scenario.scalersPath
                if k > 0 {
                    let ms = Int64(m.minutes) * MultiSymbolSoakTests.minute
                    // Ten candles of history before the first step, so that every symbol decides from its first cycle.
                    let candles = MultiSymbolSoakTests.wave(count: count / m.minutes + 20, interval: ms, level: m.level, phase: Double(k) * 2.5,
                                                            tick: m.tick, history: 10)
                    exchange.server.loadCandles(symbol: m.id, interval: m.interval, candles: candles.map(BinanceTestServer.Candle.init))
                    let url = scenario.directory.appendingPathComponent("\(m.id)-scalers.json")
                    let export = try scenario.bot(["scalers", "export", Scenario.scalersPath, "--out", url.path])
                    guard export.status == 0 else { throw XCTSkip("scalers export failed: \(export.stderr)") }
                    try MultiSymbolEndToEndTests.rescale(url, by: btc.level / m.level)
                    scalers = url.path
                }
                // Cross margin for ETH, isolated for the others: margin type per symbol on the one wallet.
                let margin = m.id == "ETHUSDT" ? "cross" : "isolated"
                sections += "  \(m.symbol): {INTERVAL: \(m.interval), STAKE_FRACTION: 0.3, MARGIN_TYPE: \(margin), SCALERS_PATH: \"\(scalers)\"}\n"
            }
            let keys: [String: String] = [
                "SYMBOLS": members.map(\.symbol).joined(separator: ","), "MODE": "testnet", "LEVERAGE": "2", "THRESHOLD": "0.001",
                "STOP_LOSS": "0.9", "MIN_ORDER_AMOUNT": "0.001", "MODEL_PATH": Scenario.modelPath, "SCALERS_PATH": Scenario.scalersPath,
                "JOURNAL_PATH": "journal.sqlite", "MAX_RETRIES": "3", "RETRY_DELAY": "0.01", "EXCHANGE_URL": exchange.baseURL,
            ]
            let yaml = "default:\n" + keys.sorted { $0.key < $1.key }.map { "  \($0.key): \"\($0.value)\"" }.joined(separator: "\n")
                + "\nsymbols:\n" + sections
            try yaml.write(to: scenario.directory.appendingPathComponent("config.yaml"), atomically: true, encoding: .utf8)
        }

        /// Sets the clock to `after(i)` (unless `i` is the first step) and waits until every symbol due by then has
        /// printed its cycle line; false when the bot ended or did not get there in a minute.
        func step(_ i: Int, bot: Harness.Running, log: LineCounter) throws -> Bool {
            if i > 4 { try exchange.setClock(MultiSymbolSoakTests.after(i)) }
            let deadline = Date().addingTimeInterval(60)
            func behind() -> Bool {
                _ = log.cycles(in: bot)
                return members.contains { log.bySymbol[$0.symbol, default: 0] < MultiSymbolSoakTests.expectedCycles(step: i, minutes: $0.minutes) }
            }
            while behind() && Date() < deadline && bot.process.isRunning { usleep(2_000) }
            return !behind() && bot.process.isRunning
        }

    }

    static let three = [
        Member(symbol: "BTC/USDT:USDT", id: "BTCUSDT", minutes: 1, level: 9_000, tick: 0.1),
        Member(symbol: "ETH/USDT:USDT", id: "ETHUSDT", minutes: 3, level: 450, tick: 0.01),
        Member(symbol: "LTC/USDT:USDT", id: "LTCUSDT", minutes: 5, level: 60, tick: 0.01),
    ]

    func testSoakThreeSymbols() throws {
        guard let cycles = ProcessInfo.processInfo.environment["TRADINGBOT_SOAK_CYCLES"].flatMap(Int.init), cycles > 0 else {
            throw XCTSkip("set TRADINGBOT_SOAK_CYCLES=1000 to run the three-symbol soak")
        }
        let s = try Setup(self, members: Self.three, candles: cycles + 10)
        let exchange = s.exchange
        let started = Date()
        // The bot stays up until the driver is done (passes are bounded generously: a clock read that fails counts as
        // one), to measure it and stop it with SIGTERM.
        let bot = try Harness.start(["run", "--max-nap-ms", "5", "--clock-resync-ms", "0", "--max-cycles", String(10 * cycles + 10)],
                                    environment: s.scenario.credentials, directory: s.scenario.directory)
        defer { if bot.process.isRunning { bot.process.terminate() } }
        let log = LineCounter(path: s.scenario.directory)
        var faults = 0
        var rssAt100: Int?, cpuAt100: Int?
        var lowestFree: Decimal?
        // Bot CPU (clock ticks) after the first pass and every 250 more: does a pass cost more as the journal grows?
        var blockCPU: [Int] = []
        var freeReads = 0
        for i in 4..<(4 + cycles) {
            if i > 4 {
                if try SoakTests.applyFaultSchedule(step: i, exchange: exchange) { faults += 1 }
            }
            let reached = try s.step(i, bot: bot, log: log)
            XCTAssertTrue(reached, "bot ended or stalled at candle \(i): \(log.bySymbol) \(bot.stdout().suffix(2000)) \(bot.stderr().suffix(2000))")
            guard reached else { break }
            // One wallet: the server's free balance after every pass (read in-process: /_test/state carries every order).
            // Before Binance's clamp at 0 (availableBalance never goes below it), so over-commitment would show.
            if let free = exchange.server.marginHeadroom(apiKey: TestExchange.apiKey) {
                lowestFree = min(lowestFree ?? free, free)
                freeReads += 1
            }
            if (i - 4) % 250 == 0 { blockCPU.append(Self.cpuTicks(bot.process.processIdentifier) ?? 0) }
            if i == 104 {
                rssAt100 = SoakTests.rss(bot.process.processIdentifier)
                cpuAt100 = Self.cpuTicks(bot.process.processIdentifier)
            }
        }
        let rssEnd = SoakTests.rss(bot.process.processIdentifier)
        let cpuEnd = Self.cpuTicks(bot.process.processIdentifier)
        let elapsed = Date().timeIntervalSince(started)
        kill(bot.process.processIdentifier, SIGTERM)
        bot.process.waitUntilExit()
        try? bot.stdout().write(to: Harness.root.appendingPathComponent(".build/soak3-bot.log"), atomically: true, encoding: .utf8)
        XCTAssertEqual(bot.process.terminationReason, .exit, "SIGTERM stops the loop cleanly")
        XCTAssertEqual(bot.process.terminationStatus, 0, bot.stderr().suffix(2000).description)
        XCTAssertFalse(bot.stdout().contains(TestExchange.apiSecret) || bot.stderr().contains(TestExchange.apiSecret))

        // A restart reconciles anything left pending; then journal and server must agree exactly, per symbol.
        try exchange.control("POST", "/_test/clear-faults")
        let restart = try s.scenario.bot(["run", "--once"], environment: s.scenario.credentials)
        XCTAssertEqual(restart.status, 0, restart.stderr)
        let journal = try s.scenario.journal(limit: 10 * cycles + 100)
        let serverOrders = (try exchange.state()["orders"] as? [[String: Any]]) ?? []
        var perSymbol: [String] = []
        for m in s.members {
            let server = serverOrders.filter { $0["symbol"] as? String == m.id }.compactMap { $0["clientOrderId"] as? String }
            XCTAssertEqual(Set(server).count, server.count, "\(m.symbol): duplicate client order id on the server")
            XCTAssertEqual(Set(server.map(Self.decisionID)).count, server.count, "\(m.symbol): two orders for one decision: \(server)")
            let mine = journal.orders.filter { $0["symbol"] as? String == m.symbol }
            let sent = Set(mine.filter { $0["state"] as? String == "sent" }.compactMap { $0["client_order_id"] as? String })
            XCTAssertEqual(sent, Set(server), "\(m.symbol): journal and server disagree")
            XCTAssertEqual(mine.filter { $0["state"] as? String == "pending" }.count, 0, m.symbol)
            XCTAssertGreaterThan(server.count, 0, "\(m.symbol) must trade for the comparison to mean something")
            let cyclesOf = journal.cycles.filter { $0["symbol"] as? String == m.symbol }
            let done = cyclesOf.filter { $0["status"] as? String == "done" }.count
            let failed = cyclesOf.filter { $0["status"] as? String == "failed" }.count
            XCTAssertGreaterThanOrEqual(done + failed, Self.expectedCycles(step: 3 + cycles, minutes: m.minutes), m.symbol)
            XCTAssertEqual(Set(cyclesOf.compactMap { $0["interval"] as? String }), [m.interval], m.symbol)
            perSymbol.append("\(m.symbol) \(m.interval): cycles done \(done) failed \(failed), orders \(server.count) on the server = \(sent.count) in the journal")
        }
        XCTAssertEqual(Set(serverOrders.compactMap { $0["symbol"] as? String }), Set(s.members.map(\.id)), "no order on a market not traded")
        XCTAssertEqual(freeReads, cycles)
        XCTAssertGreaterThanOrEqual(lowestFree ?? -1, 0, "free balance went negative at the server")

        func mib(_ kib: Int?) -> String { kib.map { String(format: "%.1f MiB", Double($0) / 1024) } ?? "?" }
        var cpu: Double?
        if let a = cpuAt100, let b = cpuEnd { cpu = Double(b - a) / Double(Self.ticksPerSecond) }
        let free = lowestFree.map { "\($0)" } ?? "?"
        var line = "soak (3 symbols): \(cycles) passes in \(String(format: "%.1f", elapsed)) s, \(faults) faults injected; "
        line += perSymbol.joined(separator: "; ")
        line += "; lowest free balance \(free) USDT; RSS after 100 passes \(mib(rssAt100)), at the end \(mib(rssEnd))"
        if let cpu {
            let perPass = 1000 * cpu / Double(max(1, cycles - 100))
            line += String(format: "; bot CPU after pass 100: %.1f s (%.1f ms per pass)", cpu, perPass)
        }
        let blocks = zip(blockCPU.dropFirst(), blockCPU).map { String(format: "%.1f", 1000 * Double($0 - $1) / Double(Self.ticksPerSecond) / 250) }
        if !blocks.isEmpty { line += "; bot CPU per pass by 250-pass block: " + blocks.joined(separator: ", ") + " ms" }
        print(line)
        try line.write(to: Harness.root.appendingPathComponent(".build/soak3-result.txt"), atomically: true, encoding: .utf8)
        if let a = rssAt100, let b = rssEnd { XCTAssertLessThan(b - a, 16 * 1024, "memory grew by \(b - a) KiB") }
        if cycles >= 104 { XCTAssertNotNil(rssAt100) }
    }

    /// One fault-free pass over 1 symbol and over 3 (all on 1-minute candles, so every pass holds every symbol):
    /// wall and CPU of the bot process per pass, exchange requests per pass by endpoint. Prints a BENCHMARKS.md table.
    func testPassCost() throws {
        guard let passes = ProcessInfo.processInfo.environment["TRADINGBOT_PASS_COST_PASSES"].flatMap(Int.init), passes > 0 else {
            throw XCTSkip("set TRADINGBOT_PASS_COST_PASSES=300 to measure a pass over 1 and over 3 symbols")
        }
        let sameInterval = Self.three.map { m -> Member in var m = m; m.minutes = 1; return m }
        var rows: [String] = []
        for members in [Array(sameInterval.prefix(1)), sameInterval] {
            let s = try Setup(self, members: members, candles: passes + 30)
            let bot = try Harness.start(["run", "--max-nap-ms", "5", "--clock-resync-ms", "0"], environment: s.scenario.credentials,
                                        directory: s.scenario.directory)
            defer { if bot.process.isRunning { bot.process.terminate() } }
            let log = LineCounter(path: s.scenario.directory)
            // Warm-up: start-up, reconciliation, leverage and margin type, the first orders.
            let warm = 14
            for i in 4..<(4 + warm) { XCTAssertTrue(try s.step(i, bot: bot, log: log), "warm-up step \(i): \(bot.stdout().suffix(2000))") }
            try s.exchange.control("POST", "/_test/clear-requests")
            let cpu0 = try XCTUnwrap(Self.cpuTicks(bot.process.processIdentifier))
            let t0 = Date()
            for i in (4 + warm)..<(4 + warm + passes) {
                let reached = try s.step(i, bot: bot, log: log)
                XCTAssertTrue(reached, "step \(i): \(bot.stdout().suffix(2000))")
                guard reached else { break }
            }
            let wall = Date().timeIntervalSince(t0)
            let cpu = Double(try XCTUnwrap(Self.cpuTicks(bot.process.processIdentifier)) - cpu0) / Double(Self.ticksPerSecond)
            let requests = try s.exchange.requests().filter { !(($0["path"] as? String) ?? "").hasPrefix("/_test") }
            kill(bot.process.processIdentifier, SIGTERM)
            bot.process.waitUntilExit()
            var byEndpoint: [String: Int] = [:]
            for r in requests { byEndpoint["\(r["method"] as? String ?? "?") \(r["path"] as? String ?? "?")", default: 0] += 1 }
            let orders = byEndpoint["POST /fapi/v1/order", default: 0]
            let balance = byEndpoint.filter { $0.key.contains("balance") || $0.key.contains("account") }.values.reduce(0, +)
            let positions = byEndpoint.filter { $0.key.contains("positionRisk") }.values.reduce(0, +)
            XCTAssertGreaterThan(balance, 0, "\(byEndpoint)")
            // One account read per pass for all its symbols, plus a fresh one after each order changed the account.
            XCTAssertLessThanOrEqual(balance, passes + orders, "\(members.count) symbols: balance reads \(byEndpoint)")
            XCTAssertLessThanOrEqual(positions, passes + orders, "\(members.count) symbols: position reads \(byEndpoint)")
            let n = Double(passes)
            let perPass = byEndpoint.sorted { $0.key < $1.key }.map { "\($0.key) \(String(format: "%.2f", Double($0.value) / n))" }.joined(separator: ", ")
            rows.append(String(format: "| %d | %d | %.1f ms | %.1f ms | %.1f ms | %.2f | %.2f / %.2f | %.2f | %@ |", members.count, passes,
                               1000 * wall / n, 1000 * cpu / n, 1000 * cpu / n / Double(members.count), Double(requests.count) / n,
                               Double(balance) / n, Double(positions) / n, Double(orders) / n, perPass))
        }
        let table = (["| symbols | passes | wall per pass | bot CPU per pass | CPU per symbol | requests per pass | balance / position reads per pass | orders per pass | by endpoint, per pass |",
                      "|---:|---:|---:|---:|---:|---:|---:|---:|---|"] + rows).joined(separator: "\n")
        print(table)
        try table.write(to: Harness.root.appendingPathComponent(".build/pass-cost.md"), atomically: true, encoding: .utf8)
    }

    /// A client order id without its retry suffix (`…r1`): the decision it belongs to.
    static func decisionID(_ id: String) -> String {
        let chars = Array(id)
        return chars.count > 2 && chars[chars.count - 2] == "r" ? String(chars.dropLast(2)) : id
    }

    static let ticksPerSecond = Int(sysconf(Int32(_SC_CLK_TCK)))

    /// User + system CPU time of a process in clock ticks, from /proc/PID/stat.
    static func cpuTicks(_ pid: Int32) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return nil }
        // After "pid (comm)": state is field 3, utime field 14, stime field 15.
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Int(fields[11]), let system = Int(fields[12]) else { return nil }
        return user + system
    }
}
