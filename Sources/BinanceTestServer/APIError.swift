import Foundation

/// A Binance error answer: HTTP status plus the `{"code":..,"msg":..}` body. The messages are
/// Binance's own wording from the USDⓈ-M error-code page, so clients can be tested against them.
struct APIError: Error, Equatable {
    var status: Int
    var code: Int
    var msg: String

    var body: WireJSON { .object([("code", .int(Int64(code))), ("msg", .string(msg))]) }

    static func mandatory(_ name: String) -> APIError {
        APIError(status: 400, code: -1102, msg: "Mandatory parameter '\(name)' was not sent, was empty/null, or malformed.")
    }
    static func eitherMandatory(_ a: String, _ b: String) -> APIError {
        APIError(status: 400, code: -1102, msg: "Param '\(a)' or '\(b)' must be sent, but both were empty/null!")
    }
    static func invalidParameter(_ name: String) -> APIError {
        APIError(status: 400, code: -1130, msg: "Data sent for parameter '\(name)' is not valid.")
    }
    static let badAPIKeyFormat = APIError(status: 401, code: -2014, msg: "API-key format invalid.")
    static let rejectedAPIKey = APIError(status: 401, code: -2015, msg: "Invalid API-key, IP, or permissions for action.")
    static let badSignature = APIError(status: 400, code: -1022, msg: "Signature for this request is not valid.")
    static let outsideRecvWindow = APIError(status: 400, code: -1021, msg: "Timestamp for this request is outside of the recvWindow.")
    static let aheadOfServer = APIError(status: 400, code: -1021, msg: "Timestamp for this request was 1000ms ahead of the server's time.")
    static let badSymbol = APIError(status: 400, code: -1121, msg: "Invalid symbol.")
    static let badInterval = APIError(status: 400, code: -1120, msg: "Invalid interval.")
    static let badOrderType = APIError(status: 400, code: -1116, msg: "Invalid orderType.")
    static let badSide = APIError(status: 400, code: -1117, msg: "Invalid side.")
    static let badTimeInForce = APIError(status: 400, code: -1115, msg: "Invalid timeInForce.")
    static let badPrecision = APIError(status: 400, code: -1111, msg: "Precision is over the maximum defined for this asset.")
    static let startAfterEnd = APIError(status: 400, code: -1023, msg: "Start time is greater than end time.")
    static let tickSize = APIError(status: 400, code: -4014, msg: "Price not increased by tick size.")
    static let stepSize = APIError(status: 400, code: -4023, msg: "Qty not increased by step size.")
    static let qtyNotPositive = APIError(status: 400, code: -4003, msg: "Quantity less than or equal to zero.")
    static let qtyBelowMin = APIError(status: 400, code: -4004, msg: "Quantity less than min quantity.")
    static let qtyAboveMax = APIError(status: 400, code: -4005, msg: "Quantity greater than max quantity.")
    static let priceNotPositive = APIError(status: 400, code: -4001, msg: "Price less than 0.")
    static let priceBelowMin = APIError(status: 400, code: -4013, msg: "Price less than min price.")
    static let priceAboveMax = APIError(status: 400, code: -4002, msg: "Price greater than max price.")
    static let priceAboveMultiplier = APIError(status: 400, code: -4016, msg: "Price is higher than mark price multiplier cap.")
    static let priceBelowMultiplier = APIError(status: 400, code: -4024, msg: "Price is lower than mark price multiplier floor.")
    static func minNotional(_ notional: String) -> APIError {
        APIError(status: 400, code: -4164, msg: "Order's notional must be no smaller than \(notional) (unless you choose reduce only).")
    }
    static let marginInsufficient = APIError(status: 400, code: -2019, msg: "Margin is insufficient.")
    static let reduceOnlyRejected = APIError(status: 400, code: -2022, msg: "ReduceOnly Order is rejected.")
    static let orderDoesNotExist = APIError(status: 400, code: -2013, msg: "Order does not exist.")
    static let unknownOrderSent = APIError(status: 400, code: -2011, msg: "Unknown order sent.")
    static let duplicateClientOrderId = APIError(status: 400, code: -4116, msg: "clientOrderId is duplicated")
    static let badClientOrderId = APIError(status: 400, code: -4015, msg: "Client order id is not valid.")
    static let useAlgoEndpoint = APIError(status: 400, code: -4120, msg: "Order type not supported for this endpoint. Please use the Algo Order API endpoints instead.")
    static let noNeedToChangeMarginType = APIError(status: 400, code: -4046, msg: "No need to change margin type.")
    static let marginTypeOpenOrders = APIError(status: 400, code: -4047, msg: "Margin type cannot be changed if there exists open orders.")
    static let marginTypePosition = APIError(status: 400, code: -4048, msg: "Margin type cannot be changed if there exists position.")
    static func badLeverage(_ text: String) -> APIError {
        APIError(status: 400, code: -4028, msg: "Leverage \(text) is not valid")
    }
    static let immediateTrigger = APIError(status: 400, code: -2021, msg: "Order would immediately trigger.")
    static let closePositionWithQty = APIError(status: 400, code: -4137, msg: "Quantity must be zero with closePosition equals true")
    static let badPositionSide = APIError(status: 400, code: -4061, msg: "Order's position side does not match user's setting.")
    static let reduceOnlyInHedgeMode = APIError(status: 400, code: -1106, msg: "Parameter 'reduceonly' sent when not required.")
    static let noNeedToChangePositionSide = APIError(status: 400, code: -4059, msg: "No need to change position side.")
    static let positionSideOpenOrders = APIError(status: 400, code: -4067, msg: "Position side cannot be changed if there exists open orders.")
    static let positionSidePosition = APIError(status: 400, code: -4068, msg: "Position side cannot be changed if there exists position.")
    static let noNeedToModify = APIError(status: 400, code: -5027, msg: "No need to modify the order.")
    static let badBatchSize = APIError(status: 400, code: -1130, msg: "Data sent for parameter 'batchOrders' is not valid.")
    static let notFound = APIError(status: 404, code: -1099, msg: "Not found, unauthenticated, or unauthorized.")
    static func tooManyRequests(limit: Int) -> APIError {
        APIError(status: 429, code: -1003, msg: "Too many requests; current limit is \(limit) requests per minute. Please use the websocket for live updates to avoid polling the API.")
    }
    static func banned(untilMs: Int64) -> APIError {
        APIError(status: 418, code: -1003, msg: "Way too many requests; IP banned until \(untilMs). Please use the websocket for live updates to avoid bans.")
    }
    static func tooManyOrders(limit: Int, per: String) -> APIError {
        APIError(status: 429, code: -1015, msg: "Too many new orders; current limit is \(limit) orders per \(per).")
    }
    /// Binance's 503 whose docs say the execution status is UNKNOWN (it may have succeeded).
    static let unknown503 = APIError(status: 503, code: -1000, msg: "Unknown error, please check your request or try again later.")
    /// Binance's overload protection on new orders (General Info, HTTP 503 variant C): a certain failure.
    static let throttled = APIError(status: 503, code: -1008, msg: "Request throttled by system-level protection. Reduce-only/close-position orders are exempt. Please try again.")
    /// A plain failure: nothing was executed, the request may be re-sent.
    static func internalError(status: Int) -> APIError {
        APIError(status: status, code: -1001, msg: "Internal error; unable to process your request. Please try again.")
    }
}
