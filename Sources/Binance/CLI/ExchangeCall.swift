import Foundation
import Exchange

/// `trading-bot exchange METHOD ARGS...`: one unified method called with CCXT's positional arguments (the
/// last one, `params`, may be given positionally as a JSON object and/or with --params), the result rendered
/// as the JSON CCXT returns. Works on any `Exchange`, so it needs no model and no bot state.
public enum ExchangeCall {
    /// Method name -> positional argument names in CCXT's order; `?` marks optional ones.
    public static let signatures: [(name: String, args: [String])] = [
        ("loadMarkets", ["reload?", "params?"]), ("fetchMarkets", ["params?"]), ("market", ["symbol"]),
        ("fetchTime", ["params?"]), ("fetchStatus", ["params?"]),
        ("fetchOHLCV", ["symbol", "timeframe?", "since?", "limit?", "params?"]),
        ("fetchTicker", ["symbol", "params?"]), ("fetchTickers", ["symbols?", "params?"]),
        ("fetchLastPrices", ["symbols?", "params?"]),
        ("fetchOrderBook", ["symbol", "limit?", "params?"]),
        ("fetchMarkPrice", ["symbol", "params?"]), ("fetchMarkPrices", ["symbols?", "params?"]),
        ("fetchFundingRate", ["symbol", "params?"]), ("fetchFundingRates", ["symbols?", "params?"]),
        ("fetchFundingRateHistory", ["symbol?", "since?", "limit?", "params?"]),
        ("fetchFundingHistory", ["symbol?", "since?", "limit?", "params?"]),
        ("fetchLeverageTiers", ["symbols?", "params?"]),
        ("fetchBalance", ["params?"]), ("fetchPositions", ["symbols?", "params?"]),
        ("fetchPositionMode", ["symbol?", "params?"]), ("setPositionMode", ["hedged", "symbol?", "params?"]),
        ("createOrder", ["symbol", "type", "side", "amount", "price?", "params?"]),
        ("createOrders", ["orders", "params?"]),
        ("editOrder", ["id", "symbol", "type", "side", "amount?", "price?", "params?"]),
        ("fetchOrder", ["id", "symbol", "params?"]),
        ("fetchOpenOrders", ["symbol?", "since?", "limit?", "params?"]),
        ("fetchOrders", ["symbol?", "since?", "limit?", "params?"]),
        ("fetchClosedOrders", ["symbol?", "since?", "limit?", "params?"]),
        ("fetchCanceledOrders", ["symbol?", "since?", "limit?", "params?"]),
        ("fetchOrderTrades", ["id", "symbol", "since?", "limit?", "params?"]),
        ("cancelOrder", ["id", "symbol", "params?"]), ("cancelOrders", ["ids", "symbol", "params?"]),
        ("cancelAllOrders", ["symbol", "params?"]),
        ("fetchOrderWithClientOrderId", ["clientOrderId", "symbol", "params?"]),
        ("cancelOrderWithClientOrderId", ["clientOrderId", "symbol", "params?"]),
        ("editOrderWithClientOrderId", ["clientOrderId", "symbol", "type", "side", "amount?", "price?", "params?"]),
        ("fetchMyTrades", ["symbol", "since?", "limit?", "params?"]),
        ("setLeverage", ["leverage", "symbol", "params?"]), ("setMarginMode", ["marginMode", "symbol", "params?"]),
        ("amountToPrecision", ["symbol", "amount"]), ("priceToPrecision", ["symbol", "price"]),
    ]

    /// Methods that need an account (API key and secret).
    public static let privateMethods: Set<String> = [
        "fetchBalance", "fetchPositions", "createOrder", "createOrders", "editOrder", "fetchOrder", "fetchOpenOrders",
        "fetchOrders", "fetchClosedOrders", "fetchCanceledOrders", "fetchOrderTrades", "cancelOrder", "cancelOrders",
        "cancelAllOrders", "fetchMyTrades", "setLeverage", "setMarginMode", "fetchFundingHistory", "fetchLeverageTiers",
        "fetchPositionMode", "setPositionMode", "fetchOrderWithClientOrderId", "cancelOrderWithClientOrderId",
        "editOrderWithClientOrderId",
    ]
    /// Methods that change the account (need --confirm-live in live mode).
    public static let mutatingMethods: Set<String> = [
        "createOrder", "createOrders", "editOrder", "cancelOrder", "cancelOrders", "cancelAllOrders", "setLeverage",
        "setMarginMode", "setPositionMode", "cancelOrderWithClientOrderId", "editOrderWithClientOrderId",
    ]

    public static var usage: String {
        signatures.map { s in ([s.name] + s.args.map { $0.hasSuffix("?") ? "[\($0.dropLast())]" : $0 }).joined(separator: " ") }
            .joined(separator: "\n")
    }

    /// Parses the command-line words (see `CLIArgument`), calls `method` and returns the result as indented JSON.
    public static func run(_ exchange: any Exchange, method: String, args rawArgs: [String], params: Params) async throws -> String {
        let values = try rawArgs.map(CLIArgument.parse)
        return try await call(exchange, method: method, args: values, params: params).text(indent: 2)
    }

    /// Calls `method` with CCXT positional arguments (null = left out) and returns CCXT's unified JSON.
    /// `params` (from --params) is merged over a positional params object.
    public static func call(_ exchange: any Exchange, method: String, args values: [JSONValue], params extra: Params = [:]) async throws -> JSONValue {
        guard let sig = signatures.first(where: { $0.name == method }) else {
            throw ExchangeFailure(.notSupported, exchange: exchange.id, message: "unknown method '\(method)'; one of: \(signatures.map(\.name).joined(separator: ", "))", method: method)
        }
        let required = sig.args.filter { !$0.hasSuffix("?") }.count
        guard values.count <= sig.args.count else {
            throw ExchangeFailure(.badRequest, exchange: exchange.id, message: "\(method) takes \(sig.args.map { $0.hasSuffix("?") ? "[\($0.dropLast())]" : $0 }.joined(separator: " ")); got \(values.count) arguments", method: method)
        }
        let a = Args(values: values, names: sig.args, method: method)
        for i in 0..<required where a.value(i) == nil && sig.args[i] != "id" {
            throw a.bad(i, "given (got \(i < values.count ? "null" : "nothing"))")
        }
        var params = try a.params()
        params.merge(extra) { _, new in new }
        let ex = exchange
        switch method {
        case "loadMarkets":
            let m = try await ex.loadMarkets(reload: a.bool(0) ?? false)
            return .object(try m.keys.sorted().map { ($0, try encodable(m[$0])) })
        case "fetchMarkets": return .array(try await ex.fetchMarkets().map(encodable))
        case "market": return try encodable(try await ex.market(try a.string(0)))
        case "fetchTime": return .number(Decimal(try await ex.fetchTime()))
        case "fetchStatus": return try await ex.fetchStatus(params: params).ccxt
        case "fetchOHLCV":
            let tf = try Timeframe(a.optionalString(1) ?? "1m")
            return .array(try await ex.fetchOHLCV(symbol: try a.string(0), timeframe: tf, since: try a.int64(2),
                                                  limit: try a.int(3), params: params).map(\.ccxt))
        case "fetchTicker": return try await ex.fetchTicker(symbol: try a.string(0), params: params).ccxt
        case "fetchTickers": return keyed(try await ex.fetchTickers(symbols: try a.stringList(0), params: params))
        case "fetchLastPrices": return keyed(try await ex.fetchLastPrices(symbols: try a.stringList(0), params: params))
        case "fetchOrderBook": return try await ex.fetchOrderBook(symbol: try a.string(0), limit: try a.int(1), params: params).ccxt
        case "fetchMarkPrice": return try await ex.fetchMarkPrice(symbol: try a.string(0), params: params).ccxt
        case "fetchMarkPrices": return keyed(try await ex.fetchMarkPrices(symbols: try a.stringList(0), params: params))
        case "fetchFundingRate": return try await ex.fetchFundingRate(symbol: try a.string(0), params: params).ccxt
        case "fetchFundingRates": return keyed(try await ex.fetchFundingRates(symbols: try a.stringList(0), params: params))
        case "fetchFundingRateHistory":
            return .array(try await ex.fetchFundingRateHistory(symbol: a.optionalString(0), since: try a.int64(1), limit: try a.int(2), params: params).map(\.ccxt))
        case "fetchFundingHistory":
            return .array(try await ex.fetchFundingHistory(symbol: a.optionalString(0), since: try a.int64(1), limit: try a.int(2), params: params).map(\.ccxt))
        case "fetchLeverageTiers":
            let tiers = try await ex.fetchLeverageTiers(symbols: try a.stringList(0), params: params)
            return .object(tiers.keys.sorted().map { ($0, .array((tiers[$0] ?? []).map(\.ccxt))) })
        case "fetchBalance": return try await ex.fetchBalance(params: params).ccxt
        case "fetchPositions": return .array(try await ex.fetchPositions(symbols: try a.stringList(0), params: params).map(\.ccxt))
        case "fetchPositionMode": return try await ex.fetchPositionMode(symbol: a.optionalString(0), params: params).ccxt
        case "setPositionMode":
            guard let hedged = a.bool(0) else { throw a.bad(0, "true or false") }
            return try await ex.setPositionMode(hedged: hedged, symbol: a.optionalString(1), params: params)
        case "createOrder":
            return try await ex.createOrder(symbol: try a.string(0), type: try a.orderType(1), side: try a.side(2),
                                            amount: try a.decimal(3), price: try a.optionalDecimal(4), params: params).ccxt
        case "createOrders":
            return .array(try await ex.createOrders(try a.orderRequests(0), params: params).map(\.ccxt))
        case "editOrder":
            return try await ex.editOrder(id: a.optionalString(0) ?? "", symbol: try a.string(1), type: try a.orderType(2), side: try a.side(3),
                                          amount: try a.optionalDecimal(4), price: try a.optionalDecimal(5), params: params).ccxt
        case "editOrderWithClientOrderId":
            return try await ex.editOrderWithClientOrderId(try a.string(0), symbol: try a.string(1), type: try a.orderType(2), side: try a.side(3),
                                                           amount: try a.optionalDecimal(4), price: try a.optionalDecimal(5), params: params).ccxt
        case "fetchOrder": return try await ex.fetchOrder(id: a.optionalString(0), symbol: try a.string(1), params: params).ccxt
        case "fetchOrderWithClientOrderId": return try await ex.fetchOrderWithClientOrderId(try a.string(0), symbol: try a.string(1), params: params).ccxt
        case "fetchOpenOrders":
            return .array(try await ex.fetchOpenOrders(symbol: a.optionalString(0), since: try a.int64(1), limit: try a.int(2), params: params).map(\.ccxt))
        case "fetchOrders":
            return .array(try await ex.fetchOrders(symbol: a.optionalString(0), since: try a.int64(1), limit: try a.int(2), params: params).map(\.ccxt))
        case "fetchClosedOrders":
            return .array(try await ex.fetchClosedOrders(symbol: a.optionalString(0), since: try a.int64(1), limit: try a.int(2), params: params).map(\.ccxt))
        case "fetchCanceledOrders":
            return .array(try await ex.fetchCanceledOrders(symbol: a.optionalString(0), since: try a.int64(1), limit: try a.int(2), params: params).map(\.ccxt))
        case "fetchOrderTrades":
            return .array(try await ex.fetchOrderTrades(id: try a.string(0), symbol: try a.string(1), since: try a.int64(2), limit: try a.int(3), params: params).map(\.ccxt))
        case "cancelOrder": return try await ex.cancelOrder(id: a.optionalString(0), symbol: try a.string(1), params: params).ccxt
        case "cancelOrderWithClientOrderId": return try await ex.cancelOrderWithClientOrderId(try a.string(0), symbol: try a.string(1), params: params).ccxt
        case "cancelOrders":
            return .array(try await ex.cancelOrders(ids: try a.stringList(0) ?? [], symbol: try a.string(1), params: params).map(\.ccxt))
        case "cancelAllOrders": return .array(try await ex.cancelAllOrders(symbol: try a.string(0), params: params).map(\.ccxt))
        case "fetchMyTrades":
            return .array(try await ex.fetchMyTrades(symbol: try a.string(0), since: try a.int64(1), limit: try a.int(2), params: params).map(\.ccxt))
        case "setLeverage":
            guard let lev = try a.int(0) else { throw a.bad(0, "an integer") }
            return try await ex.setLeverage(lev, symbol: try a.string(1), params: params)
        case "setMarginMode":
            guard let mode = MarginMode(rawValue: try a.string(0).lowercased()) else { throw a.bad(0, "isolated or cross") }
            return try await ex.setMarginMode(mode, symbol: try a.string(1), params: params)
        case "amountToPrecision": return .string(try await ex.amountToPrecision(try a.string(0), try a.decimal(1)))
        case "priceToPrecision": return .string(try await ex.priceToPrecision(try a.string(0), try a.decimal(1)))
        default: throw ExchangeFailure(.notSupported, message: "unknown method '\(method)'", method: method)
        }
    }

    static func keyed<T: CCXTShaped>(_ d: [String: T]) -> JSONValue { .object(d.keys.sorted().map { ($0, d[$0]?.ccxt ?? .null) }) }

    static func encodable<T: Encodable>(_ value: T) throws -> JSONValue {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try JSONValue.parse(String(decoding: try encoder.encode(value), as: UTF8.self))
    }

    struct Args {
        let values: [JSONValue]
        let names: [String]
        let method: String

        func name(_ i: Int) -> String { names[i].hasSuffix("?") ? String(names[i].dropLast()) : names[i] }
        func bad(_ i: Int, _ expected: String) -> ExchangeFailure {
            let got = i < values.count ? values[i].text() : "nothing"
            return ExchangeFailure(.badRequest, message: "\(method): argument \(i + 1) (\(name(i))) must be \(expected); got \(got)", method: method)
        }
        func value(_ i: Int) -> JSONValue? { i < values.count && !values[i].isNull ? values[i] : nil }
        func string(_ i: Int) throws -> String {
            guard let v = value(i), let s = v.stringValue else { throw bad(i, "a string") }
            return s
        }
        func optionalString(_ i: Int) -> String? { value(i)?.stringValue }
        func decimal(_ i: Int) throws -> Decimal {
            guard let d = try optionalDecimal(i) else { throw bad(i, "a number") }
            return d
        }
        func optionalDecimal(_ i: Int) throws -> Decimal? {
            guard let v = value(i) else { return nil }
            switch v {
            case .number(let d): return d
            case .string(let s): if let d = Precision.parse(s) { return d }
            default: break
            }
            throw bad(i, "a number or null")
        }
        func int64(_ i: Int) throws -> Int64? {
            guard let v = value(i) else { return nil }
            guard let text = v.stringValue, let n = Int64(text) else { throw bad(i, "an integer or null") }
            return n
        }
        func int(_ i: Int) throws -> Int? { try int64(i).map { Int($0) } }
        func bool(_ i: Int) -> Bool? {
            switch value(i) {
            case .bool(let b)?: return b
            case .string(let s)?: return s == "true" ? true : (s == "false" ? false : nil)
            default: return nil
            }
        }
        func stringList(_ i: Int) throws -> [String]? {
            switch value(i) {
            case .array(let items)?: return items.compactMap(\.stringValue)
            case .string(let s)?: return s.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            case nil: return nil
            default: throw bad(i, "a list like [\"BTC/USDT:USDT\"]")
            }
        }
        func orderType(_ i: Int) throws -> OrderType {
            guard let t = OrderType(name: try string(i)) else { throw bad(i, "one of \(OrderType.allCases.map(\.rawValue).joined(separator: ", "))") }
            return t
        }
        func side(_ i: Int) throws -> OrderSide {
            guard let s = OrderSide(rawValue: try string(i).lowercased()) else { throw bad(i, "buy or sell") }
            return s
        }
        /// The positional `params` object, wherever the signature puts it.
        func params() throws -> Params {
            guard let i = names.firstIndex(of: "params?"), let v = value(i) else { return [:] }
            guard case .object(let pairs) = v else { throw bad(i, "a JSON object") }
            return Dictionary(pairs.map { ($0.0, ParamValue(json: $0.1)) }, uniquingKeysWith: { _, b in b })
        }
        /// createOrders' list of {symbol, type, side, amount, price, params}.
        func orderRequests(_ i: Int) throws -> [CreateOrderRequest] {
            guard case .array(let items)? = value(i) else { throw bad(i, #"a list of {"symbol","type","side","amount","price","params"}"#) }
            return try items.enumerated().map { n, item in
                guard case .object = item, let symbol = item["symbol"]?.stringValue,
                      let type = item["type"]?.stringValue.flatMap(OrderType.init(name:)),
                      let side = item["side"]?.stringValue.flatMap({ OrderSide(rawValue: $0.lowercased()) }),
                      let amount = item["amount"]?.stringValue.flatMap(Precision.parse) else {
                    throw bad(i, "a list of orders with symbol, type, side and amount (entry \(n + 1) is \(item.text()))")
                }
                let price = item["price"].flatMap { $0.isNull ? nil : $0.stringValue.flatMap(Precision.parse) }
                var p: Params = [:]
                if case .object(let pairs)? = item["params"] { for (k, v) in pairs { p[k] = ParamValue(json: v) } }
                return CreateOrderRequest(symbol: symbol, type: type, side: side, amount: amount, price: price, params: p)
            }
        }
    }
}
