import Exchange
import XCTest
@testable import Backtest

final class BacktestMetricsTests: XCTestCase {
    func testDrawdownSharpeSortinoByHand() throws {
        XCTAssertEqual(BacktestMetrics.maxDrawdown([100, 120, 90, 130, 65]), 0.5, accuracy: 1e-12)
        // returns +10 %, −10 %, +10 %: mean 1/30, sample std √(0.04/3), downside √(0.01/3)
        let r = BacktestMetrics.sharpeSortino(equity: [100, 110, 99, 108.9], periodsPerYear: 365)
        let mean = 1.0 / 30
        XCTAssertEqual(try XCTUnwrap(r.sharpe), mean / (0.04 / 3).squareRoot() * 365.0.squareRoot(), accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(r.sortino), mean / (0.01 / 3).squareRoot() * 365.0.squareRoot(), accuracy: 1e-9)
        XCTAssertNil(BacktestMetrics.sharpeSortino(equity: [100, 100, 100], periodsPerYear: 365).sharpe)
    }

    func testTradeTable() throws {
        func trip(_ net: Decimal, margin: Decimal) -> RoundTrip {
            RoundTrip(side: .long, entryTime: 0, exitTime: 1, entryPrice: 100, exitPrice: 100, amount: 1,
                      grossPnl: net, fees: 0, funding: 0, margin: margin, exit: .order)
        }
        // wins 30 and 10 (avg 20), loss −40 → ratio 0.5; rates 0.3, 0.1, −0.2
        let m = BacktestMetrics(roundTrips: [trip(30, margin: 100), trip(-40, margin: 200), trip(10, margin: 100)],
                                equity: [1030, 990, 1000], initialBalance: 1000, finalBalance: 1000, exposed: 2,
                                feesPaid: 3, fundingPaid: 0, firstPrice: 100, lastPrice: 125, intervalMs: 86_400_000)
        XCTAssertEqual(m.trades, 3); XCTAssertEqual(m.wins, 2)
        XCTAssertEqual(try XCTUnwrap(m.winRate), 2.0 / 3, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(m.profitLossRatio), 0.5, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(m.maxProfitRate), 0.3, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(m.maxLossRate), -0.2, accuracy: 1e-12)
        XCTAssertEqual(m.totalReturn, 0, accuracy: 1e-12)
        XCTAssertEqual(m.maxDrawdown, 40.0 / 1030, accuracy: 1e-12)
        XCTAssertEqual(m.exposure, 2.0 / 3, accuracy: 1e-12)
        XCTAssertEqual(m.buyAndHoldReturn, 0.25, accuracy: 1e-12)
    }

    /// A scripted cycle (buy at candle 2's open, sell at candle 4's open) through the Backtester.
    func testBacktesterMarksEquityAtEachClose() async throws {
        let rows: [(Double, Double, Double, Double)] = [(100, 100, 100, 100), (100, 100, 100, 100), (100, 105, 99, 104),
                                                        (104, 111, 103, 110), (110, 110, 100, 102), (102, 102, 102, 102)]
        let candles = SimulatedExchangeTests.candles(rows)
        let ex = SimulatedExchange(market: SimulationSettings.market(), timeframe: .oneDay, candles: candles, start: 1)
        try await ex.setLeverage(1, symbol: "BTC/USDT:USDT")
        let bt = Backtester(exchange: ex, start: 1, end: 6)
        let result = await bt.run { now in
            do {
                if now == candles[2].timestamp {
                    _ = try await ex.createOrder(symbol: "BTC/USDT:USDT", type: .market, side: .buy, amount: 10, price: nil, params: [:])
                } else if now == candles[4].timestamp {
                    _ = try await ex.createOrder(symbol: "BTC/USDT:USDT", type: .market, side: .sell, amount: 10, price: nil, params: ["reduceOnly": true])
                }
                return CycleOutcome()
            } catch { return CycleOutcome(error: "\(error)") }
        }
        XCTAssertTrue(result.failedCycles.isEmpty)
        // fee in 0.5, out 10 × 110 × 0.0005 = 0.55; gain 100
        XCTAssertEqual(result.metrics.finalBalance, Decimal(string: "10098.95"))
        XCTAssertEqual(result.equity.map(\.equity), [10000, 10039.5, 10099.5, 10098.95, 10098.95])
        XCTAssertEqual(result.metrics.exposure, 2.0 / 5, accuracy: 1e-12)
        XCTAssertEqual(result.metrics.trades, 1)
        XCTAssertEqual(result.metrics.buyAndHoldReturn, 0.02, accuracy: 1e-12)   // 100 → 102
        XCTAssertEqual(result.equity.first?.time, candles[1].timestamp + 86_400_000)
    }
}
