import Foundation

/// Request-weight and order-count bookkeeping over rolling windows of wall time (the client
/// waits `Retry-After` in real seconds, so limits must not depend on the test clock).
/// Not thread-safe: used under the server's lock.
struct RateLimiter {
    private var weights: [(at: Double, weight: Int)] = []
    private var orders: [Double] = []
    private(set) var bannedUntil: Double = 0
    private var refusedSince429 = 0

    mutating func usedWeight(now: Double) -> Int {
        weights.removeAll { now - $0.at >= 60 }
        return weights.reduce(0) { $0 + $1.weight }
    }

    /// Seconds until `weight` more would fit under `limit` (at least 1).
    func secondsUntilRoom(for weight: Int, limit: Int, now: Double) -> Int {
        var used = weights.reduce(0) { $0 + $1.weight }
        for entry in weights where used + weight > limit {
            used -= entry.weight
            if used + weight <= limit { return max(1, Int((entry.at + 60 - now).rounded(.up))) }
        }
        return 60
    }

    mutating func add(weight: Int, now: Double) { weights.append((now, weight)) }

    mutating func orderCounts(now: Double) -> (minute: Int, tenSeconds: Int) {
        orders.removeAll { now - $0 >= 60 }
        return (orders.count, orders.filter { now - $0 < 10 }.count)
    }

    mutating func addOrder(now: Double) { orders.append(now) }

    /// Records a 429 refusal; true when the client has ignored enough of them to be banned.
    mutating func noteRefusal(threshold: Int) -> Bool {
        refusedSince429 += 1
        return refusedSince429 > threshold
    }

    mutating func ban(seconds: Double, now: Double) {
        bannedUntil = max(bannedUntil, now + seconds)
        refusedSince429 = 0
    }

    mutating func noteAccepted() { refusedSince429 = 0 }

    mutating func reset() { self = RateLimiter() }
}
