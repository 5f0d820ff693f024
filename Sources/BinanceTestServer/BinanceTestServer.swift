import Foundation
import HTTPServer

/// A Binance USDⓈ-M futures server on 127.0.0.1 for tests: it speaks Binance's wire protocol
/// (signatures, recvWindow, filters, error codes, JSON shapes), keeps a one-way account, serves
/// klines from candle files on a clock the test controls, and misbehaves on request (faults),
/// so the real client is exercised over real HTTP instead of against mocks.
/// Thread-safe: all state sits behind one lock.
public final class BinanceTestServer: @unchecked Sendable {
    public let options: Options
    /// The server's "now"; see `TestClock`.
    public let clock: TestClock

    let lock = NSLock()
    let engine: Engine
    var limiter = RateLimiter()
    var faults: [PendingFault] = []
    var skewMs: Int64 = 0
    var recorded: [RecordedRequest] = []
    private var http: HTTP1Server?
    private var boundPort: UInt16 = 0

    public init(options: Options = .init()) {
        self.options = options
        self.engine = Engine(options: options)
        self.clock = TestClock(startMs: options.startTimeMs ?? TestClock.wallMs(), running: options.clockRunning)
        clock.onJump = { [weak self] old, new in
            guard let self else { return }
            self.locked { self.engine.advance(from: old, to: new) }
        }
    }

    func locked<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock(); defer { lock.unlock() }
        return try body()
    }

    // MARK: lifecycle

    /// Binds 127.0.0.1 (port `options.port`, 0 = ephemeral) and serves until `stop()`.
    /// Async for the callers' sake; binding itself is immediate.
    public func start() async throws {
        guard http == nil else { return }
        let front = Front(server: self)
        let server = HTTP1Server(port: options.port,
                                        limits: .init(idleTimeoutSeconds: options.handlerTimeoutSeconds),
                                        handler: { front.handle($0) })
        boundPort = try server.start()
        http = server
    }

    /// Closes the listening socket and open connections.
    public func stop() async {
        http?.stop()
        http = nil
    }

    /// The bound port (valid after `start()`).
    public var port: UInt16 { boundPort }
    /// "http://127.0.0.1:PORT", what clients use as their base URL.
    public var baseURL: String { "http://127.0.0.1:\(boundPort)" }

    // MARK: setup

    /// Creates (or replaces) an account: the key clients send in X-MBX-APIKEY and the secret they sign with.
    public func addAccount(apiKey: String, secret: String, balanceUSDT: Decimal) {
        locked { engine.accounts[apiKey] = Engine.Account(apiKey: apiKey, secret: secret, walletBalance: balanceUSDT) }
    }

    /// Serves these candles for (symbol, interval); prices are rounded to the symbol's tick.
    /// The finest interval loaded for a symbol drives its price and the fills.
    public func loadCandles(symbol: String, interval: String, candles: [Candle]) {
        locked { engine.load(symbol: symbol, interval: interval, candles: candles) }
    }

    /// Loads a CSV (see `CandleFile`) for (symbol, interval).
    public func loadCandles(symbol: String, interval: String, csvPath: String) throws {
        guard let ms = KlineInterval.ms(interval) else {
            throw CandleFileError(file: csvPath, line: 0, problem: "interval '\(interval)' is not a Binance kline interval (1m ... 1M)")
        }
        let rows = try CandleFile.load(path: csvPath, intervalMs: ms)
        loadCandles(symbol: symbol, interval: interval, candles: rows)
    }

    /// Pins a symbol's price (mark = last) regardless of candles; nil returns to the candles.
    public func setPrice(symbol: String, price: Decimal?) {
        locked { engine.priceOverride[symbol] = price }
    }

    /// Moves the price of `symbol` by `percent` from where it is now (it then stays there: an override).
    public func movePrice(symbol: String, percent: Decimal) {
        let t = clock.nowMs
        locked {
            guard let now = engine.price(symbol, at: t) else { return }
            let tick = options.spec(symbol)?.tickSize ?? 0
            var moved = now * (1 + percent / 100)
            if tick > 0 { moved = WireDecimal.round(moved / tick, scale: 0) * tick }
            engine.priceOverride[symbol] = moved
        }
    }

    /// The price market orders of `symbol` would fill at now.
    public func currentPrice(symbol: String) -> Decimal? {
        let t = clock.nowMs
        return locked { engine.price(symbol, at: t) }
    }

    // MARK: faults

    /// Makes the next `count` matching requests misbehave. `method`/`path` narrow the target
    /// (e.g. "POST", "/fapi/v1/order"); control endpoints under /_test/ are never affected.
    public func inject(_ fault: Fault, count: Int = 1, method: String? = nil, path: String? = nil) {
        locked {
            if case .clockSkew(let ms) = fault { skewMs = ms; return }
            faults.append(PendingFault(fault: fault, remaining: max(1, count), method: method, path: path))
        }
    }

    /// Drops pending faults, clock skew and any ban.
    public func clearFaults() {
        locked { faults.removeAll(); skewMs = 0; limiter.reset() }
    }

    /// Forgets used weight, order counts and bans.
    public func resetRateLimits() { locked { limiter.reset() } }

    // MARK: inspection

    public func orders(symbol: String? = nil) -> [OrderRecord] {
        locked { engine.orders.filter { symbol == nil || $0.symbol == symbol } }
    }

    public var openOrders: [OrderRecord] { locked { engine.orders.filter(\.isOpen) } }

    public func algoOrders(symbol: String? = nil) -> [AlgoOrderRecord] {
        locked { engine.algoOrders.filter { symbol == nil || $0.symbol == symbol } }
    }

    /// Non-zero positions of every account.
    public var positions: [PositionRecord] {
        let t = clock.nowMs
        return locked {
            engine.accounts.values.sorted { $0.apiKey < $1.apiKey }.flatMap { account in
                options.symbols.map { engine.positionRecord(account, $0.symbol, at: t) }.filter { $0.positionAmt != 0 }
            }
        }
    }

    public func position(apiKey: String, symbol: String) -> PositionRecord? {
        let t = clock.nowMs
        return locked { engine.accounts[apiKey].map { engine.positionRecord($0, symbol, at: t) } }
    }

    /// Wallet balance (realised PnL and fees included, unrealised PnL excluded).
    public func balance(apiKey: String) -> Decimal? {
        locked { engine.accounts[apiKey]?.walletBalance }
    }

    /// What the one wallet has left for new margin after every market's positions and orders (availableBalance).
    public func availableBalance(apiKey: String) -> Decimal? {
        let t = clock.nowMs
        return locked { engine.accounts[apiKey].map { engine.available($0, at: t) } }
    }

    /// The available balance before its clamp at 0 (`MarginBook.Summary.marginHeadroom`): what tests check to show
    /// orders never over-commit the wallet.
    public func marginHeadroom(apiKey: String) -> Decimal? {
        let t = clock.nowMs
        return locked { engine.accounts[apiKey].map { engine.marginSummary($0, at: t).marginHeadroom } }
    }

    public func trades(apiKey: String? = nil) -> [TradeRecord] {
        locked { engine.trades.filter { apiKey == nil || $0.apiKey == apiKey } }
    }

    /// Every non-control request received, oldest first.
    public var requests: [RecordedRequest] { locked { recorded } }

    public func clearRequests() { locked { recorded.removeAll() } }

    /// Server time as `/fapi/v1/time` reports it (clock plus injected skew).
    public var serverTimeMs: Int64 { clock.nowMs + locked { skewMs } }
}
