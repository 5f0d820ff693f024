import BinanceTestServer
import Bot
import Exchange
import Foundation
import XCTest

/// Issue 14's last "must show": the real binary, dry-run over the same candles as a testnet run against the loopback
/// exchange, makes the same trades — same entry candles, sides, sizes and fill prices, and the same margin refusals —
/// and keeps the same account: after every candle dry-run's simulated wallet and position equal what the exchange
/// books, to the last digit.
/// Real BTC candles from shared/data around the refusal issue 14 found (December 2019) and the shipped model.
final class DryRunTestnetEndToEndTests: XCTestCase {
    static let day: Int64 = 86_400_000

    /// coin_Bitcoin.csv from the shared data directory next to the repository (never copied into it).
    static func bitcoin() throws -> [Candle] {
        var dir = Harness.root
        while dir.path != "/" {
            let file = dir.appendingPathComponent("shared/data/coin_Bitcoin.csv")
            if FileManager.default.fileExists(atPath: file.path) { return try Bot.CandleFile.read(path: file.path) }
            dir.deleteLastPathComponent()
        }
        throw XCTSkip("shared/data/coin_Bitcoin.csv not found above \(Harness.root.path)")
    }

    struct Trade: Equatable, CustomStringConvertible {
        var candle: String, purpose: String, side: String, amount: String, average: String?, state: String
        var description: String { "\(candle) \(purpose) \(side) \(amount) @ \(average ?? "-") [\(state)]" }
    }

    /// Orders from `trading-bot journal --json`, each with the candle of the cycle that placed it.
    static func trades(_ journal: (cycles: [[String: Any]], orders: [[String: Any]])) -> [Trade] {
        var candleOf: [Int: String] = [:]
        for c in journal.cycles { if let id = c["id"] as? Int { candleOf[id] = c["candle_time"] as? String ?? "?" } }
        return journal.orders.map { o in
            Trade(candle: (o["cycle_id"] as? Int).flatMap { candleOf[$0] } ?? "-", purpose: o["purpose"] as? String ?? "",
                  side: o["side"] as? String ?? "", amount: o["amount"] as? String ?? "", average: o["average"] as? String,
                  state: o["state"] as? String ?? "")
        }
    }

    func testDryRunMakesTheSameTradesAsTestnetOnRealCandles() throws {
        guard FileManager.default.fileExists(atPath: Scenario.modelPath), FileManager.default.fileExists(atPath: Scenario.scalersPath) else {
            throw XCTSkip("shipped model or scalers missing")
        }
        let all = try Self.bitcoin()
        let from = try XCTUnwrap(all.firstIndex { $0.timestamp == UTCTime.parse("2019-11-10") }, "2019-11-10 not in the file")
        let candles = Array(all[from..<(from + 45)])
        let scenario = try Scenario(self, candles: candles)
        func after(_ index: Int) -> Int64 { candles[index].timestamp + Self.day + 1_000 }
        let first = 6, last = 40                               // 35 cycles: 2019-11-16 … 2019-12-20
        let testnet = try TestExchange(candles: scenario.candleFile, interval: "1d", startMs: after(first), generousLimits: true)
        let market = try TestExchange(candles: scenario.candleFile, interval: "1d", startMs: after(first), generousLimits: true)
        addTeardownBlock { testnet.stop(); market.stop() }

        let keys = ["THRESHOLD": "0.01", "STOP_LOSS": "0.05", "LEVERAGE": "2"]
        let testnetConfig = scenario.directory.appendingPathComponent("testnet.yaml")
        let dryConfig = scenario.directory.appendingPathComponent("dry.yaml")
        try FileManager.default.copyItem(at: try scenario.writeConfig(mode: "testnet", journal: "testnet.sqlite",
                                                                     extra: keys.merging(["EXCHANGE_URL": testnet.baseURL]) { $1 }), to: testnetConfig)
        try FileManager.default.copyItem(at: try scenario.writeConfig(mode: "dry-run", journal: "dry.sqlite",
                                                                     extra: keys.merging(["EXCHANGE_URL": market.baseURL]) { $1 }), to: dryConfig)

        // The price each entry meets differs from the close it was decided on: the next candle's open (the file's
        // opens are not the previous closes), and on top of that the price moves against the entry right after the
        // ticker read — 3 % at the first entry (beyond the buffer at 2×: the exchange refuses with -2019, one
        // smaller order follows), 0.3 % at the later ones (within the buffer). Both venues move alike.
        let predictor = try Predictor.load(modelPath: Scenario.modelPath, scalersPath: Scenario.scalersPath, windowSize: 5, targetColumn: 3)
        var moved = false
        var decisions: (testnet: [String], dry: [String]) = ([], [])
        var books: (testnet: [String], dry: [String]) = ([], [])
        let dryJournalPath = scenario.directory.appendingPathComponent("dry.sqlite").path
        for index in first...last {
            let window = Array(candles[(index - 4)...index])
            let change = (try predictor.predict(window) - candles[index].close) / candles[index].close
            let percent: Decimal = moved ? Decimal(string: "0.3")! : 3
            for venue in [testnet, market] {
                venue.server.clearFaults()
                venue.server.setPrice(symbol: "BTCUSDT", price: nil)
                if abs(change) > 0.01 {
                    venue.server.inject(.movePrice(percent: change > 0 ? percent : -percent), count: 1, method: "GET", path: "/fapi/v1/ticker/24hr")
                }
                try venue.setClock(after(index))
            }
            let before = testnet.server.currentPrice(symbol: "BTCUSDT")
            for (config, mode) in [(testnetConfig, "testnet"), (dryConfig, "dry-run")] {
                let output = try scenario.bot(["run", "--once", "--config", config.path], environment: mode == "dry-run" ? [:] : scenario.credentials)
                XCTAssertEqual(output.status, 0, "\(mode) candle \(UTCTime.iso(candles[index].timestamp)): \(output.stderr)\n\(output.stdout)")
            }
            if testnet.server.currentPrice(symbol: "BTCUSDT") != before { moved = true }  // an entry met the 3 % move
            // The account after the candle: the exchange's wallet and position, and dry-run's simulated ones.
            let candle = UTCTime.iso(candles[index].timestamp)
            let account = try XCTUnwrap((testnet.state()["accounts"] as? [[String: Any]])?.first)
            let position = (account["positions"] as? [[String: Any]] ?? []).first
            let wallet = try XCTUnwrap(Decimal(string: account["walletBalance"] as? String ?? ""))
            let amount = Decimal(string: position?["positionAmt"] as? String ?? "0") ?? 0
            books.testnet.append("\(candle) wallet \(wallet) position \(amount) @ \(position?["entryPrice"] as? String ?? "0")")
            let paper = try Journal(path: dryJournalPath).paperAccount()
            let dryAmount = (Decimal(string: paper["position_amount"] ?? "0") ?? 0) * (paper["position_side"] == "short" ? -1 : 1)
            // Until its first fill dry-run has saved nothing: its wallet is then DRY_RUN_BALANCE (Scenario: 10000).
            books.dry.append("\(candle) wallet \(Decimal(string: paper["wallet"] ?? "10000") ?? -1) position \(dryAmount) @ \(Decimal(string: paper["entry_price"] ?? "0") ?? -1)")
        }
        let liveJournal = try scenario.journal("testnet.sqlite"), dryJournal = try scenario.journal("dry.sqlite")
        decisions = (liveJournal.cycles.map { $0["decision"] as? String ?? "-" }, dryJournal.cycles.map { $0["decision"] as? String ?? "-" })
        XCTAssertEqual(decisions.testnet.count, last - first + 1)
        XCTAssertEqual(dryJournal.cycles.map { $0["status"] as? String ?? "-" }, Array(repeating: "done", count: last - first + 1))
        XCTAssertEqual(liveJournal.cycles.map { $0["status"] as? String ?? "-" }, Array(repeating: "done", count: last - first + 1))
        XCTAssertEqual(decisions.dry, decisions.testnet)

        let live = Self.trades(liveJournal), dry = Self.trades(dryJournal)
        let liveEntries = live.filter { $0.purpose == "open" && $0.state == "sent" }
        let dryEntries = dry.filter { $0.purpose == "open" && $0.state == "sent" }
        // The fixture must trade, reverse and meet the refusal, or it shows nothing.
        XCTAssertGreaterThanOrEqual(liveEntries.count, 3, "\(live)")
        XCTAssertTrue(Set(liveEntries.map(\.side)).count == 2, "longs and shorts: \(live)")
        let refusedLive = live.filter { $0.state == "rejected" }
        XCTAssertEqual(refusedLive.count, 1, "the 3 % move must be refused once by the exchange: \(live)")
        XCTAssertTrue(liveJournal.orders.contains { ($0["error"] as? String ?? "").contains("-2019") }, "\(liveJournal.orders)")

        // Same entry candles and sides …
        XCTAssertEqual(dryEntries.map { "\($0.candle) \($0.side)" }, liveEntries.map { "\($0.candle) \($0.side)" })
        // … and the same sizes and fill prices (dry-run fills at the price the order meets, not the close), the same
        // refusal (dry-run checks margin as the exchange does), the same exits — exactly: the sizes follow each
        // venue's free balance, and dry-run books fees and realised P&L as the exchange does.
        XCTAssertEqual(dry, live)
        XCTAssertEqual(books.dry, books.testnet, "dry-run's simulated account must equal the exchange's after every candle")
        // The price moves after the ticker the bot reads before an entry: dry-run reads its own fill prices elsewhere
        // (fetchLastPrices), so the market sees the bot's ticker reads exactly as the exchange does and the move lands
        // between sizing and fill in both runs. Were dry-run's own reads the ticker, a reversal's close would take the
        // move and the entry would be sized at the moved price (2019-11-27: 2.124 BTC against the exchange's 2.118).
        func tickerReads(_ venue: TestExchange) throws -> Int {
            try venue.requests().filter { $0["path"] as? String == "/fapi/v1/ticker/24hr" }.count
        }
        XCTAssertEqual(try tickerReads(market), try tickerReads(testnet))
        let closeOf = Dictionary(uniqueKeysWithValues: candles.map { (UTCTime.iso($0.timestamp), $0.close) })
        XCTAssertTrue(dryEntries.allSatisfy { e in Double(e.average ?? "") != closeOf[e.candle] }, "entries must not fill at the close: \(dryEntries)")

        // The testnet journal equals the exchange; dry-run sent nothing anywhere.
        let serverOrders = try testnet.state()["orders"] as? [[String: Any]] ?? []
        XCTAssertEqual(Set(liveJournal.orders.filter { $0["state"] as? String == "sent" }.compactMap { $0["client_order_id"] as? String }),
                       Set(serverOrders.compactMap { $0["clientOrderId"] as? String }))
        for request in try market.requests() {
            XCTAssertNotEqual(request["path"] as? String, "/fapi/v1/order", "dry-run must not order: \(request)")
            XCTAssertFalse((request["query"] as? String ?? "").contains("signature"), "dry-run must not sign: \(request)")
        }
    }
}
