import Exchange
import Foundation

extension SimulatedExchange {
    /// Plays the forming candle to its close and moves to the next one.
    ///
    /// Path: open → the extreme nearer the direction of the candle's body (low first for an up candle) → the other
    /// extreme → close. In each leg, resting orders and the liquidation price fire in the order the price meets
    /// them. A trigger already passed at the start of a leg (a gap) fills at that leg's start price.
    public func advance() {
        lock.withLock {
            guard cursor < candles.count else { return }
            let c = candles[cursor]
            let t0 = c.timestamp
            let fundingEvery = settings.fundingIntervalMs
            if account.position != nil || !openOrderIDs.isEmpty {
                let legs: [(from: Double, to: Double)] = c.close >= c.open
                    ? [(c.open, c.low), (c.low, c.high)] : [(c.open, c.high), (c.high, c.low)]
                for leg in legs { playLeg(from: leg.from, to: leg.to) }
            }
            // Funding times in (open, close]: a position opened at the open (just after a funding time) skips that
            // one, a position still held at the close pays the one at the close.
            if let rate = settings.fundingRate, fundingEvery > 0 {
                var t = (t0 / fundingEvery + 1) * fundingEvery
                while t <= t0 + timeframe.milliseconds {
                    if account.position != nil { account.payFunding(rate: rate, price: decimalPrice(c.close)) }
                    t += fundingEvery
                }
            }
            cursor += 1
        }
    }

    /// One monotone move of the price. Fires, in the order met, every resting order and the liquidation level.
    private func playLeg(from: Double, to: Double) {
        let down = to < from
        while true {
            // Candidates: (level met, orderID or nil for liquidation)
            var best: (level: Double, id: String?)?
            func consider(_ level: Double, _ id: String?) {
                let met = down ? level >= to : level <= to
                guard met else { return }
                let eff = down ? min(level, from) : max(level, from)   // already passed → at the leg start
                if let b = best {
                    if down ? eff > b.level : eff < b.level { best = (eff, id) }
                } else { best = (eff, id) }
            }
            if let p = account.position {
                let liq = p.liquidationDouble
                if p.side == .long && down && liq > 0 { consider(liq, nil) }
                if p.side == .short && !down { consider(liq, nil) }
            }
            for id in openOrderIDs {
                guard let o = orders[id], let level = triggerLevel(o, down: down) else { continue }
                consider(level, id)
            }
            guard let hit = best else { return }
            if let id = hit.id {
                openOrderIDs.removeAll { $0 == id }
                guard var o = orders[id] else { continue }
                let isLimit = o.type == .limit
                // Limit orders fill at their price (maker); stops at the trigger, or at the gap price if worse.
                let fillPrice: Decimal
                if isLimit, let p = o.price { fillPrice = p }
                else { fillPrice = decimalPrice(hit.level) }
                // A stop that would fill beyond the liquidation price is a liquidation.
                if let p = account.position, o.reduceOnly, liquidationComesFirst(p, fill: fillPrice) {
                    account.liquidate(time: nowLocked)
                    continue
                }
                fillLocked(&o, price: fillPrice, maker: isLimit, exit: isLimit ? .order : .exchangeStop)
                if account.position == nil { cancelReduceOnlyLocked() }
            } else {
                account.liquidate(time: nowLocked)
                cancelReduceOnlyLocked()
            }
        }
    }

    private func liquidationComesFirst(_ p: SimulatedAccount.OpenPosition, fill: Decimal) -> Bool {
        p.side == .long ? fill <= p.liquidation : fill >= p.liquidation
    }

    /// The price at which a resting order fires on a move in this direction, nil if it cannot fire on it.
    private func triggerLevel(_ o: Order, down: Bool) -> Double? {
        func d(_ x: Decimal?) -> Double? { x.map { NSDecimalNumber(decimal: $0).doubleValue } }
        switch (o.type, o.side) {
        case (.limit, .buy): return down ? d(o.price) : nil
        case (.limit, .sell): return down ? nil : d(o.price)
        case (.stopMarket, .sell), (.takeProfitMarket, .buy): return down ? d(o.triggerPrice) : nil
        case (.stopMarket, .buy), (.takeProfitMarket, .sell): return down ? nil : d(o.triggerPrice)
        default: return nil
        }
    }

    /// Reduce-only orders die with the position (Binance cancels closePosition stops when the position is gone).
    private func cancelReduceOnlyLocked() {
        for id in openOrderIDs {
            guard var o = orders[id], o.reduceOnly else { continue }
            o.status = .canceled
            orders[id] = o
        }
        openOrderIDs.removeAll { orders[$0]?.status != .open }
    }
}
