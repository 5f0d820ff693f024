import Foundation
import Exchange

/// Binance's limits as the client sees them: used weight per minute and order counts per 10 s / 1 min
/// (from the `X-MBX-*` headers), a back-off after 429 and a ban after 418. Pure state + arithmetic;
/// the client asks `delay(...)` before each request and reports each response.
public struct RateLimiter: Sendable {
    public var weightLimitPerMinute = 2400
    public var ordersLimitPer10s = 300
    public var ordersLimitPerMinute = 1200
    /// Start slowing down at this fraction of a limit.
    public var safety = 0.9

    public private(set) var usedWeight = 0
    public private(set) var weightWindow: Int64 = -1   // minute index the count belongs to
    public private(set) var orders10s = 0
    public private(set) var orders10sWindow: Int64 = -1
    public private(set) var orders1m = 0
    public private(set) var orders1mWindow: Int64 = -1
    /// No request before this time (ms) because of a 429 Retry-After.
    public private(set) var backoffUntil: Int64 = 0
    /// No request at all before this time (ms): the IP is banned (418).
    public private(set) var bannedUntil: Int64 = 0

    public init() {}

    /// Applies the limits announced by exchangeInfo's `rateLimits`.
    public mutating func configure(weightPerMinute: Int?, ordersPer10s: Int?, ordersPerMinute: Int?) {
        if let w = weightPerMinute, w > 0 { weightLimitPerMinute = w }
        if let o = ordersPer10s, o > 0 { ordersLimitPer10s = o }
        if let o = ordersPerMinute, o > 0 { ordersLimitPerMinute = o }
    }

    /// Throws DDoSProtection (naming the time left) while a 418 ban lasts: nothing is sent.
    public func checkBan(now: Int64, method: String) throws {
        if now < bannedUntil {
            let left = bannedUntil - now
            throw ExchangeFailure(.ddosProtection, exchange: BinanceUSDM.exchangeId, code: 418,
                message: "IP banned by Binance (HTTP 418) for another \((left + 999) / 1000)s; nothing is sent until the ban ends",
                method: method, retryAfterMs: left)
        }
    }

    /// How long to wait (ms) before sending a request of `weight` (and placing an order if `order`).
    public func delay(weight: Int, order: Bool, now: Int64) -> Int64 {
        var wait: Int64 = max(0, backoffUntil - now)
        let minute = now / 60_000
        let used = minute == weightWindow ? usedWeight : 0
        if Double(used + weight) > Double(weightLimitPerMinute) * safety {
            wait = max(wait, (minute + 1) * 60_000 - now)
        }
        if order {
            let tenSec = now / 10_000
            if tenSec == orders10sWindow, Double(orders10s + 1) > Double(ordersLimitPer10s) * safety {
                wait = max(wait, (tenSec + 1) * 10_000 - now)
            }
            if minute == orders1mWindow, Double(orders1m + 1) > Double(ordersLimitPerMinute) * safety {
                wait = max(wait, (minute + 1) * 60_000 - now)
            }
        }
        return wait
    }

    /// Records what we are about to spend, so concurrent callers see it before the headers come back.
    public mutating func willSend(weight: Int, order: Bool, now: Int64) {
        let minute = now / 60_000
        if minute != weightWindow { weightWindow = minute; usedWeight = 0 }
        usedWeight += weight
        if order {
            let tenSec = now / 10_000
            if tenSec != orders10sWindow { orders10sWindow = tenSec; orders10s = 0 }
            orders10s += 1
            if minute != orders1mWindow { orders1mWindow = minute; orders1m = 0 }
            orders1m += 1
        }
    }

    /// Records a ban end read from the 418 message when no Retry-After header came (never shortens a ban).
    public mutating func extendBan(until ms: Int64) { bannedUntil = max(bannedUntil, ms) }

    /// Takes the exchange's own counts from the response headers (they are authoritative).
    public mutating func update(headers: [String: String], status: Int, now: Int64) {
        let minute = now / 60_000
        if let w = headers["x-mbx-used-weight-1m"].flatMap({ Int($0) }) { usedWeight = w; weightWindow = minute }
        if let o = headers["x-mbx-order-count-10s"].flatMap({ Int($0) }) { orders10s = o; orders10sWindow = now / 10_000 }
        if let o = headers["x-mbx-order-count-1m"].flatMap({ Int($0) }) { orders1m = o; orders1mWindow = minute }
        let retryAfterMs = headers["retry-after"].flatMap { Int64($0) }.map { $0 * 1000 }
        if status == 418 { bannedUntil = max(bannedUntil, now + (retryAfterMs ?? 120_000)) }
        if status == 429 { backoffUntil = max(backoffUntil, now + (retryAfterMs ?? 1_000)) }
    }
}
