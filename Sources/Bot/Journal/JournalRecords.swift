import Foundation

/// What the journal stores about an order: the request (written before sending) and, later, the exchange's answer.
public struct JournalOrder: Sendable, Equatable {
    public enum State: String, Sendable { case pending, sent, rejected, notPlaced = "not_placed" }
    public enum Purpose: String, Sendable { case open, close, stopLoss = "stop_loss", cancel }

    public var id: Int64 = 0
    public var cycleID: Int64?
    public var clientOrderID: String
    public var purpose: Purpose
    public var symbol: String
    public var side: String
    public var type: String
    public var amount: Decimal
    public var price: Decimal?
    public var stopPrice: Decimal?
    public var reduceOnly: Bool
    public var state: State = .pending
    public var exchangeOrderID: String?
    public var status: String?
    public var filled: Decimal?
    public var average: Decimal?
    public var fee: Decimal?
    public var error: String?
    public var createdAt: Int64 = 0
    public var updatedAt: Int64 = 0

    public init(cycleID: Int64?, clientOrderID: String, purpose: Purpose, symbol: String, side: String, type: String,
                amount: Decimal, price: Decimal? = nil, stopPrice: Decimal? = nil, reduceOnly: Bool) {
        self.cycleID = cycleID
        self.clientOrderID = clientOrderID
        self.purpose = purpose
        self.symbol = symbol
        self.side = side
        self.type = type
        self.amount = amount
        self.price = price
        self.stopPrice = stopPrice
        self.reduceOnly = reduceOnly
    }
}

/// The exchange's answer about an order, as the journal keeps it.
public struct JournalOrderUpdate: Sendable, Equatable {
    public var exchangeOrderID: String?
    public var status: String?
    public var filled: Decimal?
    public var average: Decimal?
    public var fee: Decimal?

    public init(exchangeOrderID: String?, status: String?, filled: Decimal?, average: Decimal?, fee: Decimal?) {
        self.exchangeOrderID = exchangeOrderID
        self.status = status
        self.filled = filled
        self.average = average
        self.fee = fee
    }
}

/// One decision cycle as recorded.
public struct JournalCycle: Sendable, Equatable {
    public enum Status: String, Sendable { case started, done, failed, skipped }

    public var id: Int64 = 0
    public var candleTime: Int64
    public var startedAt: Int64
    public var finishedAt: Int64?
    public var mode: String
    public var symbol: String
    public var interval: String
    /// The window the model saw, as JSON `[[t,o,h,l,c,v],…]` with decimal strings.
    public var candles: String?
    public var close: Decimal?
    public var predicted: Double?
    public var change: Double?
    public var decision: String?
    public var reason: String?
    public var balance: Decimal?
    public var positionSide: String?
    public var positionAmount: Decimal?
    public var entryPrice: Decimal?
    public var status: Status = .started
    public var error: String?
    /// Why a decided order was not placed, or placed smaller than decided ("not placed: below minimum notional …",
    /// "refused: … -2019 …", "capped by MARKET_LOT_SIZE max …"); several joined by "; ". Nil when all went as decided.
    public var note: String?
    /// Why the position ended in this cycle (`ExitReason`): stop_loss, exit_signal, reversal, exchange_stop, liquidation.
    public var exitReason: String?

    public init(candleTime: Int64, startedAt: Int64, mode: String, symbol: String, interval: String) {
        self.candleTime = candleTime
        self.startedAt = startedAt
        self.mode = mode
        self.symbol = symbol
        self.interval = interval
    }
}
