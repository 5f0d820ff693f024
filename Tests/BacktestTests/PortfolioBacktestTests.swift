import Bot
import Exchange
import Foundation
import XCTest
@testable import Backtest

/// The portfolio backtest on the BTC, ETH, LTC and DOGE files, one account, the live Trader per symbol: the same
/// trades as four single-symbol backtests when no cap binds, and MAX_OPEN_POSITIONS refusing later entries when one does.
final class PortfolioBacktestTests: XCTestCase {
    static let files: [(String, String)] = [("BTC/USDT:USDT", "coin_Bitcoin.csv"), ("ETH/USDT:USDT", "coin_Ethereum.csv"),
                                            ("LTC/USDT:USDT", "coin_Litecoin.csv"), ("DOGE/USDT:USDT", "coin_Dogecoin.csv")]

    /// The shipped (BTC) model for all four symbols, a fixed STAKE_AMOUNT of 500 USDT each on a 10 000 USDT wallet.
    static func entries(extra: [String: String] = [:]) throws -> [PortfolioPipeline.Entry] {
        guard let repo = ModelAgreementTests.repo else { throw XCTSkip("models/model.keras not found above \(#filePath)") }
        guard let shared = ModelAgreementTests.shared else { throw XCTSkip("shared/data not found (CI clones it as a sibling)") }
        return try PortfolioPipeline.load(
            configPath: repo.appendingPathComponent("config.yaml").path,
            files: files.map { ($0.0, shared.appendingPathComponent("shared/data/\($0.1)").path) },
            overrides: ["MODEL_PATH": repo.appendingPathComponent("models/model.keras").path,
                        "SCALERS_PATH": repo.appendingPathComponent("scalers/scalers.pkl").path,
                        "JOURNAL_PATH": ":memory:", "STAKE_AMOUNT": "500"].merging(extra) { _, new in new })
    }

    static let from = UTCTime.parse("2019-01-01")

    func testPerSymbolTradesEqualFourSingleBacktestsWhenNoCapBinds() async throws {
        let entries = try Self.entries()
        let portfolio = try await PortfolioPipeline.run(entries: entries, limits: AccountLimits(), from: Self.from, to: nil,
                                                        simulation: SimulationSettings())
        XCTAssertEqual(portfolio.symbols.map(\.symbol), Self.files.map(\.0))
        for (entry, mine) in zip(entries, portfolio.symbols) {
            let single = try await BacktestPipeline.run(setup: entry.setup, from: Self.from, to: nil, simulation: SimulationSettings())
            XCTAssertTrue(single.result.failedCycles.isEmpty, "\(entry.symbol): \(single.result.failedCycles)")
            XCTAssertTrue(mine.failedCycles.isEmpty, "\(entry.symbol): \(mine.failedCycles)")
            XCTAssertGreaterThan(single.result.trades.count, 0, entry.symbol)
            XCTAssertEqual(mine.trades, single.result.trades, "\(entry.symbol): portfolio trades differ from its single backtest")
            XCTAssertEqual(mine.rejectedByCaps, 0, entry.symbol)
            XCTAssertEqual(mine.metrics.finalBalance - 10_000, single.result.metrics.finalBalance - 10_000, entry.symbol)
            // Sized from the stake, not the wallet: margin ≤ 500 on every trade.
            XCTAssertTrue(mine.trades.allSatisfy { $0.margin <= 500 }, "\(entry.symbol): \(mine.trades.map(\.margin))")
        }
        XCTAssertGreaterThan(portfolio.metrics.trades, 6)
        // One wallet: its P&L is the sum of the symbols'.
        let sum = portfolio.symbols.reduce(Decimal(0)) { $0 + ($1.metrics.finalBalance - 10_000) }
        XCTAssertEqual(portfolio.metrics.finalBalance - 10_000, sum)
        XCTAssertEqual(portfolio.metrics.trades, portfolio.symbols.reduce(0) { $0 + $1.trades.count })
        // Positions of different symbols were open at the same time (otherwise the caps test below proves nothing).
        XCTAssertGreaterThan(Self.maxConcurrent(portfolio), 1)
        // Correlation: diagonal 1, symmetric, crypto majors positively correlated.
        let c = portfolio.priceCorrelation
        for i in 0..<4 {
            XCTAssertEqual(c.matrix[i][i] ?? 0, 1, accuracy: 1e-9)
            for j in 0..<4 { XCTAssertEqual(c.matrix[i][j] ?? .nan, c.matrix[j][i] ?? .nan, accuracy: 1e-12) }
        }
        XCTAssertGreaterThan(c.matrix[0][1] ?? 0, 0.3)
        XCTAssertGreaterThan(c.days[0][1], 300)
        // Outputs: per-pair table, trades.csv with a symbol column, HTML with a per-symbol equity chart.
        let report = PortfolioReport(result: portfolio, initialBalance: 10_000)
        let text = report.text()
        for (s, _) in Self.files { XCTAssertTrue(text.contains(s), text) }
        XCTAssertTrue(text.contains("win %"), text)
        XCTAssertTrue(text.contains("Sharpe"), text)
        let csv = report.tradesCSV()
        XCTAssertTrue(csv.hasPrefix("symbol,entry_time,"), csv)
        XCTAssertEqual(csv.split(separator: "\n").count, 1 + portfolio.metrics.trades)
        XCTAssertTrue(csv.contains("\nDOGE/USDT:USDT,"), csv)
        let html = report.html()
        XCTAssertEqual(html.components(separatedBy: "<svg").count - 1, 2, "total + per-symbol equity charts")
        for (s, _) in Self.files { XCTAssertTrue(html.contains(">\(s)<"), "legend names \(s)") }
    }

    func testMaxOpenPositionsOneRefusesLaterEntriesAndCountsThem() async throws {
        let entries = try Self.entries()
        let free = try await PortfolioPipeline.run(entries: entries, limits: AccountLimits(), from: Self.from, to: nil,
                                                   simulation: SimulationSettings())
        let capped = try await PortfolioPipeline.run(entries: entries, limits: AccountLimits(maxOpenPositions: 1),
                                                     from: Self.from, to: nil, simulation: SimulationSettings())
        XCTAssertEqual(Self.maxConcurrent(capped), 1, "never two positions open at once")
        let rejected = capped.symbols.reduce(0) { $0 + $1.rejectedByCaps }
        XCTAssertGreaterThan(rejected, 0)
        XCTAssertEqual(capped.symbols.map(\.metrics.rejectedEntrySignals).reduce(0, +) >= rejected, true)
        XCTAssertTrue(capped.symbols.flatMap(\.notPlaced).contains { $0.message.contains("MAX_OPEN_POSITIONS 1 reached") })
        XCTAssertLessThan(capped.metrics.trades, free.metrics.trades)
        // The first entry of the whole account is the same: the cap only refuses entries while another is open.
        let firstFree = free.symbols.flatMap(\.trades).min { $0.entryTime < $1.entryTime }
        let firstCapped = capped.symbols.flatMap(\.trades).min { $0.entryTime < $1.entryTime }
        XCTAssertEqual(firstCapped?.entryTime, firstFree?.entryTime)
    }

    /// Most positions open at one instant (trade intervals [entry, exit)).
    static func maxConcurrent(_ r: PortfolioResult) -> Int {
        var events: [(Int64, Int)] = []
        for t in r.symbols.flatMap(\.trades) { events.append((t.entryTime, 1)); events.append((t.exitTime, -1)) }
        events.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        var open = 0, best = 0
        for e in events { open += e.1; best = max(best, open) }
        return best
    }
}
