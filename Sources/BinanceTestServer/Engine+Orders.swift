import Exchange
import Foundation

/// Order placement with Binance's checks, in Binance's order: enums, filters, reduce-only,
/// notional, then margin.
extension Engine {
    static let orderTypes: Set<String> = ["LIMIT", "MARKET", "STOP", "STOP_MARKET", "TAKE_PROFIT", "TAKE_PROFIT_MARKET", "TRAILING_STOP_MARKET"]
    static let conditionalTypes: Set<String> = ["STOP", "STOP_MARKET", "TAKE_PROFIT", "TAKE_PROFIT_MARKET", "TRAILING_STOP_MARKET"]
    static let timeInForces: Set<String> = ["GTC", "IOC", "FOK", "GTX", "GTD"]
    static let priceMatches: Set<String> = ["OPPONENT", "OPPONENT_5", "OPPONENT_10", "OPPONENT_20",
                                            "QUEUE", "QUEUE_5", "QUEUE_10", "QUEUE_20"]

    func spec(_ params: RequestParams) throws -> BinanceTestServer.SymbolSpec {
        let symbol = try params.required("symbol")
        guard let spec = options.spec(symbol) else { throw APIError.badSymbol }
        return spec
    }

    func side(_ params: RequestParams) throws -> String {
        let side = try params.required("side")
        guard side == "BUY" || side == "SELL" else { throw APIError.badSide }
        return side
    }

    func quantity(_ params: RequestParams, _ spec: BinanceTestServer.SymbolSpec, market: Bool) throws -> Decimal {
        guard let qty = try params.decimal("quantity") else { throw APIError.mandatory("quantity") }
        guard WireDecimal.scale(of: qty) <= spec.quantityPrecision else { throw APIError.badPrecision }
        guard qty > 0 else { throw APIError.qtyNotPositive }
        guard qty >= spec.minQty else { throw APIError.qtyBelowMin }
        guard qty <= (market ? spec.marketMaxQty : spec.maxQty) else { throw APIError.qtyAboveMax }
        guard WireDecimal.isMultiple(qty - spec.minQty, of: spec.stepSize) else { throw APIError.stepSize }
        return qty
    }

    func price(_ name: String, _ params: RequestParams, _ spec: BinanceTestServer.SymbolSpec) throws -> Decimal {
        guard let price = try params.decimal(name) else { throw APIError.mandatory(name) }
        guard WireDecimal.scale(of: price) <= spec.pricePrecision else { throw APIError.badPrecision }
        guard price > 0 else { throw APIError.priceNotPositive }
        guard price >= spec.minPrice else { throw APIError.priceBelowMin }
        guard price <= spec.maxPrice else { throw APIError.priceAboveMax }
        guard WireDecimal.isMultiple(price - spec.minPrice, of: spec.tickSize) else { throw APIError.tickSize }
        return price
    }

    func clientId(_ params: RequestParams, _ name: String, prefix: String) throws -> String {
        guard let id = params[name] else { return prefix + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(22) }
        let allowed = CharacterSet(charactersIn: ".:/_-").union(CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"))
        guard id.count <= 36, id.unicodeScalars.allSatisfy({ allowed.contains($0) }) else { throw APIError.badClientOrderId }
        return id
    }

    /// One-way mode takes BOTH (or nothing); hedge mode needs LONG or SHORT and refuses reduceOnly
    /// (Binance: the position side says which position an order reduces).
    func checkPositionSide(_ params: RequestParams, apiKey: String) throws {
        let dual = accounts[apiKey]?.dualSidePosition ?? false
        let ps = params["positionSide"] ?? "BOTH"
        guard ["BOTH", "LONG", "SHORT"].contains(ps) else { throw APIError.invalidParameter("positionSide") }
        if dual {
            guard ps != "BOTH" else { throw APIError.badPositionSide }
            if params["reduceOnly"] != nil { throw APIError.reduceOnlyInHedgeMode }
        } else if ps != "BOTH" {
            throw APIError.badPositionSide
        }
    }

    /// POST /fapi/v1/order. Returns the order index and whether RESULT was asked for.
    func placeOrder(_ params: RequestParams, apiKey: String, at t: Int64) throws -> (order: OrderRecord, result: Bool, accepted: OrderRecord) {
        let spec = try spec(params)
        let side = try side(params)
        let type = try params.required("type")
        if Self.conditionalTypes.contains(type) { throw APIError.useAlgoEndpoint }
        guard Self.orderTypes.contains(type) else { throw APIError.badOrderType }
        try checkPositionSide(params, apiKey: apiKey)
        let respType = params["newOrderRespType"] ?? "ACK"
        guard respType == "ACK" || respType == "RESULT" else {
            throw APIError(status: 400, code: -1136, msg: "Invalid newOrderRespType.")
        }
        var tif = "GTC"
        var limitPrice: Decimal = 0
        if type == "LIMIT" {
            tif = try params.required("timeInForce")
            guard Self.timeInForces.contains(tif) else { throw APIError.badTimeInForce }
        } else if params["price"] != nil {
            throw APIError(status: 400, code: -1106, msg: "Parameter 'price' sent when not required.")
        }
        let qty = try quantity(params, spec, market: type == "MARKET")
        let mark = price(spec.symbol, at: t)
        if type == "LIMIT", let match = params["priceMatch"] {
            // priceMatch (OPPONENT / QUEUE, _5/_10/_20): Binance prices the order itself from the book, and a
            // price sent with it is refused.
            guard Self.priceMatches.contains(match) else { throw APIError.invalidParameter("priceMatch") }
            if params["price"] != nil { throw APIError(status: 400, code: -1106, msg: "Parameter 'price' sent when not required.") }
            guard let mark else { throw APIError(status: 400, code: -2020, msg: "Unable to fill.") }
            // The book is one tick wide around the last price (bid = last, ask = last + tick, see bookTicker).
            let opponent = match.hasPrefix("OPPONENT")
            limitPrice = (side == "BUY") == opponent ? mark + spec.tickSize : mark
        } else if type == "LIMIT" {
            limitPrice = try price("price", params, spec)
            if let mark {
                if side == "BUY" && limitPrice > mark * spec.multiplierUp { throw APIError.priceAboveMultiplier }
                if side == "SELL" && limitPrice < mark * spec.multiplierDown { throw APIError.priceBelowMultiplier }
            }
        }
        let reduceOnly = try params.bool("reduceOnly") ?? false
        let clientOrderId = try clientId(params, "newClientOrderId", prefix: "web_")
        if orders.contains(where: { $0.apiKey == apiKey && $0.clientOrderId == clientOrderId && $0.isOpen }) {
            throw APIError.duplicateClientOrderId
        }
        guard let account = accounts[apiKey] else { throw APIError.rejectedAPIKey }
        let position = account.positions[spec.symbol]?.amount ?? 0
        let signed = side == "BUY" ? qty : -qty
        if reduceOnly {
            let reduces = position != 0 && (position > 0) != (signed > 0) && qty <= WireDecimal.abs(position)
            guard reduces else { throw APIError.reduceOnlyRejected }
        }
        guard let refPrice = type == "LIMIT" ? limitPrice : mark else {
            throw APIError(status: 400, code: -2020, msg: "Unable to fill.")
        }
        if !reduceOnly && qty * refPrice < spec.minNotional {
            throw APIError.minNotional(WireDecimal.plain(spec.minNotional))
        }
        // Only the part that opens exposure needs margin.
        let opening: Decimal = (position == 0 || (position > 0) == (signed > 0)) ? qty : max(0, qty - WireDecimal.abs(position))
        if !reduceOnly && opening > 0 {
            let needed = opening * refPrice / Decimal(leverage(account, spec.symbol)) + opening * refPrice * options.takerFeeRate
            let room = MarginBook.availableForOpening(marginSummary(account, at: t), position: marginLines(account, at: t)[spec.symbol],
                                                      opening: opening, amount: qty)
            if needed > room { throw APIError.marginInsufficient }
        }

        let order = OrderRecord(
            orderId: newOrderId(), clientOrderId: clientOrderId, symbol: spec.symbol, side: side, type: type,
            origType: type, timeInForce: tif, price: limitPrice, stopPrice: 0, origQty: qty, executedQty: 0,
            cumQuote: 0, status: "NEW", reduceOnly: reduceOnly, closePosition: false, time: t, updateTime: t,
            apiKey: apiKey)
        orders.append(order)
        let index = orders.count - 1
        if type == "MARKET", let mark {
            execute(orderAt: index, price: mark, maker: false, at: t)
        } else if type == "LIMIT" {
            let marketable = mark.map { side == "BUY" ? limitPrice >= $0 : limitPrice <= $0 } ?? false
            if marketable {
                if tif == "GTX" {
                    orders[index].status = "EXPIRED"
                } else if let mark {
                    execute(orderAt: index, price: mark, maker: false, at: t)
                }
            } else if tif == "IOC" || tif == "FOK" {
                orders[index].status = "EXPIRED"
            }
        }
        return (orders[index], respType == "RESULT", order)
    }

    /// POST /fapi/v1/algoOrder (algoType CONDITIONAL).
    func placeAlgoOrder(_ params: RequestParams, apiKey: String, at t: Int64) throws -> AlgoOrderRecord {
        let algoType = try params.required("algoType")
        guard algoType == "CONDITIONAL" else { throw APIError.invalidParameter("algoType") }
        let spec = try spec(params)
        let side = try side(params)
        let type = try params.required("type")
        guard Self.orderTypes.contains(type) else { throw APIError.badOrderType }
        guard Self.conditionalTypes.contains(type) else { throw APIError.badOrderType }
        let trailing = type == "TRAILING_STOP_MARKET"
        try checkPositionSide(params, apiKey: apiKey)
        let tif = params["timeInForce"] ?? "GTC"
        guard Self.timeInForces.contains(tif) else { throw APIError.badTimeInForce }
        let workingType = params["workingType"] ?? "CONTRACT_PRICE"
        guard workingType == "CONTRACT_PRICE" || workingType == "MARK_PRICE" else {
            throw APIError(status: 400, code: -4031, msg: "Invalid parameter working type: \(workingType)")
        }
        let closePosition = try params.bool("closePosition") ?? false
        let reduceOnly = try params.bool("reduceOnly") ?? false
        let isMarket = type.hasSuffix("_MARKET")
        if closePosition && !isMarket { throw APIError.invalidParameter("closePosition") }
        if closePosition && params["quantity"] != nil { throw APIError.closePositionWithQty }
        let qty: Decimal = closePosition ? 0 : try quantity(params, spec, market: isMarket)
        var callbackRate: Decimal = 0, activate: Decimal = 0
        if trailing {
            // Binance: callbackRate min 0.1, max 10 (1 = 1 %); activatePrice optional, on the tick grid.
            guard let rate = try params.decimal("callbackRate") else { throw APIError.mandatory("callbackRate") }
            guard rate >= dec("0.1") && rate <= 10 else { throw APIError.invalidParameter("callbackRate") }
            callbackRate = rate
            if params["activatePrice"] != nil { activate = try price("activatePrice", params, spec) }
        }
        let trigger: Decimal = trailing ? 0 : try price("triggerPrice", params, spec)
        if let match = params["priceMatch"] {
            guard Self.priceMatches.contains(match) else { throw APIError.invalidParameter("priceMatch") }
            if params["price"] != nil { throw APIError(status: 400, code: -1106, msg: "Parameter 'price' sent when not required.") }
        }
        let limit: Decimal = isMarket || params["priceMatch"] != nil ? 0 : try price("price", params, spec)
        if !trailing, let mark = price(spec.symbol, at: t) {
            let isStop = type.hasPrefix("STOP")
            let triggersUp = (isStop && side == "BUY") || (!isStop && side == "SELL")
            if triggersUp ? mark >= trigger : mark <= trigger { throw APIError.immediateTrigger }
        }
        let clientAlgoId = try clientId(params, "clientAlgoId", prefix: "algo_")
        if algoOrders.contains(where: { $0.apiKey == apiKey && $0.clientAlgoId == clientAlgoId && $0.algoStatus == "NEW" }) {
            throw APIError.duplicateClientOrderId
        }
        let algo = AlgoOrderRecord(
            algoId: newAlgoId(), clientAlgoId: clientAlgoId, symbol: spec.symbol, side: side, orderType: type,
            quantity: qty, price: limit, triggerPrice: trigger, timeInForce: tif, workingType: workingType,
            reduceOnly: reduceOnly, closePosition: closePosition, algoStatus: "NEW", createTime: t, updateTime: t,
            triggerTime: 0, actualOrderId: nil, apiKey: apiKey, callbackRate: callbackRate, activatePrice: activate,
            extreme: trailing && activate == 0 ? (price(spec.symbol, at: t) ?? 0) : 0)
        algoOrders.append(algo)
        return algo
    }

    /// Finds a caller's order by orderId or origClientOrderId (-1102 when neither is sent).
    func findOrder(_ params: RequestParams, apiKey: String, symbol: String) throws -> Int? {
        if let id = try params.int64("orderId") {
            return orders.firstIndex { $0.apiKey == apiKey && $0.symbol == symbol && $0.orderId == id }
        }
        if let cid = params["origClientOrderId"] {
            return orders.lastIndex { $0.apiKey == apiKey && $0.symbol == symbol && $0.clientOrderId == cid }
        }
        throw APIError.eitherMandatory("orderId", "origClientOrderId")
    }
}
