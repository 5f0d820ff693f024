import Bot
import Exchange
import Foundation
import XCTest
@testable import Backtest

/// A SYMBOLS config with per-symbol models: `evaluate` (the real binary) runs once per symbol with that symbol's
/// model, and the portfolio backtest loads each symbol's section.
final class PerSymbolEvaluateTests: XCTestCase {
    func config(_ repo: URL) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("per-symbol-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        let m = repo.appendingPathComponent("models").path, s = repo.appendingPathComponent("scalers").path
        let yaml = """
        default:
          SYMBOL: BTC/USDT:USDT
          INTERVAL: 1d
          LEVERAGE: 1
          STOP_LOSS: 0.05
          THRESHOLD: 0.01
          WINDOW_SIZE: 5
          MODE: dry-run
          MODEL_PATH: \(m)/btc.keras
          SCALERS_PATH: \(s)/btc.pkl
          JOURNAL_PATH: ":memory:"
          SYMBOLS: [BTC/USDT:USDT, ETH/USDT:USDT]
        symbols:
          ETH/USDT:USDT:
            MODEL_PATH: \(m)/eth.keras
            SCALERS_PATH: \(s)/eth.pkl
            STAKE_AMOUNT: 300
        """
        let path = dir.appendingPathComponent("config.yaml").path
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func testPortfolioLoadsEachSymbolsSection() throws {
        guard let repo = ModelAgreementTests.repo, let shared = ModelAgreementTests.shared else { throw XCTSkip("model or shared data not found") }
        let d = shared.appendingPathComponent("shared/data")
        let entries = try PortfolioPipeline.load(configPath: try config(repo), files: [
            ("BTC/USDT:USDT", d.appendingPathComponent("coin_Bitcoin.csv").path),
            ("ETH/USDT:USDT", d.appendingPathComponent("coin_Ethereum.csv").path)])
        XCTAssertEqual(entries.map { URL(fileURLWithPath: $0.setup.config.modelPath).lastPathComponent }, ["btc.keras", "eth.keras"])
        XCTAssertEqual(entries[1].setup.config.stakeAmount, 300)
        XCTAssertEqual(entries.map(\.setup.config.symbol), ["BTC/USDT:USDT", "ETH/USDT:USDT"])
        // A file that does not exist is named with its symbol.
        XCTAssertThrowsError(try PortfolioPipeline.load(configPath: try config(repo), files: [("LTC/USDT:USDT", "/nonexistent.csv")])) {
            XCTAssertTrue(String(describing: $0).contains("LTC/USDT:USDT (/nonexistent.csv)"), "\($0)")
        }
    }

    func testEvaluateRunsOncePerSymbolWithItsModel() throws {
        guard let repo = ModelAgreementTests.repo, let shared = ModelAgreementTests.shared else { throw XCTSkip("model or shared data not found") }
        let d = shared.appendingPathComponent("shared/data")
        let run = try TradingBotBinary.run(["evaluate", "--config", try config(repo),
                                            "--candles", "BTC/USDT:USDT=" + d.appendingPathComponent("coin_Bitcoin.csv").path,
                                            "--candles", "ETH/USDT:USDT=" + d.appendingPathComponent("coin_Ethereum.csv").path], repo: repo)
        let text = run.text
        XCTAssertEqual(run.status, 0, run.errorText)
        let headers = text.split(separator: "\n").filter { $0.hasPrefix("== ") }
        XCTAssertEqual(headers.count, 2, text)
        XCTAssertTrue(headers[0].hasPrefix("== BTC/USDT:USDT (model ") && headers[0].hasSuffix("btc.keras)"), text)
        XCTAssertTrue(headers[1].hasPrefix("== ETH/USDT:USDT (model ") && headers[1].hasSuffix("eth.keras)"), text)
        // Two summaries, ETH's after its header.
        let eth = try XCTUnwrap(text.range(of: "== ETH/USDT:USDT"))
        XCTAssertTrue(text[..<eth.lowerBound].contains("RMSE"), text)
        XCTAssertTrue(text[eth.upperBound...].contains("RMSE"), text)
    }
}
