import Bot
import Exchange
import Foundation
import HTTPClient
import XCTest

/// The loop under faults for many cycles: `TRADINGBOT_SOAK_CYCLES=1000 swift test --skip-build --filter SoakTests`.
/// Skipped by default (it takes minutes). Prints its figures for BENCHMARKS.md. With TRADINGBOT_SOAK_OPERATE=1 the
/// bot also notifies a Telegram-compatible loopback server and a webhook and serves the REST API, which the soak reads
/// every 25 cycles.
final class SoakTests: XCTestCase {
    func testSoak() throws {
        guard let cycles = ProcessInfo.processInfo.environment["TRADINGBOT_SOAK_CYCLES"].flatMap(Int.init), cycles > 0 else {
            throw XCTSkip("set TRADINGBOT_SOAK_CYCLES=1000 to run the soak")
        }
        let minute: Int64 = 60_000
        let count = cycles + 10
        let candles: [Candle] = (0..<count).map { i in
            let t = Double(i)
            let close = 9_000 + 400 * sin(t / 7.0) + 120 * sin(t * 1.3) + 60 * sin(t * 0.37)
            let open = 9_000 + 400 * sin((t - 1) / 7.0) + 120 * sin((t - 1) * 1.3) + 60 * sin((t - 1) * 0.37)
            func r(_ x: Double) -> Double { (x * 10).rounded() / 10 }
            return Candle(timestamp: Scenario.start + Int64(i) * minute, open: r(open), high: r(max(open, close) * 1.002),
                          low: r(min(open, close) * 0.998), close: r(close), volume: r(2.0e10 + 5.0e9 * sin(t / 3)))
        }
        let scenario = try Scenario(self, candles: candles)
        func after(_ i: Int) -> Int64 { Scenario.start + Int64(i + 1) * minute + 1_000 }
        let exchange = try TestExchange(candles: scenario.candleFile, interval: "1m", startMs: after(4), generousLimits: true)
        scenario.exchange = exchange
        try scenario.writeConfig(mode: "testnet", extra: ["INTERVAL": "1m", "THRESHOLD": "0.001", "RETRY_DELAY": "0.01"])

        let operate = ProcessInfo.processInfo.environment["TRADINGBOT_SOAK_OPERATE"] == "1"
        var env = scenario.credentials
        var telegram: TelegramLoopback?
        var hook: WebhookLoopback?
        if operate {
            let t = try TelegramLoopback()
            let h = try WebhookLoopback()
            telegram = t
            hook = h
            env.merge(["TELEGRAM_BOT_TOKEN": t.token, "TELEGRAM_CHAT_ID": "4242", "TELEGRAM_ALLOWED_USERS": "7", "TELEGRAM_API_URL": t.url,
                       "WEBHOOK_URL": h.url + "/hook", "API_SERVER_LISTEN": "127.0.0.1:0", "API_SERVER_PASSWORD": "soak-pw"]) { _, b in b }
        }
        defer { telegram?.stop(); hook?.stop() }

        let started = Date()
        // One cycle more than the driver runs: the bot is still up at the end, to measure it and stop it with SIGTERM.
        let bot = try Harness.start(["run", "--max-nap-ms", "5", "--clock-resync-ms", "0", "--max-cycles", String(cycles + 1)],
                                    environment: env, directory: scenario.directory)
        var apiPort: UInt16?
        var apiReads = 0
        let log = LineCounter(path: scenario.directory)
        var faults = 0
        var rssAt100: Int?
        for i in 4..<(4 + cycles) {
            if i > 4 {
                if try SoakTests.applyFaultSchedule(step: i, exchange: exchange) { faults += 1 }
                try exchange.setClock(after(i))
            }
            let deadline = Date().addingTimeInterval(60)
            while log.cycles(in: bot) < i - 3 && Date() < deadline && bot.process.isRunning { usleep(2_000) }
            XCTAssertTrue(bot.process.isRunning, "bot ended early at candle \(i): \(bot.stderr().suffix(2000))")
            guard bot.process.isRunning else { break }
            if i == 104 { rssAt100 = Self.rss(bot.process.processIdentifier) }
            if operate && i % 25 == 0 {
                if apiPort == nil, let range = bot.stdout().range(of: #"REST API on http://127\.0\.0\.1:(\d+)/"#, options: .regularExpression) {
                    apiPort = String(bot.stdout()[range]).split(separator: ":").last.flatMap { UInt16($0.dropLast()) }
                }
                if let apiPort {
                    let request = HTTPRequest(method: "GET", url: "http://127.0.0.1:\(apiPort)/api/v1/status",
                                              headers: [("Authorization", "Basic " + Data("admin:soak-pw".utf8).base64EncodedString())])
                    let status = try TestExchange.blocking { try await CurlTransport().send(request).status }
                    XCTAssertEqual(status, 200)
                    apiReads += 1
                }
            }
        }
        let rssEnd = Self.rss(bot.process.processIdentifier)
        let elapsed = Date().timeIntervalSince(started)
        kill(bot.process.processIdentifier, SIGTERM)
        bot.process.waitUntilExit()
        XCTAssertEqual(bot.process.terminationReason, .exit, "SIGTERM stops the loop cleanly")
        XCTAssertEqual(bot.process.terminationStatus, 0, bot.stderr().suffix(2000).description)
        XCTAssertTrue(bot.stdout().contains("received SIGTERM"), "no clean-stop line")

        // A restart reconciles anything left pending; then journal and server must agree exactly.
        try exchange.control("POST", "/_test/clear-faults")
        let restart = try scenario.bot(["run", "--once"], environment: env)
        XCTAssertEqual(restart.status, 0, restart.stderr)
        let journal = try scenario.journal()
        let serverOrders = (try exchange.state()["orders"] as? [[String: Any]]) ?? []
        let serverIDs = serverOrders.compactMap { $0["clientOrderId"] as? String }
        XCTAssertEqual(Set(serverIDs).count, serverIDs.count, "duplicate client order id on the server")
        // At most one order per candle and purpose (ids differ only by a retry suffix).
        let bases = serverIDs.map { id -> String in
            let chars = Array(id)
            return chars.count > 2 && chars[chars.count - 2] == "r" ? String(chars.dropLast(2)) : id
        }
        XCTAssertEqual(Set(bases).count, bases.count, "two orders for one decision: \(serverIDs)")
        let sent = Set(journal.orders.filter { $0["state"] as? String == "sent" }.compactMap { $0["client_order_id"] as? String })
        XCTAssertEqual(sent, Set(serverIDs), "journal and server disagree")
        XCTAssertEqual(journal.orders.filter { $0["state"] as? String == "pending" }.count, 0)
        let done = journal.cycles.filter { $0["status"] as? String == "done" }.count
        let failed = journal.cycles.filter { $0["status"] as? String == "failed" }.count
        let line = "soak: \(cycles) cycles in \(String(format: "%.1f", elapsed)) s (\(String(format: "%.1f", Double(cycles) / elapsed)) cycles/s), "
            + "\(faults) faults injected, journal cycles done \(done) failed \(failed), orders \(serverIDs.count) on the server = \(sent.count) in the journal, "
            + "RSS after 100 cycles \(rssAt100.map { "\($0 / 1024) MiB" } ?? "?"), at the end \(rssEnd.map { "\($0 / 1024) MiB" } ?? "?")"
        var operateLine = ""
        if let telegram, let hook {
            XCTAssertEqual(telegram.htmlProblems, [])
            let placed = telegram.messages.filter { $0.text.contains("order placed") }.compactMap { m in
                m.text.split(separator: "\n").first { $0.hasPrefix("Client id: ") }.map { String($0.dropFirst(11)) }
            }
            XCTAssertEqual(Set(placed).count, placed.count, "no order announced twice on Telegram")
            XCTAssertTrue(Set(placed).isSubset(of: Set(serverIDs)))
            let posts = hook.bodies.compactMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
            let ids = posts.compactMap { ($0["id"] as? NSNumber)?.int64Value }
            XCTAssertEqual(ids, ids.sorted(), "webhook posts in outbox order")
            XCTAssertEqual(Set(ids).count, ids.count, "each outbox row posted once")
            let hookPlaced = posts.filter { ["entry", "exit", "stoploss"].contains($0["kind"] as? String ?? "") }
                .compactMap { ($0["fields"] as? [String: Any])?["client_order_id"] as? String }
            XCTAssertEqual(Set(hookPlaced).count, hookPlaced.count)
            XCTAssertGreaterThan(apiReads, 0)
            operateLine = "; operate on: \(telegram.messages.count) Telegram messages (paced at 1/s per chat), \(posts.count) webhook posts, "
                + "\(hookPlaced.count) orders announced by webhook, \(apiReads) API reads"
        }
        print(line + operateLine)
        try (line + operateLine).write(to: Harness.root.appendingPathComponent(".build/soak-result.txt"), atomically: true, encoding: .utf8)
        if let a = rssAt100, let b = rssEnd { XCTAssertLessThan(b - a, 16 * 1024, "memory grew by \(b - a) KiB") }
    }

    /// The faults injected in rotation, one every 10 cycles (the single- and the three-symbol soak).
    /// The soak's fault schedule: at every tenth step one fault of the next kind (once), cleared three steps later.
    /// Returns whether it injected one.
    static func applyFaultSchedule(step i: Int, exchange: TestExchange) throws -> Bool {
        if i % 10 == 3 { try exchange.control("POST", "/_test/clear-faults") }
        guard i % 10 == 0 else { return false }
        var fault = faultKinds[(i / 10) % faultKinds.count]
        fault["count"] = "1"
        try exchange.control("POST", "/_test/fault", fault)
        return true
    }

    static let faultKinds: [[String: String]] = [
        ["kind": "http5xx", "status": "503"], ["kind": "rateLimit429", "retryAfter": "1"], ["kind": "latency", "seconds": "1.5"],
        ["kind": "unknown503", "method": "POST", "path": "/fapi/v1/order"], ["kind": "clockSkew", "ms": "3000"],
        ["kind": "acceptThenDrop", "method": "POST", "path": "/fapi/v1/order"], ["kind": "http5xx", "status": "500"],
        // A real client time-out (libcurl's total timeout is 10 s) on the order itself: the outcome is unknown.
        ["kind": "latency", "seconds": "10.5", "method": "POST", "path": "/fapi/v1/order"],
    ]

    /// Resident memory in KiB from /proc.
    static func rss(_ pid: Int32) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }) else { return nil }
        return Int(line.split(separator: " ").dropFirst().first ?? "")
    }
}

/// Counts the cycle lines the bot has printed so far, reading only what its log gained since the last call.
final class LineCounter {
    private var offset: UInt64 = 0
    private var count = 0
    private var partial = ""
    /// Cycle lines by the symbol that precedes the status (`BTC/USDT:USDT [done] …` in a multi-symbol run).
    private(set) var bySymbol: [String: Int] = [:]
    init(path: URL) {}

    func cycles(in running: Harness.Running) -> Int {
        guard let handle = try? FileHandle(forReadingFrom: running.stdoutURL) else { return count }
        defer { try? handle.close() }
        try? handle.seek(toOffset: offset)
        guard let data = try? handle.readToEnd(), !data.isEmpty else { return count }
        offset += UInt64(data.count)
        let lines = (partial + String(decoding: data, as: UTF8.self)).split(separator: "\n", omittingEmptySubsequences: false)
        partial = String(lines.last ?? "")
        for line in lines.dropLast() {
            guard let status = ["[done]", "[failed]", "[skipped]"].lazy.compactMap({ line.range(of: " " + $0) }).first else { continue }
            count += 1
            if let symbol = line[..<status.lowerBound].split(separator: " ").last { bySymbol[String(symbol), default: 0] += 1 }
        }
        return count
    }
}
