import XCTest
@testable import BinanceTestServer

final class MarketDataTests: ServerTestCase {
    func testPingTimeAndExchangeInfo() throws {
        try startServer()
        XCTAssertTrue(server.baseURL.hasPrefix("http://127.0.0.1:"))
        XCTAssertNotEqual(server.port, 0)
        let ping = try client.get("/fapi/v1/ping")
        XCTAssertEqual(ping.status, 200)
        XCTAssertEqual(ping.text, "{}")
        let time = try client.get("/fapi/v1/time")
        XCTAssertEqual(time.object["serverTime"] as? Int64, Fixture.t0 + 100 * Fixture.hour + 1_800_000)

        let info = try client.get("/fapi/v1/exchangeInfo")
        XCTAssertEqual(info.status, 200)
        let symbols = info.object["symbols"] as? [[String: Any]] ?? []
        let btc = try XCTUnwrap(symbols.first { $0["symbol"] as? String == "BTCUSDT" })
        XCTAssertEqual(btc["contractType"] as? String, "PERPETUAL")
        XCTAssertEqual(btc["marginAsset"] as? String, "USDT")
        XCTAssertEqual(btc["status"] as? String, "TRADING")
        XCTAssertEqual(btc["pricePrecision"] as? Int, 2)
        XCTAssertEqual(btc["quantityPrecision"] as? Int, 3)
        let filters = btc["filters"] as? [[String: Any]] ?? []
        func filter(_ type: String) -> [String: Any] { filters.first { $0["filterType"] as? String == type } ?? [:] }
        XCTAssertEqual(filter("PRICE_FILTER")["tickSize"] as? String, "0.10")
        XCTAssertEqual(filter("LOT_SIZE")["stepSize"] as? String, "0.001")
        XCTAssertEqual(filter("LOT_SIZE")["minQty"] as? String, "0.001")
        XCTAssertEqual(filter("LOT_SIZE")["maxQty"] as? String, "1000")
        XCTAssertEqual(filter("MARKET_LOT_SIZE")["maxQty"] as? String, "120")
        XCTAssertEqual(filter("MIN_NOTIONAL")["notional"] as? String, "100")
        XCTAssertEqual(filter("PERCENT_PRICE")["multiplierUp"] as? String, "1.0500")
        let eth = try XCTUnwrap(symbols.first { $0["symbol"] as? String == "ETHUSDT" })
        let ethFilters = eth["filters"] as? [[String: Any]] ?? []
        XCTAssertEqual(ethFilters.first { $0["filterType"] as? String == "PRICE_FILTER" }?["tickSize"] as? String, "0.01")
        XCTAssertEqual(ethFilters.first { $0["filterType"] as? String == "MIN_NOTIONAL" }?["notional"] as? String, "20")
        let limits = info.object["rateLimits"] as? [[String: Any]] ?? []
        XCTAssertEqual(limits.first?["rateLimitType"] as? String, "REQUEST_WEIGHT")
        XCTAssertEqual(limits.first?["limit"] as? Int, 2400)
    }

    func testKlinesServeClosedCandlesAndTheOpenOneLast() throws {
        try startServer()
        let r = try client.get("/fapi/v1/klines", [("symbol", "BTCUSDT"), ("interval", "1h"), ("limit", "3")])
        XCTAssertEqual(r.status, 200)
        let rows = r.array.compactMap { $0 as? [Any] }
        XCTAssertEqual(rows.count, 3)
        // Candle 99 is closed and served as loaded; strings for prices, ints for times.
        let closed = rows[1]
        XCTAssertEqual(closed[0] as? Int64, Fixture.t0 + 99 * Fixture.hour)
        XCTAssertEqual(closed[1] as? String, "60990.00")
        XCTAssertEqual(closed[2] as? String, "61040.00")
        XCTAssertEqual(closed[3] as? String, "60940.00")
        XCTAssertEqual(closed[4] as? String, "61000.00")
        XCTAssertEqual(closed[6] as? Int64, Fixture.t0 + 100 * Fixture.hour - 1)
        XCTAssertEqual(rows[0].count, 12)
        // Candle 100 is in progress: nothing of its future is revealed.
        let open = rows[2]
        XCTAssertEqual(open[0] as? Int64, Fixture.t0 + 100 * Fixture.hour)
        XCTAssertEqual(open[1] as? String, "61000.00")
        XCTAssertEqual(open[2] as? String, "61000.00")
        XCTAssertEqual(open[4] as? String, "61000.00")
        XCTAssertEqual(open[5] as? String, "0.000")

        // After the clock passes the candle's end, it is served closed with its real range.
        server.clock.advance(ms: Fixture.hour)
        let later = try client.get("/fapi/v1/klines", [("symbol", "BTCUSDT"), ("interval", "1h"), ("limit", "2")]).array.compactMap { $0 as? [Any] }
        XCTAssertEqual(later[0][0] as? Int64, Fixture.t0 + 100 * Fixture.hour)
        XCTAssertEqual(later[0][2] as? String, "61050.00")
        XCTAssertEqual(later[1][0] as? Int64, Fixture.t0 + 101 * Fixture.hour)
    }

    func testKlinesPaginationParameters() throws {
        try startServer(atCandle: 1800)
        // Default limit 500, newest last.
        let all = try client.get("/fapi/v1/klines", [("symbol", "BTCUSDT"), ("interval", "1h")]).array
        XCTAssertEqual(all.count, 500)
        // startTime pages forward from the start; limit up to 1500.
        let page1 = try client.get("/fapi/v1/klines", [("symbol", "BTCUSDT"), ("interval", "1h"), ("startTime", String(Fixture.t0)), ("limit", "1500")])
        XCTAssertEqual(page1.array.count, 1500)
        XCTAssertEqual(page1.header("X-MBX-USED-WEIGHT-1M"), "15")   // 5 (limit 500) + 10 (limit 1500)
        let last = (page1.array.last as? [Any])?[0] as? Int64 ?? 0
        let page2 = try client.get("/fapi/v1/klines", [("symbol", "BTCUSDT"), ("interval", "1h"), ("startTime", String(last + 1)), ("limit", "1500")])
        XCTAssertEqual(page2.array.count, 301)   // candles 1500...1800 (1800 still open)
        XCTAssertEqual((page2.array.first as? [Any])?[0] as? Int64, Fixture.t0 + 1500 * Fixture.hour)
        // endTime bounds the window from above.
        let window = try client.get("/fapi/v1/klines", [("symbol", "BTCUSDT"), ("interval", "1h"), ("startTime", String(Fixture.t0)), ("endTime", String(Fixture.t0 + 9 * Fixture.hour))]).array
        XCTAssertEqual(window.count, 10)
        // Future candles are never served.
        let future = try client.get("/fapi/v1/klines", [("symbol", "BTCUSDT"), ("interval", "1h"), ("startTime", String(Fixture.t0 + 1900 * Fixture.hour))]).array
        XCTAssertEqual(future.count, 0)
    }

    func testKlinesWeightsFollowTheLimit() throws {
        try startServer()
        let a = try client.get("/fapi/v1/klines", [("symbol", "BTCUSDT"), ("interval", "1h"), ("limit", "99")])
        XCTAssertEqual(a.header("X-MBX-USED-WEIGHT-1M"), "1")
        let b = try client.get("/fapi/v1/klines", [("symbol", "BTCUSDT"), ("interval", "1h"), ("limit", "100")])
        XCTAssertEqual(b.header("X-MBX-USED-WEIGHT-1M"), "3")
        let c = try client.get("/fapi/v1/klines", [("symbol", "BTCUSDT"), ("interval", "1h")])
        XCTAssertEqual(c.header("X-MBX-USED-WEIGHT-1M"), "8")
        let d = try client.get("/fapi/v1/klines", [("symbol", "BTCUSDT"), ("interval", "1h"), ("limit", "1001")])
        XCTAssertEqual(d.header("X-MBX-USED-WEIGHT-1M"), "18")
    }

    func testKlinesRejectBadInput() throws {
        try startServer()
        let noSymbol = try client.get("/fapi/v1/klines", [("interval", "1h")])
        XCTAssertEqual(noSymbol.status, 400)
        XCTAssertEqual(noSymbol.code, -1102)
        XCTAssertEqual(noSymbol.msg, "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.")
        XCTAssertEqual(try client.get("/fapi/v1/klines", [("symbol", "NOPE"), ("interval", "1h")]).code, -1121)
        XCTAssertEqual(try client.get("/fapi/v1/klines", [("symbol", "BTCUSDT"), ("interval", "7h")]).code, -1120)
        XCTAssertEqual(try client.get("/fapi/v1/klines", [("symbol", "BTCUSDT"), ("interval", "1h"), ("limit", "1501")]).code, -1130)
        XCTAssertEqual(try client.get("/fapi/v1/klines", [("symbol", "BTCUSDT"), ("interval", "1h"), ("startTime", "10"), ("endTime", "5")]).code, -1023)
    }

    func testTickersAndMarkPriceUseTheOpenOfTheCurrentCandle() throws {
        try startServer()
        let price = try client.get("/fapi/v1/ticker/price", [("symbol", "BTCUSDT")])
        XCTAssertEqual(price.object["price"] as? String, "61000.00")
        let all = try client.get("/fapi/v1/ticker/price")
        XCTAssertEqual(all.array.count, BinanceTestServer.Options().symbols.count, "one ticker per served market")
        let mark = try client.get("/fapi/v1/premiumIndex", [("symbol", "BTCUSDT")])
        XCTAssertEqual(mark.object["markPrice"] as? String, "61000.00000000")
        let book = try client.get("/fapi/v1/ticker/bookTicker", [("symbol", "BTCUSDT")])
        XCTAssertEqual(book.object["bidPrice"] as? String, "61000.00")
        XCTAssertEqual(book.object["askPrice"] as? String, "61000.10")
        let day = try client.get("/fapi/v1/ticker/24hr", [("symbol", "BTCUSDT")])
        XCTAssertEqual(day.object["lastPrice"] as? String, "61000.00")
        XCTAssertEqual(day.object["openPrice"] as? String, "60760.00")
        XCTAssertEqual(try client.get("/fapi/v1/ticker/price", [("symbol", "XRPUSDT")]).code, -1121)
    }
}

final class UnifiedCandleTests: ServerTestCase {
    /// Exchange.Candle (Doubles) goes in through its shortest decimal text, then onto the tick.
    func testUnifiedCandlesAreServedOnTheTick() throws {
        try startServer()
        let rows = [UnifiedCandle(timestamp: Fixture.t0, open: 100.04, high: 144.5399932861328, low: 99.96, close: 0.1 + 0.2, volume: 3)]
        server.loadCandles(symbol: "ETHUSDT", interval: "1d", candles: rows)
        server.clock.set(ms: Fixture.t0 + 2 * 86_400_000)
        let k = try client.get("/fapi/v1/klines", [("symbol", "ETHUSDT"), ("interval", "1d")]).array.first as? [Any]
        XCTAssertEqual(k?[1] as? String, "100.04")
        XCTAssertEqual(k?[2] as? String, "144.54")
        XCTAssertEqual(k?[4] as? String, "0.30")   // 0.30000000000000004 never leaks
    }
}
