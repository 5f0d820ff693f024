import Foundation

/// CCXT's unified trigger parameters read the way ccxt's binance createOrderRequest reads them, so that every
/// `Exchange` (live, dry-run, simulated) turns `createOrder(…, "market", …, {stopLossPrice: 51})` into the same
/// order, or refuses it naming the parameter.
public struct ConditionalParams: Sendable, Equatable {
    /// The order type the params make: market + stopLossPrice/triggerPrice/stopPrice = stop_market, limit + it = stop,
    /// takeProfitPrice = take_profit(_market), trailingPercent/callbackRate = trailing_stop_market.
    public var type: OrderType
    public var triggerPrice: Decimal?
    /// The param that made the order conditional ("stopLossPrice", ...), for error messages.
    public var parameter: String?

    public static let keys = ["triggerPrice", "stopPrice", "stopLossPrice", "takeProfitPrice", "trailingPercent", "callbackRate", "trailingDelta"]

    public init(type: OrderType, params: Params) {
        func dec(_ k: String) -> Decimal? { params[k]?.decimalValue }
        let present = Self.keys.first { params[$0] != nil && params[$0] != .null }
        parameter = present
        let trigger = dec("triggerPrice") ?? dec("stopPrice")
        let stopLoss = dec("stopLossPrice") ?? trigger
        let takeProfit = dec("takeProfitPrice")
        if params["trailingPercent"] != nil || params["callbackRate"] != nil {
            self.type = .trailingStopMarket; triggerPrice = nil
        } else if let stopLoss {
            self.type = type == .market ? .stopMarket : (type == .limit ? .stop : type); triggerPrice = stopLoss
        } else if let takeProfit {
            self.type = type == .market ? .takeProfitMarket : (type == .limit ? .takeProfit : type); triggerPrice = takeProfit
        } else {
            self.type = type; triggerPrice = nil
        }
    }
}
