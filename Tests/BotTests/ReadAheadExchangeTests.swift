@testable import Bot
import Exchange
import XCTest

/// An account that counts the calls it gets and whose state (`version`) every write moves on: a read answers the
/// version it saw, so a test can tell a read from before a write from one after it. A method can be held until
/// released, to have a read in flight while something else happens.
final class CountingAccount: Exchange, @unchecked Sendable {
    let id = "counting"
    var has: Capabilities { [:] }
    private let lock = NSLock()
    private var calls: [String: Int] = [:]
    private var current = 1
    private var held: [String: [CheckedContinuation<Void, Never>]] = [:]
    private var holding: Set<String> = []
    /// Failures to throw from the next reads of a method (network errors, so the Trader would retry).
    private var failing: [String: Int] = [:]
    let symbol = "BTC/USDT:USDT"

    func count(_ method: String) -> Int { lock.withLock { calls[method] ?? 0 } }
    var version: Int { lock.withLock { current } }
    func hold(_ method: String) { lock.withLock { _ = holding.insert(method) } }
    /// Lets the held calls of `method` go on (and later ones through).
    func release(_ method: String) {
        let waiting = lock.withLock { () -> [CheckedContinuation<Void, Never>] in
            holding.remove(method)
            defer { held[method] = nil }
            return held[method] ?? []
        }
        waiting.forEach { $0.resume() }
    }
    /// How many calls of `method` are waiting in `hold`.
    func waiting(_ method: String) -> Int { lock.withLock { held[method]?.count ?? 0 } }
    func fail(_ method: String, times: Int) { lock.withLock { failing[method] = times } }

    /// Counts the call, waits while `method` is held, fails if told to; returns the version the read saw.
    private func enter(_ method: String) async throws -> Int {
        let mustWait = lock.withLock { () -> Bool in
            calls[method, default: 0] += 1
            return holding.contains(method)
        }
        if mustWait {
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                let stillHeld = lock.withLock { () -> Bool in
                    guard holding.contains(method) else { return false }
                    held[method, default: []].append(c)
                    return true
                }
                if !stillHeld { c.resume() }
            }
        }
        let fails = lock.withLock { () -> Bool in
            guard let n = failing[method], n > 0 else { return false }
            failing[method] = n - 1
            return true
        }
        if fails { throw ExchangeFailure(.networkError, exchange: id, message: "injected", method: method) }
        return version
    }
    private func write(_ method: String) { lock.withLock { calls[method, default: 0] += 1; current += 1 } }

    func loadMarkets(reload: Bool) async throws -> [String: Market] { _ = try await enter("loadMarkets"); return [:] }
    func fetchMarkets() async throws -> [Market] { _ = try await enter("fetchMarkets"); return [] }
    func fetchTime() async throws -> Int64 { Int64(try await enter("fetchTime")) }
    func fetchOHLCV(symbol: String, timeframe: Timeframe, since: Int64?, limit: Int?) async throws -> [Candle] {
        let v = try await enter("fetchOHLCV")
        return [Candle(timestamp: since ?? 0, open: 1, high: 1, low: 1, close: Double(v), volume: Double(limit ?? 0))]
    }
    func fetchTicker(symbol: String) async throws -> Ticker {
        let v = try await enter("fetchTicker")
        return Ticker(symbol: symbol, timestamp: 0, close: Decimal(v), last: Decimal(v))
    }
    func fetchBalance() async throws -> Balance {
        let v = Decimal(try await enter("fetchBalance"))
        return Balance(currencies: ["USDT": CurrencyBalance(free: v, used: 0, total: v)])
    }
    func fetchPositions(symbols: [String]?) async throws -> [Position] {
        let v = try await enter("fetchPositions")
        return [Position(symbol: symbol, side: .long, contracts: Decimal(v))]
    }
    func createOrder(symbol: String, type: OrderType, side: OrderSide, amount: Decimal, price: Decimal?, params: Params) async throws -> Order {
        write("createOrder")
        return Order(id: "1", symbol: symbol, type: type, side: side, amount: amount, status: .closed)
    }
    func fetchOrder(id: String?, symbol: String, params: Params) async throws -> Order {
        _ = try await enter("fetchOrder")
        return Order(id: id ?? "1", symbol: symbol, type: .market, side: .buy, amount: 1, status: .closed)
    }
    func fetchOpenOrders(symbol: String?, params: Params) async throws -> [Order] { _ = try await enter("fetchOpenOrders"); return [] }
    func cancelOrder(id: String?, symbol: String, params: Params) async throws -> Order {
        write("cancelOrder")
        return Order(id: id ?? "1", symbol: symbol, type: .limit, side: .buy, amount: 1, status: .canceled)
    }
    func cancelAllOrders(symbol: String, params: Params) async throws -> [Order] { write("cancelAllOrders"); return [] }
    func fetchMyTrades(symbol: String, since: Int64?, limit: Int?, params: Params) async throws -> [Trade] { [] }
    func setLeverage(_ leverage: Int, symbol: String) async throws { write("setLeverage") }
    func setMarginMode(_ mode: MarginMode, symbol: String) async throws { write("setMarginMode") }
}

/// `ReadAheadExchange` over an account that counts calls: reads started ahead are joined, writes and order look-ups
/// make every later read fresh, failures are asked again, and outside a window nothing is kept.
final class ReadAheadExchangeTests: XCTestCase {
    let symbol = "BTC/USDT:USDT"

    /// Waits (yielding) until `condition` holds; the fake's holds make the interleavings deterministic.
    private func until(_ condition: () -> Bool) async {
        for _ in 0..<10_000 where !condition() { await Task.yield() }
        XCTAssertTrue(condition(), "timed out waiting")
    }

    func testOutsideAWindowEveryCallReachesTheExchange() async throws {
        let account = CountingAccount()
        let ahead = ReadAheadExchange(base: account)
        _ = try await ahead.fetchPositions(symbols: [symbol])
        _ = try await ahead.fetchPositions(symbols: [symbol])
        _ = try await ahead.fetchBalance()
        _ = try await ahead.fetchBalance()
        XCTAssertEqual(account.count("fetchPositions"), 2)
        XCTAssertEqual(account.count("fetchBalance"), 2)
        ahead.prime(.balance)  // no window: priming does nothing that is kept
        _ = try await ahead.fetchBalance()
        XCTAssertEqual(ahead.counts, ReadAheadBook<ReadAheadExchange.Read>.Counts())
    }

    func testPrimedReadsInFlightAreJoinedByTheLaterCalls() async throws {
        let account = CountingAccount()
        let ahead = ReadAheadExchange(base: account)
        ahead.open()
        account.hold("fetchPositions")
        ahead.prime(.positions(symbols: [symbol]))
        ahead.prime(.balance)
        ahead.prime(.openOrders(symbol: symbol, params: [:]))
        await until { account.waiting("fetchPositions") == 1 }
        // Two later reads of the same call while the primed one is still in flight: they wait for it.
        async let first = ahead.fetchPositions(symbols: [symbol])
        async let second = ahead.fetchPositions(symbols: [symbol])
        await until { ahead.counts.joined == 2 }
        account.release("fetchPositions")
        let (a, b) = try await (first, second)
        XCTAssertEqual(a, b)
        _ = try await ahead.fetchBalance()
        _ = try await ahead.fetchOpenOrders(symbol: symbol, params: [:])
        XCTAssertEqual(account.count("fetchPositions"), 1)
        XCTAssertEqual(account.count("fetchBalance"), 1)
        XCTAssertEqual(account.count("fetchOpenOrders"), 1)
        // Other arguments are another call.
        _ = try await ahead.fetchOpenOrders(symbol: symbol, params: ["trigger": true])
        _ = try await ahead.fetchPositions(symbols: nil)
        XCTAssertEqual(account.count("fetchOpenOrders"), 2)
        XCTAssertEqual(account.count("fetchPositions"), 2)
        XCTAssertEqual(ahead.counts.primed, 3)
        XCTAssertEqual(ahead.counts.joined, 4)
    }

    func testEveryWriteAndOrderLookUpMakesTheNextReadFresh() async throws {
        let account = CountingAccount()
        let ahead = ReadAheadExchange(base: account)
        ahead.open()
        let writes: [(String, () async throws -> Void)] = [
            ("createOrder", { _ = try await ahead.createOrder(symbol: self.symbol, type: .market, side: .buy, amount: 1, price: nil, params: [:]) }),
            ("cancelOrder", { _ = try await ahead.cancelOrder(id: "1", symbol: self.symbol, params: [:]) }),
            ("cancelAllOrders", { _ = try await ahead.cancelAllOrders(symbol: self.symbol, params: [:]) }),
            ("setLeverage", { try await ahead.setLeverage(3, symbol: self.symbol) }),
            ("setMarginMode", { try await ahead.setMarginMode(.isolated, symbol: self.symbol) }),
            ("fetchOrder", { _ = try await ahead.fetchOrder(id: nil, symbol: self.symbol, params: ["clientOrderId": "x"]) }),
        ]
        for (name, write) in writes {
            let seen = try await ahead.fetchBalance()
            let before = account.count("fetchBalance")
            _ = try await ahead.fetchBalance()
            XCTAssertEqual(account.count("fetchBalance"), before, "\(name): kept before the write")
            try await write()
            let after = try await ahead.fetchBalance()
            XCTAssertEqual(account.count("fetchBalance"), before + 1, "\(name): the read after it must reach the exchange")
            if name != "fetchOrder" { XCTAssertNotEqual(after, seen, "\(name): the read after a write sees the account after it") }
        }
        XCTAssertEqual(ahead.counts.invalidations, 2 * writes.count)
    }

    func testAReadInFlightWhenAnOrderIsSentIsNotServedAfterIt() async throws {
        let account = CountingAccount()
        let ahead = ReadAheadExchange(base: account)
        ahead.open()
        account.hold("fetchPositions")
        ahead.prime(.positions(symbols: [symbol]))
        await until { account.waiting("fetchPositions") == 1 }
        _ = try await ahead.createOrder(symbol: symbol, type: .market, side: .buy, amount: 1, price: nil, params: [:])
        let afterOrder = account.version
        account.release("fetchPositions")
        // The primed read saw the account before the order (or raced it); the read after the order must not get it.
        let positions = try await ahead.fetchPositions(symbols: [symbol])
        XCTAssertEqual(account.count("fetchPositions"), 2)
        XCTAssertEqual(positions.first?.contracts, Decimal(afterOrder))
    }

    func testAFailedReadIsAskedAgainByTheRetry() async throws {
        let account = CountingAccount()
        let ahead = ReadAheadExchange(base: account)
        ahead.open()
        account.fail("fetchTicker", times: 1)
        account.hold("fetchTicker")
        ahead.prime(.ticker(symbol: symbol))
        await until { account.waiting("fetchTicker") == 1 }
        async let joined = ahead.fetchTicker(symbol: symbol)
        await until { ahead.counts.joined == 1 }
        account.release("fetchTicker")
        do { _ = try await joined; XCTFail("the joined read shares the primed read's failure") } catch let f as ExchangeFailure {
            XCTAssertTrue(f.isNetworkError)
        }
        // The retry (as Trader.retrying does) reaches the exchange, and is kept in turn.
        _ = try await ahead.fetchTicker(symbol: symbol)
        _ = try await ahead.fetchTicker(symbol: symbol)
        XCTAssertEqual(account.count("fetchTicker"), 2)
        XCTAssertEqual(ahead.counts.failures, 1)
    }

    func testClosingTheWindowStopsKeeping() async throws {
        let account = CountingAccount()
        let ahead = ReadAheadExchange(base: account)
        ahead.open()
        _ = try await ahead.fetchBalance()
        _ = try await ahead.fetchBalance()
        ahead.close()
        _ = try await ahead.fetchBalance()
        XCTAssertEqual(account.count("fetchBalance"), 2)
        XCTAssertFalse(ahead.isOpen)
    }

    func testTimeIsNeverKept() async throws {
        let account = CountingAccount()
        let ahead = ReadAheadExchange(base: account)
        ahead.open()
        _ = try await ahead.fetchTime()
        _ = try await ahead.fetchTime()
        XCTAssertEqual(account.count("fetchTime"), 2)
    }

    /// The klines the wiring primes are the ones the Fetcher asks for: any `now` inside one candle, one request.
    func testTheCyclesCandleReadMatchesTheFetchersRequestAcrossOneCandle() async throws {
        let account = CountingAccount()
        let ahead = ReadAheadExchange(base: account)
        let hour: Int64 = 3_600_000
        let open: Int64 = 1_700_000_000_000 / hour * hour
        let fetcher = Fetcher(exchange: ahead, symbol: symbol, timeframe: try Timeframe("1h"), windowSize: 5)
        let early = fetcher.candleRequest(now: open + 1_000)
        let late = fetcher.candleRequest(now: open + hour - 1)
        XCTAssertEqual(early.since, late.since)
        XCTAssertEqual(early.since, open - 7 * hour)
        XCTAssertEqual(early.limit, 8)
        XCTAssertEqual(fetcher.candleRequest(now: open + hour).since, open - 6 * hour, "the next candle asks the next window")
        ahead.open()
        ahead.prime(.ohlcv(symbol: symbol, timeframe: try Timeframe("1h"), since: early.since, limit: early.limit))
        _ = try await fetcher.closedCandles(now: open + 5_000)
        XCTAssertEqual(account.count("fetchOHLCV"), 1)
    }
}
