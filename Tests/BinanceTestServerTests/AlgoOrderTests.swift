import XCTest
@testable import BinanceTestServer

final class AlgoOrderTests: ServerTestCase {
    func algo(_ params: [(String, String)]) throws -> Reply {
        try client.signed("POST", "/fapi/v1/algoOrder", [("algoType", "CONDITIONAL"), ("symbol", "BTCUSDT")] + params, server: server)
    }

    func testTakeProfitTriggersAndStopRestsUntilCancelled() throws {
        try startServer()
        XCTAssertEqual(try order([("side", "BUY"), ("type", "MARKET"), ("quantity", "0.01")]).status, 200)
        let tp = try algo([("side", "SELL"), ("type", "TAKE_PROFIT_MARKET"), ("triggerPrice", "61100"), ("closePosition", "true"), ("clientAlgoId", "tp1")])
        XCTAssertEqual(tp.status, 200, tp.text)
        XCTAssertEqual(tp.object["algoStatus"] as? String, "NEW")
        XCTAssertEqual(tp.object["algoType"] as? String, "CONDITIONAL")
        XCTAssertEqual(tp.object["orderType"] as? String, "TAKE_PROFIT_MARKET")
        XCTAssertEqual(tp.object["triggerPrice"] as? String, "61100.00")
        XCTAssertEqual(tp.object["clientAlgoId"] as? String, "tp1")
        XCTAssertNotNil(tp.object["algoId"] as? Int64)
        let sl = try algo([("side", "SELL"), ("type", "STOP_MARKET"), ("triggerPrice", "60900"), ("quantity", "0.01"), ("reduceOnly", "true"), ("clientAlgoId", "sl1")])
        XCTAssertEqual(sl.status, 200, sl.text)
        let open = try client.signed("GET", "/fapi/v1/openAlgoOrders", [("symbol", "BTCUSDT")], server: server)
        XCTAssertEqual(open.array.count, 2)
        // Conditional orders are not regular open orders.
        XCTAssertEqual(try client.signed("GET", "/fapi/v1/openOrders", [("symbol", "BTCUSDT")], server: server).array.count, 0)

        server.clock.advance(ms: 6 * Fixture.hour)   // candle 105 reaches 61100
        let done = try client.signed("GET", "/fapi/v1/algoOrder", [("clientAlgoId", "tp1")], server: server)
        XCTAssertEqual(done.object["algoStatus"] as? String, "FINISHED", done.text)
        XCTAssertNotNil(done.object["actualOrderId"] as? String)
        XCTAssertEqual(server.position(apiKey: "test-key", symbol: "BTCUSDT")?.positionAmt, 0)
        let fill = try XCTUnwrap(server.orders().last)
        XCTAssertEqual(fill.origType, "TAKE_PROFIT_MARKET")
        XCTAssertEqual(fill.avgPrice, 61100)

        let still = try client.signed("GET", "/fapi/v1/openAlgoOrders", [], server: server).array
        XCTAssertEqual(still.count, 1)
        let cancel = try client.signed("DELETE", "/fapi/v1/algoOrder", [("clientAlgoId", "sl1")], server: server)
        XCTAssertEqual(cancel.object["code"] as? String, "200", cancel.text)
        XCTAssertEqual(cancel.msg, "success")
        XCTAssertEqual(try client.signed("DELETE", "/fapi/v1/algoOrder", [("clientAlgoId", "sl1")], server: server).code, -2011)
        XCTAssertEqual(try client.signed("GET", "/fapi/v1/openAlgoOrders", [], server: server).array.count, 0)
    }

    func testStopTriggersWhenThePriceFalls() throws {
        try startServer()
        XCTAssertEqual(try order([("side", "BUY"), ("type", "MARKET"), ("quantity", "0.01")]).status, 200)
        XCTAssertEqual(try algo([("side", "SELL"), ("type", "STOP_MARKET"), ("triggerPrice", "60950"), ("closePosition", "true")]).status, 200)
        // Candle 100 (low 60950) closes at 101:00 and touches the stop.
        server.clock.advance(ms: Fixture.hour)
        XCTAssertEqual(server.algoOrders().first?.algoStatus, "FINISHED")
        XCTAssertEqual(server.trades().last?.price, 60950)
        XCTAssertEqual(server.position(apiKey: "test-key", symbol: "BTCUSDT")?.positionAmt, 0)
    }

    func testAlgoValidation() throws {
        try startServer()
        let now = try algo([("side", "SELL"), ("type", "STOP_MARKET"), ("triggerPrice", "61100"), ("quantity", "0.01")])
        XCTAssertEqual(now.code, -2021)
        XCTAssertEqual(now.msg, "Order would immediately trigger.")
        XCTAssertEqual(try algo([("side", "SELL"), ("type", "STOP_MARKET"), ("quantity", "0.01")]).code, -1102)
        XCTAssertEqual(try algo([("side", "SELL"), ("type", "STOP_MARKET"), ("triggerPrice", "60900.001"), ("quantity", "0.01")]).code, -1111)
        XCTAssertEqual(try algo([("side", "SELL"), ("type", "STOP_MARKET"), ("triggerPrice", "60900"), ("quantity", "0.01"), ("closePosition", "true")]).code, -4137)
        XCTAssertEqual(try algo([("side", "SELL"), ("type", "MARKET"), ("triggerPrice", "60900"), ("quantity", "0.01")]).code, -1116)
        XCTAssertEqual(try client.signed("GET", "/fapi/v1/algoOrder", [("algoId", "1")], server: server).code, -2013)
    }
}
