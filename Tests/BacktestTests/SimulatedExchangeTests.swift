import Exchange
import XCTest
@testable import Backtest

/// The simulated venue, checked on hand-computed fills (taker fee 0.05 %, maker 0.02 %, maintenance 0.4 %).
final class SimulatedExchangeTests: XCTestCase {
    static let day: Int64 = 86_400_000
    static let symbol = "BTC/USDT:USDT"

    /// Daily candles from (open, high, low, close) tuples, starting 2021-01-01.
    static func candles(_ rows: [(Double, Double, Double, Double)]) -> [Candle] {
        rows.enumerated().map { i, r in
            Candle(timestamp: 1_609_459_200_000 + Int64(i) * day, open: r.0, high: r.1, low: r.2, close: r.3, volume: 1)
        }
    }

    func exchange(_ rows: [(Double, Double, Double, Double)], start: Int = 1, funding: Decimal? = nil) -> SimulatedExchange {
        var s = SimulationSettings()
        s.fundingRate = funding
        return SimulatedExchange(market: SimulationSettings.market(), timeframe: .oneDay, candles: Self.candles(rows),
                                 settings: s, start: start)
    }

    func testOnlyClosedCandlesPlusTheFormingOpenAreVisible() async throws {
        let ex = exchange(Array(repeating: (100, 110, 90, 105), count: 10), start: 5)
        let got = try await ex.fetchOHLCV(symbol: Self.symbol, timeframe: .oneDay, since: nil, limit: 500)
        XCTAssertEqual(got.count, 6)
        let forming = try XCTUnwrap(got.last)
        XCTAssertEqual(forming.timestamp, ex.now)
        XCTAssertEqual([forming.high, forming.low, forming.close, forming.volume], [100, 100, 100, 0], "only the open is known")
        XCTAssertTrue(got.dropLast().allSatisfy { $0.timestamp + Self.day <= ex.now })
        let since = try await ex.fetchOHLCV(symbol: Self.symbol, timeframe: .oneDay, since: got[2].timestamp, limit: 2)
        XCTAssertEqual(since.map(\.timestamp), [got[2].timestamp, got[3].timestamp])
        do { _ = try await ex.fetchOHLCV(symbol: Self.symbol, timeframe: .oneHour, since: nil, limit: 5); XCTFail("timeframe") }
        catch let e as ExchangeFailure { XCTAssertEqual(e.kind, .badRequest) }
    }

    func testMarketRoundTripWithFees() async throws {
        let ex = exchange([(100, 100, 100, 100), (100, 112, 99, 110), (110, 111, 109, 110)])
        try await ex.setLeverage(1, symbol: Self.symbol)
        let buy = try await ex.createOrder(symbol: Self.symbol, type: .market, side: .buy, amount: 10, price: nil,
                                           params: ["clientOrderId": "a"])
        XCTAssertEqual(buy.status, .closed); XCTAssertEqual(buy.average, 100); XCTAssertEqual(buy.fee?.cost, Decimal(string: "0.5"))
        var bal = try await ex.fetchBalance()
        XCTAssertEqual(bal["USDT"]?.total, Decimal(string: "9999.5"))
        XCTAssertEqual(bal["USDT"]?.used, 1000)
        ex.advance()
        let pos = try await ex.fetchPositions(symbols: [Self.symbol])
        XCTAssertEqual(pos.first?.contracts, 10); XCTAssertEqual(pos.first?.unrealizedPnl, 100)
        let sell = try await ex.createOrder(symbol: Self.symbol, type: .market, side: .sell, amount: 10, price: nil,
                                            params: ["reduceOnly": true])
        XCTAssertEqual(sell.fee?.cost, Decimal(string: "0.55"))
        bal = try await ex.fetchBalance()
        XCTAssertEqual(bal["USDT"]?.total, Decimal(string: "10098.95"))   // 9999.5 + 100 − 0.55
        let trip = try XCTUnwrap(ex.roundTrips.first)
        XCTAssertEqual(trip.netPnl, Decimal(string: "98.95")); XCTAssertEqual(trip.margin, 1000)
        XCTAssertEqual(trip.returnOnMargin, 0.09895, accuracy: 1e-12)
        XCTAssertEqual(trip.exit, .order)
        let positions = try await ex.fetchPositions(symbols: nil)
        XCTAssertTrue(positions.isEmpty)
        let mine = try await ex.fetchMyTrades(symbol: Self.symbol, since: nil, limit: nil, params: [:])
        XCTAssertEqual(mine.count, 2); XCTAssertEqual(mine.last?.realizedPnl, 100)
    }

    func testPrecisionMinNotionalMarginAndReduceOnly() async throws {
        let ex = exchange([(100, 100, 100, 100), (100, 100, 100, 100)])
        try await ex.setLeverage(1, symbol: Self.symbol)
        let o = try await ex.createOrder(symbol: Self.symbol, type: .market, side: .buy, amount: Decimal(string: "1.23456") ?? 0,
                                         price: nil, params: [:])
        XCTAssertEqual(o.filled, Decimal(string: "1.234"), "amount truncated to the 0.001 step")
        await assertFails(.invalidOrder) { _ = try await ex.createOrder(symbol: Self.symbol, type: .market, side: .buy, amount: Decimal(string: "0.5") ?? 0, price: nil, params: [:]) }
        await assertFails(.insufficientFunds) { _ = try await ex.createOrder(symbol: Self.symbol, type: .market, side: .buy, amount: 100, price: nil, params: [:]) }
        await assertFails(.invalidOrder) { _ = try await ex.createOrder(symbol: Self.symbol, type: .market, side: .buy, amount: 1, price: nil, params: ["reduceOnly": true]) }
        await assertFails(.invalidOrder) { _ = try await ex.createOrder(symbol: Self.symbol, type: .market, side: .buy, amount: 0, price: nil, params: [:]) }
        await assertFails(.badSymbol) { _ = try await ex.createOrder(symbol: "ETH/USDT:USDT", type: .market, side: .buy, amount: 1, price: nil, params: [:]) }
        // A reduce-only close larger than the position only closes the position; min notional does not apply to it.
        let close = try await ex.createOrder(symbol: Self.symbol, type: .market, side: .sell, amount: 5, price: nil, params: ["reduceOnly": true])
        XCTAssertEqual(close.filled, Decimal(string: "1.234"))
    }

    func testStopFillsAtStopPriceOrAtAGappedOpen() async throws {
        // Candle 1: down candle, open 98 high 99 low 90 → the 95 stop fills at 95.
        let ex = exchange([(100, 100, 100, 100), (100, 100, 100, 100), (98, 99, 90, 92)], start: 1)
        try await ex.setLeverage(1, symbol: Self.symbol)
        _ = try await ex.createOrder(symbol: Self.symbol, type: .market, side: .buy, amount: 10, price: nil, params: [:])
        _ = try await ex.createOrder(symbol: Self.symbol, type: .stopMarket, side: .sell, amount: 10, price: nil,
                                     params: ["stopPrice": 95, "reduceOnly": true])
        ex.advance()                       // candle 1 never reaches 95
        XCTAssertTrue(ex.hasPosition)
        ex.advance()
        let trip = try XCTUnwrap(ex.roundTrips.first)
        XCTAssertEqual(trip.exitPrice, 95); XCTAssertEqual(trip.exit, .exchangeStop)
        let open = try await ex.fetchOpenOrders(symbol: Self.symbol, params: [:])
        XCTAssertTrue(open.isEmpty)

        // Gap: next candle opens at 93, below the 95 stop → filled at 93.
        let gap = exchange([(100, 100, 100, 100), (100, 100, 100, 100), (93, 96, 91, 94)], start: 1)
        try await gap.setLeverage(1, symbol: Self.symbol)
        _ = try await gap.createOrder(symbol: Self.symbol, type: .market, side: .buy, amount: 10, price: nil, params: [:])
        _ = try await gap.createOrder(symbol: Self.symbol, type: .stopMarket, side: .sell, amount: 10, price: nil,
                                      params: ["stopPrice": 95, "reduceOnly": true])
        gap.advance(); gap.advance()
        XCTAssertEqual(gap.roundTrips.first?.exitPrice, 93)
        // A stop that would trigger at once is refused, as Binance does.
        let again = exchange([(100, 100, 100, 100), (100, 100, 100, 100)])
        _ = try await again.createOrder(symbol: Self.symbol, type: .market, side: .buy, amount: 1, price: nil, params: [:])
        await assertFails(.invalidOrder) { _ = try await again.createOrder(symbol: Self.symbol, type: .stopMarket, side: .sell, amount: 1, price: nil, params: ["stopPrice": 101, "reduceOnly": true]) }
    }

    func testIsolatedLiquidationLosesTheMargin() async throws {
        // 10× long of 10 @ 100: margin 100; liquidation (1000 − 100) / (10 × 0.996) = 90.36…
        let ex = exchange([(100, 100, 100, 100), (100, 100, 95, 99), (99, 100, 90, 95)])
        try await ex.setLeverage(10, symbol: Self.symbol)
        try await ex.setMarginMode(.isolated, symbol: Self.symbol)
        _ = try await ex.createOrder(symbol: Self.symbol, type: .market, side: .buy, amount: 10, price: nil, params: [:])
        let p = try await ex.fetchPositions(symbols: nil)
        XCTAssertEqual(NSDecimalNumber(decimal: p.first?.liquidationPrice ?? 0).doubleValue, 900 / 9.96, accuracy: 1e-9)
        ex.advance()
        XCTAssertTrue(ex.hasPosition, "95 is above the liquidation price")
        ex.advance()
        XCTAssertFalse(ex.hasPosition)
        XCTAssertEqual(ex.roundTrips.first?.exit, .liquidation)
        XCTAssertEqual(ex.walletBalance, Decimal(string: "9899.5"), "10000 − margin 100 − entry fee 0.5")
        XCTAssertEqual(ex.roundTrips.first?.returnOnMargin ?? 0, -1.005, accuracy: 1e-12)
    }

    func testFundingEveryEightHoursOnHeldPositions() async throws {
        // Long 10 held through one daily candle closing at 100: funding at 08:00, 16:00 and 24:00 → 3 × 10 × 100 × 0.0001.
        let ex = exchange([(100, 100, 100, 100), (100, 100, 100, 100), (100, 100, 100, 100)], funding: Decimal(string: "0.0001"))
        try await ex.setLeverage(1, symbol: Self.symbol)
        _ = try await ex.createOrder(symbol: Self.symbol, type: .market, side: .buy, amount: 10, price: nil, params: [:])
        ex.advance()
        XCTAssertEqual(ex.fundingPaid, Decimal(string: "0.3"))
        XCTAssertEqual(ex.walletBalance, Decimal(string: "9999.2"))   // − fee 0.5 − funding 0.3
    }

    func testRestingLimitFillsAsMaker() async throws {
        let ex = exchange([(100, 100, 100, 100), (100, 101, 96, 97), (97, 97, 97, 97)])
        try await ex.setLeverage(1, symbol: Self.symbol)
        let o = try await ex.createOrder(symbol: Self.symbol, type: .limit, side: .buy, amount: 10, price: 97, params: ["clientOrderId": "L1"])
        XCTAssertEqual(o.status, .open)
        ex.advance()
        let filled = try await ex.fetchOrder(id: nil, symbol: Self.symbol, params: ["clientOrderId": "L1"])
        XCTAssertEqual(filled.status, .closed); XCTAssertEqual(filled.average, 97)
        XCTAssertEqual(filled.fee?.cost, Decimal(string: "0.194"))   // 970 × 0.0002
        await assertFails(.invalidOrder) { _ = try await ex.createOrder(symbol: Self.symbol, type: .limit, side: .buy, amount: 1, price: 90, params: ["clientOrderId": "L1"]) }
    }

    func assertFails(_ kind: ExchangeFailure.Kind, file: StaticString = #filePath, line: UInt = #line,
                     _ body: () async throws -> Void) async {
        do { try await body(); XCTFail("expected \(kind)", file: file, line: line) }
        catch let e as ExchangeFailure { XCTAssertEqual(e.kind, kind, e.description, file: file, line: line) }
        catch { XCTFail("unexpected \(error)", file: file, line: line) }
    }

    /// Binance's 8 decimals, as dry-run and the loopback exchange book them (DryRunBookkeepingTests has the same
    /// fills): ETHUSDT's fees have a 9th decimal and an averaged entry never ends.
    func testFeesPnlAndEntryAreBookedWithBinancesEightDecimals() async throws {
        let eth = "ETH/USDT:USDT"
        let ex = SimulatedExchange(market: SimulationSettings.market(symbol: eth, tick: Decimal(string: "0.01")!, minNotional: 20),
                                   timeframe: .oneDay, candles: Self.candles([(2000.01, 2000.01, 2000.01, 2000.01), (2000.37, 2000.37, 2000.37, 2000.37),
                                                                             (2001.13, 2001.13, 2001.13, 2001.13)]),
                                   settings: SimulationSettings(), start: 0)
        try await ex.setLeverage(2, symbol: eth)
        let first = try await ex.createOrder(symbol: eth, type: .market, side: .buy, amount: Decimal(string: "0.011")!, price: nil, params: [:])
        XCTAssertEqual(first.fee?.cost, Decimal(string: "0.01100006"), "0.011 × 2000.01 × 0.0005 = 0.011000055")
        ex.advance()
        _ = try await ex.createOrder(symbol: eth, type: .market, side: .buy, amount: Decimal(string: "0.012")!, price: nil, params: [:])
        let position = try await ex.fetchPositions(symbols: [eth]).first
        XCTAssertEqual(position?.entryPrice, Decimal(string: "2000.19782609"), "46.00455 / 0.023 = 2000.19782608…")
        ex.advance()
        let close = try await ex.createOrder(symbol: eth, type: .market, side: .sell, amount: Decimal(string: "0.023")!, price: nil,
                                             params: ["reduceOnly": true])
        XCTAssertEqual(close.fee?.cost, Decimal(string: "0.023013"), "0.023012995 → 0.02301300")
        // 10000 − 0.01100006 − 0.01200222 − 0.02301300 + 0.02144000 (P&L 0.02143999993): the loopback exchange's wallet.
        XCTAssertEqual(ex.walletBalance, Decimal(string: "9999.97542472"))
    }

    /// A run that stops before the file ends (`--to`, a tuning split, a walk-forward window) settles its open position
    /// at the close of the last candle it played: here 120, never the file's last close (1000, from after the run).
    func testARunEndingEarlySettlesAtItsOwnLastClose() async throws {
        let ex = exchange([(100, 100, 100, 100), (100, 112, 99, 110), (110, 125, 109, 120), (500, 1000, 500, 1000)])
        try await ex.setLeverage(1, symbol: Self.symbol)
        let backtester = Backtester(exchange: ex, start: 1, end: 3)
        nonisolated(unsafe) var cycles = 0
        let result = await backtester.run { _ in
            cycles += 1
            if cycles == 1 {
                _ = try? await ex.createOrder(symbol: Self.symbol, type: .market, side: .buy, amount: 10, price: nil,
                                              params: ["clientOrderId": "entry"])
            }
            return CycleOutcome()
        }
        XCTAssertEqual(cycles, 2)
        let trip = try XCTUnwrap(result.trades.first)
        XCTAssertEqual(trip.exit, .endOfData)
        XCTAssertEqual(trip.entryPrice, 100)
        XCTAssertEqual(trip.exitPrice, 120, "settled at the last played candle's close")
        XCTAssertEqual(trip.exitTime, 1_609_459_200_000 + 3 * Self.day, "at the end of the last played candle")
        XCTAssertEqual(trip.grossPnl, 200)
        // 10 000 − 0.5 (entry fee) + 200 − 0.6 (exit fee at 1 200 notional)
        XCTAssertEqual(result.metrics.finalBalance, Decimal(string: "10198.9"))
    }
}
