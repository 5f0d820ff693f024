import XCTest
import Exchange

final class VocabularyTests: XCTestCase {
    func testTimeframeTable() throws {
        XCTAssertEqual(try Timeframe("1m").milliseconds, 60_000)
        XCTAssertEqual(try Timeframe("4h").milliseconds, 14_400_000)
        XCTAssertEqual(try Timeframe("1d").milliseconds, 86_400_000)
        XCTAssertEqual(try Timeframe("1w").milliseconds, 604_800_000)
        XCTAssertEqual(try Timeframe("1M").milliseconds, 2_592_000_000)
        XCTAssertEqual(Timeframe.all.map(\.name),
                       ["1m", "3m", "5m", "15m", "30m", "1h", "2h", "4h", "6h", "8h", "12h", "1d", "3d", "1w", "1M"])
        XCTAssertThrowsError(try Timeframe("7m")) { error in
            XCTAssertEqual((error as? ExchangeFailure)?.kind, .badRequest)
        }
    }

    func testUnifiedSymbolParsing() throws {
        let s = try UnifiedSymbol(parsing: "BTC/USDT:USDT")
        XCTAssertEqual(s.base, "BTC"); XCTAssertEqual(s.quote, "USDT"); XCTAssertEqual(s.settle, "USDT")
        XCTAssertTrue(s.isSwap)
        XCTAssertEqual(s.description, "BTC/USDT:USDT")
        let f = try UnifiedSymbol(parsing: "ETH/USDT:USDT-250328")
        XCTAssertEqual(f.expiry, "250328"); XCTAssertFalse(f.isSwap)
        XCTAssertEqual(try UnifiedSymbol(parsing: "ETH/BTC").settle, nil)
        for bad in ["BTCUSDT", "/USDT", "BTC/", "BTC/USDT:", "BTC/USDT:USDT-", "BTC/USDT:USDT:X", "B C/USDT"] {
            XCTAssertThrowsError(try UnifiedSymbol(parsing: bad), bad) { error in
                XCTAssertEqual((error as? ExchangeFailure)?.kind, .badSymbol)
            }
        }
    }

    func testErrorHierarchyMirrorsCCXT() {
        typealias K = ExchangeFailure.Kind
        XCTAssertTrue(K.rateLimitExceeded.isA(.ddosProtection))
        XCTAssertTrue(K.rateLimitExceeded.isA(.networkError))
        XCTAssertFalse(K.rateLimitExceeded.isA(.exchangeError))
        XCTAssertTrue(K.orderNotFound.isA(.invalidOrder))
        XCTAssertTrue(K.orderNotFound.isA(.exchangeError))
        XCTAssertTrue(K.badSymbol.isA(.badRequest))
        XCTAssertTrue(K.accountSuspended.isA(.authenticationError))
        XCTAssertTrue(K.permissionDenied.isA(.authenticationError))
        XCTAssertTrue(K.invalidNonce.isA(.networkError))
        XCTAssertFalse(K.insufficientFunds.isA(.invalidOrder))
        for k in K.allCases {
            XCTAssertTrue(k.isA(.networkError) != k.isA(.exchangeError), "\(k) must be in exactly one family")
        }
        let e = ExchangeFailure(.insufficientFunds, exchange: "binanceusdm", code: -2019,
                                message: "Margin is insufficient.\nsecond line", method: "createOrder")
        XCTAssertTrue(e.isExchangeError); XCTAssertFalse(e.isNetworkError)
        XCTAssertFalse(e.description.contains("\n"))
        XCTAssertTrue(e.description.hasPrefix("InsufficientFunds in createOrder (binanceusdm code -2019): Margin is insufficient."),
                      e.description)
        XCTAssertEqual(e.localizedDescription, e.description)
    }

    func testOrderTypesUseCCXTNames() {
        XCTAssertEqual(OrderType(name: "STOP_MARKET"), .stopMarket)
        XCTAssertEqual(OrderType(name: "limit"), .limit)
        XCTAssertNil(OrderType(name: "iceberg"))
        XCTAssertTrue(OrderType.takeProfitMarket.isConditional)
        XCTAssertFalse(OrderType.market.isConditional)
        let o = Order(id: "1", symbol: "BTC/USDT:USDT", type: .limit, side: .buy, amount: 2, filled: Decimal(string: "0.5")!,
                      status: .open)
        XCTAssertEqual(o.remaining, Decimal(string: "1.5")!)
    }

    func testCodableRoundTripKeepsDecimalsExact() throws {
        let o = Order(id: "1", clientOrderId: "x", symbol: "BTC/USDT:USDT", type: .stopMarket, side: .sell,
                      amount: Decimal(string: "0.003")!, status: .open, reduceOnly: true,
                      triggerPrice: Decimal(string: "59000.1")!)
        let data = try JSONEncoder().encode(o)
        let text = String(decoding: data, as: UTF8.self)
        XCTAssertTrue(text.contains("59000.1"), text)
        XCTAssertFalse(text.contains("59000.09"), text)
        XCTAssertEqual(try JSONDecoder().decode(Order.self, from: data), o)
    }
}
