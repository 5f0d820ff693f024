import Foundation

/// Every Binance USDⓈ-M REST endpoint the client calls, with its security and cost.
public struct Endpoint: Sendable, Hashable, CustomStringConvertible {
    public let method: String
    public let path: String
    /// Needs timestamp + signature + API key.
    public let signed: Bool
    /// IP request weight (klines and some lists vary; see `weight(for:)`).
    public let weight: Int
    /// Counts against the order-rate limits (X-MBX-ORDER-COUNT-*).
    public let placesOrder: Bool
    /// Safe to repeat blindly after a timeout (reads and "set to X" calls).
    public let idempotent: Bool

    public var description: String { "\(method) \(path)" }

    public static let time = Endpoint(method: "GET", path: "/fapi/v1/time", signed: false, weight: 1, placesOrder: false, idempotent: true)
    public static let exchangeInfo = Endpoint(method: "GET", path: "/fapi/v1/exchangeInfo", signed: false, weight: 1, placesOrder: false, idempotent: true)
    public static let klines = Endpoint(method: "GET", path: "/fapi/v1/klines", signed: false, weight: 5, placesOrder: false, idempotent: true)
    public static let ticker24hr = Endpoint(method: "GET", path: "/fapi/v1/ticker/24hr", signed: false, weight: 1, placesOrder: false, idempotent: true)
    public static let account = Endpoint(method: "GET", path: "/fapi/v3/account", signed: true, weight: 5, placesOrder: false, idempotent: true)
    public static let positionRisk = Endpoint(method: "GET", path: "/fapi/v3/positionRisk", signed: true, weight: 5, placesOrder: false, idempotent: true)
    public static let newOrder = Endpoint(method: "POST", path: "/fapi/v1/order", signed: true, weight: 1, placesOrder: true, idempotent: false)
    public static let queryOrder = Endpoint(method: "GET", path: "/fapi/v1/order", signed: true, weight: 1, placesOrder: false, idempotent: true)
    public static let cancelOrder = Endpoint(method: "DELETE", path: "/fapi/v1/order", signed: true, weight: 1, placesOrder: false, idempotent: false)
    public static let openOrders = Endpoint(method: "GET", path: "/fapi/v1/openOrders", signed: true, weight: 1, placesOrder: false, idempotent: true)
    public static let cancelAllOpenOrders = Endpoint(method: "DELETE", path: "/fapi/v1/allOpenOrders", signed: true, weight: 1, placesOrder: false, idempotent: true)
    public static let userTrades = Endpoint(method: "GET", path: "/fapi/v1/userTrades", signed: true, weight: 5, placesOrder: false, idempotent: true)
    public static let leverage = Endpoint(method: "POST", path: "/fapi/v1/leverage", signed: true, weight: 1, placesOrder: false, idempotent: true)
    public static let marginType = Endpoint(method: "POST", path: "/fapi/v1/marginType", signed: true, weight: 1, placesOrder: false, idempotent: true)
    public static let newAlgoOrder = Endpoint(method: "POST", path: "/fapi/v1/algoOrder", signed: true, weight: 1, placesOrder: true, idempotent: false)
    public static let queryAlgoOrder = Endpoint(method: "GET", path: "/fapi/v1/algoOrder", signed: true, weight: 1, placesOrder: false, idempotent: true)
    public static let cancelAlgoOrder = Endpoint(method: "DELETE", path: "/fapi/v1/algoOrder", signed: true, weight: 1, placesOrder: false, idempotent: false)
    public static let openAlgoOrders = Endpoint(method: "GET", path: "/fapi/v1/openAlgoOrders", signed: true, weight: 1, placesOrder: false, idempotent: true)
    public static let cancelAllAlgoOrders = Endpoint(method: "DELETE", path: "/fapi/v1/algoOpenOrders", signed: true, weight: 1, placesOrder: false, idempotent: true)

    /// Weight of one request with these parameters (klines cost more with larger limits; lists without symbol cost 40).
    public func weight(for query: QueryString) -> Int {
        if self == .klines {
            let limit = Int(query["limit"] ?? "500") ?? 500
            switch limit { case ..<100: return 1; case ..<500: return 2; case ...1000: return 5; default: return 10 }
        }
        if (self == .openOrders || self == .ticker24hr || self == .openAlgoOrders) && query["symbol"] == nil { return 40 }
        return weight
    }
}
