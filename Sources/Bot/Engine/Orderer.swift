import Exchange
import Foundation

/// Sizes orders on the market's precision and limits, then sends them with the journal written first.
///
/// Entry size = usable balance × LEVERAGE / price, truncated to the amount step, where the usable balance keeps
/// back the taker fee of the entry (`free / (1 + LEVERAGE × taker)`) so a full-balance market order is not refused
/// for want of the fee. Closes are reduce-only and use the position's exact size.
public struct Orderer: Sendable {
    public var leverage: Int
    public var orderType: OrderType
    public var minOrderAmount: Decimal
    public var stopLoss: Decimal
    /// Fee rate assumed when the market does not state one (Binance USDⓈ-M taker, 0.05 %).
    public static let defaultTakerFee = Decimal(string: "0.0005") ?? 0

    public init(leverage: Int, orderType: OrderType, minOrderAmount: Decimal, stopLoss: Decimal) {
        self.leverage = leverage
        self.orderType = orderType
        self.minOrderAmount = minOrderAmount
        self.stopLoss = stopLoss
    }

    public init(config: BotConfig) {
        self.init(leverage: config.leverage, orderType: config.orderType == "limit" ? .limit : .market,
                  minOrderAmount: config.minOrderAmount,
                  stopLoss: Decimal(string: String(config.stopLoss)) ?? 0)
    }

    /// The entry order for `side`, or why none can be sent.
    public func entry(side: PositionSide, freeBalance: Decimal, price: Decimal, market: Market, clientOrderID: String) throws -> OrderRequest {
        guard price > 0 else { throw OrderSkip(reason: "no usable price") }
        let fee = market.taker ?? Orderer.defaultTakerFee
        let usable = freeBalance / (1 + Decimal(leverage) * fee)
        var amount = market.amountToPrecision(usable * Decimal(leverage) / price)
        if let max = (orderType == .market ? market.limits.market.max : nil) ?? market.limits.amount.max, max > 0, amount > max {
            amount = market.amountToPrecision(max)
        }
        let minimum = Swift.max(minOrderAmount, market.limits.amount.min ?? 0)
        guard amount > 0, amount >= minimum else {
            throw OrderSkip(reason: "size \(Precision.format(amount)) below minimum \(Precision.format(minimum)) (free balance \(Precision.format(freeBalance)))")
        }
        if let minCost = market.limits.cost.min, amount * price < minCost {
            throw OrderSkip(reason: "notional \(Precision.format(amount * price)) below the market minimum \(Precision.format(minCost))")
        }
        return OrderRequest(purpose: .open, side: side == .long ? .buy : .sell, type: orderType, amount: amount,
                            price: orderType == .limit ? market.priceToPrecision(price) : nil, triggerPrice: nil,
                            reduceOnly: false, clientOrderID: clientOrderID)
    }

    /// The reduce-only order closing `position` in full.
    public func exit(position: PositionSnapshot, price: Decimal, market: Market, clientOrderID: String) -> OrderRequest {
        OrderRequest(purpose: .close, side: position.side == .long ? .sell : .buy, type: orderType,
                     amount: market.amountToPrecision(position.amount),
                     price: orderType == .limit ? market.priceToPrecision(price) : nil, triggerPrice: nil,
                     reduceOnly: true, clientOrderID: clientOrderID)
    }

    /// The exchange-side stop loss: reduce-only STOP_MARKET at STOP_LOSS from the entry, rounded away from the
    /// entry's side so it never triggers earlier than configured.
    public func stopLossOrder(position: PositionSnapshot, market: Market, clientOrderID: String) -> OrderRequest {
        let long = position.side == .long
        let raw = position.entryPrice * (long ? 1 - stopLoss : 1 + stopLoss)
        let trigger = market.priceToPrecision(raw, rounding: long ? .down : .up)
        return OrderRequest(purpose: .stopLoss, side: long ? .sell : .buy, type: .stopMarket,
                            amount: market.amountToPrecision(position.amount), price: nil, triggerPrice: trigger,
                            reduceOnly: true, clientOrderID: clientOrderID)
    }
}
