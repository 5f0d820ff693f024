@testable import Bot
import XCTest

final class ConfigTests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws {
        dir = try makeTemporaryDirectory(self)
        try Data("model".utf8).write(to: dir.appendingPathComponent("m.keras"))
        try Data("scalers".utf8).write(to: dir.appendingPathComponent("s.pkl"))
    }

    private func write(_ yaml: String) throws -> String {
        let path = dir.appendingPathComponent("config.yaml").path
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    private let base = """
    default:
      MODEL_PATH: m.keras
      SCALERS_PATH: s.pkl
      THRESHOLD: 0.02
      SYMBOL: ETH/USDT:USDT
    simulation:
      MODE: testnet
      THRESHOLD: 0.03
    """

    func testDefaultsSectionsAndPrecedence() throws {
        let path = try write(base)
        let plain = try ConfigLoader(path: path, environment: [:]).load().config
        XCTAssertEqual(plain.mode, .dryRun)
        XCTAssertEqual(plain.threshold, 0.02)
        XCTAssertEqual(plain.symbol, "ETH/USDT:USDT")
        XCTAssertEqual(plain.marketID, "ETHUSDT")
        XCTAssertEqual(plain.targetColumn, "close")
        XCTAssertEqual(plain.targetColumnIndex, 3)
        XCTAssertEqual(plain.modelPath, dir.appendingPathComponent("m.keras").standardizedFileURL.path, "relative to the config file")
        XCTAssertEqual(plain.intervalMilliseconds, 86_400_000)

        let simulation = try ConfigLoader(path: path, environment: ["ENVIRONMENT": "simulation"]).load().config
        XCTAssertEqual(simulation.mode, .testnet)
        XCTAssertEqual(simulation.threshold, 0.03)

        let overridden = try ConfigLoader(path: path, environment: ["ENVIRONMENT": "simulation", "THRESHOLD": "0.05", "LEVERAGE": "3"],
                                          overrides: ["MODE": "dry-run"]).load().config
        XCTAssertEqual(overridden.threshold, 0.05, "environment variable beats the section")
        XCTAssertEqual(overridden.leverage, 3)
        XCTAssertEqual(overridden.mode, .dryRun, "command line beats everything")
    }

    func testEveryBadKeyIsReportedAtOnce() throws {
        let path = try write("""
        default:
          MODEL_PATH: missing.keras
          SCALERS_PATH: s.pkl
          THRESHOLD: one percent
          LEVERAGE: -3
          SYMBOL: BTCUSDT
          INTERVAL: 7m
          MODE: paper
        """)
        XCTAssertThrowsError(try ConfigLoader(path: path, environment: [:]).load()) { error in
            guard case ConfigError.invalid(let issues) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(Set(issues.map(\.key)), ["MODEL_PATH", "THRESHOLD", "LEVERAGE", "SYMBOL", "INTERVAL", "MODE"])
            let byKey = Dictionary(uniqueKeysWithValues: issues.map { ($0.key, $0.description) })
            XCTAssertEqual(byKey["THRESHOLD"], "\(path):4 (default): THRESHOLD = \"one percent\": not a number; allowed: a number ≥ 0")
            XCTAssertTrue(byKey["SYMBOL"]?.contains("did you mean BTC/USDT:USDT?") == true, byKey["SYMBOL"] ?? "")
            XCTAssertTrue(byKey["LEVERAGE"]?.contains("an integer from 1 to 125") == true)
            XCTAssertTrue(byKey["MODEL_PATH"]?.contains("no such file") == true)
            for line in issues.map(\.description) { XCTAssertFalse(line.contains("\n")) }
        }
    }

    func testUnknownKeyWarnsWithClosestKnownKey() throws {
        let path = try write(base + "\n  THRESHOLDS: 0.1\n")
        let result = try ConfigLoader(path: path, environment: [:]).load()
        XCTAssertEqual(result.warnings.count, 1)
        XCTAssertTrue(result.warnings[0].contains("unknown key THRESHOLDS"), result.warnings[0])
        XCTAssertTrue(result.warnings[0].contains("did you mean THRESHOLD?"), result.warnings[0])
    }

    func testSecretsAreRequiredForTestnetAndNeverEchoed() throws {
        let path = try write(base)
        XCTAssertThrowsError(try ConfigLoader(path: path, environment: ["MODE": "testnet"], requireCredentials: true).load()) { error in
            guard case ConfigError.invalid(let issues) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(issues.map(\.key), ["EXCHANGE_API_KEY", "EXCHANGE_API_SECRET"])
        }
        let canary = "CANARY-SECRET-1234"
        let config = try ConfigLoader(path: path, environment: ["MODE": "testnet", "EXCHANGE_API_KEY": "k", "EXCHANGE_API_SECRET": canary],
                                      requireCredentials: true).load().config
        XCTAssertEqual(config.apiSecret, canary)
        XCTAssertFalse(config.description.contains(canary))
        XCTAssertFalse(String(describing: config).contains(canary))
    }

    func testUnknownEnvironmentSectionAndBrokenYAML() throws {
        let path = try write(base)
        XCTAssertThrowsError(try ConfigLoader(path: path, environment: ["ENVIRONMENT": "staging"]).load()) { error in
            XCTAssertTrue(String(describing: error).contains("no such section"), "\(error)")
            XCTAssertTrue(String(describing: error).contains("simulation"), "\(error)")
        }
        let broken = try write("default:\n  THRESHOLD: [1,\n")
        XCTAssertThrowsError(try ConfigLoader(path: broken, environment: [:]).load()) { error in
            guard case ConfigError.unreadable = error else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try ConfigLoader(path: dir.appendingPathComponent("nope.yaml").path, environment: [:]).load())
    }

    func testShippedConfigIsValid() throws {
        let root = repositoryRoot()
        let result = try ConfigLoader(path: root.appendingPathComponent("config.yaml").path, environment: [:],
                                      overrides: ["MODEL_PATH": dir.appendingPathComponent("m.keras").path,
                                                  "SCALERS_PATH": dir.appendingPathComponent("s.pkl").path]).load()
        XCTAssertEqual(result.warnings, [])
        XCTAssertEqual(result.config.symbol, "BTC/USDT:USDT")
        XCTAssertEqual(result.config.mode, .dryRun)
        XCTAssertEqual(result.config.windowSize, 5)
    }

    func testEditDistance() {
        XCTAssertEqual(EditDistance.between("kitten", "sitting"), 3)
        XCTAssertEqual(EditDistance.closest(to: "leverag", in: ConfigKey.all.map(\.name)), "LEVERAGE")
        XCTAssertNil(EditDistance.closest(to: "COMPLETELY_UNRELATED_THING_XYZ", in: ["MODE"]))
    }
}
