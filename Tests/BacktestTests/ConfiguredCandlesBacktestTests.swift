import Bot
import Foundation
import XCTest
@testable import Backtest

/// `backtest` without `--candles` (the real binary): each symbol's CANDLES_PATH from its SYMBOLS section makes the
/// portfolio backtest; `--json` and `--market-filters` work for the portfolio as for the single backtest.
final class ConfiguredCandlesBacktestTests: XCTestCase {
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    var directory: URL!
    var data: URL!
    var repo: URL!

    override func setUpWithError() throws {
        guard let repo = ModelAgreementTests.repo, let shared = ModelAgreementTests.shared else { throw XCTSkip("model or shared data not found") }
        self.repo = repo
        data = shared.appendingPathComponent("shared/data")
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("configured-candles-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // A relative CANDLES_PATH is read against the config's directory, not the working directory.
        try FileManager.default.createSymbolicLink(at: directory.appendingPathComponent("data"), withDestinationURL: data)
        let dir = directory!
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
    }

    /// A SYMBOLS config for BTC and ETH; `sections` maps each symbol to its extra section keys.
    func config(top: [String: String] = [:], sections: [String: [String: String]]) throws -> String {
        let m = repo.appendingPathComponent("models").path, s = repo.appendingPathComponent("scalers").path
        var yaml = """
        default:
          SYMBOLS: [BTC/USDT:USDT, ETH/USDT:USDT]
          INTERVAL: 1d
          LEVERAGE: 1
          STOP_LOSS: 0.05
          THRESHOLD: 0.01
          MODE: dry-run
          MODEL_PATH: \(m)/btc.keras
          SCALERS_PATH: \(s)/btc.pkl
          JOURNAL_PATH: ":memory:"

        """
        for (k, v) in top.sorted(by: { $0.key < $1.key }) { yaml += "  \(k): \"\(v)\"\n" }
        yaml += "symbols:\n"
        let own: [String: [String: String]] = ["BTC/USDT:USDT": ["STAKE_AMOUNT": "400"],
                                               "ETH/USDT:USDT": ["STAKE_AMOUNT": "400", "MODEL_PATH": "\(m)/eth.keras", "SCALERS_PATH": "\(s)/eth.pkl"]]
        for symbol in ["BTC/USDT:USDT", "ETH/USDT:USDT"] {
            let keys = own[symbol, default: [:]].merging(sections[symbol, default: [:]]) { _, new in new }
            yaml += "  \(symbol):\n" + keys.sorted { $0.key < $1.key }.map { "    \($0.key): \"\($0.value)\"\n" }.joined()
        }
        let path = directory.appendingPathComponent("config-\(UUID().uuidString).yaml").path
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func backtest(_ arguments: [String]) throws -> Run { try command("backtest", arguments) }

    func command(_ name: String, _ arguments: [String]) throws -> Run {
        let run = try TradingBotBinary.run([name] + arguments, repo: repo)
        return Run(status: run.status, stdout: run.text, stderr: run.errorText)
    }

    static let configured = ["BTC/USDT:USDT": ["CANDLES_PATH": "data/coin_Bitcoin.csv"], "ETH/USDT:USDT": ["CANDLES_PATH": "data/coin_Ethereum.csv"]]

    func object(_ text: String) throws -> [String: Any] {
        try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], text)
    }

    func testPortfolioFromEachSymbolsCandlesPathEqualsTheExplicitFilesAndPrintsJSON() throws {
        let cfg = try config(sections: Self.configured)
        let outDir = directory.appendingPathComponent("portfolio").path
        let fromConfig = try backtest(["--config", cfg, "--from", "2020-01-01", "--json", "--out", outDir])
        XCTAssertEqual(fromConfig.status, 0, fromConfig.stderr)
        let explicit = try backtest(["--config", cfg, "--from", "2020-01-01", "--json",
                                     "--candles", "BTC/USDT:USDT=" + directory.appendingPathComponent("data/coin_Bitcoin.csv").path,
                                     "--candles", "ETH/USDT:USDT=" + directory.appendingPathComponent("data/coin_Ethereum.csv").path])
        XCTAssertEqual(explicit.status, 0, explicit.stderr)
        XCTAssertEqual(fromConfig.stdout, explicit.stdout, "the configured files are the explicit ones")

        let json = try object(fromConfig.stdout)
        XCTAssertEqual(json["kind"] as? String, "portfolio")
        let symbols = try XCTUnwrap(json["symbols"] as? [[String: Any]])
        XCTAssertEqual(symbols.compactMap { $0["symbol"] as? String }, ["BTC/USDT:USDT", "ETH/USDT:USDT"], "SYMBOLS order")
        XCTAssertEqual(symbols.compactMap { ($0["candles_file"] as? String).map { URL(fileURLWithPath: $0).lastPathComponent } },
                       ["coin_Bitcoin.csv", "coin_Ethereum.csv"])
        XCTAssertEqual(symbols.compactMap { ($0["model"] as? String).map { URL(fileURLWithPath: $0).lastPathComponent } }, ["btc.keras", "eth.keras"])
        XCTAssertTrue(symbols.allSatisfy { ($0["from"] as? String ?? "").hasPrefix("2020-01-01") }, "\(symbols.map { $0["from"] ?? "-" })")
        let trades = symbols.compactMap { $0["trades"] as? Int }
        XCTAssertEqual(trades.count, 2)
        XCTAssertTrue(trades.allSatisfy { $0 > 0 }, "\(trades)")
        let perSymbolMetrics = symbols.compactMap { ($0["metrics"] as? [String: Any])?["trades"] as? Int }
        XCTAssertEqual(perSymbolMetrics, trades)
        let total = try XCTUnwrap(json["metrics"] as? [String: Any])
        XCTAssertEqual(total["trades"] as? Int, trades.reduce(0, +), "the account's trades are every symbol's")
        let correlation = try XCTUnwrap(json["correlation"] as? [String: Any])
        XCTAssertEqual(correlation["symbols"] as? [String], ["BTC/USDT:USDT", "ETH/USDT:USDT"])
        XCTAssertEqual((correlation["matrix"] as? [[Any]])?.count, 2)
        // The table says the same as the JSON; --out writes that JSON as report.json.
        let text = try backtest(["--config", cfg, "--from", "2020-01-01"])
        XCTAssertEqual(text.status, 0, text.stderr)
        // Each symbol's file is checked against its own symbol (no "holds ETH candles but SYMBOL is BTC" warning).
        XCTAssertFalse(text.stdout.contains("but SYMBOL is"), text.stdout)
        let btcRow = try XCTUnwrap(text.stdout.split(separator: "\n").first { $0.hasPrefix("BTC/USDT:USDT ") }, text.stdout)
        XCTAssertEqual(btcRow.split(separator: " ").dropFirst().first.map(String.init), "\(trades[0])", String(btcRow))
        XCTAssertEqual(try String(contentsOfFile: outDir + "/report.json", encoding: .utf8), fromConfig.stdout)
    }

    func testAMissingCandlesPathOrFileIsOneLineNamingTheSymbolAndTheKey() throws {
        let cfg = try config(sections: ["BTC/USDT:USDT": ["CANDLES_PATH": "data/coin_Bitcoin.csv"],
                                        "ETH/USDT:USDT": ["CANDLES_PATH": "data/nope.csv"]])
        let run = try backtest(["--config", cfg])
        XCTAssertEqual(run.status, 2)
        let lines = run.stderr.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, run.stderr)
        XCTAssertEqual(lines.first.map(String.init),
                       "backtest: ETH/USDT:USDT: CANDLES_PATH \(directory.appendingPathComponent("data/nope.csv").standardizedFileURL.path): no such file")
        XCTAssertEqual(run.stdout, "")

        let unset = try backtest(["--config", try config(sections: ["ETH/USDT:USDT": ["CANDLES_PATH": "data/coin_Ethereum.csv"]])])
        XCTAssertEqual(unset.status, 2)
        XCTAssertEqual(unset.stderr.split(separator: "\n").map(String.init),
                       ["backtest: BTC/USDT:USDT: CANDLES_PATH is not set; add it to the symbol's section (symbols: BTC/USDT:USDT: CANDLES_PATH: FILE) or give --candles BTC/USDT:USDT=FILE"])

        // One top-level file inherited by both would backtest one market twice.
        let shared = try backtest(["--config", try config(top: ["CANDLES_PATH": "data/coin_Bitcoin.csv"], sections: [:])])
        XCTAssertEqual(shared.status, 2)
        XCTAssertTrue(shared.stderr.hasPrefix("backtest: ETH/USDT:USDT: CANDLES_PATH ") && shared.stderr.contains("is also BTC/USDT:USDT's"), shared.stderr)
    }

    func testSingleSymbolConfigReadsItsCandlesPath() throws {
        let m = repo.appendingPathComponent("models").path, s = repo.appendingPathComponent("scalers").path
        let cfg = directory.appendingPathComponent("single.yaml").path
        try """
        default:
          SYMBOL: BTC/USDT:USDT
          INTERVAL: 1d
          THRESHOLD: 0.01
          MODEL_PATH: \(m)/btc.keras
          SCALERS_PATH: \(s)/btc.pkl
          CANDLES_PATH: data/coin_Bitcoin.csv
        """.write(toFile: cfg, atomically: true, encoding: .utf8)
        let run = try backtest(["--config", cfg, "--from", "2020-06-01", "--json"])
        XCTAssertEqual(run.status, 0, run.stderr)
        let json = try object(run.stdout)
        XCTAssertNil(json["kind"], "the single backtest's report.json")
        XCTAssertEqual((json["candles_file"] as? String).map { URL(fileURLWithPath: $0).lastPathComponent }, "coin_Bitcoin.csv")
    }

    func testPortfolioMarketFiltersTakeEachSymbolsEntryOfOneExchangeInfoFile() throws {
        let btc = MarketFiltersTests.btcusdtEntry
        let eth = btc.replacingOccurrences(of: "BTC", with: "ETH").replacingOccurrences(of: "\"556.80\"", with: "\"0.01\"")
            .replacingOccurrences(of: "\"tickSize\":\"0.10\"", with: "\"tickSize\":\"0.01\"")
            .replacingOccurrences(of: "{\"notional\":\"100\"", with: "{\"notional\":\"20\"")
        func write(_ entries: [String]) throws -> String {
            let path = directory.appendingPathComponent("exchangeInfo-\(UUID().uuidString).json").path
            try "{\"timezone\":\"UTC\",\"symbols\":[\(entries.joined(separator: ","))]}".write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
        let cfg = try config(sections: Self.configured)
        let run = try backtest(["--config", cfg, "--from", "2020-01-01", "--json", "--market-filters", try write([btc, eth])])
        XCTAssertEqual(run.status, 0, run.stderr)
        let symbols = try XCTUnwrap(try object(run.stdout)["symbols"] as? [[String: Any]])
        XCTAssertEqual(symbols.compactMap { $0["market_filters"] as? String }, [
            "BTCUSDT: tick 0.1, step 0.001, min qty 0.001, max qty 1000 (LOT_SIZE) / 120 (MARKET_LOT_SIZE), min notional 100",
            "ETHUSDT: tick 0.01, step 0.001, min qty 0.001, max qty 1000 (LOT_SIZE) / 120 (MARKET_LOT_SIZE), min notional 20",
        ])
        // Without the option the filters are derived from the candles: different.
        let derived = try backtest(["--config", cfg, "--from", "2020-01-01", "--json"])
        let derivedFilters = (try object(derived.stdout)["symbols"] as? [[String: Any]])?.compactMap { $0["market_filters"] as? String }
        XCTAssertNotEqual(derivedFilters, symbols.compactMap { $0["market_filters"] as? String })

        let missing = try backtest(["--config", cfg, "--from", "2020-01-01", "--market-filters", try write([btc])])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("ETH/USDT:USDT: --market-filters") && missing.stderr.contains("no entry for symbol ETHUSDT"), missing.stderr)
        XCTAssertFalse(missing.stderr.contains("BTC/USDT:USDT: --market-filters"), missing.stderr)
    }

    /// `evaluate` reads the same CANDLES_PATH: each symbol's file with its own model, exactly as with explicit files.
    func testEvaluateWithoutCandlesReadsEachSymbolsCandlesPath() throws {
        let cfg = try config(sections: Self.configured)
        let fromConfig = try command("evaluate", ["--config", cfg, "--from", "2020-01-01"])
        XCTAssertEqual(fromConfig.status, 0, fromConfig.stderr)
        let explicit = try command("evaluate", ["--config", cfg, "--from", "2020-01-01",
                                                "--candles", "BTC/USDT:USDT=" + directory.appendingPathComponent("data/coin_Bitcoin.csv").path,
                                                "--candles", "ETH/USDT:USDT=" + directory.appendingPathComponent("data/coin_Ethereum.csv").path])
        XCTAssertEqual(explicit.status, 0, explicit.stderr)
        XCTAssertEqual(fromConfig.stdout, explicit.stdout, "the configured files are the explicit ones")
        XCTAssertTrue(fromConfig.stdout.contains("ETH/USDT:USDT"), fromConfig.stdout)
        XCTAssertTrue(fromConfig.stdout.contains("BTC/USDT:USDT"), fromConfig.stdout)

        let unset = try command("evaluate", ["--config", try config(sections: ["ETH/USDT:USDT": ["CANDLES_PATH": "data/coin_Ethereum.csv"]])])
        XCTAssertEqual(unset.status, 2, unset.stdout)
        XCTAssertEqual(unset.stderr.split(separator: "\n").map(String.init),
                       ["evaluate: BTC/USDT:USDT: CANDLES_PATH is not set; add it to the symbol's section (symbols: BTC/USDT:USDT: CANDLES_PATH: FILE) or give --candles BTC/USDT:USDT=FILE"])
    }
}
