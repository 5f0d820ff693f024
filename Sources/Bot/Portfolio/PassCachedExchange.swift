import Exchange
import Foundation

/// The one exchange client every symbol's Trader shares, with the account read once per pass.
///
/// Between `beginPass()` and `endPass()` the first `fetchBalance` and the first `fetchPositions` go to the exchange
/// (positions for *all* the pass's symbols in one request) and the Traders of the pass read those answers; any call
/// that changes the account (an order, a cancel, leverage, margin mode) drops them, so the next read after an
/// order is fresh. Outside a pass every call goes straight through. Rate limits are the wrapped client's, so the
/// weights of all symbols add up in one limiter and a 429/418 pauses every symbol.
public final class PassCachedExchange: Exchange, @unchecked Sendable {
    public let base: any Exchange
    private let lock = NSLock()
    private var inPass = false
    private var passSymbols: [String] = []
    private var balance: Balance?
    private var positions: [Position]?
    /// How many balance and position requests reached the exchange (for tests and benchmarks).
    public private(set) var balanceFetches = 0
    public private(set) var positionFetches = 0

    public init(base: any Exchange) { self.base = base }

    public var id: String { base.id }
    public var has: Capabilities { base.has }

    /// Starts a pass over `symbols`: account reads are shared until an order changes the account.
    public func beginPass(symbols: [String]) {
        lock.withLock {
            inPass = true
            passSymbols = symbols
            balance = nil
            positions = nil
        }
    }

    public func endPass() {
        lock.withLock {
            inPass = false
            balance = nil
            positions = nil
        }
    }

    private func invalidate() { lock.withLock { balance = nil; positions = nil } }

    public func fetchBalance() async throws -> Balance {
        if let cached = lock.withLock({ inPass ? balance : nil }) { return cached }
        let fresh = try await base.fetchBalance()
        lock.withLock {
            balanceFetches += 1
            if inPass { balance = fresh }
        }
        return fresh
    }

    public func fetchPositions(symbols: [String]?) async throws -> [Position] {
        let (pass, cached, all) = lock.withLock { (inPass, positions, passSymbols) }
        if pass, let cached {
            guard let symbols else { return cached }
            let wanted = Set(symbols)
            return cached.filter { wanted.contains($0.symbol) }
        }
        guard pass, let symbols, Set(symbols).isSubset(of: Set(all)) else {
            let fresh = try await base.fetchPositions(symbols: symbols)
            lock.withLock { positionFetches += 1 }
            return fresh
        }
        let fresh = try await base.fetchPositions(symbols: all)
        lock.withLock {
            positionFetches += 1
            if inPass { positions = fresh }
        }
        let wanted = Set(symbols)
        return fresh.filter { wanted.contains($0.symbol) }
    }

    public func createOrder(symbol: String, type: OrderType, side: OrderSide, amount: Decimal, price: Decimal?,
                            params: Params) async throws -> Order {
        invalidate()
        defer { invalidate() }
        return try await base.createOrder(symbol: symbol, type: type, side: side, amount: amount, price: price, params: params)
    }

    public func cancelOrder(id: String?, symbol: String, params: Params) async throws -> Order {
        defer { invalidate() }
        return try await base.cancelOrder(id: id, symbol: symbol, params: params)
    }

    public func cancelAllOrders(symbol: String, params: Params) async throws -> [Order] {
        defer { invalidate() }
        return try await base.cancelAllOrders(symbol: symbol, params: params)
    }

    public func setLeverage(_ leverage: Int, symbol: String) async throws {
        defer { invalidate() }
        try await base.setLeverage(leverage, symbol: symbol)
    }

    public func setMarginMode(_ mode: MarginMode, symbol: String) async throws {
        defer { invalidate() }
        try await base.setMarginMode(mode, symbol: symbol)
    }

    public func fetchOrder(id: String?, symbol: String, params: Params) async throws -> Order {
        // A look-up can report a fill the cached account does not show yet.
        defer { invalidate() }
        return try await base.fetchOrder(id: id, symbol: symbol, params: params)
    }

    public func loadMarkets(reload: Bool) async throws -> [String: Market] { try await base.loadMarkets(reload: reload) }
    public func fetchMarkets() async throws -> [Market] { try await base.fetchMarkets() }
    public func fetchTime() async throws -> Int64 { try await base.fetchTime() }
    public func fetchOHLCV(symbol: String, timeframe: Timeframe, since: Int64?, limit: Int?) async throws -> [Candle] {
        try await base.fetchOHLCV(symbol: symbol, timeframe: timeframe, since: since, limit: limit)
    }
    public func fetchTicker(symbol: String) async throws -> Ticker { try await base.fetchTicker(symbol: symbol) }
    public func fetchOpenOrders(symbol: String?, params: Params) async throws -> [Order] {
        try await base.fetchOpenOrders(symbol: symbol, params: params)
    }
    public func fetchMyTrades(symbol: String, since: Int64?, limit: Int?, params: Params) async throws -> [Trade] {
        try await base.fetchMyTrades(symbol: symbol, since: since, limit: limit, params: params)
    }
}
