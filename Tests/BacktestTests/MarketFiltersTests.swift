import Binance
import Bot
import Exchange
import Foundation
import XCTest
@testable import Backtest

/// The simulated market's filters: derived so the balance buys what it affords, or a real exchangeInfo entry.
final class MarketFiltersTests: XCTestCase {
    /// One `symbols` entry of GET /fapi/v1/exchangeInfo as Binance documents it, with BTCUSDT's filter values.
    static let btcusdtEntry = """
    {"symbol":"BTCUSDT","pair":"BTCUSDT","contractType":"PERPETUAL","deliveryDate":4133404800000,"onboardDate":1569398400000,
     "status":"TRADING","maintMarginPercent":"2.5000","requiredMarginPercent":"5.0000","baseAsset":"BTC","quoteAsset":"USDT",
     "marginAsset":"USDT","pricePrecision":2,"quantityPrecision":3,"baseAssetPrecision":8,"quotePrecision":8,
     "underlyingType":"COIN","underlyingSubType":["PoW"],"settlePlan":0,"triggerProtect":"0.0500","liquidationFee":"0.012500",
     "marketTakeBound":"0.05","filters":[
      {"minPrice":"556.80","maxPrice":"4529764","filterType":"PRICE_FILTER","tickSize":"0.10"},
      {"stepSize":"0.001","filterType":"LOT_SIZE","maxQty":"1000","minQty":"0.001"},
      {"stepSize":"0.001","filterType":"MARKET_LOT_SIZE","maxQty":"120","minQty":"0.001"},
      {"limit":200,"filterType":"MAX_NUM_ORDERS"},{"limit":10,"filterType":"MAX_NUM_ALGO_ORDERS"},
      {"notional":"100","filterType":"MIN_NOTIONAL"},
      {"multiplierDown":"0.9500","multiplierUp":"1.0500","multiplierDecimal":"4","filterType":"PERCENT_PRICE"}],
     "orderTypes":["LIMIT","MARKET","STOP","STOP_MARKET","TAKE_PROFIT","TAKE_PROFIT_MARKET","TRAILING_STOP_MARKET"],
     "timeInForce":["GTC","IOC","FOK","GTX"]}
    """

    func write(_ text: String) throws -> String {
        let path = NSTemporaryDirectory() + "filters-\(UUID().uuidString).json"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }

    func testDerivedCapsLeaveRoomForWhatTheBalanceAffordsAtTheLowestPrice() {
        let candles = (0..<10).map { i in Candle(timestamp: Int64(i) * 86_400_000, open: 0.5, high: 4_000, low: 0.43, close: 1, volume: 1) }
        let market = MarketFilters.derived(symbol: "ETH/USDT:USDT", candles: candles, balance: 10_000, leverage: 3)
        // 1000 × 10000 × 3 / 0.43 = 6.98e7 → 1e8
        XCTAssertEqual(market.limits.market.max, 100_000_000)
        XCTAssertEqual(market.limits.amount.max, 100_000_000)
        XCTAssertEqual(market.precision.amount, Decimal(string: "0.01"))
        XCTAssertEqual(market.precision.price, Decimal(string: "0.00001"))
        XCTAssertEqual(MarketFilters.describe(market),
                       "ETHUSDT: tick 0.00001, step 0.01, min qty 0.01, max qty 100000000 (LOT_SIZE) / 100000000 (MARKET_LOT_SIZE), min notional 100")
        // What 10,000 USDT × 3 affords at the lowest price is far inside the cap.
        let size = try? PositionSizer(leverage: 3).size(freeBalance: 10_000, price: Decimal(string: "0.43")!, market: market)
        XCTAssertNil(size?.capped)
    }

    func testARealExchangeInfoEntryIsReadAsLoadMarketsReadsIt() throws {
        let market = try MarketFile.load(path: try write(Self.btcusdtEntry), marketID: "BTCUSDT")
        XCTAssertEqual(market.symbol, "BTC/USDT:USDT")
        XCTAssertEqual(market.precision.price, Decimal(string: "0.1"))
        XCTAssertEqual(market.precision.amount, Decimal(string: "0.001"))
        XCTAssertEqual(market.limits.market.max, 120)
        XCTAssertEqual(market.limits.amount.max, 1000)
        XCTAssertEqual(market.limits.cost.min, 100)
        // The whole exchangeInfo answer works too; the traded symbol is picked from it.
        let whole = "{\"timezone\":\"UTC\",\"serverTime\":1565246363776,\"rateLimits\":[],\"exchangeFilters\":[],\"assets\":[],\"symbols\":[\(Self.btcusdtEntry)]}"
        XCTAssertEqual(try MarketFile.load(path: try write(whole), marketID: "BTCUSDT"), market)
    }

    func testBadFilesSayWhichFileAndWhatToDo() throws {
        XCTAssertThrowsError(try MarketFile.load(path: "/nonexistent/x.json", marketID: "BTCUSDT")) { e in
            XCTAssertTrue("\(e)".hasPrefix("/nonexistent/x.json: cannot read the file; save one with: curl"), "\(e)")
        }
        XCTAssertThrowsError(try MarketFile.load(path: try write("[1,2]"), marketID: "BTCUSDT")) { e in
            XCTAssertTrue("\(e)".contains("not a JSON object"), "\(e)")
        }
        XCTAssertThrowsError(try MarketFile.load(path: try write(Self.btcusdtEntry), marketID: "ETHUSDT")) { e in
            XCTAssertTrue("\(e)".contains("no entry for symbol ETHUSDT (found: BTCUSDT)"), "\(e)")
        }
        XCTAssertThrowsError(try MarketFile.load(path: try write("{\"symbol\":\"BTCUSDT\"}"), marketID: "BTCUSDT")) { e in
            XCTAssertTrue("\(e)".contains("has no \"filters\" list"), "\(e)")
        }
    }

    /// With Binance's real BTCUSDT filters the 2013-priced part of the Bitcoin file hits MARKET_LOT_SIZE's 120 BTC:
    /// the backtest says so for every entry it capped, and the header names the filters' source.
    func testRealFiltersCapEntriesAndTheBacktestSaysSo() async throws {
        let s = try MoneyRegressionTests.setup("coin_Bitcoin.csv")
        let market = try MarketFile.load(path: try write(Self.btcusdtEntry), marketID: "BTCUSDT")
        let outcome = try await BacktestPipeline.run(setup: s, from: nil, to: MoneyRegressionTests.day("2014-12-31"),
                                                     simulation: SimulationSettings(), engine: .replay, market: market)
        XCTAssertTrue(outcome.result.notPlaced.contains { $0.message.hasPrefix("capped by MARKET_LOT_SIZE max 120 (the balance affords") },
                      "\(outcome.result.notPlaced.prefix(3))")
        XCTAssertTrue(outcome.report.text().contains("simulated market: BTCUSDT: tick 0.1, step 0.001, min qty 0.001, max qty 1000 (LOT_SIZE) / 120 (MARKET_LOT_SIZE), min notional 100 (from --market-filters)"),
                      outcome.report.text())
        // Derived filters on the same candles cap nothing.
        let derived = try await BacktestPipeline.run(setup: s, from: nil, to: MoneyRegressionTests.day("2014-12-31"),
                                                     simulation: SimulationSettings(), engine: .replay)
        XCTAssertFalse(derived.result.notPlaced.contains { $0.message.hasPrefix("capped") }, "\(derived.result.notPlaced.prefix(3))")
    }
}
