import XCTest
import Exchange
import BinanceTestServer
@testable import Binance

/// Real-time behaviour a manual clock cannot show: the client times out while its order is still in flight.
/// Client: 0.5 s total timeout, recvWindow 1.5 s. The server holds the POST for a while, then handles it.
final class TimeoutTests: XCTestCase {
    func placeSlowOrder(serverDelay: Double) async throws -> (Loopback, Order) {
        let loop = Loopback(clockRunning: true)
        try await loop.start()
        let ex = loop.client(time: .system, transport: CurlTransport(connectTimeoutMs: 1_000, totalTimeoutMs: 500), recvWindow: 1_500)
        _ = try await ex.loadMarkets()
        loop.server.inject(.latency(seconds: serverDelay), count: 1, method: "POST", path: "/fapi/v1/order")
        let order = try await ex.createOrder(symbol: "BTC/USDT:USDT", type: .limit, side: .buy, amount: Decimal(string: "0.002")!,
                                             price: 50_000, params: ["clientOrderId": "slow-1"])
        await loop.server.stop()
        return (loop, order)
    }

    /// Executed at 0.9 s, after the client's first lookup (0.5 s) said "does not exist": the client waits out
    /// the recvWindow, looks again, finds it, and does not re-send.
    func testOrderExecutedAfterAPrematureNotFoundIsNotDoubled() async throws {
        let (loop, order) = try await placeSlowOrder(serverDelay: 0.9)
        XCTAssertEqual(order.clientOrderId, "slow-1")
        XCTAssertEqual(loop.server.orders(symbol: "BTCUSDT").count, 1, "exactly one order")
        XCTAssertEqual(loop.requests("POST", "/fapi/v1/order").count, 1, "never re-sent")
        let lookups = loop.requests("GET", "/fapi/v1/order")
        XCTAssertEqual(lookups.last?.status, 200)
        if lookups.count == 2 {   // the usual case; on a very loaded machine the first lookup may come late and find it
            XCTAssertEqual(lookups.first?.errorCode, -2013, "the first lookup raced the order")
            XCTAssertTrue(loop.logs.all.contains { $0.contains("waiting") && $0.contains("recvWindow") })
        }
    }

    /// Reaches the matching logic after its recvWindow (2 s): Binance refuses it (-1021), so after the window
    /// the client is right to re-send, once, with the same client order id.
    func testOrderArrivingTooLateIsReSentOnce() async throws {
        let (loop, order) = try await placeSlowOrder(serverDelay: 2.0)
        XCTAssertEqual(order.clientOrderId, "slow-1")
        XCTAssertEqual(loop.server.orders(symbol: "BTCUSDT").count, 1, "exactly one order")
        let posts = loop.requests("POST", "/fapi/v1/order")
        XCTAssertEqual(posts.count, 2)
        XCTAssertEqual(Set(posts.compactMap { $0.params["newClientOrderId"] }), ["slow-1"])
    }
}
