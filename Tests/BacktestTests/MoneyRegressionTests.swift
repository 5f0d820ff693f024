import Bot
import Exchange
import Foundation
import XCTest
@testable import Backtest

/// Every entry the strategy decides is placed: the shipped model on the real candle files, backtested as the README
/// does, against the refusals issue 14 found, and against a plain re-implementation of the README's rules.
final class MoneyRegressionTests: XCTestCase {
    static func setup(_ file: String, extra: [String: String] = [:]) throws -> OfflineSetup {
        guard let repo = ModelAgreementTests.repo else { throw XCTSkip("models/model.keras not found above \(#filePath)") }
        guard let shared = ModelAgreementTests.shared else { throw XCTSkip("shared/data not found (CI clones it as a sibling)") }
        let input = try CandleInput.load(path: shared.appendingPathComponent("shared/data/\(file)").path)
        return try OfflineSetup.load(configPath: repo.appendingPathComponent("config.yaml").path, overrides: [
            "MODEL_PATH": repo.appendingPathComponent("models/model.keras").path,
            "SCALERS_PATH": repo.appendingPathComponent("scalers/scalers.pkl").path,
            "JOURNAL_PATH": ":memory:",
        ].merging(extra) { _, new in new }, input: input)
    }

    static func day(_ iso: String) -> Int64 { UTCTime.parse(iso) ?? 0 }

    /// Issue 14's case: the long decided at the close of 2019-12-17 (predicted +4.33 %) was refused with
    /// "InsufficientFunds … margin 9153.88 needed, 9149.10 available" and came two candles later. Sized at the price
    /// it meets, it is placed at the next open.
    func testBitcoinFrom20191117PlacesTheEntryAfter20191217AndNothingIsRefused() async throws {
        let s = try Self.setup("coin_Bitcoin.csv")
        let outcome = try await BacktestPipeline.run(setup: s, from: Self.day("2019-11-17"), to: nil, simulation: SimulationSettings())
        let result = outcome.result
        XCTAssertTrue(result.failedCycles.isEmpty, "\(result.failedCycles)")
        let entry = try XCTUnwrap(result.trades.first { $0.entryTime == Self.day("2019-12-18") },
                                  "no trade entered at the open of 2019-12-18: \(result.trades.prefix(8).map { UTCTime.iso($0.entryTime) })")
        XCTAssertEqual(entry.side, .long)
        XCTAssertFalse(result.notPlaced.contains { $0.message.contains("InsufficientFunds") || $0.message.hasPrefix("refused") },
                       "\(result.notPlaced)")
        XCTAssertFalse(result.notPlaced.contains { $0.message.contains("margin refusal") }, "not even once: \(result.notPlaced)")
        XCTAssertEqual(result.metrics.rejectedEntrySignals, 0, "\(result.notPlaced)")
        // The trade before it ended by the stop loss at candle close (2019-12-10 → 2019-12-17), and says so.
        let stop = try XCTUnwrap(result.trades.first { $0.exitTime == Self.day("2019-12-17") })
        XCTAssertEqual(stop.exit, .stopLoss)
        let csv = BacktestReport.tradesCSV(result.trades)
        XCTAssertTrue(csv.hasPrefix("entry_time,exit_time,side,amount,entry_price,exit_price,gross_pnl,fees,funding,net_pnl,margin,return_on_margin,exit_reason\n"))
        XCTAssertTrue(csv.contains("2019-12-17T00:00:00Z,long,") || csv.contains("2019-12-17T00:00:00Z,short,"), csv)
        XCTAssertTrue(outcome.report.text().contains("rejected entry signals"), outcome.report.text())
    }

    /// On the whole Ethereum file 13 of 43 decided entries were refused for margin, and entries were capped at
    /// 120 ETH by filters derived from BTC's. Now: none refused, none capped.
    func testWholeEthereumFileRefusesNoEntryForMarginAndCapsNone() async throws {
        let s = try Self.setup("coin_Ethereum.csv")
        let outcome = try await BacktestPipeline.run(setup: s, from: nil, to: nil, simulation: SimulationSettings())
        let result = outcome.result
        XCTAssertTrue(result.failedCycles.isEmpty, "\(result.failedCycles)")
        XCTAssertEqual(result.metrics.rejectedEntrySignals, 0, "\(result.notPlaced)")
        XCTAssertTrue(result.notPlaced.isEmpty, "\(result.notPlaced)")
        XCTAssertGreaterThan(result.trades.count, 10)
        XCTAssertTrue(outcome.report.text().contains("simulated market: BTCUSDT: tick"), outcome.report.text())
    }

    /// Limit entries left unfilled at the next candle are cancelled and counted (Freqtrade's "Canceled Trade
    /// Entries"), the same by both engines.
    func testUnfilledLimitEntriesAreCountedAsCanceledTradeEntries() async throws {
        let s = try Self.setup("coin_Bitcoin.csv", extra: ["ORDER_TYPE": "limit"])
        let trader = try await BacktestPipeline.run(setup: s, from: Self.day("2019-11-17"), to: nil, simulation: SimulationSettings())
        let replay = try await BacktestPipeline.run(setup: s, from: Self.day("2019-11-17"), to: nil, simulation: SimulationSettings(), engine: .replay)
        XCTAssertGreaterThan(trader.result.metrics.canceledTradeEntries, 0)
        XCTAssertEqual(trader.result.metrics, replay.result.metrics)
        XCTAssertTrue(trader.report.text().contains("canceled trade entries          \(trader.result.metrics.canceledTradeEntries)"), trader.report.text())
    }

    /// The README's rules written out plainly on evaluate's predictions: the backtest (Trader, Orderer, simulated
    /// exchange) makes exactly these trades.
    func testTheBacktestMakesTheTradesOfThePlainRulesOnBitcoinAndEthereum() async throws {
        for (file, from) in [("coin_Bitcoin.csv", "2019-11-17"), ("coin_Ethereum.csv", "2015-08-12")] {
            let s = try Self.setup(file)
            let evaluation = try EvaluationPipeline.run(setup: s, from: nil, to: nil)
            var predicted: [Int64: Double] = [:]
            for (t, p) in zip(evaluation.series.times, evaluation.series.predicted) { predicted[t] = p }
            let candles = s.input.candles
            let range = try TraderBacktest.decisionRange(candles: candles, windowSize: 5, from: Self.day(from), to: nil)
            let expected = PlainRules(threshold: s.config.threshold, stopLoss: s.config.stopLoss)
                .trades(candles: candles, range: range, predicted: predicted)
            let backtest = try await BacktestPipeline.run(setup: s, from: Self.day(from), to: nil, simulation: SimulationSettings())
            let made = backtest.result.trades.map { PlainRules.Trade(side: $0.side, entry: $0.entryTime, exit: $0.exitTime, reason: $0.exit.rawValue) }
            XCTAssertGreaterThan(expected.count, 20, file)
            XCTAssertEqual(made.count, expected.count, file)
            for (k, (a, b)) in zip(made, expected).enumerated() where a != b {
                XCTFail("\(file): trade \(k) differs: backtest \(a), rules \(b)")
                break
            }
        }
    }
}

/// README, "The bot": open when |predicted − close| / close > THRESHOLD in the predicted direction; close when the
/// prediction turns against the position or the price is STOP_LOSS past the entry; a strong opposite signal
/// reverses. README, "Does the model beat doing nothing?": at each candle's open the Trader sees the candles closed by
/// then, and market orders fill at that open. Nothing here is shared with the engine.
struct PlainRules {
    struct Trade: Equatable, CustomStringConvertible {
        var side: PositionSide
        var entry: Int64
        var exit: Int64
        var reason: String
        var description: String { "\(side.rawValue) \(UTCTime.iso(entry)) → \(UTCTime.iso(exit)) \(reason)" }
    }

    var threshold: Double
    var stopLoss: Double

    func trades(candles: [Candle], range: Range<Int>, predicted: [Int64: Double]) -> [Trade] {
        var out: [Trade] = []
        var open: (side: PositionSide, price: Double, time: Int64)?
        for i in range {
            let seen = candles[i - 1], now = candles[i]
            guard let p = predicted[seen.timestamp] else { continue }
            let change = (p - seen.close) / seen.close
            let signal: PositionSide? = abs(change) > threshold ? (change > 0 ? .long : .short) : nil
            if let position = open {
                let move = (seen.close - position.price) / position.price
                let adverse = position.side == .long ? -move : move
                if adverse >= stopLoss {
                    out.append(Trade(side: position.side, entry: position.time, exit: now.timestamp, reason: "stop_loss"))
                    open = nil
                    continue
                }
                let against = position.side == .long ? change < 0 : change > 0
                guard against else { continue }
                out.append(Trade(side: position.side, entry: position.time, exit: now.timestamp, reason: signal == nil ? "exit_signal" : "reversal"))
                open = nil
            }
            if let side = signal { open = (side, now.open, now.timestamp) }
        }
        if let position = open, let last = range.last {
            out.append(Trade(side: position.side, entry: position.time, exit: candles[last].timestamp + 86_400_000, reason: "end_of_data"))
        }
        return out
    }
}
