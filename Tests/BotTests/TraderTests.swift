@testable import Bot
import Exchange
import XCTest

final class TraderTests: XCTestCase {
    private func settings(stopLossOnExchange: Bool = false) throws -> Trader.Settings {
        let dir = try makeTemporaryDirectory(self)
        try Data("m".utf8).write(to: dir.appendingPathComponent("m.keras"))
        try Data("s".utf8).write(to: dir.appendingPathComponent("s.pkl"))
        let config = try ConfigLoader(path: nil, environment: [:], overrides: [
            "MODEL_PATH": dir.appendingPathComponent("m.keras").path, "SCALERS_PATH": dir.appendingPathComponent("s.pkl").path,
            "LEVERAGE": "2", "THRESHOLD": "0.01", "STOP_LOSS": "0.05", "MAX_RETRIES": "3", "RETRY_DELAY": "0",
        ]).load().config
        return try Trader.Settings(config: config)
    }

    private func makeTrader(closes: [Double], journalPath: String,
                            predictor: (@Sendable ([Candle]) -> Double)? = nil) throws -> (Trader, CandleFeed, PaperExchange) {
        let candles = dailyCandles(closes)
        let feed = CandleFeed(candles: candles, now: candles[0].timestamp)
        let journal = try Journal(path: journalPath)
        let paper = try PaperExchange(market: feed, journal: journal, symbol: "BTC/USDT:USDT", timeframe: .oneDay,
                                      startingBalance: 10_000, now: { feed.now })
        let trader = Trader(settings: try settings(), exchange: paper, journal: journal,
                            predictor: predictor.map { ClosurePredictor(windowSize: 5, $0) } ?? ForesightPredictor(windowSize: 5, candles: candles),
                            strategy: ReferenceStrategy(threshold: 0.01, stopLoss: 0.05),
                            orderer: Orderer(leverage: 2, orderType: .market, minOrderAmount: Decimal(string: "0.001")!,
                                             stopLoss: Decimal(string: "0.05")!),
                            pause: { _ in })
        return (trader, feed, paper)
    }

    /// Exchange time one second after candle `index` closed.
    private func after(_ index: Int) -> Int64 { 1_704_067_200_000 + Int64(index + 1) * day + 1_000 }

    func testDecisionsOverASeriesOpenCloseAndReverse() async throws {
        let dir = try makeTemporaryDirectory(self)
        let closes: [Double] = [100, 100, 100, 100, 100, 103, 104, 101, 95, 96, 96.5]
        let (trader, feed, paper) = try makeTrader(closes: closes, journalPath: dir.appendingPathComponent("j.sqlite").path)
        var labels: [String] = []
        var sides: [String] = []
        for index in 4...9 {
            feed.now = after(index)
            let report = await trader.runCycle(now: feed.now)
            XCTAssertEqual(report.status, .done, report.line)
            XCTAssertEqual(report.candleTime, dailyCandles(closes)[index].timestamp, "decides on the last *closed* candle")
            labels.append(report.decision?.label ?? "-")
            sides.append(report.position?.side.rawValue ?? "flat")
        }
        XCTAssertEqual(labels, ["open long", "hold", "close + open short", "hold", "close + open long", "hold"])
        XCTAssertEqual(sides, ["long", "long", "short", "short", "long", "long"])

        // Sizes: at the price the order meets (the open of the next candle, 103, not the close of 100):
        // 10000 × 0.99 × 2 / (1 + 2 × 2 × 0.0005) / 103 = 191.849… → 191.849 at the first entry, filled at 103.
        let orders = try trader.journal.recentOrders(limit: 50).reversed().map { $0 }
        XCTAssertEqual(orders.map(\.purpose), [.open, .close, .open, .close, .open])
        XCTAssertEqual(orders.first?.amount, Decimal(string: "191.849"))
        XCTAssertEqual(orders.first?.average, 103)
        XCTAssertTrue(orders.allSatisfy { $0.state == .sent })
        XCTAssertEqual(orders.filter(\.reduceOnly).map(\.purpose), [.close, .close])
        // Journal and paper account agree.
        let position = try await paper.fetchPositions(symbols: nil).first
        let last = try XCTUnwrap(try trader.journal.lastCompletedCycle(symbol: "BTC/USDT:USDT"))
        XCTAssertEqual(last.positionSide, position?.side.rawValue)
        XCTAssertEqual(last.positionAmount, position?.contracts)
    }

    func testSameCandleIsNeverTradedTwice() async throws {
        let dir = try makeTemporaryDirectory(self)
        let (trader, feed, _) = try makeTrader(closes: [100, 100, 100, 100, 100, 103, 104], journalPath: dir.appendingPathComponent("j.sqlite").path)
        feed.now = after(4)
        let first = await trader.runCycle(now: feed.now)
        XCTAssertEqual(first.decision?.label, "open long")
        let again = await trader.runCycle(now: feed.now + 60_000)
        XCTAssertEqual(again.status, .alreadyDone)
        XCTAssertEqual(try trader.journal.recentOrders(limit: 10).count, 1)
        XCTAssertEqual(try trader.journal.cycleCount(), 1)
    }

    func testStopLossClosesAtCandleCloseEvenWhenThePredictionAgrees() async throws {
        let dir = try makeTemporaryDirectory(self)
        // The entry decided at candle 4's close fills at candle 5's open (100); candle 6 closes 6 % below it.
        let (trader, feed, _) = try makeTrader(closes: [100, 100, 100, 100, 100, 100, 94, 95, 96], journalPath: dir.appendingPathComponent("j.sqlite").path,
                                               predictor: { _ in 110 })
        var reports: [CycleReport] = []
        for index in 4...7 {
            feed.now = after(index)
            reports.append(await trader.runCycle(now: feed.now))
        }
        XCTAssertEqual(reports.map { $0.decision?.label ?? "-" }, ["open long", "hold", "close", "open long"])
        XCTAssertTrue(reports[2].decision?.reason.hasPrefix("stop loss") == true, reports[2].line)
        XCTAssertNil(reports[2].position)
        XCTAssertEqual(reports[2].exitReason, .stopLoss)
        XCTAssertTrue(reports[2].line.contains("exit: stop_loss"), reports[2].line)
        XCTAssertEqual(try trader.journal.recentCycles(limit: 10).map(\.exitReason), [nil, "stop_loss", nil, nil])
    }

    func testNetworkErrorsAreRetriedWithinTheCycleAndFailuresDoNotThrow() async throws {
        let dir = try makeTemporaryDirectory(self)
        let (trader, feed, _) = try makeTrader(closes: [100, 100, 100, 100, 100, 103], journalPath: dir.appendingPathComponent("j.sqlite").path)
        feed.now = after(4)
        feed.failNext = 2
        let report = await trader.runCycle(now: feed.now)
        XCTAssertEqual(report.status, .done, report.line)
        feed.failNext = 100
        feed.now = after(5)
        let failed = await trader.runCycle(now: feed.now)
        XCTAssertEqual(failed.status, .failed)
        XCTAssertTrue(failed.error?.contains("RequestTimeout") == true, failed.line)
    }

    func testReconcileResolvesAnOrderSentButNeverRecorded() async throws {
        let dir = try makeTemporaryDirectory(self)
        let path = dir.appendingPathComponent("j.sqlite").path
        let (trader, feed, paper) = try makeTrader(closes: [100, 100, 100, 100, 100, 103], journalPath: path)
        feed.now = after(4)
        // The crash window: the intent is journaled, the exchange filled it, the process died before recording.
        let id = ClientOrderID.make(marketID: "BTCUSDT", candleTime: dailyCandles([0, 0, 0, 0, 0])[4].timestamp, purpose: .open)
        let intent = JournalOrder(cycleID: nil, clientOrderID: id, purpose: .open, symbol: "BTC/USDT:USDT", side: "buy",
                                  type: "market", amount: 1, reduceOnly: false)
        _ = try trader.journal.recordOrderIntent(intent, at: feed.now)
        _ = try await paper.createOrder(symbol: "BTC/USDT:USDT", type: .market, side: .buy, amount: 1, price: nil,
                                        params: ["clientOrderId": .string(id)])
        let ghost = JournalOrder(cycleID: nil, clientOrderID: "never-sent", purpose: .open, symbol: "BTC/USDT:USDT", side: "buy",
                                 type: "market", amount: 1, reduceOnly: false)
        _ = try trader.journal.recordOrderIntent(ghost, at: feed.now)

        let notes = try await trader.reconcile(now: feed.now)
        XCTAssertTrue(notes.contains { $0.contains("\(id) was placed") }, "\(notes)")
        XCTAssertTrue(notes.contains { $0.contains("never-sent never reached") }, "\(notes)")
        XCTAssertEqual(try trader.journal.pendingOrders(), [])
        XCTAssertEqual(try trader.journal.order(clientOrderID: "never-sent")?.state, .notPlaced)
        // The re-run of the cycle sees the position and does not send a second entry.
        let report = await trader.runCycle(now: feed.now)
        XCTAssertEqual(report.decision?.label, "hold")
        XCTAssertEqual(try trader.journal.sentOrders().count, 1)
    }
}
