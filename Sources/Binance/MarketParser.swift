import Foundation
import Exchange

/// exchangeInfo -> unified markets, as CCXT's `parse_market` for USDⓈ-M: precision from PRICE_FILTER
/// `tickSize` and LOT_SIZE `stepSize`, limits from LOT_SIZE / MARKET_LOT_SIZE / PRICE_FILTER / MIN_NOTIONAL.
enum MarketParser {
    struct RateLimits { var weightPerMinute: Int?; var ordersPer10s: Int?; var ordersPerMinute: Int? }

    static func markets(_ info: [String: Any]) throws -> [Market] {
        let symbols = (info["symbols"] as? [Any]) ?? []
        return symbols.compactMap { ($0 as? [String: Any]).flatMap(market) }
    }

    static func market(_ s: [String: Any]) -> Market? {
        guard let id = JSON.string(s, "symbol"), let base = JSON.string(s, "baseAsset"),
              let quote = JSON.string(s, "quoteAsset") else { return nil }
        let settle = JSON.string(s, "marginAsset") ?? quote
        let contractType = JSON.string(s, "contractType") ?? "PERPETUAL"
        var symbol = "\(base)/\(quote):\(settle)"
        var type = MarketType.swap
        // PERPETUAL and TRADIFI_PERPETUAL (stock/commodity perps) are swaps; CURRENT_/NEXT_QUARTER… are futures.
        if !contractType.hasSuffix("PERPETUAL") && !contractType.isEmpty {
            type = .future
            if let delivery = JSON.int64(s, "deliveryDate") { symbol += "-" + yymmdd(delivery) }
        }
        var tick: Decimal?, step: Decimal?
        var limits = Market.Limits()
        for case let f as [String: Any] in (s["filters"] as? [Any]) ?? [] {
            switch JSON.string(f, "filterType") {
            case "PRICE_FILTER":
                tick = JSON.decimal(f, "tickSize")
                limits.price = MinMax(min: positive(JSON.decimal(f, "minPrice")), max: positive(JSON.decimal(f, "maxPrice")))
            case "LOT_SIZE":
                step = JSON.decimal(f, "stepSize")
                limits.amount = MinMax(min: positive(JSON.decimal(f, "minQty")), max: positive(JSON.decimal(f, "maxQty")))
            case "MARKET_LOT_SIZE":
                limits.market = MinMax(min: positive(JSON.decimal(f, "minQty")), max: positive(JSON.decimal(f, "maxQty")))
            case "MIN_NOTIONAL":
                limits.cost = MinMax(min: positive(JSON.decimal(f, "notional") ?? JSON.decimal(f, "minNotional")), max: nil)
            default: break
            }
        }
        if limits.market.min == nil && limits.market.max == nil { limits.market = limits.amount }
        let pricePrecision = JSON.int64(s, "pricePrecision").map { pow10(-Int($0)) } ?? Decimal(string: "0.01")!
        let qtyPrecision = JSON.int64(s, "quantityPrecision").map { pow10(-Int($0)) } ?? 1
        return Market(id: id, symbol: symbol, base: base, quote: quote, settle: settle, type: type,
                      contract: true, linear: settle == quote, inverse: settle != quote, contractSize: 1,
                      active: JSON.string(s, "status") == "TRADING",
                      precision: .init(amount: step ?? qtyPrecision, price: tick ?? pricePrecision), limits: limits)
    }

    static func rateLimits(_ info: [String: Any]) -> RateLimits {
        var r = RateLimits()
        for case let l as [String: Any] in (info["rateLimits"] as? [Any]) ?? [] {
            let kind = JSON.string(l, "rateLimitType"), interval = JSON.string(l, "interval")
            let num = JSON.int64(l, "intervalNum") ?? 1
            guard let limit = JSON.int64(l, "limit").map(Int.init) else { continue }
            switch (kind, interval, num) {
            case ("REQUEST_WEIGHT", "MINUTE", 1): r.weightPerMinute = limit
            case ("ORDERS", "SECOND", 10): r.ordersPer10s = limit
            case ("ORDERS", "MINUTE", 1): r.ordersPerMinute = limit
            default: break
            }
        }
        return r
    }

    private static func positive(_ d: Decimal?) -> Decimal? { d.flatMap { $0 > 0 ? $0 : nil } }
    private static func pow10(_ e: Int) -> Decimal {
        var d = Decimal(1)
        if e >= 0 { for _ in 0..<e { d *= 10 } } else { for _ in 0..<(-e) { d /= 10 } }
        return d
    }
    private static func yymmdd(_ ms: Int64) -> String {
        let date = Date(timeIntervalSince1970: Double(ms) / 1000)
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "UTC") ?? cal.timeZone
        let c = cal.dateComponents([.year, .month, .day], from: date)
        return String(format: "%02d%02d%02d", (c.year ?? 0) % 100, c.month ?? 0, c.day ?? 0)
    }
}
