import XCTest
import Exchange
@testable import Binance

final class RateLimiterTests: XCTestCase {
    func testSlowsDownBeforeTheWeightLimit() {
        var r = RateLimiter()
        let now: Int64 = 28_333_334 * 60_000 + 10_000   // 10 s into a minute
        r.update(headers: ["x-mbx-used-weight-1m": "2100"], status: 200, now: now)
        XCTAssertEqual(r.delay(weight: 5, order: false, now: now), 0)             // 2105 <= 2160
        XCTAssertEqual(r.delay(weight: 100, order: false, now: now), 50_000)      // wait for the next minute
        XCTAssertEqual(r.delay(weight: 100, order: false, now: now + 50_000), 0)  // new window
        r.configure(weightPerMinute: 6000, ordersPer10s: nil, ordersPerMinute: nil)
        XCTAssertEqual(r.delay(weight: 100, order: false, now: now), 0)
    }

    func testOrderCountsPaceOrders() {
        var r = RateLimiter()
        let now: Int64 = 1_700_000_002_000
        r.update(headers: ["x-mbx-order-count-10s": "270"], status: 200, now: now)
        XCTAssertEqual(r.delay(weight: 1, order: false, now: now), 0)
        XCTAssertEqual(r.delay(weight: 1, order: true, now: now), 8_000)
    }

    func test429BacksOffAnd418BansWithRetryAfter() throws {
        var r = RateLimiter()
        r.update(headers: ["retry-after": "3"], status: 429, now: 1_000)
        XCTAssertEqual(r.delay(weight: 1, order: false, now: 1_000), 3_000)
        XCTAssertNoThrow(try r.checkBan(now: 1_000, method: "m"))
        r.update(headers: ["retry-after": "120"], status: 418, now: 2_000)
        XCTAssertThrowsError(try r.checkBan(now: 62_000, method: "fetchTicker")) { e in
            let f = e as? ExchangeFailure
            XCTAssertEqual(f?.kind, .ddosProtection)
            XCTAssertEqual(f?.retryAfterMs, 60_000)
            XCTAssertTrue(f?.message.contains("60s") ?? false, f?.message ?? "")
        }
        XCTAssertNoThrow(try r.checkBan(now: 122_000, method: "m"))
    }
}
