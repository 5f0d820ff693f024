@testable import Bot
import XCTest

/// SYMBOLS and `symbols:` sections: per-symbol keys, allotments, and every problem named by symbol and key at once.
final class SymbolsConfigTests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws {
        dir = try makeTemporaryDirectory(self)
        for name in ["m.keras", "eth.keras", "s.pkl", "eth.pkl"] { try Data("x".utf8).write(to: dir.appendingPathComponent(name)) }
    }

    private func load(_ yaml: String, environment: [String: String] = [:]) throws -> ConfigLoader.Result {
        let path = dir.appendingPathComponent("config.yaml").path
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return try ConfigLoader(path: path, environment: environment).load()
    }

    private func issues(_ yaml: String) -> [ConfigIssue] {
        do { _ = try load(yaml); XCTFail("expected problems"); return [] } catch ConfigError.invalid(let issues) { return issues } catch {
            XCTFail("\(error)"); return []
        }
    }

    func testPerSymbolSectionsOverrideTheGlobalKeys() throws {
        let result = try load("""
        default:
          MODEL_PATH: m.keras
          SCALERS_PATH: s.pkl
          THRESHOLD: 0.01
          SYMBOLS: [BTC/USDT:USDT, ETH/USDT:USDT, LTC/USDT:USDT]
          MAX_OPEN_POSITIONS: 2
          DAILY_LOSS_LIMIT: 250
          MAX_MARGIN_RATIO: 0.8
        symbols:
          ETH/USDT:USDT:
            MODEL_PATH: eth.keras
            SCALERS_PATH: eth.pkl
            INTERVAL: 4h
            WINDOW_SIZE: 7
            THRESHOLD: 0.02
            LEVERAGE: 3
            MARGIN_TYPE: cross
            ORDER_TYPE: limit
            STOP_LOSS: 0.1
            STOP_LOSS_ON_EXCHANGE: true
            TARGET_COLUMN: open
            STAKE_FRACTION: 0.5
          "LTC/USDT:USDT":
            STAKE_AMOUNT: 300
        """)
        XCTAssertEqual(result.warnings, [])
        let config = result.config
        XCTAssertTrue(config.isMultiSymbol)
        XCTAssertEqual(config.traded.map(\.symbol), ["BTC/USDT:USDT", "ETH/USDT:USDT", "LTC/USDT:USDT"])
        XCTAssertEqual(config.maxOpenPositions, 2)
        XCTAssertEqual(config.dailyLossLimit, 250)
        XCTAssertEqual(config.maxMarginRatio, Decimal(string: "0.8"))
        let btc = config.traded[0], eth = config.traded[1], ltc = config.traded[2]
        XCTAssertEqual(btc.threshold, 0.01)
        XCTAssertEqual(btc.interval, "1d")
        XCTAssertEqual(btc.modelPath, dir.appendingPathComponent("m.keras").standardizedFileURL.path)
        XCTAssertEqual(btc.stakeFraction, Decimal(string: "0.5"), "what the fractions leave, shared by the symbols without an allotment")
        XCTAssertEqual(eth.modelPath, dir.appendingPathComponent("eth.keras").standardizedFileURL.path)
        XCTAssertEqual(eth.scalersPath, dir.appendingPathComponent("eth.pkl").standardizedFileURL.path)
        XCTAssertEqual(eth.interval, "4h")
        XCTAssertEqual(eth.intervalMilliseconds, 4 * 3_600_000)
        XCTAssertEqual(eth.windowSize, 7)
        XCTAssertEqual(eth.threshold, 0.02)
        XCTAssertEqual(eth.leverage, 3)
        XCTAssertEqual(eth.marginType, "cross")
        XCTAssertEqual(eth.orderType, "limit")
        XCTAssertEqual(eth.stopLoss, 0.1)
        XCTAssertTrue(eth.stopLossOnExchange)
        XCTAssertEqual(eth.targetColumn, "open")
        XCTAssertEqual(eth.marketID, "ETHUSDT")
        XCTAssertEqual(eth.stakeFraction, Decimal(string: "0.5"))
        XCTAssertEqual(ltc.stakeAmount, 300)
        XCTAssertNil(ltc.stakeFraction)
        XCTAssertEqual(Stake(config: ltc), .amount(300))
    }

    func testSingleSymbolConfigIsUnchanged() throws {
        let config = try load("default:\n  MODEL_PATH: m.keras\n  SCALERS_PATH: s.pkl\n  SYMBOL: ETH/USDT:USDT\n").config
        XCTAssertFalse(config.isMultiSymbol)
        XCTAssertEqual(config.traded.map(\.symbol), ["ETH/USDT:USDT"])
        XCTAssertNil(config.stakeFraction)
        XCTAssertNil(config.maxOpenPositions)
    }

    func testSymbolsFromTheEnvironmentAndEqualShares() throws {
        let config = try load("default:\n  MODEL_PATH: m.keras\n  SCALERS_PATH: s.pkl\n",
                              environment: ["SYMBOLS": "BTC/USDT:USDT, ETH/USDT:USDT,DOGE/USDT:USDT,LTC/USDT:USDT"]).config
        XCTAssertEqual(config.traded.map(\.symbol), ["BTC/USDT:USDT", "ETH/USDT:USDT", "DOGE/USDT:USDT", "LTC/USDT:USDT"])
        XCTAssertEqual(config.traded.map(\.stakeFraction), Array(repeating: Decimal(string: "0.25"), count: 4))
    }

    func testEveryProblemNamesItsSymbolAndKeyAtOnce() throws {
        let found = issues("""
        default:
          MODEL_PATH: m.keras
          SCALERS_PATH: s.pkl
          THRESHOLD: lots
          SYMBOLS: [BTC/USDT:USDT, ETH/USDT:USDT, LTC/USDT:USDT]
        symbols:
          BTC/USDT:USDT:
            STAKE_FRACTION: 0.7
            WINDOW_SIZE: 9
          ETH/USDT:USDT:
            STAKE_FRACTION: 0.6
            LEVERAGE: 500
            MODEL_PATH: nope.keras
            MAX_OPEN_POSITIONS: 3
          LTC/USDT:USDT:
            STAKE_FRACTION: 0.1
        """)
        let lines = found.map(\.description)
        func one(_ parts: String..., file: StaticString = #filePath, line: UInt = #line) {
            XCTAssertEqual(lines.filter { l in parts.allSatisfy { l.contains($0) } }.count, 1, "\(parts) in \(lines)", file: file, line: line)
        }
        one("(default)", "THRESHOLD = \"lots\"")
        one("symbols › ETH/USDT:USDT", "LEVERAGE = \"500\"", "out of range")
        one("symbols › ETH/USDT:USDT", "MODEL_PATH = \"nope.keras\"", "no such file")
        one("symbols › ETH/USDT:USDT", "MAX_OPEN_POSITIONS", "cannot differ per symbol")
        XCTAssertEqual(found.filter { $0.key == "THRESHOLD" }.count, 1, "the global problem is told once, not once per symbol: \(lines)")
        for line in lines { XCTAssertFalse(line.contains("\n"), line) }

        // With the per-key problems fixed, the whole-list ones show: allotment over 100 %, one model two windows.
        let list = issues("""
        default:
          MODEL_PATH: m.keras
          SCALERS_PATH: s.pkl
          SYMBOLS: [BTC/USDT:USDT, ETH/USDT:USDT, LTC/USDT:USDT]
        symbols:
          BTC/USDT:USDT: {STAKE_FRACTION: 0.7, WINDOW_SIZE: 9}
          ETH/USDT:USDT: {STAKE_FRACTION: 0.6}
          LTC/USDT:USDT: {STAKE_FRACTION: 0.1, STAKE_AMOUNT: 50}
        """).map(\.description)
        XCTAssertEqual(list.filter { $0.contains("add up to 140") && $0.contains("BTC/USDT:USDT 0.7") && $0.contains("ETH/USDT:USDT 0.6") }.count, 1, "\(list)")
        XCTAssertEqual(list.filter { $0.contains("different windows") && $0.contains("BTC/USDT:USDT 9") && $0.contains("ETH/USDT:USDT 5") }.count, 1, "\(list)")
        XCTAssertEqual(list.filter { $0.contains("both STAKE_FRACTION and STAKE_AMOUNT") && $0.contains("LTC/USDT:USDT") }.count, 1, "\(list)")
    }

    func testBadSymbolListsAndSections() throws {
        let bad = issues("default:\n  MODEL_PATH: m.keras\n  SCALERS_PATH: s.pkl\n  SYMBOLS: [BTC/USDT:USDT, ETHUSDT, BTC/USDT:USDT]\n")
        XCTAssertEqual(bad.map(\.key), ["SYMBOLS"])
        XCTAssertTrue(bad[0].description.contains("ETH/USDT:USDT?"), bad[0].description)
        let twice = issues("default:\n  MODEL_PATH: m.keras\n  SCALERS_PATH: s.pkl\n  SYMBOLS: BTC/USDT:USDT,BTC/USDT:USDT\n")
        XCTAssertTrue(twice[0].description.contains("listed twice"), "\(twice)")
        let settle = issues("default:\n  MODEL_PATH: m.keras\n  SCALERS_PATH: s.pkl\n  SYMBOLS: BTC/USDT:USDT,BTC/USDC:USDC\n")
        XCTAssertTrue(settle.contains { $0.description.contains("one settle currency") }, "\(settle)")
        let full = issues("default:\n  MODEL_PATH: m.keras\n  SCALERS_PATH: s.pkl\n  SYMBOLS: BTC/USDT:USDT,ETH/USDT:USDT\nsymbols:\n  BTC/USDT:USDT: {STAKE_FRACTION: 1}\n")
        XCTAssertTrue(full.contains { $0.description.contains("nothing left to allot to ETH/USDT:USDT") }, "\(full)")

        // A section for a symbol that is not traded, and a typo in a section: warnings naming them.
        let result = try load("""
        default:
          MODEL_PATH: m.keras
          SCALERS_PATH: s.pkl
          SYMBOLS: [BTC/USDT:USDT]
        symbols:
          BTC/USDT:USDT: {THRESHOLDD: 0.1}
          XRP/USDT:USDT: {THRESHOLD: 0.1}
        """)
        XCTAssertEqual(result.warnings.count, 2, "\(result.warnings)")
        XCTAssertTrue(result.warnings.contains { $0.contains("unknown key THRESHOLDD") && $0.contains("did you mean THRESHOLD?") && $0.contains("BTC/USDT:USDT") })
        XCTAssertTrue(result.warnings.contains { $0.contains("XRP/USDT:USDT is not in SYMBOLS") })
    }

    func testSymbolsSectionAloneDefinesTheList() throws {
        let config = try load("""
        default:
          MODEL_PATH: m.keras
          SCALERS_PATH: s.pkl
        symbols:
          ETH/USDT:USDT: {THRESHOLD: 0.03}
          BTC/USDT:USDT: {}
        """).config
        XCTAssertEqual(config.traded.map(\.symbol), ["ETH/USDT:USDT", "BTC/USDT:USDT"])
        XCTAssertEqual(config.traded.map(\.threshold), [0.03, 0.01])
    }
}
