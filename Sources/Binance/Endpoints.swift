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
    public static let tickerPrice = Endpoint(method: "GET", path: "/fapi/v2/ticker/price", signed: false, weight: 1, placesOrder: false, idempotent: true)
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

    public static let ping = Endpoint(method: "GET", path: "/fapi/v1/ping", signed: false, weight: 1, placesOrder: false, idempotent: true)
    public static let depth = Endpoint(method: "GET", path: "/fapi/v1/depth", signed: false, weight: 2, placesOrder: false, idempotent: true)
    public static let rpiDepth = Endpoint(method: "GET", path: "/fapi/v1/rpiDepth", signed: false, weight: 20, placesOrder: false, idempotent: true)
    public static let markPriceKlines = Endpoint(method: "GET", path: "/fapi/v1/markPriceKlines", signed: false, weight: 5, placesOrder: false, idempotent: true)
    public static let indexPriceKlines = Endpoint(method: "GET", path: "/fapi/v1/indexPriceKlines", signed: false, weight: 5, placesOrder: false, idempotent: true)
    public static let premiumIndexKlines = Endpoint(method: "GET", path: "/fapi/v1/premiumIndexKlines", signed: false, weight: 5, placesOrder: false, idempotent: true)
    public static let premiumIndex = Endpoint(method: "GET", path: "/fapi/v1/premiumIndex", signed: false, weight: 1, placesOrder: false, idempotent: true)
    public static let fundingRate = Endpoint(method: "GET", path: "/fapi/v1/fundingRate", signed: false, weight: 1, placesOrder: false, idempotent: true)
    public static let income = Endpoint(method: "GET", path: "/fapi/v1/income", signed: true, weight: 30, placesOrder: false, idempotent: true)
    public static let leverageBracket = Endpoint(method: "GET", path: "/fapi/v1/leverageBracket", signed: true, weight: 1, placesOrder: false, idempotent: true)
    /// Leverage and margin type in effect per symbol (fetchLeverages).
    public static let symbolConfig = Endpoint(method: "GET", path: "/fapi/v1/symbolConfig", signed: true, weight: 5, placesOrder: false, idempotent: true)
    public static let positionSideDual = Endpoint(method: "GET", path: "/fapi/v1/positionSide/dual", signed: true, weight: 30, placesOrder: false, idempotent: true)
    public static let setPositionSideDual = Endpoint(method: "POST", path: "/fapi/v1/positionSide/dual", signed: true, weight: 1, placesOrder: false, idempotent: true)
    public static let positionRiskV2 = Endpoint(method: "GET", path: "/fapi/v2/positionRisk", signed: true, weight: 5, placesOrder: false, idempotent: true)
    public static let allOrders = Endpoint(method: "GET", path: "/fapi/v1/allOrders", signed: true, weight: 5, placesOrder: false, idempotent: true)
    public static let allAlgoOrders = Endpoint(method: "GET", path: "/fapi/v1/allAlgoOrders", signed: true, weight: 5, placesOrder: false, idempotent: true)
    /// Modify order (editOrder): counts against the order-rate limits; never retried blindly.
    public static let modifyOrder = Endpoint(method: "PUT", path: "/fapi/v1/order", signed: true, weight: 1, placesOrder: true, idempotent: false)
    /// Up to 5 new orders in one request (createOrders): placing, so never retried blindly.
    public static let batchOrders = Endpoint(method: "POST", path: "/fapi/v1/batchOrders", signed: true, weight: 5, placesOrder: true, idempotent: false)
    public static let cancelBatchOrders = Endpoint(method: "DELETE", path: "/fapi/v1/batchOrders", signed: true, weight: 1, placesOrder: false, idempotent: false)

    /// Weight of one request with these parameters (klines cost more with larger limits; lists without symbol cost 40).
    public func weight(for query: QueryString) -> Int {
        if self == .klines {
            let limit = Int(query["limit"] ?? "500") ?? 500
            switch limit { case ..<100: return 1; case ..<500: return 2; case ...1000: return 5; default: return 10 }
        }
        if self == .depth {
            let limit = Int(query["limit"] ?? "500") ?? 500
            switch limit { case ...50: return 2; case ...100: return 5; case ...500: return 10; default: return 20 }
        }
        if self == .markPriceKlines || self == .indexPriceKlines || self == .premiumIndexKlines {
            return Endpoint.klines.weight(for: query)
        }
        if self == .premiumIndex && query["symbol"] == nil { return 10 }
        if self == .tickerPrice && query["symbol"] == nil { return 2 }
        if (self == .openOrders || self == .ticker24hr || self == .openAlgoOrders) && query["symbol"] == nil { return 40 }
        return weight
    }
}
