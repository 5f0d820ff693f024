import Bot
import Exchange
import Foundation

/// The simulated market's filters (PRICE_FILTER tick, LOT_SIZE / MARKET_LOT_SIZE step and maxima, MIN_NOTIONAL):
/// derived from the candles' price range so the balance can always buy what it affords, or taken from a real
/// exchangeInfo entry (`--market-filters FILE`). Either way the report header prints them.
public enum MarketFilters {
    /// How many times the starting stake (balance × leverage) the quantity caps leave room for: a balance that grows
    /// a thousandfold still buys what it affords at the lowest price of the period.
    public static let headroom: Decimal = 1_000

    /// Filters that suit the price scale of `candles`: tick ≈ 5 significant digits of the lowest price, step so the
    /// smallest order is worth ≈ 0.1–1 USDT at the highest, min notional 100 (Binance BTCUSDT's), and quantity caps
    /// (LOT_SIZE and MARKET_LOT_SIZE max) the next power of ten above `headroom` × balance × leverage / lowest price.
    /// With Binance's own BTCUSDT caps (120 BTC per market order) a 2015-priced file capped entries far below what
    /// the balance affords.
    public static func derived(symbol: String, candles: [Candle], balance: Decimal, leverage: Int) -> Market {
        let lows = candles.map(\.low).filter { $0 > 0 }
        let minPrice = lows.min() ?? 1, maxPrice = candles.map(\.high).max() ?? 1
        let tickExp = min(-1, Int(floor(log10(minPrice))) - 4)
        let stepExp = max(-3, min(0, Int(floor(log10(100 / maxPrice)))))
        let affordable = NSDecimalNumber(decimal: headroom * balance * Decimal(max(1, leverage))).doubleValue / minPrice
        let capExp = max(3, Int(ceil(log10(max(1, affordable)))))
        var market = SimulationSettings.market(symbol: symbol, tick: pow10(tickExp), step: pow10(stepExp), minNotional: 100)
        market.limits.amount.max = pow10(capExp)
        market.limits.market.max = pow10(capExp)
        return market
    }

    /// One line for the report header: "tick 0.01, step 0.001, max qty 1000000 (LOT_SIZE) / 1000000 (MARKET_LOT_SIZE),
    /// min notional 100".
    public static func describe(_ market: Market) -> String {
        func f(_ d: Decimal?) -> String { d.map(Precision.format) ?? "none" }
        return "\(market.id): tick \(f(market.precision.price)), step \(f(market.precision.amount)), "
            + "min qty \(f(market.limits.amount.min)), max qty \(f(market.limits.amount.max)) (LOT_SIZE) / "
            + "\(f(market.limits.market.max ?? market.limits.amount.max)) (MARKET_LOT_SIZE), min notional \(f(market.limits.cost.min))"
    }

    static func pow10(_ e: Int) -> Decimal { Decimal(sign: .plus, exponent: e, significand: 1) }
}
