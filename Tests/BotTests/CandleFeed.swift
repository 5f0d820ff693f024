@testable import Bot
import Exchange
import Foundation

/// Market data for tests: serves candles from an array as an exchange whose clock the test sets. It holds no
/// account: orders go through `PaperExchange` on top of it, the same class dry-run uses.
final class CandleFeed: Exchange, @unchecked Sendable {
    let id = "feed"
    var has: Capabilities { [:] }
    let candles: [Candle]
    let market: Market
    private let lock = NSLock()
    private var clock: Int64
    /// Network failures to throw from the next calls (fault injection).
    var failNext = 0

    init(candles: [Candle], symbol: String = "BTC/USDT:USDT", now: Int64) {
        self.candles = candles
        self.clock = now
        market = Market(id: "BTCUSDT", symbol: symbol, base: "BTC", quote: "USDT", settle: "USDT", type: .swap, contract: true,
                        linear: true, inverse: false, contractSize: 1, active: true,
                        precision: .init(amount: Decimal(string: "0.001")!, price: Decimal(string: "0.1")!),
                        limits: .init(amount: MinMax(min: Decimal(string: "0.001")!, max: 1000), cost: MinMax(min: 100)),
                        taker: Decimal(string: "0.0005"), maker: Decimal(string: "0.0002"))
    }

    var now: Int64 {
        get { lock.withLock { clock } }
        set { lock.withLock { clock = newValue } }
    }

    private func maybeFail(_ method: String) throws {
        let fail: Bool = lock.withLock {
            if failNext > 0 { failNext -= 1; return true }
            return false
        }
        if fail { throw ExchangeFailure(.requestTimeout, exchange: id, message: "injected timeout", method: method) }
    }

    func loadMarkets(reload: Bool) async throws -> [String: Market] { try maybeFail("loadMarkets"); return [market.symbol: market] }
    func fetchMarkets() async throws -> [Market] { [market] }
    func fetchTime() async throws -> Int64 { now }
    func fetchOHLCV(symbol: String, timeframe: Timeframe, since: Int64?, limit: Int?) async throws -> [Candle] {
        try maybeFail("fetchOHLCV")
        let t = now
        // Like an exchange: every candle that has opened, including the still-open one.
        var visible = candles.filter { $0.timestamp <= t && (since == nil || $0.timestamp >= since!) }
        if let limit, visible.count > limit { visible = Array(visible.prefix(limit)) }
        return visible
    }
    /// Like Binance's last price: the open of the candle in progress (what a market order placed now meets).
    func fetchTicker(symbol: String) async throws -> Ticker {
        try maybeFail("fetchTicker")
        let t = now
        guard let forming = candles.last(where: { $0.timestamp <= t }) else { throw ExchangeFailure(.badRequest, message: "no price yet") }
        let price = Decimal(string: "\(forming.open)") ?? 0
        return Ticker(symbol: symbol, timestamp: t, close: price, last: price)
    }
    func fetchBalance() async throws -> Balance { throw ExchangeFailure(.notSupported, message: "no account") }
    func fetchPositions(symbols: [String]?) async throws -> [Position] { throw ExchangeFailure(.notSupported, message: "no account") }
    func createOrder(symbol: String, type: OrderType, side: OrderSide, amount: Decimal, price: Decimal?, params: Params) async throws -> Order {
        throw ExchangeFailure(.notSupported, message: "no account")
    }
    func fetchOrder(id: String?, symbol: String, params: Params) async throws -> Order { throw ExchangeFailure(.notSupported, message: "no account") }
    func fetchOpenOrders(symbol: String?, params: Params) async throws -> [Order] { [] }
    func cancelOrder(id: String?, symbol: String, params: Params) async throws -> Order { throw ExchangeFailure(.notSupported, message: "no account") }
    func cancelAllOrders(symbol: String, params: Params) async throws -> [Order] { [] }
    func fetchMyTrades(symbol: String, since: Int64?, limit: Int?, params: Params) async throws -> [Trade] { [] }
    func setLeverage(_ leverage: Int, symbol: String) async throws {}
    func setMarginMode(_ mode: MarginMode, symbol: String) async throws {}
}

/// A predictor that knows the future: it predicts the close of the candle after the window, so the decisions of a
/// run over a fixed series are known in advance and a test can check them.
final class ForesightPredictor: PricePredicting, @unchecked Sendable {
    let windowSize: Int
    let candles: [Candle]
    init(windowSize: Int, candles: [Candle]) {
        self.windowSize = windowSize
        self.candles = candles
    }
    func predict(_ window: [Candle]) throws -> Double {
        guard let last = window.last, let index = candles.firstIndex(where: { $0.timestamp == last.timestamp }),
              index + 1 < candles.count else { return window.last?.close ?? 0 }
        return candles[index + 1].close
    }
}

let day: Int64 = 86_400_000

/// Daily candles from closes, starting 2024-01-01.
func dailyCandles(_ closes: [Double]) -> [Candle] {
    closes.enumerated().map { i, close in
        Candle(timestamp: 1_704_067_200_000 + Int64(i) * day, open: close, high: close * 1.01, low: close * 0.99, close: close, volume: 100)
    }
}

/// A predictor given by a function of the window, for scenarios the foresight predictor cannot express.
final class ClosurePredictor: PricePredicting, @unchecked Sendable {
    let windowSize: Int
    let body: @Sendable ([Candle]) -> Double
    init(windowSize: Int, _ body: @escaping @Sendable ([Candle]) -> Double) {
        self.windowSize = windowSize
        self.body = body
    }
    func predict(_ window: [Candle]) throws -> Double { body(window) }
}
