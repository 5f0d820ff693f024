import Bot
import Exchange
import Foundation

/// The venue's rules for a simulation: Binance USDⓈ-M defaults (VIP 0 fees, BTCUSDT filters, 0.4 % maintenance).
public struct SimulationSettings: Sendable {
    public var takerFee: Decimal = Decimal(string: "0.0005") ?? 0
    public var makerFee: Decimal = Decimal(string: "0.0002") ?? 0
    /// Funding rate charged every `fundingIntervalMs` (longs pay when positive); nil = no funding.
    public var fundingRate: Decimal?
    public var fundingIntervalMs: Int64 = 8 * 3_600_000
    /// Maintenance margin rate of the first Binance bracket; liquidation when margin + PnL falls to it.
    public var maintenanceMarginRate: Decimal = Decimal(string: "0.004") ?? 0
    public var initialBalance: Decimal = 10_000
    public var maxLeverage: Int = 125
    /// Returned by fetchOHLCV when `limit` is nil (Binance: 500, capped at 1500).
    public var defaultLimit: Int = 500
    public var maxLimit: Int = 1500

    public init() {}

    /// A BTCUSDT-like perpetual (tick 0.1, step 0.001, min notional 100 — Binance's values) for any unified symbol.
    public static func market(symbol: String = "BTC/USDT:USDT", tick: Decimal = Decimal(string: "0.1") ?? 0,
                              step: Decimal = Decimal(string: "0.001") ?? 0, minNotional: Decimal = 100) -> Market {
        let pair = symbol.split(separator: ":").first.map(String.init) ?? symbol
        let parts = pair.split(separator: "/").map(String.init)
        let base = parts.first ?? "BTC", quote = parts.count > 1 ? parts[1] : "USDT"
        return Market(id: base + quote, symbol: symbol, base: base, quote: quote, settle: quote, type: .swap,
                      contract: true, linear: true, inverse: false, contractSize: 1, active: true,
                      precision: .init(amount: step, price: tick),
                      limits: .init(amount: .init(min: step, max: 1000), market: .init(min: step, max: 120),
                                    price: .init(min: tick, max: 4_529_764), cost: .init(min: minNotional, max: nil),
                                    leverage: .init(min: 1, max: 125)),
                      taker: Decimal(string: "0.0005"), maker: Decimal(string: "0.0002"))
    }
}

/// One position from open to flat, as the backtest's trade list shows it.
public struct RoundTrip: Sendable, Equatable, Codable {
    /// Why it ended (Freqtrade's `exit_reason`). The simulated exchange records `.order` for a closing order, and
    /// the backtest driver names it after the decision that sent it (stop_loss, exit_signal, reversal).
    public typealias Exit = ExitReason
    public var side: PositionSide
    public var entryTime: Int64
    public var exitTime: Int64
    public var entryPrice: Decimal
    public var exitPrice: Decimal
    public var amount: Decimal
    /// Price P&L before fees and funding.
    public var grossPnl: Decimal
    public var fees: Decimal
    /// Funding paid (negative = received).
    public var funding: Decimal
    /// Initial margin the position tied up.
    public var margin: Decimal
    public var exit: Exit

    public var netPnl: Decimal { grossPnl - fees - funding }
    /// Net P&L as a fraction of the margin put up (what the exchange shows as ROE).
    public var returnOnMargin: Double {
        margin == 0 ? 0 : NSDecimalNumber(decimal: netPnl / margin).doubleValue
    }
}
