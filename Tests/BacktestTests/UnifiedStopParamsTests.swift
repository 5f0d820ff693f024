import XCTest
import Exchange
@testable import Backtest

/// ccxt's unified trigger params on the simulated exchange: a stop loss through `stopLossPrice` is the same
/// STOP_MARKET order as on Binance; kinds the simulation lacks are refused naming the parameter.
final class UnifiedStopParamsTests: XCTestCase {
    func testStopLossPriceMakesAStopMarketOrder() async throws {
        let rows: [(Double, Double, Double, Double)] = [(100, 100, 100, 100), (100, 100, 100, 100), (100, 101, 99, 100), (100, 100, 100, 100)]
        let ex = SimulatedExchange(market: SimulationSettings.market(), timeframe: .oneDay, candles: SimulatedExchangeTests.candles(rows), start: 1)
        _ = try await ex.createOrder(symbol: "BTC/USDT:USDT", type: .market, side: .buy, amount: 1, price: nil, params: [:])
        let stop = try await ex.createOrder(symbol: "BTC/USDT:USDT", type: .market, side: .sell, amount: 1, price: nil,
                                            params: ["stopLossPrice": 90, "reduceOnly": true])
        XCTAssertEqual(stop.type, .stopMarket)
        XCTAssertEqual(stop.triggerPrice, 90)
        XCTAssertEqual(stop.status, .open)
        let tp = try await ex.createOrder(symbol: "BTC/USDT:USDT", type: .market, side: .sell, amount: 1, price: nil,
                                          params: ["takeProfitPrice": 120, "reduceOnly": true])
        XCTAssertEqual(tp.type, .takeProfitMarket)
        do {
            _ = try await ex.createOrder(symbol: "BTC/USDT:USDT", type: .limit, side: .sell, amount: 1, price: 89,
                                         params: ["stopLossPrice": 90, "reduceOnly": true])
            XCTFail("a stop-limit order is not simulated")
        } catch let f as ExchangeFailure {
            XCTAssertEqual(f.kind, .notSupported)
            XCTAssertTrue(f.message.contains("params.stopLossPrice"), f.message)
        }
    }
}
