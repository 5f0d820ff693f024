import XCTest
import Exchange
@testable import Bot

/// Dry-run places no exchange-side stops: ccxt's `stopLossPrice` (or any trigger param) is refused naming the
/// parameter, never filled as the plain market order it rides on.
final class PaperStopParamsTests: XCTestCase {
    func testStopLossPriceIsRefusedByName() async throws {
        let dir = try makeTemporaryDirectory(self)
        let candles = dailyCandles([100, 100, 100, 100, 100, 100])
        let feed = CandleFeed(candles: candles, now: candles[5].timestamp + 3_600_000)
        let journal = try Journal(path: dir.appendingPathComponent("j.sqlite").path)
        let paper = try PaperExchange(market: feed, journal: journal, symbol: "BTC/USDT:USDT", timeframe: .oneDay,
                                      startingBalance: 10_000, now: { feed.now })
        for key in ["stopLossPrice", "takeProfitPrice", "triggerPrice", "trailingPercent"] {
            do {
                _ = try await paper.createOrder(symbol: "BTC/USDT:USDT", type: .market, side: .sell, amount: 1, price: nil,
                                                params: [key: 90])
                XCTFail("\(key) must not become a market order")
            } catch let f as ExchangeFailure {
                XCTAssertEqual(f.kind, .notSupported)
                XCTAssertTrue(f.message.contains("params.\(key)"), f.message)
            }
        }
        let positions = try await paper.fetchPositions()
        XCTAssertTrue(positions.isEmpty, "nothing was filled")
    }
}
