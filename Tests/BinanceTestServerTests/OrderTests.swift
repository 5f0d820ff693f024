import XCTest
@testable import BinanceTestServer

final class OrderTests: ServerTestCase {
    func testMarketOrderFillsAtTheCurrentCandlesOpenWithTakerFee() throws {
        try startServer()
        let ack = try order([("side", "BUY"), ("type", "MARKET"), ("quantity", "0.01"), ("newClientOrderId", "c1")])
        XCTAssertEqual(ack.status, 200, ack.text)
        // Default ACK: the order as accepted.
        XCTAssertEqual(ack.object["status"] as? String, "NEW")
        XCTAssertEqual(ack.object["executedQty"] as? String, "0.000")
        XCTAssertEqual(ack.object["clientOrderId"] as? String, "c1")
        XCTAssertEqual(ack.object["origQty"] as? String, "0.010")
        XCTAssertEqual(ack.object["positionSide"] as? String, "BOTH")
        XCTAssertNotNil(ack.object["orderId"] as? Int64)
        XCTAssertEqual(ack.header("X-MBX-ORDER-COUNT-1M"), "1")
        XCTAssertEqual(ack.header("X-MBX-ORDER-COUNT-10S"), "1")
        // As Binance's documented New Order answer: updateTime, no creation `time` (that is in query answers).
        XCTAssertNil(ack.object["time"]); XCTAssertNotNil(ack.object["updateTime"] as? Int64)
        // Queried afterwards it is FILLED at 61000 (open of the candle in progress).
        let q = try client.signed("GET", "/fapi/v1/order", [("symbol", "BTCUSDT"), ("origClientOrderId", "c1")], server: server)
        XCTAssertEqual(q.object["status"] as? String, "FILLED")
        XCTAssertNotNil(q.object["time"] as? Int64)
        XCTAssertEqual(q.object["avgPrice"] as? String, "61000.00")
        XCTAssertEqual(q.object["executedQty"] as? String, "0.010")
        XCTAssertEqual(q.object["cumQuote"] as? String, "610.00000")
        XCTAssertEqual(server.balance(apiKey: "test-key"), Decimal(string: "9999.695"))   // fee 610 * 0.0005
        let pos = try XCTUnwrap(server.position(apiKey: "test-key", symbol: "BTCUSDT"))
        XCTAssertEqual(pos.positionAmt, Decimal(string: "0.01"))
        XCTAssertEqual(pos.entryPrice, 61000)

        let risk = try client.signed("GET", "/fapi/v2/positionRisk", [("symbol", "BTCUSDT")], server: server).array.first as? [String: Any]
        XCTAssertEqual(risk?["positionAmt"] as? String, "0.010")
        XCTAssertEqual(risk?["entryPrice"] as? String, "61000")
        XCTAssertEqual(risk?["leverage"] as? String, "20")
        XCTAssertEqual(risk?["marginType"] as? String, "cross")
        let trades = try client.signed("GET", "/fapi/v1/userTrades", [("symbol", "BTCUSDT")], server: server).array
        XCTAssertEqual(trades.count, 1)
        XCTAssertEqual((trades.first as? [String: Any])?["commission"] as? String, "0.30500000")
        XCTAssertEqual((trades.first as? [String: Any])?["maker"] as? Bool, false)

        // One hour later the price is 61010: closing realises +0.10 and pays 0.30505 fee.
        server.clock.advance(ms: Fixture.hour)
        let close = try order([("side", "SELL"), ("type", "MARKET"), ("quantity", "0.010"), ("reduceOnly", "true"), ("newOrderRespType", "RESULT")])
        XCTAssertEqual(close.object["status"] as? String, "FILLED", close.text)
        XCTAssertEqual(close.object["avgPrice"] as? String, "61010.00")
        XCTAssertEqual(server.balance(apiKey: "test-key"), Decimal(string: "9999.48995"))
        XCTAssertEqual(server.position(apiKey: "test-key", symbol: "BTCUSDT")?.positionAmt, 0)
        XCTAssertTrue(server.positions.isEmpty)
        let v3 = try client.signed("GET", "/fapi/v3/positionRisk", [], server: server)
        XCTAssertEqual(v3.array.count, 0)
    }

    func testFiltersAnswerWithBinanceCodes() throws {
        try startServer()
        func code(_ params: [(String, String)]) throws -> (Int?, String?) {
            let r = try order(params)
            XCTAssertEqual(r.status, 400, r.text)
            return (r.code, r.msg)
        }
        XCTAssertEqual(try code([("side", "BUY"), ("type", "LIMIT"), ("timeInForce", "GTC"), ("quantity", "0.01"), ("price", "60000.001")]).0, -1111)
        let tick = try code([("side", "BUY"), ("type", "LIMIT"), ("timeInForce", "GTC"), ("quantity", "0.01"), ("price", "60000.15")])
        XCTAssertEqual(tick.0, -4014)
        XCTAssertEqual(tick.1, "Price not increased by tick size.")
        XCTAssertEqual(try code([("side", "BUY"), ("type", "MARKET"), ("quantity", "0.0005")]).0, -1111)
        XCTAssertEqual(try code([("side", "BUY"), ("type", "MARKET"), ("quantity", "0")]).0, -4003)
        XCTAssertEqual(try code([("side", "BUY"), ("type", "MARKET"), ("quantity", "121")]).0, -4005)
        let notional = try code([("side", "BUY"), ("type", "MARKET"), ("quantity", "0.001")])
        XCTAssertEqual(notional.0, -4164)
        XCTAssertEqual(notional.1, "Order's notional must be no smaller than 100 (unless you choose reduce only).")
        XCTAssertEqual(try code([("side", "BUY"), ("type", "FOO"), ("quantity", "0.01")]).0, -1116)
        XCTAssertEqual(try code([("side", "UP"), ("type", "MARKET"), ("quantity", "0.01")]).0, -1117)
        XCTAssertEqual(try code([("side", "BUY"), ("type", "LIMIT"), ("timeInForce", "XYZ"), ("quantity", "0.01"), ("price", "60000")]).0, -1115)
        let tif = try code([("side", "BUY"), ("type", "LIMIT"), ("quantity", "0.01"), ("price", "60000")])
        XCTAssertEqual(tif.1, "Mandatory parameter 'timeInForce' was not sent, was empty/null, or malformed.")
        XCTAssertEqual(try code([("side", "BUY"), ("type", "MARKET")]).1, "Mandatory parameter 'quantity' was not sent, was empty/null, or malformed.")
        XCTAssertEqual(try code([("side", "BUY"), ("type", "LIMIT"), ("timeInForce", "GTC"), ("quantity", "0.01"), ("price", "70000")]).0, -4016)
        let stop = try code([("side", "SELL"), ("type", "STOP_MARKET"), ("quantity", "0.01"), ("stopPrice", "59000")])
        XCTAssertEqual(stop.0, -4120)
        XCTAssertEqual(stop.1, "Order type not supported for this endpoint. Please use the Algo Order API endpoints instead.")
        let sym = try client.signed("POST", "/fapi/v1/order", [("symbol", "XRPUSDT"), ("side", "BUY"), ("type", "MARKET"), ("quantity", "1")], server: server)
        XCTAssertEqual(sym.code, -1121)
        XCTAssertEqual(sym.msg, "Invalid symbol.")
        XCTAssertTrue(server.orders().isEmpty)
    }

    func testMarginReduceOnlyAndDuplicateClientIds() throws {
        try startServer()
        let big = try order([("side", "BUY"), ("type", "MARKET"), ("quantity", "4")])   // 244,000 notional / 20x > 10,000
        XCTAssertEqual(big.code, -2019)
        XCTAssertEqual(big.msg, "Margin is insufficient.")
        let ro = try order([("side", "SELL"), ("type", "MARKET"), ("quantity", "0.01"), ("reduceOnly", "true")])
        XCTAssertEqual(ro.code, -2022)
        XCTAssertEqual(ro.msg, "ReduceOnly Order is rejected.")
        XCTAssertEqual(try order([("side", "BUY"), ("type", "MARKET"), ("quantity", "0.01")]).status, 200)
        // Reduce-only may not flip the position, but it is exempt from the notional minimum.
        XCTAssertEqual(try order([("side", "SELL"), ("type", "MARKET"), ("quantity", "0.02"), ("reduceOnly", "true")]).code, -2022)
        XCTAssertEqual(try order([("side", "SELL"), ("type", "MARKET"), ("quantity", "0.001"), ("reduceOnly", "true")]).status, 200)
        XCTAssertEqual(server.position(apiKey: "test-key", symbol: "BTCUSDT")?.positionAmt, Decimal(string: "0.009"))

        let resting = [("side", "BUY"), ("type", "LIMIT"), ("timeInForce", "GTC"), ("quantity", "0.01"), ("price", "60000"), ("newClientOrderId", "dup")]
        XCTAssertEqual(try order(resting).status, 200)
        let dup = try order(resting)
        XCTAssertEqual(dup.code, -4116)
        XCTAssertEqual(dup.msg, "clientOrderId is duplicated")
        XCTAssertEqual(try order([("side", "BUY"), ("type", "MARKET"), ("quantity", "0.01"), ("newClientOrderId", "bad id!")]).code, -4015)
    }

    func testLimitOrdersRestAndFillWhenTheCandlesCrossThem() throws {
        try startServer()
        let sell = try order([("side", "SELL"), ("type", "LIMIT"), ("timeInForce", "GTC"), ("quantity", "0.01"), ("price", "61100"), ("newClientOrderId", "tp")])
        XCTAssertEqual(sell.object["status"] as? String, "NEW", sell.text)
        XCTAssertEqual(sell.object["price"] as? String, "61100.00")
        let buy = try order([("side", "BUY"), ("type", "LIMIT"), ("timeInForce", "GTC"), ("quantity", "0.01"), ("price", "60900"), ("newClientOrderId", "low")])
        XCTAssertEqual(buy.status, 200, buy.text)
        XCTAssertEqual(try client.signed("GET", "/fapi/v1/openOrders", [("symbol", "BTCUSDT")], server: server).array.count, 2)
        XCTAssertEqual(server.openOrders.count, 2)

        // Candles 100..104 top out below 61100; candle 105 (high 61100) closes at 106:00.
        server.clock.advance(ms: 5 * Fixture.hour)
        XCTAssertEqual(server.openOrders.count, 2)
        server.clock.advance(ms: Fixture.hour)
        let filled = try client.signed("GET", "/fapi/v1/order", [("symbol", "BTCUSDT"), ("origClientOrderId", "tp")], server: server)
        XCTAssertEqual(filled.object["status"] as? String, "FILLED")
        XCTAssertEqual(filled.object["avgPrice"] as? String, "61100.00")
        let trade = try XCTUnwrap(server.trades().last)
        XCTAssertTrue(trade.maker)
        XCTAssertEqual(trade.commission, Decimal(string: "0.1222"))   // 611 * 0.0002
        XCTAssertEqual(server.position(apiKey: "test-key", symbol: "BTCUSDT")?.positionAmt, Decimal(string: "-0.01"))

        // The buy never crossed: cancel it, then cancelling again is an unknown order.
        let cancel = try client.signed("DELETE", "/fapi/v1/order", [("symbol", "BTCUSDT"), ("origClientOrderId", "low")], server: server)
        XCTAssertEqual(cancel.object["status"] as? String, "CANCELED", cancel.text)
        let again = try client.signed("DELETE", "/fapi/v1/order", [("symbol", "BTCUSDT"), ("origClientOrderId", "low")], server: server)
        XCTAssertEqual(again.code, -2011)
        XCTAssertEqual(again.msg, "Unknown order sent.")
        let missing = try client.signed("GET", "/fapi/v1/order", [("symbol", "BTCUSDT"), ("orderId", "42")], server: server)
        XCTAssertEqual(missing.code, -2013)
        XCTAssertEqual(missing.msg, "Order does not exist.")
        let neither = try client.signed("GET", "/fapi/v1/order", [("symbol", "BTCUSDT")], server: server)
        XCTAssertEqual(neither.msg, "Param 'orderId' or 'origClientOrderId' must be sent, but both were empty/null!")
        XCTAssertEqual(try client.signed("GET", "/fapi/v1/allOrders", [("symbol", "BTCUSDT")], server: server).array.count, 2)
    }

    func testMarketableLimitTakesAndCancelAll() throws {
        try startServer()
        let taker = try order([("side", "BUY"), ("type", "LIMIT"), ("timeInForce", "GTC"), ("quantity", "0.01"), ("price", "61500"), ("newOrderRespType", "RESULT")])
        XCTAssertEqual(taker.object["status"] as? String, "FILLED", taker.text)
        XCTAssertEqual(taker.object["avgPrice"] as? String, "61000.00")
        let postOnly = try order([("side", "BUY"), ("type", "LIMIT"), ("timeInForce", "GTX"), ("quantity", "0.01"), ("price", "61500"), ("newOrderRespType", "RESULT")])
        XCTAssertEqual(postOnly.object["status"] as? String, "EXPIRED")
        for price in ["60000", "60100"] {
            XCTAssertEqual(try order([("side", "BUY"), ("type", "LIMIT"), ("timeInForce", "GTC"), ("quantity", "0.01"), ("price", price)]).status, 200)
        }
        let all = try client.signed("DELETE", "/fapi/v1/allOpenOrders", [("symbol", "BTCUSDT")], server: server)
        XCTAssertEqual(all.object["code"] as? Int, 200)
        XCTAssertEqual(all.msg, "The operation of cancel all open order is done.")
        XCTAssertTrue(server.openOrders.isEmpty)
    }

    func testLeverageAndMarginType() throws {
        try startServer()
        let lev = try client.signed("POST", "/fapi/v1/leverage", [("symbol", "BTCUSDT"), ("leverage", "3")], server: server)
        XCTAssertEqual(lev.object["leverage"] as? Int, 3)
        XCTAssertEqual(lev.object["symbol"] as? String, "BTCUSDT")
        XCTAssertEqual(try client.signed("POST", "/fapi/v1/leverage", [("symbol", "BTCUSDT"), ("leverage", "0")], server: server).code, -4028)
        // At 3x, 0.5 BTC (30,500) needs 10,167 > 10,000.
        XCTAssertEqual(try order([("side", "BUY"), ("type", "MARKET"), ("quantity", "0.5")]).code, -2019)
        let same = try client.signed("POST", "/fapi/v1/marginType", [("symbol", "BTCUSDT"), ("marginType", "CROSSED")], server: server)
        XCTAssertEqual(same.code, -4046)
        XCTAssertEqual(same.msg, "No need to change margin type.")
        let iso = try client.signed("POST", "/fapi/v1/marginType", [("symbol", "BTCUSDT"), ("marginType", "ISOLATED")], server: server)
        XCTAssertEqual(iso.object["code"] as? Int, 200)
        XCTAssertEqual(iso.msg, "success")
        let account = try client.signed("GET", "/fapi/v2/account", [], server: server)
        XCTAssertEqual(account.object["totalWalletBalance"] as? String, "10000.00000000")
        XCTAssertEqual(try client.signed("GET", "/fapi/v3/account", [], server: server).status, 200)
    }
}
