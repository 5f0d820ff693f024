import Foundation
import Exchange

/// `trading-bot exchange METHOD ARGS...`: one unified method called with CCXT's positional arguments,
/// the result rendered as JSON. Works on any `Exchange`, so it needs no model and no bot state.
public enum ExchangeCall {
    /// Method name -> positional argument names (CCXT order); `?` marks optional ones.
    public static let signatures: [(name: String, args: [String])] = [
        ("loadMarkets", ["reload?"]), ("fetchMarkets", []), ("market", ["symbol"]), ("fetchTime", []),
        ("fetchOHLCV", ["symbol", "timeframe?", "since?", "limit?"]), ("fetchTicker", ["symbol"]),
        ("fetchBalance", []), ("fetchPositions", ["symbols?"]),
        ("createOrder", ["symbol", "type", "side", "amount", "price?"]),
        ("fetchOrder", ["id", "symbol"]), ("fetchOpenOrders", ["symbol?"]), ("cancelOrder", ["id", "symbol"]),
        ("cancelAllOrders", ["symbol"]), ("fetchMyTrades", ["symbol", "since?", "limit?"]),
        ("setLeverage", ["leverage", "symbol"]), ("setMarginMode", ["marginMode", "symbol"]),
        ("amountToPrecision", ["symbol", "amount"]), ("priceToPrecision", ["symbol", "price"]),
    ]

    /// Methods that need an account (API key and secret).
    public static let privateMethods: Set<String> = [
        "fetchBalance", "fetchPositions", "createOrder", "fetchOrder", "fetchOpenOrders", "cancelOrder",
        "cancelAllOrders", "fetchMyTrades", "setLeverage", "setMarginMode",
    ]
    /// Methods that change the account (need --confirm-live in live mode).
    public static let mutatingMethods: Set<String> = ["createOrder", "cancelOrder", "cancelAllOrders", "setLeverage", "setMarginMode"]

    public static var usage: String {
        signatures.map { s in ([s.name] + s.args.map { $0.hasSuffix("?") ? "[\($0.dropLast())]" : $0 }).joined(separator: " ") }
            .joined(separator: "\n")
    }

    /// Calls `method` and returns pretty, key-sorted JSON.
    public static func run(_ exchange: any Exchange, method: String, args rawArgs: [String], params: Params) async throws -> String {
        guard let sig = signatures.first(where: { $0.name == method }) else {
            throw ExchangeFailure(.notSupported, exchange: exchange.id, message: "unknown method '\(method)'; one of: \(signatures.map(\.name).joined(separator: ", "))", method: method)
        }
        let required = sig.args.filter { !$0.hasSuffix("?") }.count
        guard rawArgs.count >= required, rawArgs.count <= sig.args.count else {
            throw ExchangeFailure(.badRequest, exchange: exchange.id, message: "\(method) takes \(sig.args.joined(separator: " ")); got \(rawArgs.count) argument(s)", method: method)
        }
        let a = Args(values: rawArgs.map(CLIValue.init(parsing:)), names: sig.args, method: method)
        switch method {
        case "loadMarkets": return try encode(try await exchange.loadMarkets(reload: a.bool(0) ?? false))
        case "fetchMarkets": return try encode(try await exchange.fetchMarkets())
        case "market": return try encode(try await exchange.market(try a.string(0)))
        case "fetchTime": return try encode(try await exchange.fetchTime())
        case "fetchOHLCV":
            let tf = try Timeframe(a.optionalString(1) ?? "1m")
            let candles = try await exchange.fetchOHLCV(symbol: try a.string(0), timeframe: tf, since: try a.int64(2), limit: try a.int64(3).map(Int.init))
            return try encode(candles.map(CandleRow.init))
        case "fetchTicker": return try encode(try await exchange.fetchTicker(symbol: try a.string(0)))
        case "fetchBalance": return try encode(try await exchange.fetchBalance())
        case "fetchPositions": return try encode(try await exchange.fetchPositions(symbols: a.stringList(0)))
        case "createOrder":
            guard let type = OrderType(name: try a.string(1)) else { throw a.bad(1, "one of \(OrderType.allCases.map(\.rawValue).joined(separator: ", "))") }
            guard let side = OrderSide(rawValue: try a.string(2).lowercased()) else { throw a.bad(2, "buy or sell") }
            return try encode(try await exchange.createOrder(symbol: try a.string(0), type: type, side: side,
                                                             amount: try a.decimal(3), price: try a.optionalDecimal(4), params: params))
        case "fetchOrder": return try encode(try await exchange.fetchOrder(id: a.optionalString(0), symbol: try a.string(1), params: params))
        case "fetchOpenOrders": return try encode(try await exchange.fetchOpenOrders(symbol: a.optionalString(0), params: params))
        case "cancelOrder": return try encode(try await exchange.cancelOrder(id: a.optionalString(0), symbol: try a.string(1), params: params))
        case "cancelAllOrders": return try encode(try await exchange.cancelAllOrders(symbol: try a.string(0), params: params))
        case "fetchMyTrades":
            return try encode(try await exchange.fetchMyTrades(symbol: try a.string(0), since: try a.int64(1), limit: try a.int64(2).map(Int.init), params: params))
        case "setLeverage":
            guard let lev = try a.int64(0) else { throw a.bad(0, "an integer") }
            try await exchange.setLeverage(Int(lev), symbol: try a.string(1))
            return try encode(["leverage": Int(lev)])
        case "setMarginMode":
            guard let mode = MarginMode(rawValue: try a.string(0).lowercased()) else { throw a.bad(0, "isolated or cross") }
            try await exchange.setMarginMode(mode, symbol: try a.string(1))
            return try encode(["marginMode": mode.rawValue])
        case "amountToPrecision": return try encode(try await exchange.amountToPrecision(try a.string(0), try a.decimal(1)))
        case "priceToPrecision": return try encode(try await exchange.priceToPrecision(try a.string(0), try a.decimal(1)))
        default: throw ExchangeFailure(.notSupported, message: "unknown method '\(method)'", method: method)
        }
    }

    /// CCXT's OHLCV row `[timestamp, open, high, low, close, volume]` with an integer timestamp.
    struct CandleRow: Encodable {
        let candle: Candle
        init(_ c: Candle) { candle = c }
        func encode(to encoder: Encoder) throws {
            var c = encoder.unkeyedContainer()
            try c.encode(candle.timestamp)
            for v in [candle.open, candle.high, candle.low, candle.close, candle.volume] { try c.encode(v) }
        }
    }

    static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    struct Args {
        let values: [CLIValue]
        let names: [String]
        let method: String

        func bad(_ i: Int, _ expected: String) -> ExchangeFailure {
            let name = names[i].hasSuffix("?") ? String(names[i].dropLast()) : names[i]
            let got = i < values.count ? "\(values[i])" : "nothing"
            return ExchangeFailure(.badRequest, message: "\(method): argument \(i + 1) (\(name)) must be \(expected); got \(got)", method: method)
        }
        func value(_ i: Int) -> CLIValue? { i < values.count && !values[i].isNull ? values[i] : nil }
        func string(_ i: Int) throws -> String {
            guard let s = value(i)?.stringValue else { throw bad(i, "a string") }
            return s
        }
        func optionalString(_ i: Int) -> String? { value(i)?.stringValue }
        func decimal(_ i: Int) throws -> Decimal {
            guard let d = value(i)?.decimalValue else { throw bad(i, "a number") }
            return d
        }
        func optionalDecimal(_ i: Int) throws -> Decimal? {
            guard let v = value(i) else { return nil }
            guard let d = v.decimalValue else { throw bad(i, "a number or null") }
            return d
        }
        func int64(_ i: Int) throws -> Int64? {
            guard let v = value(i) else { return nil }
            guard let text = v.stringValue, let n = Int64(text) else { throw bad(i, "an integer or null") }
            return n
        }
        func bool(_ i: Int) -> Bool? { if case .bool(let b)? = value(i) { return b }; return nil }
        func stringList(_ i: Int) -> [String]? {
            switch value(i) {
            case .array(let items)?: return items.compactMap(\.stringValue)
            case .string(let s)?: return s.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            default: return nil
            }
        }
    }
}
