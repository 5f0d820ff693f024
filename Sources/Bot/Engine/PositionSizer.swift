import Exchange
import Foundation

/// How big an entry is: pure arithmetic on the free balance, the price the order will meet and the market's filters,
/// so it is tested without an exchange and the same numbers come out live, in dry-run and in backtests.
///
/// stake = free × `TRADABLE_BALANCE_RATIO` (Freqtrade's key and default 0.99: a buffer so a price that moves between
/// the sizing and the fill does not make the order unaffordable). The stake pays the initial margin and the taker fee
/// of both the entry and the exit: notional × (1 / LEVERAGE + 2 × fee) = stake. amount = notional / price, truncated to
/// the amount step, capped by the market's quantity maximum (MARKET_LOT_SIZE for market orders, LOT_SIZE otherwise).
public struct PositionSizer: Sendable, Equatable {
    public var leverage: Int
    public var tradableBalanceRatio: Decimal
    public var minOrderAmount: Decimal
    public var orderType: OrderType

    /// Freqtrade's `tradable_balance_ratio` default.
    public static let defaultTradableBalanceRatio = Decimal(string: "0.99") ?? 1
    /// After a margin refusal the resized order asks for at most this share of the refused one, even when a fresh
    /// balance and price say the same size would do: the exchange has just said it would not.
    public static let resizeShrink = Decimal(string: "0.95") ?? 1

    public init(leverage: Int, tradableBalanceRatio: Decimal = PositionSizer.defaultTradableBalanceRatio,
                minOrderAmount: Decimal = 0, orderType: OrderType = .market) {
        self.leverage = max(1, leverage)
        self.tradableBalanceRatio = tradableBalanceRatio
        self.minOrderAmount = minOrderAmount
        self.orderType = orderType
    }

    /// A sized entry: the amount, and a note when a market filter made it smaller than the balance affords.
    public struct Size: Sendable, Equatable {
        public var amount: Decimal
        /// e.g. "capped by MARKET_LOT_SIZE max 120 (the balance affords 153.2)".
        public var capped: String?
    }

    /// The amount to open at `price` with `freeBalance`, at most `atMost` (a resize), or why none can be sent.
    public func size(freeBalance: Decimal, price: Decimal, market: Market, atMost: Decimal? = nil) throws -> Size {
        guard price > 0 else { throw OrderSkip(reason: "not placed: no usable price") }
        let fee = market.taker ?? Orderer.defaultTakerFee
        let lev = Decimal(leverage)
        let stake = max(0, freeBalance) * tradableBalanceRatio
        let notional = stake * lev / (1 + 2 * lev * fee)
        let affordable = market.amountToPrecision(notional / price)
        var amount = affordable
        var capped: String?
        let marketMax = orderType == .market ? market.limits.market.max : nil
        if let max = marketMax ?? market.limits.amount.max, max > 0, amount > max {
            amount = market.amountToPrecision(max)
            let filter = marketMax != nil ? "MARKET_LOT_SIZE" : "LOT_SIZE"
            capped = "capped by \(filter) max \(Precision.format(max)) (the balance affords \(Precision.format(affordable)))"
        }
        if let atMost, amount > atMost { amount = market.amountToPrecision(atMost) }
        let minimum = Swift.max(minOrderAmount, market.limits.amount.min ?? 0)
        guard amount > 0, amount >= minimum else {
            throw OrderSkip(reason: "not placed: size \(Precision.format(amount)) below minimum \(Precision.format(minimum)) (free balance \(Precision.format(freeBalance)))")
        }
        if let minCost = market.limits.cost.min, amount * price < minCost {
            throw OrderSkip(reason: "not placed: notional \(Precision.format(amount * price)) below minimum notional \(Precision.format(minCost))")
        }
        return Size(amount: amount, capped: capped)
    }

    /// The size of the one retry after a margin refusal of `refused`: a fresh balance and price, and never more than
    /// `resizeShrink` × the refused amount.
    public func resize(refused: Decimal, freeBalance: Decimal, price: Decimal, market: Market) throws -> Size {
        try size(freeBalance: freeBalance, price: price, market: market, atMost: refused * PositionSizer.resizeShrink)
    }
}
