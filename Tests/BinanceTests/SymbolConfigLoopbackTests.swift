import XCTest
import Exchange
import BinanceTestServer
@testable import Binance

/// fetchLeverages (GET /fapi/v1/symbolConfig) over real HTTP against the loopback server, and the client sharing the
/// first markets, brackets and time-sync requests among calls started together (a cycle's read-ahead).
final class SymbolConfigLoopbackTests: XCTestCase {
    var loop: Loopback!
    let btc = "BTC/USDT:USDT"

    override func setUp() async throws {
        loop = Loopback()
        try await loop.start()
    }

    override func tearDown() async throws {
        await loop.server.stop()
        loop = nil
    }

    /// The fields of one wire row, from the `info` the client keeps.
    private func wire(_ leverage: Leverage?) -> [String: JSONValue] {
        guard case .object(let pairs)? = leverage?.info else { return [:] }
        return Dictionary(pairs, uniquingKeysWith: { a, _ in a })
    }

    func testFetchLeveragesShowsWhatIsInEffectAndSendsWhatCCXTSends() async throws {
        let ex = loop.client()
        let before = try await ex.fetchLeverages(symbols: [btc], params: [:])
        XCTAssertEqual(Array(before.keys), [btc], "filtered to the symbols asked for")
        XCTAssertEqual(before[btc]?.marginMode, .cross, "a new account is cross")
        XCTAssertEqual(before[btc]?.longLeverage, 20)
        XCTAssertEqual(before[btc]?.shortLeverage, 20)

        try await ex.setLeverage(5, symbol: btc)
        try await ex.setMarginMode(.isolated, symbol: btc)
        let after = try await ex.fetchLeverages(symbols: nil, params: [:])
        XCTAssertEqual(after[btc], Leverage(symbol: btc, marginMode: .isolated, longLeverage: 5, shortLeverage: 5, info: after[btc]?.info))
        XCTAssertEqual(Set(after.keys), ["BTC/USDT:USDT", "ETH/USDT:USDT", "LTC/USDT:USDT", "DOGE/USDT:USDT"])
        XCTAssertEqual(after["ETH/USDT:USDT"]?.marginMode, .cross, "settings are per symbol")

        // Binance's documented row: symbol, marginType, isAutoAddMargin (a string), leverage (a number), maxNotionalValue.
        let row = wire(after[btc])
        XCTAssertEqual(row["symbol"], .string("BTCUSDT"))
        XCTAssertEqual(row["marginType"], .string("ISOLATED"))
        XCTAssertEqual(row["isAutoAddMargin"], .string("false"))
        XCTAssertEqual(row["leverage"], .number(5))
        XCTAssertEqual(row["maxNotionalValue"], .string("100000000"), "the largest bracket cap open at 5x")

        // As ccxt's fetchLeverages: GET /fapi/v1/symbolConfig, signed, no `symbol` (the answer is filtered here).
        let sent = loop.requests("GET", "/fapi/v1/symbolConfig")
        XCTAssertEqual(sent.count, 2)
        XCTAssertEqual(sent.map { Set($0.params.keys) }, [["recvWindow", "timestamp"], ["recvWindow", "timestamp"]])
        XCTAssertTrue(sent.allSatisfy { $0.headers["x-mbx-apikey"] == Loopback.apiKey })
    }

    func testTheServerAnswersOneSymbolAsAnArrayToo() async throws {
        let ex = loop.client()
        _ = try await ex.loadMarkets()
        let one = try await ex.client.call(.symbolConfig, QueryString([("symbol", "ETHUSDT")]), method: "test")
        let rows = try XCTUnwrap(one as? [Any])
        XCTAssertEqual(rows.count, 1)
        XCTAssertEqual((rows.first as? [String: Any])?["symbol"] as? String, "ETHUSDT")
        do {
            _ = try await ex.client.call(.symbolConfig, QueryString([("symbol", "NOPEUSDT")]), method: "test")
            XCTFail("an unknown symbol is refused")
        } catch let f as ExchangeFailure {
            XCTAssertEqual(f.kind, .badSymbol)
        }
    }

    /// A cycle's reads started together on a fresh client: one exchangeInfo, one leverageBracket and one /time among
    /// them, however many calls need markets, brackets or the time offset first.
    func testConcurrentFirstCallsShareMarketsBracketsAndTheTimeSync() async throws {
        let pool = CurlTransportPool(connectTimeoutMs: 2_000, totalTimeoutMs: 5_000)
        let ex = loop.client(time: .system, transport: pool)
        async let time = ex.fetchTime()
        async let markets = ex.loadMarkets()
        async let positions = ex.fetchPositions(symbols: [btc])
        async let positionsAgain = ex.fetchPositions(symbols: nil)
        async let open = ex.fetchOpenOrders(symbol: btc)
        async let balance = ex.fetchBalance()
        async let leverages = ex.fetchLeverages(symbols: [btc], params: [:])
        async let candles = ex.fetchOHLCV(symbol: btc, timeframe: .oneMinute, since: nil, limit: 5)
        _ = try await (time, markets, positions, positionsAgain, open, balance, leverages, candles)
        XCTAssertEqual(loop.requests("GET", "/fapi/v1/exchangeInfo").count, 1)
        XCTAssertEqual(loop.requests("GET", "/fapi/v1/leverageBracket").count, 1)
        XCTAssertEqual(loop.requests("GET", "/fapi/v1/time").count, 1)
        XCTAssertEqual(loop.requests("GET", "/fapi/v3/positionRisk").count, 2)
        XCTAssertGreaterThanOrEqual(pool.made, 1)
        // Later calls use what the first ones loaded.
        _ = try await ex.fetchPositions(symbols: [btc])
        XCTAssertEqual(loop.requests("GET", "/fapi/v1/leverageBracket").count, 1)
        XCTAssertEqual(loop.requests("GET", "/fapi/v1/exchangeInfo").count, 1)
    }
}
