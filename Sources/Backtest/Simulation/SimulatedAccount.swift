import Bot
import Exchange
import Foundation

/// The account behind the simulated exchange: wallet, one position per symbol (one symbol), fills and round trips.
/// Pure bookkeeping in `Decimal`, commission, realised P&L, funding and averaged entries at Binance's 8 decimals
/// (`Precision.booked`), as dry-run and the exchange book them; the exchange decides *when* and *at what price*
/// things fill.
struct SimulatedAccount {
    struct OpenPosition {
        var side: PositionSide
        var amount: Decimal
        var entryPrice: Decimal
        var margin: Decimal
        // Round-trip accumulators.
        var openedAt: Int64
        var openedAmount: Decimal
        var grossPnl: Decimal = 0
        var fees: Decimal = 0
        var funding: Decimal = 0
        var maxMargin: Decimal
        var exitValue: Decimal = 0
        var exitAmount: Decimal = 0
        /// Liquidation price as a Double, for the per-candle check without Decimal arithmetic.
        var liquidationDouble: Double = 0
        var liquidation: Decimal = 0
    }

    var wallet: Decimal
    var leverage: Int = 20
    var marginMode: MarginMode = .isolated
    var maintenanceRate: Decimal
    var position: OpenPosition?
    var roundTrips: [RoundTrip] = []
    var feesPaid: Decimal = 0
    var fundingPaid: Decimal = 0

    init(wallet: Decimal, maintenanceRate: Decimal) {
        self.wallet = wallet
        self.maintenanceRate = maintenanceRate
    }

    var usedMargin: Decimal { position?.margin ?? 0 }
    var free: Decimal { wallet - usedMargin }

    func unrealized(at price: Decimal) -> Decimal {
        guard let p = position else { return 0 }
        return (price - p.entryPrice) * p.amount * (p.side == .long ? 1 : -1)
    }

    /// Quantity that would open new exposure (not reduce) for an order of `side` and `amount`.
    func opening(side: OrderSide, amount: Decimal) -> Decimal {
        guard let p = position else { return amount }
        let same = (p.side == .long) == (side == .buy)
        return same ? amount : max(0, amount - p.amount)
    }

    /// Applies a fill; returns the realized P&L of the part that reduced the position.
    mutating func fill(side: OrderSide, amount: Decimal, price: Decimal, feeRate: Decimal, time: Int64,
                       exit: RoundTrip.Exit) -> (realized: Decimal, fee: Decimal) {
        let fee = Precision.booked(price * amount * feeRate)
        wallet -= fee
        feesPaid += fee
        var remaining = amount
        var realized: Decimal = 0
        var feeLeft = fee
        if var p = position, (p.side == .long) != (side == .buy) {
            let closing = min(remaining, p.amount)
            let share = closing / amount
            let closeFee = fee * share
            feeLeft -= closeFee
            realized = Precision.booked((price - p.entryPrice) * closing * (p.side == .long ? 1 : -1))
            wallet += realized
            p.grossPnl += realized
            p.fees += closeFee
            p.exitValue += price * closing
            p.exitAmount += closing
            let released = p.amount == 0 ? p.margin : p.margin * closing / p.amount
            p.margin -= released
            p.amount -= closing
            remaining -= closing
            if p.amount == 0 {
                finish(p, at: time, exit: exit)
                position = nil
            } else {
                position = p
                refreshLiquidation()
            }
        }
        if remaining > 0 {
            let margin = price * remaining / Decimal(leverage)
            if var p = position {
                p.entryPrice = Precision.booked((p.entryPrice * p.amount + price * remaining) / (p.amount + remaining))
                p.amount += remaining
                p.openedAmount += remaining
                p.margin += margin
                p.maxMargin = max(p.maxMargin, p.margin)
                p.fees += feeLeft
                position = p
            } else {
                position = OpenPosition(side: side == .buy ? .long : .short, amount: remaining, entryPrice: price,
                                        margin: margin, openedAt: time, openedAmount: remaining, fees: feeLeft,
                                        maxMargin: margin)
            }
            refreshLiquidation()
        }
        return (realized, fee)
    }

    /// Closes the whole position at its liquidation price: the isolated margin (cross: the wallet) is lost.
    mutating func liquidate(time: Int64) {
        guard var p = position else { return }
        let price = p.liquidation
        let gross = (price - p.entryPrice) * p.amount * (p.side == .long ? 1 : -1)
        let lost = marginMode == .isolated ? p.margin : wallet
        // What the price move does not explain is the exchange's liquidation clearance (kept as a fee).
        let clearance = max(0, lost + gross)
        wallet += gross - clearance
        feesPaid += clearance
        p.grossPnl += gross
        p.fees += clearance
        p.exitValue += price * p.amount
        p.exitAmount += p.amount
        p.amount = 0
        finish(p, at: time, exit: .liquidation)
        position = nil
    }

    /// Funding payment on the position's notional at `price`; positive rate: longs pay shorts.
    mutating func payFunding(rate: Decimal, price: Decimal) {
        guard var p = position else { return }
        let payment = Precision.booked(p.amount * price * rate * (p.side == .long ? 1 : -1))
        wallet -= payment
        fundingPaid += payment
        p.funding += payment
        position = p
        refreshLiquidation()
    }

    mutating func refreshLiquidation() {
        guard var p = position, p.amount > 0 else { return }
        let m = marginMode == .isolated ? p.margin : wallet
        let q = p.amount
        let liq: Decimal
        if p.side == .long {
            liq = max(0, (p.entryPrice * q - m) / (q * (1 - maintenanceRate)))
        } else {
            liq = (p.entryPrice * q + m) / (q * (1 + maintenanceRate))
        }
        p.liquidation = liq
        p.liquidationDouble = NSDecimalNumber(decimal: liq).doubleValue
        position = p
    }

    private mutating func finish(_ p: OpenPosition, at time: Int64, exit: RoundTrip.Exit) {
        let exitPrice = p.exitAmount == 0 ? p.entryPrice : p.exitValue / p.exitAmount
        roundTrips.append(RoundTrip(side: p.side, entryTime: p.openedAt, exitTime: time, entryPrice: p.entryPrice,
                                    exitPrice: exitPrice, amount: p.openedAmount, grossPnl: p.grossPnl, fees: p.fees,
                                    funding: p.funding, margin: p.maxMargin, exit: exit))
    }
}
