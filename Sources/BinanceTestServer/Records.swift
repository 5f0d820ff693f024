import Foundation

extension BinanceTestServer {
    /// An order as the server holds it; exposed so tests can assert on what the client caused.
    public struct OrderRecord: Sendable, Equatable {
        public var orderId: Int64
        public var clientOrderId: String
        public var symbol: String
        public var side: String
        public var type: String
        public var origType: String
        public var timeInForce: String
        public var price: Decimal
        public var stopPrice: Decimal
        public var origQty: Decimal
        public var executedQty: Decimal
        public var cumQuote: Decimal
        public var status: String
        public var reduceOnly: Bool
        public var closePosition: Bool
        public var time: Int64
        public var updateTime: Int64
        public var apiKey: String

        public var avgPrice: Decimal { executedQty > 0 ? cumQuote / executedQty : 0 }
        public var isOpen: Bool { status == "NEW" || status == "PARTIALLY_FILLED" }
        public var remainingQty: Decimal { origQty - executedQty }
    }

    /// A conditional (algo) order: STOP_MARKET / TAKE_PROFIT_MARKET / STOP / TAKE_PROFIT.
    public struct AlgoOrderRecord: Sendable, Equatable {
        public var algoId: Int64
        public var clientAlgoId: String
        public var symbol: String
        public var side: String
        public var orderType: String
        public var quantity: Decimal
        public var price: Decimal
        public var triggerPrice: Decimal
        public var timeInForce: String
        public var workingType: String
        public var reduceOnly: Bool
        public var closePosition: Bool
        public var algoStatus: String
        public var createTime: Int64
        public var updateTime: Int64
        public var triggerTime: Int64
        public var actualOrderId: Int64?
        public var apiKey: String
        /// TRAILING_STOP_MARKET: callback rate in percent (0.1 ... 10), optional activation price, and the best
        /// price seen since activation (0 = not active yet).
        public var callbackRate: Decimal = 0
        public var activatePrice: Decimal = 0
        public var extreme: Decimal = 0
    }

    /// One-way position in a symbol (positive = long).
    public struct PositionRecord: Sendable, Equatable {
        public var symbol: String
        public var positionAmt: Decimal
        public var entryPrice: Decimal
        public var markPrice: Decimal
        public var unrealizedProfit: Decimal
        public var leverage: Int
        public var marginType: String
        public var updateTime: Int64
    }

    /// A fill, as /fapi/v1/userTrades reports it.
    public struct TradeRecord: Sendable, Equatable {
        public var id: Int64
        public var orderId: Int64
        public var symbol: String
        public var side: String
        public var price: Decimal
        public var qty: Decimal
        public var quoteQty: Decimal
        public var commission: Decimal
        public var realizedPnl: Decimal
        public var maker: Bool
        public var time: Int64
        public var apiKey: String
    }

    /// What a client sent and what it got back (no secrets: the API secret never travels).
    public struct RecordedRequest: Sendable, Equatable {
        public var method: String
        public var path: String
        /// Raw query string as received.
        public var query: String
        /// Raw form body as received.
        public var body: String
        /// Decoded parameters (query wins over body), without `signature`.
        public var params: [String: String]
        /// Header names lower-cased.
        public var headers: [String: String]
        public var status: Int
        /// Binance error code when the answer was an error body.
        public var errorCode: Int?
        /// Wall time of arrival, seconds since the epoch.
        public var receivedAt: Double
        /// True when a fault (drop, 5xx, ...) decided the answer.
        public var faulted: Bool
    }
}
