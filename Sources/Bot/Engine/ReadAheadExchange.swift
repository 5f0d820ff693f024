import Exchange
import Foundation

/// Reads of one cycle started together up front, so the cycle's sequential calls find them in flight or done.
///
/// While a window is open (`open()` … `close()`), the account and market reads the Trader makes are kept by call
/// (method and arguments) as shared in-flight tasks: `prime(_:)` starts one ahead of need, and a later call with the
/// same arguments joins it instead of asking again. Any write (an order, a cancel, leverage, margin or position mode)
/// and `fetchOrder` (a look-up can reveal a fill) drop every kept read, before and after the call, as
/// `PassCachedExchange` does, so every read after an order is fresh; a failed read is dropped too, so a retry asks
/// again. Outside a window every call goes straight through. The bookkeeping is `ReadAheadBook`.
///
/// `fetchTime` is never kept: `ExchangeClock` measures its offset around the call, so a kept server time would be
/// stale by however long ago it was read; priming the clock (one `now()`) is what makes later `now()`s free.
public final class ReadAheadExchange: Exchange, @unchecked Sendable {
    /// One kept read: the call and every argument it was made with.
    public enum Read: Hashable, Sendable {
        case markets
        case ohlcv(symbol: String, timeframe: Timeframe, since: Int64?, limit: Int?)
        case ticker(symbol: String)
        case balance
        case positions(symbols: [String]?)
        case openOrders(symbol: String?, params: Params)
        case leverages(symbols: [String]?)
    }

    public let base: any Exchange
    private let lock = NSLock()
    private var book = ReadAheadBook<Read>()
    private var tasks: [Int: Task<any Sendable, Error>] = [:]

    public init(base: any Exchange) { self.base = base }

    public var id: String { base.id }
    public var has: Capabilities { base.has }

    /// Tallies of the current (or last) window: primed, started, joined, invalidations, failures.
    public var counts: ReadAheadBook<Read>.Counts { lock.withLock { book.counts } }
    public var isOpen: Bool { lock.withLock { book.isOpen } }

    /// Opens a read-ahead window (the start of a cycle).
    public func open() { lock.withLock { drop(book.open()) } }

    /// Closes it (the end of the cycle): nothing is kept, every call goes straight through again.
    public func close() { lock.withLock { drop(book.close()) } }

    /// Starts `read` now if the window is open and it is not already kept (registered before this returns, so any
    /// later call joins it); its answer waits for the caller that needs it. A failure is dropped and met again,
    /// fresh, by that caller.
    public func prime(_ read: Read) {
        guard let (token, task) = entry(read, priming: true) else { return }
        Task {
            if case .failure = await task.result { self.lock.withLock { if self.book.failed(read, token: token) { self.tasks[token] = nil } } }
        }
    }

    /// Caller: the lock is held.
    private func drop(_ tokens: [Int]) { for token in tokens { tasks[token] = nil } }

    private func invalidate() { lock.withLock { drop(book.invalidate()) } }

    /// `read` asked of the wrapped exchange.
    private func fromBase(_ read: Read) async throws -> any Sendable {
        switch read {
        case .markets: return try await base.loadMarkets(reload: false)
        case .ohlcv(let symbol, let timeframe, let since, let limit):
            return try await base.fetchOHLCV(symbol: symbol, timeframe: timeframe, since: since, limit: limit)
        case .ticker(let symbol): return try await base.fetchTicker(symbol: symbol)
        case .balance: return try await base.fetchBalance()
        case .positions(let symbols): return try await base.fetchPositions(symbols: symbols)
        case .openOrders(let symbol, let params): return try await base.fetchOpenOrders(symbol: symbol, params: params)
        case .leverages(let symbols): return try await base.fetchLeverages(symbols: symbols, params: [:])
        }
    }

    /// The kept task for `read` (joined, or started now and kept); nil outside a window.
    private func entry(_ read: Read, priming: Bool) -> (token: Int, task: Task<any Sendable, Error>)? {
        lock.withLock {
            switch book.read(read, priming: priming) {
            case .direct: return nil
            case .join(let token):
                guard let task = tasks[token] else { return nil }
                return (token, task)
            case .start(let token):
                let task = Task { try await self.fromBase(read) }
                tasks[token] = task
                return (token, task)
            }
        }
    }

    /// The answer to `read`: joined if kept, otherwise run (and kept while the window is open).
    private func kept<T: Sendable>(_ read: Read) async throws -> T {
        guard let (token, task) = entry(read, priming: false) else { return try Self.typed(try await fromBase(read)) }
        do {
            return try Self.typed(try await task.value)
        } catch {
            lock.withLock { if book.failed(read, token: token) { tasks[token] = nil } }
            throw error
        }
    }

    /// Every `Read` answers with the type its method returns; the check keeps a mix-up an error, not a crash.
    private static func typed<T>(_ value: any Sendable) throws -> T {
        guard let typed = value as? T else {
            throw ExchangeFailure(.exchangeError, exchange: "read-ahead", message: "a kept read answered \(type(of: value)), not \(T.self)",
                                  method: "readAhead")
        }
        return typed
    }

    /// Runs a write with every kept read dropped before and after it.
    private func writing<T>(_ body: () async throws -> T) async throws -> T {
        invalidate()
        defer { invalidate() }
        return try await body()
    }

    // MARK: kept reads

    public func loadMarkets(reload: Bool) async throws -> [String: Market] {
        reload ? try await base.loadMarkets(reload: true) : try await kept(.markets)
    }
    public func fetchOHLCV(symbol: String, timeframe: Timeframe, since: Int64?, limit: Int?) async throws -> [Candle] {
        try await kept(.ohlcv(symbol: symbol, timeframe: timeframe, since: since, limit: limit))
    }
    public func fetchTicker(symbol: String) async throws -> Ticker { try await kept(.ticker(symbol: symbol)) }
    public func fetchBalance() async throws -> Balance { try await kept(.balance) }
    public func fetchPositions(symbols: [String]?) async throws -> [Position] { try await kept(.positions(symbols: symbols)) }
    public func fetchOpenOrders(symbol: String?, params: Params) async throws -> [Order] {
        try await kept(.openOrders(symbol: symbol, params: params))
    }

    public func fetchLeverages(symbols: [String]?, params: Params) async throws -> [String: Leverage] {
        params.isEmpty ? try await kept(.leverages(symbols: symbols)) : try await base.fetchLeverages(symbols: symbols, params: params)
    }

    // MARK: writes (and fetchOrder): every kept read dropped

    public func createOrder(symbol: String, type: OrderType, side: OrderSide, amount: Decimal, price: Decimal?,
                            params: Params) async throws -> Order {
        try await writing { try await base.createOrder(symbol: symbol, type: type, side: side, amount: amount, price: price, params: params) }
    }
    public func fetchOrder(id: String?, symbol: String, params: Params) async throws -> Order {
        try await writing { try await base.fetchOrder(id: id, symbol: symbol, params: params) }
    }
    public func cancelOrder(id: String?, symbol: String, params: Params) async throws -> Order {
        try await writing { try await base.cancelOrder(id: id, symbol: symbol, params: params) }
    }
    public func cancelAllOrders(symbol: String, params: Params) async throws -> [Order] {
        try await writing { try await base.cancelAllOrders(symbol: symbol, params: params) }
    }
    public func setLeverage(_ leverage: Int, symbol: String) async throws {
        try await writing { try await base.setLeverage(leverage, symbol: symbol) }
    }
    public func setMarginMode(_ mode: MarginMode, symbol: String) async throws {
        try await writing { try await base.setMarginMode(mode, symbol: symbol) }
    }
    public func editOrder(id: String, symbol: String, type: OrderType, side: OrderSide, amount: Decimal?, price: Decimal?,
                          params: Params) async throws -> Order {
        try await writing { try await base.editOrder(id: id, symbol: symbol, type: type, side: side, amount: amount, price: price, params: params) }
    }
    public func createOrders(_ orders: [CreateOrderRequest], params: Params) async throws -> [Order] {
        try await writing { try await base.createOrders(orders, params: params) }
    }
    public func cancelOrders(ids: [String], symbol: String, params: Params) async throws -> [Order] {
        try await writing { try await base.cancelOrders(ids: ids, symbol: symbol, params: params) }
    }
    public func setLeverage(_ leverage: Int, symbol: String, params: Params) async throws -> JSONValue {
        try await writing { try await base.setLeverage(leverage, symbol: symbol, params: params) }
    }
    public func setMarginMode(_ mode: MarginMode, symbol: String, params: Params) async throws -> JSONValue {
        try await writing { try await base.setMarginMode(mode, symbol: symbol, params: params) }
    }
    public func setPositionMode(hedged: Bool, symbol: String?, params: Params) async throws -> JSONValue {
        try await writing { try await base.setPositionMode(hedged: hedged, symbol: symbol, params: params) }
    }

    // MARK: straight through (never kept)

    public func fetchMarkets() async throws -> [Market] { try await base.fetchMarkets() }
    public func fetchTime() async throws -> Int64 { try await base.fetchTime() }
    public func fetchMyTrades(symbol: String, since: Int64?, limit: Int?, params: Params) async throws -> [Trade] {
        try await base.fetchMyTrades(symbol: symbol, since: since, limit: limit, params: params)
    }
    public func fetchOHLCV(symbol: String, timeframe: Timeframe, since: Int64?, limit: Int?, params: Params) async throws -> [Candle] {
        params.isEmpty ? try await fetchOHLCV(symbol: symbol, timeframe: timeframe, since: since, limit: limit)
            : try await base.fetchOHLCV(symbol: symbol, timeframe: timeframe, since: since, limit: limit, params: params)
    }
    public func fetchTicker(symbol: String, params: Params) async throws -> Ticker {
        params.isEmpty ? try await fetchTicker(symbol: symbol) : try await base.fetchTicker(symbol: symbol, params: params)
    }
    public func fetchBalance(params: Params) async throws -> Balance {
        params.isEmpty ? try await fetchBalance() : try await base.fetchBalance(params: params)
    }
    public func fetchPositions(symbols: [String]?, params: Params) async throws -> [Position] {
        params.isEmpty ? try await fetchPositions(symbols: symbols) : try await base.fetchPositions(symbols: symbols, params: params)
    }
    public func fetchTickers(symbols: [String]?, params: Params) async throws -> [String: Ticker] {
        try await base.fetchTickers(symbols: symbols, params: params)
    }
    public func fetchLastPrices(symbols: [String]?, params: Params) async throws -> [String: LastPrice] {
        try await base.fetchLastPrices(symbols: symbols, params: params)
    }
    public func fetchOrderBook(symbol: String, limit: Int?, params: Params) async throws -> OrderBook {
        try await base.fetchOrderBook(symbol: symbol, limit: limit, params: params)
    }
    public func fetchMarkPrice(symbol: String, params: Params) async throws -> Ticker { try await base.fetchMarkPrice(symbol: symbol, params: params) }
    public func fetchMarkPrices(symbols: [String]?, params: Params) async throws -> [String: Ticker] {
        try await base.fetchMarkPrices(symbols: symbols, params: params)
    }
    public func fetchFundingRate(symbol: String, params: Params) async throws -> FundingRate {
        try await base.fetchFundingRate(symbol: symbol, params: params)
    }
    public func fetchFundingRates(symbols: [String]?, params: Params) async throws -> [String: FundingRate] {
        try await base.fetchFundingRates(symbols: symbols, params: params)
    }
    public func fetchFundingRateHistory(symbol: String?, since: Int64?, limit: Int?, params: Params) async throws -> [FundingRateHistoryEntry] {
        try await base.fetchFundingRateHistory(symbol: symbol, since: since, limit: limit, params: params)
    }
    public func fetchFundingHistory(symbol: String?, since: Int64?, limit: Int?, params: Params) async throws -> [FundingPayment] {
        try await base.fetchFundingHistory(symbol: symbol, since: since, limit: limit, params: params)
    }
    public func fetchLeverageTiers(symbols: [String]?, params: Params) async throws -> [String: [LeverageTier]] {
        try await base.fetchLeverageTiers(symbols: symbols, params: params)
    }
    public func fetchPositionMode(symbol: String?, params: Params) async throws -> PositionModeInfo {
        try await base.fetchPositionMode(symbol: symbol, params: params)
    }
    public func fetchOpenOrders(symbol: String?, since: Int64?, limit: Int?, params: Params) async throws -> [Order] {
        try await base.fetchOpenOrders(symbol: symbol, since: since, limit: limit, params: params)
    }
    public func fetchOrders(symbol: String?, since: Int64?, limit: Int?, params: Params) async throws -> [Order] {
        try await base.fetchOrders(symbol: symbol, since: since, limit: limit, params: params)
    }
    public func fetchClosedOrders(symbol: String?, since: Int64?, limit: Int?, params: Params) async throws -> [Order] {
        try await base.fetchClosedOrders(symbol: symbol, since: since, limit: limit, params: params)
    }
    public func fetchCanceledOrders(symbol: String?, since: Int64?, limit: Int?, params: Params) async throws -> [Order] {
        try await base.fetchCanceledOrders(symbol: symbol, since: since, limit: limit, params: params)
    }
    public func fetchOrderTrades(id: String, symbol: String, since: Int64?, limit: Int?, params: Params) async throws -> [Trade] {
        try await base.fetchOrderTrades(id: id, symbol: symbol, since: since, limit: limit, params: params)
    }
    public func fetchStatus(params: Params) async throws -> ExchangeStatus { try await base.fetchStatus(params: params) }
}
