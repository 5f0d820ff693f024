import Bot
import Foundation

/// P&L arithmetic over journaled cycles. Pure; exact Decimals.
public enum Performance {
    public struct Day: Sendable, Equatable {
        public var day: String   // YYYY-MM-DD (UTC)
        public var pnl: Decimal
        public var balance: Decimal
        public var cycles: Int
        public var failed: Int
    }

    /// One row per UTC day that has a cycle with a balance: the change of the last balance from the previous day's
    /// (or, for the first day, from its first balance). Days by the cycle's candle time.
    public static func daily(_ cycles: [JournalCycle]) -> [Day] {
        var days: [Day] = []
        var previousClose: Decimal?
        for cycle in cycles.sorted(by: { $0.id < $1.id }) {
            let day = UTCDay.of(cycle.candleTime)
            if days.last?.day != day {
                if let last = days.last { previousClose = last.balance }
                days.append(Day(day: day, pnl: 0, balance: previousClose ?? cycle.balance ?? 0, cycles: 0, failed: 0))
            }
            var current = days[days.count - 1]
            if cycle.status == .failed { current.failed += 1 } else { current.cycles += 1 }
            if let balance = cycle.balance {
                let start = previousClose ?? (current.cycles + current.failed == 1 ? balance : current.balance - current.pnl)
                current.balance = balance
                current.pnl = balance - start
            }
            days[days.count - 1] = current
        }
        return days
    }

    /// (candle time, balance) of every cycle with a balance, oldest first.
    public static func equity(_ cycles: [JournalCycle]) -> [(Int64, Decimal)] {
        cycles.sorted { $0.id < $1.id }.compactMap { c in c.balance.map { (c.candleTime, $0) } }
    }

    /// Mean absolute error of the model's prediction for the next close and of the naive forecast (next close =
    /// this close) over the last `window` done cycles that have a successor. nil when fewer than 2 cycles.
    public static func forecastErrors(_ cycles: [JournalCycle], window: Int = 30) -> (model: Double, naive: Double, count: Int)? {
        let done = cycles.filter { $0.status == .done && $0.close != nil }.sorted { $0.candleTime < $1.candleTime }
        guard done.count >= 2 else { return nil }
        var model = 0.0, naive = 0.0, count = 0
        for (a, b) in zip(done.dropLast(), done.dropFirst()).suffix(window) {
            guard let predicted = a.predicted, let close = a.close, let next = b.close else { continue }
            let c = NSDecimalNumber(decimal: close).doubleValue, n = NSDecimalNumber(decimal: next).doubleValue
            model += abs(predicted - n)
            naive += abs(c - n)
            count += 1
        }
        guard count > 0 else { return nil }
        return (model / Double(count), naive / Double(count), count)
    }

    /// Unrealised P&L of a position at `mark`.
    public static func unrealised(side: String, amount: Decimal, entry: Decimal, mark: Decimal) -> Decimal {
        (mark - entry) * amount * (side == "short" ? -1 : 1)
    }
}

/// UTC calendar days from millisecond times.
public enum UTCDay {
    public static func of(_ ms: Int64) -> String { String(UTCTime.iso(ms).prefix(10)) }
    /// Midnight UTC at or before `ms`.
    public static func start(_ ms: Int64) -> Int64 { ms - ((ms % 86_400_000) + 86_400_000) % 86_400_000 }
}
