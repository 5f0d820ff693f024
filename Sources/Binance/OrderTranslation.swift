import Foundation
import Exchange

/// CCXT's unified order parameters -> the Binance USDⓈ-M request, exactly as ccxt's `binance.createOrderRequest`
/// builds it for a linear swap (ccxt ts/src/binance.ts). Pure: no I/O, so every rule is unit-tested.
///
/// - `triggerPrice`/`stopPrice`/`stopLossPrice` -> STOP (limit) / STOP_MARKET, `takeProfitPrice` -> TAKE_PROFIT /
///   TAKE_PROFIT_MARKET, `trailingPercent` (`callbackRate`) -> TRAILING_STOP_MARKET with `callbackRate` and
///   `activatePrice` (`trailingTriggerPrice`/`activationPrice`); all of these go to the algo-order API with
///   `algoType=CONDITIONAL` and `triggerPrice`.
/// - `postOnly` -> `timeInForce=GTX`; `timeInForce: "PO"` likewise; postOnly with IOC/FOK or a market order is refused.
/// - `hedged: true` -> `positionSide` LONG/SHORT (with `reduceOnly`: the opposite side and no `reduceOnly`).
/// - `priceMatch` -> no price needed; `selfTradePrevention` -> `selfTradePreventionMode` upper-cased;
///   `clientOrderId` -> `newClientOrderId` (`clientAlgoId` on the algo API).
/// - Every other parameter (reduceOnly, workingType, priceProtect, goodTillDate, closePosition, positionSide,
///   timeInForce, ...) passes through unchanged, and overrides a built value of the same name, as ccxt's `extend`.
public enum OrderTranslation {
    /// ccxt `omitKeys` of createOrderRequest, plus the routing flags we consume.
    static let omitKeys: Set<String> = ["type", "newClientOrderId", "clientOrderId", "clientAlgoId", "postOnly", "post_only",
                                        "stopLossPrice", "takeProfitPrice", "stopPrice", "triggerPrice",
                                        "trailingTriggerPrice", "activationPrice", "trailingPercent", "quoteOrderQty",
                                        "cost", "test", "hedged", "icebergAmount", "selfTradePrevention"]
    /// ccxt `isConditionalOrder`.
    static let conditionalKeys = ["triggerPrice", "stopPrice", "stopLossPrice", "takeProfitPrice", "trailingPercent",
                                  "callbackRate", "trailingDelta"]

    public struct Request: Sendable {
        public var query: QueryString
        public var clientId: String
        /// True: POST /fapi/v1/algoOrder (conditional); false: POST /fapi/v1/order.
        public var algo: Bool
    }

    static func has(_ params: Params, _ key: String) -> Bool {
        if let v = params[key], v != .null { return true }
        return false
    }
    static func text(_ params: Params, _ keys: String...) -> String? {
        for k in keys { if let v = params[k], v != .null, let s = v.stringValue { return s } }
        return nil
    }

    /// True when the params describe a conditional order (ccxt `isConditionalOrder`), or `type` is one.
    public static func isConditional(type: OrderType, params: Params) -> Bool {
        type.isConditional || conditionalKeys.contains { has(params, $0) }
    }

    static func invalid(_ message: String) -> ExchangeFailure {
        ExchangeFailure(.invalidOrder, exchange: BinanceUSDM.exchangeId, message: message, method: "createOrder")
    }

    /// The request ccxt sends for `createOrder(symbol, type, side, amount, price, params)`.
    /// `batch`: an entry of `createOrders` (never the algo API: ccxt refuses conditional orders there).
    public static func createOrder(market m: Market, type: OrderType, side: OrderSide, amount: Decimal, price: Decimal?,
                                   params: Params, clientIdPrefix: String, batch: Bool = false) throws -> Request {
        let conditional = isConditional(type: type, params: params)
        if batch && conditional {
            throw ExchangeFailure(.notSupported, exchange: BinanceUSDM.exchangeId,
                                  message: "createOrders() does not support conditional order types for linear markets, use createOrder() instead",
                                  method: "createOrders")
        }
        let algo = conditional
        let isMarket = type == .market
        let isLimit = type == .limit
        var q = QueryString([("symbol", m.id), ("side", side == .buy ? "BUY" : "SELL")])

        let reduceOnly = params["reduceOnly"]?.boolValue ?? false
        let triggerPrice = text(params, "triggerPrice", "stopPrice")
        let stopLossPrice = text(params, "stopLossPrice") ?? triggerPrice
        let takeProfitPrice = text(params, "takeProfitPrice")
        let trailingDelta = text(params, "trailingDelta")
        let trailingTriggerPrice = text(params, "trailingTriggerPrice", "activationPrice")
        let trailingPercent = text(params, "trailingPercent", "callbackRate", "trailingDelta")
        let priceMatch = text(params, "priceMatch")
        var upper = type.rawValue.uppercased()
        var stopPrice: String?

        func priceText(_ s: String, _ what: String) throws -> String {
            guard let d = Precision.parse(s) else { throw invalid("\(what) '\(s)' is not a number") }
            return m.priceToPrecisionString(d)
        }

        if let trailingPercent {
            upper = "TRAILING_STOP_MARKET"
            q.append("callbackRate", trailingPercent)
            if let trailingTriggerPrice {
                q.append(algo ? "activatePrice" : "activationPrice", try priceText(trailingTriggerPrice, "trailingTriggerPrice"))
            }
        } else if stopLossPrice != nil || trailingDelta != nil {
            stopPrice = stopLossPrice
            if isMarket { upper = "STOP_MARKET" } else if isLimit { upper = "STOP" }
        } else if let takeProfitPrice {
            stopPrice = takeProfitPrice
            if isMarket { upper = "TAKE_PROFIT_MARKET" } else if isLimit { upper = "TAKE_PROFIT" }
        }

        let given = text(params, "clientAlgoId", "newClientOrderId", "clientOrderId")
        let clientId = given ?? ClientOrderId.generate(prefix: clientIdPrefix)
        guard ClientOrderId.isValid(clientId) else {
            throw invalid("clientOrderId '\(clientId)' must match [.A-Z:/a-z0-9_-]{1,36}")
        }
        q.append(algo ? "clientAlgoId" : "newClientOrderId", clientId)

        // ccxt isPostOnly
        let tif = text(params, "timeInForce")?.uppercased()
        let postOnly = (params["postOnly"]?.boolValue ?? params["post_only"]?.boolValue ?? false) || tif == "PO"
        if postOnly {
            if tif == "IOC" || tif == "FOK" { throw invalid("postOnly orders cannot have timeInForce equal to \(tif ?? "")") }
            if isMarket { throw invalid("market orders cannot be postOnly") }
            q.append("timeInForce", "GTX")
        }
        q.append("newOrderRespType", "RESULT")
        q.append("type", upper)

        let closePosition = params["closePosition"]?.boolValue ?? false
        var needsQuantity = false, needsPrice = false, needsTrigger = false, needsTimeInForce = false
        switch upper {
        case "MARKET": needsQuantity = true
        case "LIMIT": needsPrice = true; needsTimeInForce = true; needsQuantity = true
        case "STOP", "TAKE_PROFIT": needsQuantity = true; needsTrigger = true; needsPrice = true
        case "STOP_MARKET", "TAKE_PROFIT_MARKET": needsQuantity = !closePosition; needsTrigger = true
        case "TRAILING_STOP_MARKET":
            needsQuantity = !closePosition
            guard trailingPercent != nil else { throw invalid("createOrder() requires a trailingPercent param for a \(type.rawValue) order") }
        default: throw invalid("\(type.rawValue) is not a valid order type for the \(m.symbol) market")
        }
        if needsQuantity {
            let qty = m.amountToPrecision(amount)
            guard qty > 0 else {
                throw invalid("amount \(Precision.format(amount)) of \(m.symbol) must be greater than its step \(Precision.format(m.precision.amount))")
            }
            q.append("quantity", Precision.format(qty))
        }
        if needsPrice && priceMatch == nil {
            guard let price else { throw invalid("createOrder() requires a price argument for a \(type.rawValue) order") }
            q.append("price", m.priceToPrecisionString(price))
        }
        if needsTrigger {
            guard let stopPrice else { throw invalid("createOrder() requires a triggerPrice extra param for a \(type.rawValue) order") }
            q.append(algo ? "triggerPrice" : "stopPrice", try priceText(stopPrice, "triggerPrice"))
        }
        if needsTimeInForce && tif == nil && q["timeInForce"] == nil { q.append("timeInForce", "GTC") }
        if postOnly { q.set("timeInForce", "GTX") }

        var omit = omitKeys
        if tif == "PO" { omit.insert("timeInForce") }
        if params["hedged"]?.boolValue == true {
            var positionSide = side
            if reduceOnly { omit.insert("reduceOnly"); positionSide = side.opposite }
            q.append("positionSide", positionSide == .buy ? "LONG" : "SHORT")
        }
        if let stp = text(params, "selfTradePrevention") { q.append("selfTradePreventionMode", stp.uppercased()) }
        extend(&q, with: params, omitting: omit)
        if algo { q.append("algoType", "CONDITIONAL") }
        return Request(query: q, clientId: clientId, algo: algo)
    }

    /// ccxt `extend(request, params)`: a param replaces the built value of the same name in place, others append
    /// in key order; null params are dropped.
    static func extend(_ q: inout QueryString, with params: Params, omitting omit: Set<String>) {
        for key in params.keys.sorted() where !omit.contains(key) {
            guard let v = params[key], v != .null else { continue }
            if let i = q.items.firstIndex(where: { $0.0 == key }) { q.items[i].1 = v.description }
            else { q.items.append((key, v.description)) }
        }
    }

    /// ccxt `editContractOrderRequest` + `extend(request, params)`: PUT /fapi/v1/order.
    public static func editOrder(market m: Market, id: String, side: OrderSide, amount: Decimal?, price: Decimal?,
                                 params: Params) throws -> QueryString {
        guard price != nil || has(params, "priceMatch") else {
            throw ExchangeFailure(.badRequest, exchange: BinanceUSDM.exchangeId,
                                  message: "editOrder() requires a price argument for swap orders", method: "editOrder")
        }
        guard let amount else {
            throw ExchangeFailure(.badRequest, exchange: BinanceUSDM.exchangeId,
                                  message: "editOrder() requires an amount for swap orders (Binance modifies price and quantity together)",
                                  method: "editOrder")
        }
        let qty = m.amountToPrecision(amount)
        guard qty > 0 else { throw invalid("amount \(Precision.format(amount)) of \(m.symbol) is below its step \(Precision.format(m.precision.amount))") }
        var q = QueryString([("symbol", m.id), ("side", side == .buy ? "BUY" : "SELL"), ("orderId", id),
                             ("quantity", Precision.format(qty))])
        if let price { q.append("price", m.priceToPrecisionString(price)) }
        if let cid = text(params, "newClientOrderId", "clientOrderId", "origClientOrderId") { q.append("origClientOrderId", cid) }
        extend(&q, with: params, omitting: [])
        return q
    }
}
