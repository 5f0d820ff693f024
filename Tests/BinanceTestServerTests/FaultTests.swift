import XCTest
@testable import BinanceTestServer

final class FaultTests: ServerTestCase {
    func testLatencyDelaysTheAnswer() throws {
        try startServer()
        server.inject(.latency(seconds: 0.3))
        let start = Date()
        XCTAssertEqual(try client.get("/fapi/v1/ping").status, 200)
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(start), 0.3)
        let again = Date()
        XCTAssertEqual(try client.get("/fapi/v1/ping").status, 200)
        XCTAssertLessThan(Date().timeIntervalSince(again), 0.3)
    }

    func testHttp5xxIsNotExecutedAndCanBeTargeted() throws {
        try startServer()
        server.inject(.http5xx(status: 502), count: 1, method: "POST", path: "/fapi/v1/order")
        XCTAssertEqual(try client.get("/fapi/v1/time").status, 200)   // not targeted
        let r = try order([("side", "BUY"), ("type", "MARKET"), ("quantity", "0.01")])
        XCTAssertEqual(r.status, 502)
        XCTAssertEqual(r.code, -1001)
        XCTAssertTrue(server.orders().isEmpty)
        XCTAssertTrue(server.requests.last?.faulted ?? false)
        XCTAssertEqual(try order([("side", "BUY"), ("type", "MARKET"), ("quantity", "0.01")]).status, 200)
    }

    func testUnknown503ExecutesTheOrder() throws {
        try startServer()
        server.inject(.unknown503, path: "/fapi/v1/order")
        let r = try order([("side", "BUY"), ("type", "MARKET"), ("quantity", "0.01"), ("newClientOrderId", "maybe")])
        XCTAssertEqual(r.status, 503)
        XCTAssertEqual(r.msg, "Unknown error, please check your request or try again later.")
        XCTAssertEqual(server.orders().count, 1)
        let q = try client.signed("GET", "/fapi/v1/order", [("symbol", "BTCUSDT"), ("origClientOrderId", "maybe")], server: server)
        XCTAssertEqual(q.object["status"] as? String, "FILLED")
    }

    /// General Info, 503 variant C: -1008 throttling fails the order (not executed); reduce-only and
    /// close-position orders are exempt and leave the fault for the next order.
    func testThrottled1008FailsNewOrdersButNotReduceOnly() throws {
        try startServer()
        XCTAssertEqual(try order([("side", "BUY"), ("type", "MARKET"), ("quantity", "0.01")]).status, 200)
        server.inject(.throttled1008, path: "/fapi/v1/order")
        let exempt = try order([("side", "SELL"), ("type", "MARKET"), ("quantity", "0.01"), ("reduceOnly", "true")])
        XCTAssertEqual(exempt.status, 200, exempt.text)
        let r = try order([("side", "BUY"), ("type", "MARKET"), ("quantity", "0.01"), ("newClientOrderId", "throttled")])
        XCTAssertEqual(r.status, 503); XCTAssertEqual(r.code, -1008)
        XCTAssertTrue(r.msg?.hasPrefix("Request throttled by system-level protection") ?? false)
        XCTAssertFalse(server.orders().contains { $0.clientOrderId == "throttled" })
        XCTAssertEqual(try order([("side", "BUY"), ("type", "MARKET"), ("quantity", "0.01")]).status, 200)
    }

    func testAcceptThenDropClosesWithoutAnswerButKeepsTheOrder() throws {
        try startServer()
        server.inject(.acceptThenDrop, path: "/fapi/v1/order")
        XCTAssertThrowsError(try order([("side", "BUY"), ("type", "MARKET"), ("quantity", "0.01"), ("newClientOrderId", "lost")]))
        XCTAssertEqual(server.orders().count, 1)
        XCTAssertEqual(server.orders().first?.clientOrderId, "lost")
        let q = try client.signed("GET", "/fapi/v1/order", [("symbol", "BTCUSDT"), ("origClientOrderId", "lost")], server: server)
        XCTAssertEqual(q.object["status"] as? String, "FILLED", q.text)
    }

    func testInjected429And418CarryRetryAfter() throws {
        try startServer()
        server.inject(.rateLimit429(retryAfter: 7))
        let limited = try client.get("/fapi/v1/ping")
        XCTAssertEqual(limited.status, 429)
        XCTAssertEqual(limited.header("Retry-After"), "7")
        XCTAssertEqual(limited.code, -1003)
        XCTAssertEqual(try client.get("/fapi/v1/ping").status, 200)

        server.inject(.ban418(retryAfter: 1))
        let banned = try client.get("/fapi/v1/ping")
        XCTAssertEqual(banned.status, 418)
        XCTAssertEqual(banned.header("Retry-After"), "1")
        XCTAssertTrue(banned.msg?.hasPrefix("Way too many requests; IP banned until") ?? false)
        XCTAssertEqual(try client.get("/fapi/v1/time").status, 418)   // the ban holds for its duration
        Thread.sleep(forTimeInterval: 1.1)
        XCTAssertEqual(try client.get("/fapi/v1/ping").status, 200)
    }

    func testWeightLimitGives429ThenBan() throws {
        try startServer { $0.weightLimitPerMinute = 5; $0.requestsAfter429BeforeBan = 2 }
        for i in 1...5 {
            let r = try client.get("/fapi/v1/ping")
            XCTAssertEqual(r.status, 200)
            XCTAssertEqual(r.header("X-MBX-USED-WEIGHT-1M"), String(i))
        }
        let over = try client.get("/fapi/v1/ping")
        XCTAssertEqual(over.status, 429)
        XCTAssertEqual(over.msg, "Too many requests; current limit is 5 requests per minute. Please use the websocket for live updates to avoid polling the API.")
        XCTAssertNotNil(over.header("Retry-After"))
        XCTAssertEqual(try client.get("/fapi/v1/ping").status, 429)
        let ban = try client.get("/fapi/v1/ping")   // kept hammering: banned
        XCTAssertEqual(ban.status, 418)
        XCTAssertEqual(ban.header("Retry-After"), "120")
        server.resetRateLimits()
        XCTAssertEqual(try client.get("/fapi/v1/ping").status, 200)
    }

    func testClockSkewShiftsServerTime() throws {
        try startServer()
        let before = try client.get("/fapi/v1/time").object["serverTime"] as? Int64 ?? 0
        server.inject(.clockSkew(ms: 10_000))
        let after = try client.get("/fapi/v1/time").object["serverTime"] as? Int64 ?? 0
        XCTAssertEqual(after - before, 10_000)
        let stale = try client.signed("GET", "/fapi/v2/balance", [], server: server, timestamp: before)
        XCTAssertEqual(stale.code, -1021)
        // Re-synced to the skewed time, the client gets through.
        XCTAssertEqual(try client.signed("GET", "/fapi/v2/balance", [], server: server, timestamp: after).status, 200)
        server.clearFaults()
        XCTAssertEqual(try client.get("/fapi/v1/time").object["serverTime"] as? Int64, before)
    }

    func testOrderRateLimitAnswersMinus1015() throws {
        try startServer { $0.orderLimitPer10s = 2 }
        for i in 1...2 {
            let r = try order([("side", "BUY"), ("type", "MARKET"), ("quantity", "0.01")])
            XCTAssertEqual(r.header("X-MBX-ORDER-COUNT-10S"), String(i))
        }
        let third = try order([("side", "BUY"), ("type", "MARKET"), ("quantity", "0.01")])
        XCTAssertEqual(third.status, 429)
        XCTAssertEqual(third.code, -1015)
        XCTAssertEqual(third.msg, "Too many new orders; current limit is 2 orders per 10s.")
        XCTAssertEqual(server.orders().count, 2)
    }

    /// A handler may take at most handlerTimeoutSeconds: a longer latency fault is cut there and answered
    /// 500, and the order is executed anyway (its outcome unknown to the client).
    func testLatencyBeyondTheHandlerTimeoutIs500ButExecuted() throws {
        try startServer { $0.handlerTimeoutSeconds = 0.2 }
        server.inject(.latency(seconds: 30), path: "/fapi/v1/order")
        let r = try order([("side", "BUY"), ("type", "MARKET"), ("quantity", "0.01"), ("newClientOrderId", "slow")])
        XCTAssertEqual(r.status, 500)
        XCTAssertEqual(server.orders().map(\.clientOrderId), ["slow"])
        XCTAssertTrue(server.requests.last?.faulted ?? false)
    }

    func testSlowRequestDoesNotBlockOthers() throws {
        try startServer()
        server.inject(.latency(seconds: 0.6), path: "/fapi/v1/exchangeInfo")
        let slowClient = RawClient(base: server.baseURL)
        defer { slowClient.session.invalidateAndCancel() }
        let done = DispatchSemaphore(value: 0)
        let box = ResultBox()
        DispatchQueue.global().async {
            box.result = Result { try slowClient.get("/fapi/v1/exchangeInfo") }
            done.signal()
        }
        Thread.sleep(forTimeInterval: 0.1)
        let start = Date()
        XCTAssertEqual(try client.get("/fapi/v1/ping").status, 200)
        XCTAssertLessThan(Date().timeIntervalSince(start), 0.4)
        done.wait()
        XCTAssertEqual(try box.result.get().status, 200)
    }
}
