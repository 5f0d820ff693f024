@testable import Bot
import Exchange
import XCTest

/// The sizing arithmetic, without an exchange.
final class PositionSizerTests: XCTestCase {
    let market = CandleFeed(candles: [], now: 0).market   // step 0.001, min qty 0.001, max 1000, min notional 100, taker 0.05 %

    func testStakeIsTheRatioOfTheFreeBalanceAndPaysMarginAndBothFees() throws {
        let sizer = PositionSizer(leverage: 1)
        let size = try sizer.size(freeBalance: 10_000, price: 10_000, market: market)
        // 10000 × 0.99 / (1 + 2 × 0.0005) / 10000 = 0.98901… → 0.989
        XCTAssertEqual(size.amount, Decimal(string: "0.989"))
        XCTAssertNil(size.capped)
        // What it costs at the fill price: margin + entry fee + exit fee stays inside the stake.
        let cost = size.amount * 10_000 * (1 + 2 * Decimal(string: "0.0005")!)
        XCTAssertLessThanOrEqual(cost, 9_900)
        let levered = try PositionSizer(leverage: 5, tradableBalanceRatio: Decimal(string: "0.5")!).size(freeBalance: 1_000, price: 100, market: market)
        // 1000 × 0.5 × 5 / (1 + 10 × 0.0005) / 100 = 24.875…
        XCTAssertEqual(levered.amount, Decimal(string: "24.875"))
    }

    /// The buffer is what makes the order affordable when the price moves against the entry before it fills:
    /// Binance's check is qty × price / leverage + qty × price × taker ≤ available.
    func testAPriceMoveOfPointThreePercentStaysAffordable() throws {
        for leverage in [1, 2, 5, 20] {
            let sizer = PositionSizer(leverage: leverage)
            let size = try sizer.size(freeBalance: 10_000, price: 30_000, market: market)
            let moved = Decimal(30_000) * Decimal(string: "1.003")!
            let needed = size.amount * moved / Decimal(leverage) + size.amount * moved * Decimal(string: "0.0005")!
            XCTAssertLessThan(needed, 10_000, "leverage \(leverage)")
            // Without the ratio (the old sizing: 100 % of the balance less one fee) the same move is refused.
            let old = Decimal(10_000) / (1 + Decimal(leverage) * Decimal(string: "0.0005")!) * Decimal(leverage) / 30_000
            let oldNeeded = market.amountToPrecision(old) * moved * (1 / Decimal(leverage) + Decimal(string: "0.0005")!)
            XCTAssertGreaterThan(oldNeeded, 10_000, "leverage \(leverage)")
        }
    }

    func testQuantityCapsAreNamedAndMinimumsRefuseWithTheReason() throws {
        var capped = market
        capped.limits.market = MinMax(min: Decimal(string: "0.001")!, max: 120)
        let size = try PositionSizer(leverage: 1).size(freeBalance: 10_000, price: 50, market: capped)
        XCTAssertEqual(size.amount, 120)
        XCTAssertEqual(size.capped, "capped by MARKET_LOT_SIZE max 120 (the balance affords 197.802)")
        let limit = try PositionSizer(leverage: 1, orderType: .limit).size(freeBalance: 10_000, price: 5, market: capped)
        XCTAssertEqual(limit.amount, 1000)
        XCTAssertEqual(limit.capped?.hasPrefix("capped by LOT_SIZE max 1000"), true)

        XCTAssertThrowsError(try PositionSizer(leverage: 1).size(freeBalance: 90, price: 37_000, market: market)) { error in
            XCTAssertEqual((error as? OrderSkip)?.reason, "not placed: notional 74 below minimum notional 100")
        }
        XCTAssertThrowsError(try PositionSizer(leverage: 1, minOrderAmount: 1).size(freeBalance: 1_000, price: 37_000, market: market)) { error in
            XCTAssertTrue((error as? OrderSkip)?.reason.hasPrefix("not placed: size 0.026 below minimum 1") == true, "\(error)")
        }
        XCTAssertThrowsError(try PositionSizer(leverage: 1).size(freeBalance: 1_000, price: 0, market: market))
    }

    func testTheResizeIsSmallerEvenWhenNothingChanged() throws {
        let sizer = PositionSizer(leverage: 1)
        let first = try sizer.size(freeBalance: 10_000, price: 10_000, market: market)
        let second = try sizer.resize(refused: first.amount, freeBalance: 10_000, price: 10_000, market: market)
        XCTAssertEqual(second.amount, Decimal(string: "0.939"), "0.989 × 0.95 = 0.93955 on the step")
        // A fresh balance that is smaller wins over the shrink.
        let poorer = try sizer.resize(refused: first.amount, freeBalance: 5_000, price: 10_000, market: market)
        XCTAssertEqual(poorer.amount, Decimal(string: "0.494"))
    }

    func testTheResizedClientOrderIdIsDerivedDistinctAndValid() {
        let id = ClientOrderID.make(marketID: "1000SHIBUSDCXYZ", candleTime: 1_704_067_200_000, purpose: .open)
        let resized = ClientOrderID.resized(id)
        XCTAssertNotEqual(resized, id)
        XCTAssertEqual(ClientOrderID.resized(id), resized, "deterministic: a re-run derives the same id")
        XCTAssertTrue(resized.hasPrefix(String(id.prefix(30))))
        XCTAssertLessThanOrEqual(resized.count, 36)
        let allowed = CharacterSet(charactersIn: ".:/_-").union(.alphanumerics)
        XCTAssertTrue(resized.unicodeScalars.allSatisfy(allowed.contains))
    }

    func testMarginRefusalsAreRecognisedFreshOrFromTheJournal() {
        let failure = ExchangeFailure(.insufficientFunds, exchange: "binanceusdm", code: -2019, message: "Margin is insufficient.", method: "createOrder")
        XCTAssertTrue(OrderSender.isMarginRefusal(failure.description))
        XCTAssertFalse(OrderSender.isMarginRefusal(ExchangeFailure(.invalidOrder, code: -4164, message: "notional").description))
    }
}
