import XCTest
import Exchange
@testable import Binance

final class CLITests: XCTestCase {
    func testArgumentsReadAsCCXTsCommandLineDoes() throws {
        XCTAssertEqual(try CLIArgument.parse("0.002"), .number(Decimal(string: "0.002")!))
        XCTAssertEqual(try CLIArgument.parse("1700000000000").stringValue, "1700000000000")
        XCTAssertEqual(try CLIArgument.parse("null"), .null)
        XCTAssertEqual(try CLIArgument.parse("undefined"), .null)
        XCTAssertEqual(try CLIArgument.parse("true"), .bool(true))
        XCTAssertEqual(try CLIArgument.parse("BTC/USDT:USDT"), .string("BTC/USDT:USDT"))
        XCTAssertEqual(try CLIArgument.parse("1h"), .string("1h"))
        XCTAssertEqual(try CLIArgument.parse("1e3"), .string("1e3"))
        XCTAssertEqual(try CLIArgument.parse("2023-11-14T22:13:20Z"), .number(1_700_000_000_000))
        XCTAssertEqual(try CLIArgument.parse(#"["BTC/USDT:USDT","ETH/USDT:USDT"]"#),
                       .array([.string("BTC/USDT:USDT"), .string("ETH/USDT:USDT")]))
        XCTAssertEqual(try CLIArgument.parse(#"{"price": 55.324242343}"#), .object([("price", .number(Decimal(string: "55.324242343")!))]))
        XCTAssertThrowsError(try CLIArgument.parse("{oops"))
        XCTAssertEqual(try parseParamsJSON(#"{"timeInForce":"GTC","reduceOnly":true,"stopPrice":59000.1}"#),
                       ["timeInForce": "GTC", "reduceOnly": true, "stopPrice": .number(Decimal(string: "59000.1")!)])
        XCTAssertThrowsError(try parseParamsJSON("{not json")) { e in
            XCTAssertEqual((e as? ExchangeFailure)?.kind, .badRequest)
        }
    }

    func testSettingsFromConfigAndEnvironment() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("exch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("config.yaml").path
        try """
        # comment
        default:
          MODE: dry-run      # safe default
          SYMBOL: "BTC/USDT:USDT"
        simulation:
          MODE: testnet
          EXCHANGE_API_KEY: 'from-file'
        production:
          MODE: live
        """.write(toFile: path, atomically: true, encoding: .utf8)

        let plain = try ExchangeSettings.load(environment: [:], configPath: path)
        XCTAssertEqual(plain.mode, .dryRun)
        XCTAssertFalse(plain.allowsPrivateCalls)
        XCTAssertEqual(plain.baseURL, "https://fapi.binance.com")

        let sim = try ExchangeSettings.load(environment: ["ENVIRONMENT": "simulation"], configPath: path)
        XCTAssertEqual(sim.mode, .testnet)
        XCTAssertEqual(sim.baseURL, "https://testnet.binancefuture.com")
        XCTAssertEqual(sim.apiKey, "from-file")
        XCTAssertNil(sim.credentials)  // no secret yet

        let env = try ExchangeSettings.load(environment: ["ENVIRONMENT": "production", "EXCHANGE_URL": "http://127.0.0.1:5",
                                                          "EXCHANGE_API_KEY": "k", "EXCHANGE_API_SECRET": "s"], configPath: path)
        XCTAssertEqual(env.mode, .live)
        XCTAssertEqual(env.baseURL, "http://127.0.0.1:5")
        XCTAssertNotNil(env.credentials)
        XCTAssertEqual(try ExchangeSettings.load(environment: ["MODE": "demo"], configPath: path).baseURL, "https://demo-fapi.binance.com")

        XCTAssertThrowsError(try ExchangeSettings.load(environment: ["ENVIRONMENT": "staging"], configPath: path)) { e in
            XCTAssertTrue("\(e)".contains("staging"), "\(e)")
        }
        XCTAssertThrowsError(try ExchangeSettings.load(environment: ["MODE": "yolo"], configPath: path))
        XCTAssertThrowsError(try ExchangeSettings.load(environment: [:], configPath: dir.appendingPathComponent("none.yaml").path))
    }

    func testDispatchUsesCCXTPositionalArguments() async throws {
        let transport = ScriptedTransport { r, _ in
            try ClientUnitTests.route(r) { r in
                switch r.path {
                case "/fapi/v1/ticker/24hr": return ScriptedTransport.json(200, #"{"symbol":"BTCUSDT","lastPrice":"60000.10"}"#)
                case "/fapi/v1/klines": return ScriptedTransport.json(200, #"[[1700000000000,"1.5","2","1","1.75","10",1700003599999,"0",1,"0","0","0"]]"#)
                default: return ScriptedTransport.json(400, #"{"code":-1121,"msg":"Invalid symbol."}"#)
                }
            }
        }
        let ex = BinanceUSDM(configuration: .init(baseURL: "http://127.0.0.1:9"), transport: transport,
                             time: ManualTime(startMs: 1_700_000_000_000).timeSource)
        let ticker = try await ExchangeCall.run(ex, method: "fetchTicker", args: ["BTC/USDT:USDT"], params: [:])
        XCTAssertTrue(ticker.contains(#""last": 60000.1"#), ticker)
        let ohlcv = try await ExchangeCall.run(ex, method: "fetchOHLCV", args: ["BTC/USDT:USDT", "1h", "1700000000000", "1"], params: [:])
        XCTAssertTrue(ohlcv.contains("1700000000000,"), ohlcv)
        XCTAssertEqual(transport.requests.last?.params["interval"], "1h")
        XCTAssertEqual(transport.requests.last?.params["startTime"], "1700000000000")
        let amount = try await ExchangeCall.run(ex, method: "amountToPrecision", args: ["BTC/USDT:USDT", "0.30000000000000004"], params: [:])
        XCTAssertEqual(amount, #""0.3""#)
        do { _ = try await ExchangeCall.run(ex, method: "fetchTicker", args: [], params: [:]); XCTFail() }
        catch let f as ExchangeFailure { XCTAssertEqual(f.kind, .badRequest) }
        do { _ = try await ExchangeCall.run(ex, method: "createOrder", args: ["BTC/USDT:USDT", "iceberg", "buy", "1"], params: [:]); XCTFail() }
        catch let f as ExchangeFailure { XCTAssertTrue(f.message.contains("argument 2 (type)"), f.message) }
        do { _ = try await ExchangeCall.run(ex, method: "withdraw", args: [], params: [:]); XCTFail() }
        catch let f as ExchangeFailure { XCTAssertEqual(f.kind, .notSupported) }
    }
}
