import Binance
import BinanceTestServer
@testable import Bot
import Exchange
import Foundation
import XCTest

/// Dry-run books fills as the exchange does, digit for digit: commission, realised P&L and the averaged entry price
/// at Binance's 8 decimals. ETHUSDT (tick 0.01, step 0.001, taker 0.05 %) gives fees with a 9th decimal and an
/// averaged entry that never ends, so an unrounded wallet drifts from the exchange's from the first fill.
final class DryRunBookkeepingTests: XCTestCase {
    static let eth = "ETH/USDT:USDT"
    func d(_ s: String) -> Decimal { Decimal(string: s)! }

    func testDryRunBooksFeesPnlAndEntryWithTheExchangesEightDecimals() async throws {
        let venue = try await LoopbackVenue()
        defer { Task { await venue.stop() } }
        let clock = venue.server.clock
        clock.set(ms: venue.after(5))
        venue.server.loadCandles(symbol: "ETHUSDT", interval: "1d", candles: (0..<10).map { i in
            BinanceTestServer.Candle(openTime: LoopbackVenue.start + Int64(i) * LoopbackVenue.day, open: 2_000, high: 2_010, low: 1_990,
                                     close: 2_000, volume: 100)
        })
        let exchange = venue.client(signed: true)
        let paper = try PaperExchange(market: venue.client(signed: false), journal: try LoopbackVenue.journal(), symbol: Self.eth,
                                      timeframe: .oneDay, startingBalance: 10_000, now: { clock.nowMs })
        try await exchange.setLeverage(2, symbol: Self.eth)
        try await paper.setLeverage(2, symbol: Self.eth)
        // The bot's default margin mode, set on both as the bot sets it (the exchange's account starts cross).
        try await exchange.setMarginMode(.isolated, symbol: Self.eth)
        try await paper.setMarginMode(.isolated, symbol: Self.eth)

        // Two buys at different prices (entry 46.00455 / 0.023 = 2000.19782608…), then the close.
        let steps: [(price: String, side: OrderSide, amount: String, reduceOnly: Bool)] = [
            ("2000.01", .buy, "0.011", false),      // fee 0.0110000550 → 0.01100006
            ("2000.37", .buy, "0.012", false),
            ("2001.13", .sell, "0.023", true),      // fee 0.023012995 → 0.02301300; P&L on an 8-decimal entry
        ]
        for (n, step) in steps.enumerated() {
            venue.server.setPrice(symbol: "ETHUSDT", price: d(step.price))
            var params: Params = ["clientOrderId": .string("step-\(n)")]
            if step.reduceOnly { params["reduceOnly"] = .bool(true) }
            let live = try await exchange.createOrder(symbol: Self.eth, type: .market, side: step.side, amount: d(step.amount), price: nil, params: params)
            let dry = try await paper.createOrder(symbol: Self.eth, type: .market, side: step.side, amount: d(step.amount), price: nil, params: params)
            XCTAssertEqual(dry.average, live.average, "step \(n)")
            let booked = try await exchange.fetchBalance(), simulated = try await paper.fetchBalance()
            XCTAssertEqual(simulated["USDT"], booked["USDT"], "step \(n): dry-run's free/used/total against /fapi/v3/account")
            let position = try await exchange.fetchPositions(symbols: [Self.eth]).first { $0.contracts != 0 }
            let dryPosition = try await paper.fetchPositions(symbols: [Self.eth]).first
            XCTAssertEqual(dryPosition?.entryPrice, position?.entryPrice, "step \(n): entry price")
        }
        // The wallet the exchange ends with, worked out by hand: fees 0.01100006 + 0.01200222 + 0.02301300; entry
        // 2000.19782609; P&L 0.023 × (2001.13 − 2000.19782609) = 0.02143999993 → 0.02144000.
        let final = try await paper.fetchBalance()
        XCTAssertEqual(final["USDT"]?.total, d("10000") - d("0.01100006") - d("0.01200222") - d("0.02301300") + d("0.02144000"))
    }
}
