import Exchange
import Foundation

/// Builds the orders a decision needs on the market's precision and limits: entries sized by `PositionSizer`
/// (a buffer of the free balance, the entry's and the exit's fee reserved, at the price the order will meet),
/// reduce-only closes of the position's exact size, the exchange-side stop.
public struct Orderer: Sendable {
    public var leverage: Int
    public var orderType: OrderType
    public var minOrderAmount: Decimal
    public var stopLoss: Decimal
    public var tradableBalanceRatio: Decimal
    /// Fee rate assumed when the market does not state one (Binance USDⓈ-M taker, 0.05 %).
    public static let defaultTakerFee = Decimal(string: "0.0005") ?? 0

    public init(leverage: Int, orderType: OrderType, minOrderAmount: Decimal, stopLoss: Decimal,
                tradableBalanceRatio: Decimal = PositionSizer.defaultTradableBalanceRatio) {
        self.leverage = leverage
        self.orderType = orderType
        self.minOrderAmount = minOrderAmount
        self.stopLoss = stopLoss
        self.tradableBalanceRatio = tradableBalanceRatio
    }

    public init(config: BotConfig) {
        self.init(leverage: config.leverage, orderType: config.orderType == "limit" ? .limit : .market,
                  minOrderAmount: config.minOrderAmount,
                  stopLoss: Decimal(string: String(config.stopLoss)) ?? 0,
                  tradableBalanceRatio: config.tradableBalanceRatio)
    }

    public var sizer: PositionSizer {
        PositionSizer(leverage: leverage, tradableBalanceRatio: tradableBalanceRatio, minOrderAmount: minOrderAmount, orderType: orderType)
    }

    /// The entry order for `side`, or why none can be sent (`OrderSkip`). `price` is the price the order will meet
    /// (ticker / mark, or the limit price).
    public func entry(side: PositionSide, freeBalance: Decimal, price: Decimal, market: Market, clientOrderID: String) throws -> OrderRequest {
        try entryOrder(side: side, freeBalance: freeBalance, price: price, market: market, clientOrderID: clientOrderID).request
    }

    /// The entry order and, when a market filter capped it, the note saying so.
    public func entryOrder(side: PositionSide, freeBalance: Decimal, price: Decimal, market: Market, clientOrderID: String,
                           atMost: Decimal? = nil) throws -> (request: OrderRequest, capped: String?) {
        let size = try sizer.size(freeBalance: freeBalance, price: price, market: market, atMost: atMost)
        return (entryRequest(side: side, amount: size.amount, price: price, market: market, clientOrderID: clientOrderID), size.capped)
    }

    /// The one smaller retry after the exchange refused `refused` for margin, with its derived client order id.
    public func resizedEntry(_ refused: OrderRequest, freeBalance: Decimal, price: Decimal, market: Market) throws -> OrderRequest {
        let size = try sizer.resize(refused: refused.amount, freeBalance: freeBalance, price: price, market: market)
        let side: PositionSide = refused.side == .buy ? .long : .short
        return entryRequest(side: side, amount: size.amount, price: price, market: market,
                            clientOrderID: ClientOrderID.resized(refused.clientOrderID))
    }

    private func entryRequest(side: PositionSide, amount: Decimal, price: Decimal, market: Market, clientOrderID: String) -> OrderRequest {
        OrderRequest(purpose: .open, side: side == .long ? .buy : .sell, type: orderType, amount: amount,
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
