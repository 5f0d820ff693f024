import Exchange
import Foundation

/// One order the bot intends to send, fully decided: sized, on the step, with its client order id.
public struct OrderRequest: Sendable, Equatable {
    public var purpose: JournalOrder.Purpose
    public var side: OrderSide
    public var type: OrderType
    public var amount: Decimal
    public var price: Decimal?
    public var triggerPrice: Decimal?
    public var reduceOnly: Bool
    public var clientOrderID: String

    public init(purpose: JournalOrder.Purpose, side: OrderSide, type: OrderType, amount: Decimal, price: Decimal?,
                triggerPrice: Decimal?, reduceOnly: Bool, clientOrderID: String) {
        self.purpose = purpose
        self.side = side
        self.type = type
        self.amount = amount
        self.price = price
        self.triggerPrice = triggerPrice
        self.reduceOnly = reduceOnly
        self.clientOrderID = clientOrderID
    }

    /// The unified `createOrder` params for this request.
    public var params: Params {
        var params: Params = ["clientOrderId": .string(clientOrderID)]
        if reduceOnly { params["reduceOnly"] = .bool(true) }
        if type == .limit { params["timeInForce"] = "GTC" }
        if let triggerPrice { params["triggerPrice"] = .number(triggerPrice) }
        return params
    }
}

/// Why an entry was not sent: too small for the market or for MIN_ORDER_AMOUNT. Not an error: logged and journaled.
public struct OrderSkip: Error, Sendable, Equatable, CustomStringConvertible {
    public let reason: String
    public var description: String { reason }
}

/// Client order ids are derived from the candle and the purpose, so a re-run of the same cycle after a crash asks
/// the exchange about the same id instead of inventing a new order. Binance allows `[.A-Z:/a-z0-9_-]{1,36}`.
public enum ClientOrderID {
    public static func make(marketID: String, candleTime: Int64, purpose: JournalOrder.Purpose, attempt: Int = 0) -> String {
        let tag: String
        switch purpose {
        case .open: tag = "o"
        case .close: tag = "c"
        case .stopLoss: tag = "s"
        case .cancel: tag = "x"
        }
        var id = "tb-\(marketID.prefix(12))-\(candleTime / 1000)-\(tag)"
        if attempt > 0 { id += "\(attempt)" }
        return String(id.prefix(36))
    }

    /// The id of the one resized retry of an entry the exchange refused for margin: derived from the refused id
    /// (so a re-run of the cycle derives the same one and finds it in the journal instead of sending a third order),
    /// and distinct from it (Binance refuses a second use of an id only while the first order is open).
    public static func resized(_ id: String) -> String {
        String(id.prefix(34)) + "-m"
    }
}
