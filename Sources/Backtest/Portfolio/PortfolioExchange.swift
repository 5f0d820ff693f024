import Bot
import Exchange
import Foundation

/// Several simulated markets behind one `Exchange` and one USDT wallet, for the portfolio backtest.
///
/// Each symbol's orders go to its own `SimulatedExchange` (its candles, filters, positions and orders); the wallet
/// is the sum: balance = starting balance + every market's realized P&L − fees − funding, used = every market's
/// margin, free = balance − used. An opening order whose margin exceeds that shared free balance is refused with
/// `insufficientFunds`, so simultaneous entries can never over-commit the wallet.
public final class PortfolioExchange: Exchange, @unchecked Sendable {
    public let id = "simulated-binanceusdm-portfolio"
    public var has: Capabilities { Self.fullCapabilities }
    /// The markets in configuration order.
    public let markets: [SimulatedExchange]
    public let initialBalance: Decimal
    private let bySymbol: [String: SimulatedExchange]

    /// Every market must be built with `initialBalance` as its own starting balance (its share of the books).
    public init(markets: [SimulatedExchange], initialBalance: Decimal) {
        self.markets = markets
        self.initialBalance = initialBalance
        var map: [String: SimulatedExchange] = [:]
        for m in markets { map[m.market.symbol] = m; map[m.market.id] = m }
        bySymbol = map
    }

    func market(_ symbol: String, _ method: String) throws -> SimulatedExchange {
        guard let m = bySymbol[symbol] else {
            throw ExchangeFailure(.badSymbol, exchange: id, message: "the portfolio simulation does not list '\(symbol)'", method: method)
        }
        return m
    }

    /// Shared wallet balance (realized only).
    public var walletBalance: Decimal {
        markets.reduce(initialBalance) { $0 + ($1.walletBalance - initialBalance) }
    }
    public var usedMargin: Decimal { markets.reduce(0) { $0 + $1.usedMargin } }
    public var free: Decimal { walletBalance - usedMargin }
    /// Wallet plus every open position's unrealized P&L at the current prices.
    public var equity: Decimal { markets.reduce(walletBalance) { $0 + $1.unrealizedPnl } }

    /// The account as one pass sees it at its start.
    public func snapshot(time: Int64) -> AccountSnapshot {
        AccountSnapshot(time: time, equity: equity, free: free, marginInUse: usedMargin,
                        openPositions: Set(markets.filter(\.hasPosition).map(\.market.symbol)))
    }

    public func loadMarkets(reload: Bool) async throws -> [String: Market] {
        Dictionary(uniqueKeysWithValues: markets.map { ($0.market.symbol, $0.market) })
    }
    public func fetchMarkets() async throws -> [Market] { markets.map(\.market) }
    public func fetchTime() async throws -> Int64 { markets.map(\.now).max() ?? 0 }
    public func fetchOHLCV(symbol: String, timeframe: Timeframe, since: Int64?, limit: Int?) async throws -> [Candle] {
        try await market(symbol, "fetchOHLCV").fetchOHLCV(symbol: symbol, timeframe: timeframe, since: since, limit: limit)
    }
    public func fetchTicker(symbol: String) async throws -> Ticker { try await market(symbol, "fetchTicker").fetchTicker(symbol: symbol) }

    public func fetchBalance() async throws -> Balance {
        let first = markets.first
        let quote = first.map { $0.market.settle ?? $0.market.quote } ?? "USDT"
        return Balance(currencies: [quote: CurrencyBalance(free: free, used: usedMargin, total: walletBalance)],
                       timestamp: first?.now)
    }

    public func fetchPositions(symbols: [String]?) async throws -> [Position] {
        var out: [Position] = []
        for m in markets where symbols == nil || symbols!.contains(m.market.symbol) {
            out += try await m.fetchPositions(symbols: nil)
        }
        return out
    }

    public func createOrder(symbol: String, type: OrderType, side: OrderSide, amount: Decimal, price: Decimal?,
                            params: Params) async throws -> Order {
        let m = try market(symbol, "createOrder")
        let reduce = (params["reduceOnly"]?.boolValue ?? false) || (params["closePosition"]?.boolValue ?? false)
        if !reduce && !type.isConditional && !m.hasPosition {
            let at = type == .limit ? (price ?? m.marketPrice) : m.marketPrice
            let needed = at * amount / Decimal(max(1, m.leverage))
            let available = free
            if needed > available {
                throw ExchangeFailure(.insufficientFunds, exchange: id,
                                      message: "\(symbol): margin \(Precision.format(needed)) needed, \(Precision.format(available)) free in the shared wallet",
                                      method: "createOrder")
            }
        }
        return try await m.createOrder(symbol: symbol, type: type, side: side, amount: amount, price: price, params: params)
    }

    public func fetchOrder(id: String?, symbol: String, params: Params) async throws -> Order {
        try await market(symbol, "fetchOrder").fetchOrder(id: id, symbol: symbol, params: params)
    }
    public func fetchOpenOrders(symbol: String?, params: Params) async throws -> [Order] {
        if let symbol { return try await market(symbol, "fetchOpenOrders").fetchOpenOrders(symbol: symbol, params: params) }
        var out: [Order] = []
        for m in markets { out += try await m.fetchOpenOrders(symbol: nil, params: params) }
        return out
    }
    public func cancelOrder(id: String?, symbol: String, params: Params) async throws -> Order {
        try await market(symbol, "cancelOrder").cancelOrder(id: id, symbol: symbol, params: params)
    }
    public func cancelAllOrders(symbol: String, params: Params) async throws -> [Order] {
        try await market(symbol, "cancelAllOrders").cancelAllOrders(symbol: symbol, params: params)
    }
    public func fetchMyTrades(symbol: String, since: Int64?, limit: Int?, params: Params) async throws -> [Trade] {
        try await market(symbol, "fetchMyTrades").fetchMyTrades(symbol: symbol, since: since, limit: limit, params: params)
    }
    public func setLeverage(_ leverage: Int, symbol: String) async throws {
        try await market(symbol, "setLeverage").setLeverage(leverage, symbol: symbol)
    }
    public func setMarginMode(_ mode: MarginMode, symbol: String) async throws {
        try await market(symbol, "setMarginMode").setMarginMode(mode, symbol: symbol)
    }
}
