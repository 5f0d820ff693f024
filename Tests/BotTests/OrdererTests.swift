@testable import Bot
import Exchange
import XCTest

final class OrdererTests: XCTestCase {
    let market = CandleFeed(candles: [], now: 0).market

    func testEntrySizeIsBalanceTimesLeverageOverPriceTruncatedToStep() throws {
        let orderer = Orderer(leverage: 3, orderType: .market, minOrderAmount: Decimal(string: "0.001")!, stopLoss: Decimal(string: "0.05")!)
        let request = try orderer.entry(side: .long, freeBalance: 10_000, price: Decimal(string: "37000.1")!, market: market, clientOrderID: "id")
        // 10000 × 0.99 (TRADABLE_BALANCE_RATIO) × 3 / (1 + 2 × 3 × 0.0005) / 37000.1 = 0.80030… → 0.8 on the 0.001 step
        XCTAssertEqual(request.amount, Decimal(string: "0.8"))
        XCTAssertEqual("\(request.amount)", "0.8")
        XCTAssertEqual(request.side, .buy)
        XCTAssertFalse(request.reduceOnly)
        XCTAssertNil(request.price)
        XCTAssertEqual(request.params["clientOrderId"], .string("id"))
        let short = try orderer.entry(side: .short, freeBalance: 10_000, price: 100, market: market, clientOrderID: "s")
        XCTAssertEqual(short.side, .sell)
        XCTAssertEqual(short.amount, Decimal(string: "296.111"), "9900 × 3 / 1.003 / 100 = 296.1116… truncated")
    }

    func testMinimumsAreRespected() {
        let orderer = Orderer(leverage: 1, orderType: .market, minOrderAmount: Decimal(string: "0.01")!, stopLoss: Decimal(string: "0.05")!)
        XCTAssertThrowsError(try orderer.entry(side: .long, freeBalance: 300, price: 37_000, market: market, clientOrderID: "x")) { error in
            XCTAssertTrue("\(error)".contains("below minimum 0.01"), "\(error)")
        }
        let loose = Orderer(leverage: 1, orderType: .market, minOrderAmount: 0, stopLoss: Decimal(string: "0.05")!)
        XCTAssertThrowsError(try loose.entry(side: .long, freeBalance: 90, price: 37_000, market: market, clientOrderID: "x")) { error in
            XCTAssertTrue("\(error)".contains("notional"), "\(error)")
        }
        XCTAssertThrowsError(try loose.entry(side: .long, freeBalance: 0, price: 37_000, market: market, clientOrderID: "x"))
    }

    func testLimitExitAndStopLoss() {
        let orderer = Orderer(leverage: 2, orderType: .limit, minOrderAmount: 0, stopLoss: Decimal(string: "0.05")!)
        let position = PositionSnapshot(side: .long, amount: Decimal(string: "0.5")!, entryPrice: Decimal(string: "37000.05")!)
        let exit = orderer.exit(position: position, price: Decimal(string: "38000.04")!, market: market, clientOrderID: "c")
        XCTAssertEqual(exit.side, .sell)
        XCTAssertTrue(exit.reduceOnly)
        XCTAssertEqual(exit.price, Decimal(string: "38000"))
        XCTAssertEqual(exit.params["timeInForce"], "GTC")
        XCTAssertEqual(exit.params["reduceOnly"], .bool(true))
        let stop = orderer.stopLossOrder(position: position, market: market, clientOrderID: "s")
        XCTAssertEqual(stop.type, .stopMarket)
        XCTAssertEqual(stop.triggerPrice, Decimal(string: "35150"), "37000.05 × 0.95 = 35150.0475, rounded down to the tick")
        XCTAssertTrue(stop.reduceOnly)
        let short = PositionSnapshot(side: .short, amount: 1, entryPrice: 100)
        XCTAssertEqual(orderer.stopLossOrder(position: short, market: market, clientOrderID: "s").triggerPrice, 105)
    }

    func testClientOrderIDsAreDeterministicAndValidForBinance() {
        let id = ClientOrderID.make(marketID: "BTCUSDT", candleTime: 1_704_067_200_000, purpose: .open)
        XCTAssertEqual(id, "tb-BTCUSDT-1704067200-o")
        XCTAssertEqual(ClientOrderID.make(marketID: "BTCUSDT", candleTime: 1_704_067_200_000, purpose: .open), id)
        let long = ClientOrderID.make(marketID: "1000SHIBUSDCXYZ", candleTime: 1_704_067_200_000, purpose: .stopLoss, attempt: 3)
        XCTAssertLessThanOrEqual(long.count, 36)
        let allowed = CharacterSet(charactersIn: ".:/_-").union(.alphanumerics)
        XCTAssertTrue(long.unicodeScalars.allSatisfy(allowed.contains))
    }
}
