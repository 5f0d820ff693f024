import XCTest
@testable import BinanceTestServer

/// Order book, funding, income, leverage brackets, position mode, batch orders, modify order and algo history,
/// with the shapes and errors Binance documents for them.
final class NewEndpointTests: ServerTestCase {
    func testOrderBookFundingAndBrackets() throws {
        try startServer()   // price 61000 (candle 100 open)
        let book = try client.get("/fapi/v1/depth", [("symbol", "BTCUSDT"), ("limit", "5")])
        XCTAssertEqual(book.status, 200, book.text)
        let bids = try XCTUnwrap(book.object["bids"] as? [[String]]), asks = try XCTUnwrap(book.object["asks"] as? [[String]])
        XCTAssertEqual(bids.count, 5); XCTAssertEqual(asks.count, 5)
        XCTAssertEqual(bids[0], ["61000.00", "0.010"]); XCTAssertEqual(asks[0], ["61000.10", "0.010"])
        XCTAssertEqual(bids[1][0], "60999.90")
        XCTAssertNotNil(book.object["lastUpdateId"]); XCTAssertNotNil(book.object["T"]); XCTAssertNotNil(book.object["E"])
        XCTAssertEqual(try client.get("/fapi/v1/depth", [("symbol", "BTCUSDT"), ("limit", "7")]).code, -1130)
        XCTAssertEqual(try client.get("/fapi/v1/depth", [("symbol", "NOPE")]).code, -1121)
        XCTAssertEqual(try client.get("/fapi/v1/rpiDepth", [("symbol", "BTCUSDT"), ("limit", "1000")]).status, 200)

        let funding = try client.get("/fapi/v1/fundingRate", [("symbol", "BTCUSDT"), ("limit", "3")])
        XCTAssertEqual(funding.array.count, 3, funding.text)
        let times = funding.array.compactMap { ($0 as? [String: Any])?["fundingTime"] as? Int64 }
        XCTAssertEqual(times.count, 3)
        XCTAssertTrue(times.allSatisfy { $0 % (8 * Fixture.hour) == 0 && $0 <= server.clock.nowMs }, "\(times)")
        XCTAssertEqual(times[1] - times[0], 8 * Fixture.hour)
        XCTAssertEqual((funding.array.first as? [String: Any])?["fundingRate"] as? String, "0.00010000")
        XCTAssertEqual(try client.get("/fapi/v1/fundingRate", [("limit", "1001")]).code, -1130)

        let brackets = try client.signed("GET", "/fapi/v1/leverageBracket", [], server: server)
        XCTAssertEqual(brackets.status, 200, brackets.text)
        let btc = try XCTUnwrap(brackets.array.compactMap { $0 as? [String: Any] }.first { $0["symbol"] as? String == "BTCUSDT" })
        let first = try XCTUnwrap((btc["brackets"] as? [[String: Any]])?.first)
        XCTAssertEqual(first["notionalFloor"] as? Int, 0); XCTAssertEqual(first["maintMarginRatio"] as? String, "0.004")
        XCTAssertEqual(first["initialLeverage"] as? Int, 125)
        XCTAssertEqual(try client.get("/fapi/v1/leverageBracket").status, 401, "signed endpoint")
    }

    func testIncomeFollowsFills() throws {
        try startServer()
        XCTAssertEqual(try order([("side", "BUY"), ("type", "MARKET"), ("quantity", "0.01")]).status, 200)
        XCTAssertEqual(try order([("side", "SELL"), ("type", "MARKET"), ("quantity", "0.01")]).status, 200)
        let all = try client.signed("GET", "/fapi/v1/income", [("symbol", "BTCUSDT")], server: server)
        XCTAssertEqual(all.status, 200, all.text)
        let rows = all.array.compactMap { $0 as? [String: Any] }
        XCTAssertEqual(rows.filter { $0["incomeType"] as? String == "COMMISSION" }.count, 2)
        XCTAssertTrue(rows.allSatisfy { ($0["asset"] as? String) == "USDT" && $0["tranId"] != nil && $0["time"] != nil })
        let commission = try XCTUnwrap(rows.first { $0["incomeType"] as? String == "COMMISSION" }?["income"] as? String)
        XCTAssertTrue(commission.hasPrefix("-"), commission)
        let funding = try client.signed("GET", "/fapi/v1/income", [("incomeType", "FUNDING_FEE")], server: server)
        XCTAssertEqual(funding.array.count, 0)
        XCTAssertEqual(try client.signed("GET", "/fapi/v1/income", [("incomeType", "BOGUS")], server: server).code, -1130)
    }

    func testPositionModeRulesAndHedgeOrders() throws {
        try startServer()
        XCTAssertEqual(try client.signed("GET", "/fapi/v1/positionSide/dual", [], server: server).object["dualSidePosition"] as? Bool, false)
        XCTAssertEqual(try client.signed("POST", "/fapi/v1/positionSide/dual", [("dualSidePosition", "false")], server: server).code, -4059)
        XCTAssertEqual(try order([("side", "BUY"), ("type", "MARKET"), ("quantity", "0.01"), ("positionSide", "LONG")]).code, -4061)
        let resting = try order([("side", "BUY"), ("type", "LIMIT"), ("quantity", "0.01"), ("price", "60000"), ("timeInForce", "GTC")])
        XCTAssertEqual(resting.status, 200, resting.text)
        XCTAssertEqual(try client.signed("POST", "/fapi/v1/positionSide/dual", [("dualSidePosition", "true")], server: server).code, -4067)
        XCTAssertEqual(try client.signed("DELETE", "/fapi/v1/allOpenOrders", [("symbol", "BTCUSDT")], server: server).status, 200)
        let set = try client.signed("POST", "/fapi/v1/positionSide/dual", [("dualSidePosition", "true")], server: server)
        XCTAssertEqual(set.object["code"] as? Int, 200, set.text)
        XCTAssertEqual(try client.signed("GET", "/fapi/v1/positionSide/dual", [], server: server).object["dualSidePosition"] as? Bool, true)
        XCTAssertEqual(try order([("side", "BUY"), ("type", "MARKET"), ("quantity", "0.01")]).code, -4061, "BOTH in hedge mode")
        XCTAssertEqual(try order([("side", "SELL"), ("type", "MARKET"), ("quantity", "0.01"), ("positionSide", "LONG"), ("reduceOnly", "true")]).code, -1106)
        XCTAssertEqual(try order([("side", "BUY"), ("type", "MARKET"), ("quantity", "0.01"), ("positionSide", "LONG")]).status, 200)
        XCTAssertEqual(try client.signed("POST", "/fapi/v1/positionSide/dual", [("dualSidePosition", "false")], server: server).code, -4068)
    }

    func testBatchOrdersModifyAndBatchCancel() throws {
        try startServer()
        let good = #"{"symbol":"BTCUSDT","side":"BUY","type":"LIMIT","quantity":"0.01","price":"60000","timeInForce":"GTC","newClientOrderId":"b1","newOrderRespType":"RESULT"}"#
        let bad = #"{"symbol":"BTCUSDT","side":"BUY","type":"LIMIT","quantity":"0.0001","price":"60000","timeInForce":"GTC","newClientOrderId":"b2"}"#
        let batch = try client.signed("POST", "/fapi/v1/batchOrders", [("batchOrders", "[\(good),\(bad)]")], server: server, inBody: true)
        XCTAssertEqual(batch.status, 200, batch.text)
        let entries = batch.array.compactMap { $0 as? [String: Any] }
        XCTAssertEqual(entries.count, 2)
        XCTAssertEqual(entries[0]["clientOrderId"] as? String, "b1")
        XCTAssertEqual(entries[1]["code"] as? Int, -1111, "\(entries[1])")
        XCTAssertEqual(server.openOrders.map(\.clientOrderId), ["b1"])
        let six = "[" + Array(repeating: good, count: 6).joined(separator: ",") + "]"
        XCTAssertEqual(try client.signed("POST", "/fapi/v1/batchOrders", [("batchOrders", six)], server: server, inBody: true).code, -1130)

        let id = try XCTUnwrap(server.openOrders.first?.orderId)
        let moved = try client.signed("PUT", "/fapi/v1/order", [("symbol", "BTCUSDT"), ("side", "BUY"), ("orderId", String(id)),
                                                                ("quantity", "0.02"), ("price", "60100")], server: server, inBody: true)
        XCTAssertEqual(moved.status, 200, moved.text)
        XCTAssertEqual(moved.object["price"] as? String, "60100.00")
        XCTAssertEqual(moved.object["origQty"] as? String, "0.020")
        XCTAssertEqual(server.openOrders.first?.orderId, id, "a modified order keeps its id")
        XCTAssertEqual(try client.signed("PUT", "/fapi/v1/order", [("symbol", "BTCUSDT"), ("side", "BUY"), ("orderId", String(id)),
                                                                   ("quantity", "0.02"), ("price", "60100")], server: server, inBody: true).code, -5027)
        XCTAssertEqual(try client.signed("PUT", "/fapi/v1/order", [("symbol", "BTCUSDT"), ("side", "BUY"), ("orderId", "1"),
                                                                   ("quantity", "0.02"), ("price", "60100")], server: server, inBody: true).code, -2013)

        let cancel = try client.signed("DELETE", "/fapi/v1/batchOrders", [("symbol", "BTCUSDT"), ("origclientorderidlist", #"["b1","nope"]"#)], server: server)
        XCTAssertEqual(cancel.status, 200, cancel.text)
        let results = cancel.array.compactMap { $0 as? [String: Any] }
        XCTAssertEqual(results.first?["status"] as? String, "CANCELED")
        XCTAssertEqual(results.last?["code"] as? Int, -2011)
        XCTAssertTrue(server.openOrders.isEmpty)
        XCTAssertEqual(try client.signed("DELETE", "/fapi/v1/batchOrders", [("symbol", "BTCUSDT")], server: server).code, -1102)
    }

    func testAllAlgoOrdersListsConditionalHistory() throws {
        try startServer()
        let placed = try client.signed("POST", "/fapi/v1/algoOrder", [("algoType", "CONDITIONAL"), ("symbol", "BTCUSDT"), ("side", "SELL"),
                                                                       ("type", "STOP_MARKET"), ("triggerPrice", "60000"), ("closePosition", "true")], server: server)
        XCTAssertEqual(placed.status, 200, placed.text)
        let all = try client.signed("GET", "/fapi/v1/allAlgoOrders", [("symbol", "BTCUSDT")], server: server)
        XCTAssertEqual(all.array.count, 1, all.text)
        XCTAssertEqual(try client.signed("GET", "/fapi/v1/allAlgoOrders", [], server: server).code, -1102)
    }

    func testTrailingStopFollowsTheHighAndFiresOnTheCallback() throws {
        try startServer()   // price 61000; candle 100: high 61050, low 60950
        func trailing(_ extra: [(String, String)]) throws -> Reply {
            try client.signed("POST", "/fapi/v1/algoOrder", [("algoType", "CONDITIONAL"), ("symbol", "BTCUSDT"), ("side", "SELL"),
                                                             ("type", "TRAILING_STOP_MARKET"), ("quantity", "0.01")] + extra, server: server)
        }
        XCTAssertEqual(try trailing([]).code, -1102, "callbackRate is mandatory")
        XCTAssertEqual(try trailing([("callbackRate", "11")]).code, -1130)
        let placed = try trailing([("callbackRate", "0.1")])
        XCTAssertEqual(placed.status, 200, placed.text)
        XCTAssertEqual(placed.object["callbackRate"] as? String, "0.1")
        server.clock.advance(ms: Fixture.hour)
        let done = try client.signed("GET", "/fapi/v1/algoOrder", [("algoId", String(describing: placed.object["algoId"] ?? ""))], server: server)
        XCTAssertEqual(done.object["algoStatus"] as? String, "FINISHED", done.text)
        // high 61050 - 0.1 % = 60988.95, inside the candle's range: filled there.
        XCTAssertEqual(server.orders().last?.avgPrice, Decimal(string: "60988.95"))
        XCTAssertEqual(server.orders().last?.origType, "TRAILING_STOP_MARKET")
    }
}
