import XCTest
@testable import BinanceTestServer

/// The loopback exchange's balance fields follow Binance's documented rule for both margin types: an isolated
/// position's margin moves from the cross wallet into its isolatedWallet, its unrealised P&L stays out of the cross
/// side, and availableBalance (Binance's FAQ: max(0, crossWalletBalance + Σ cross uPnL − (Σ cross initial margin +
/// isolated open-order initial margin))) never goes below 0. Every figure is worked out by hand in the comments.
final class MarginFieldsTests: ServerTestCase {
    func account() throws -> (asset: [String: Any], top: [String: Any], position: [String: Any]) {
        let a = try client.signed("GET", "/fapi/v3/account", [], server: server).object
        let asset = try XCTUnwrap((a["assets"] as? [[String: Any]])?.first)
        let position = (a["positions"] as? [[String: Any]])?.first ?? [:]
        return (asset, a, position)
    }

    func testAnIsolatedPositionsMarginLeavesTheCrossWalletAndItsLossStaysOutOfTheAvailableBalance() throws {
        try startServer()
        XCTAssertEqual(try client.signed("POST", "/fapi/v1/leverage", [("symbol", "BTCUSDT"), ("leverage", "5")], server: server).status, 200)
        XCTAssertEqual(try client.signed("POST", "/fapi/v1/marginType", [("symbol", "BTCUSDT"), ("marginType", "ISOLATED")], server: server).status, 200)
        server.setPrice(symbol: "BTCUSDT", price: 60_000)
        // Buy 0.1 at 60000: fee 6000 × 0.0005 = 3 → wallet 9997; 6000 / 5 = 1200 moves into the isolated wallet.
        XCTAssertEqual(try order([("side", "BUY"), ("type", "MARKET"), ("quantity", "0.1")]).status, 200)
        // A resting buy of 0.05 at 58000: open-order initial margin 0.05 × 58000 / 5 = 580.
        XCTAssertEqual(try order([("side", "BUY"), ("type", "LIMIT"), ("timeInForce", "GTC"), ("quantity", "0.05"), ("price", "58000")]).status, 200)
        // The mark falls to 59000: uPnL 0.1 × −1000 = −100; position initial margin 0.1 × 59000 / 5 = 1180.
        server.setPrice(symbol: "BTCUSDT", price: 59_000)

        let (asset, top, position) = try account()
        XCTAssertEqual(asset["walletBalance"] as? String, "9997.00000000")
        XCTAssertEqual(asset["crossWalletBalance"] as? String, "8797.00000000")      // 9997 − 1200
        XCTAssertEqual(asset["unrealizedProfit"] as? String, "-100.00000000")
        XCTAssertEqual(asset["crossUnPnl"] as? String, "0.00000000")                 // the loss is the isolated side's
        XCTAssertEqual(asset["marginBalance"] as? String, "9897.00000000")
        XCTAssertEqual(asset["positionInitialMargin"] as? String, "1180.00000000")
        XCTAssertEqual(asset["openOrderInitialMargin"] as? String, "580.00000000")
        XCTAssertEqual(asset["initialMargin"] as? String, "1760.00000000")
        XCTAssertEqual(asset["availableBalance"] as? String, "8217.00000000")        // 8797 + 0 − (0 + 580)
        XCTAssertEqual(asset["maxWithdrawAmount"] as? String, "8217.00000000")       // min(8217, 8797 − 580)
        XCTAssertEqual(top["totalCrossWalletBalance"] as? String, "8797.00000000")
        XCTAssertEqual(top["totalCrossUnPnl"] as? String, "0.00000000")
        XCTAssertEqual(top["availableBalance"] as? String, "8217.00000000")
        XCTAssertEqual(position["isolatedWallet"] as? String, "1200")
        XCTAssertEqual(position["isolatedMargin"] as? String, "1100.00000000")       // 1200 − 100
        XCTAssertEqual(position["initialMargin"] as? String, "1760")
        let risk = try XCTUnwrap(try client.signed("GET", "/fapi/v3/positionRisk", [], server: server).array.first as? [String: Any])
        XCTAssertEqual(risk["isolatedWallet"] as? String, "1200")
        XCTAssertEqual(risk["isolatedMargin"] as? String, "1100")
        XCTAssertEqual(risk["positionInitialMargin"] as? String, "1180")
        XCTAssertEqual(risk["openOrderInitialMargin"] as? String, "580")
        XCTAssertEqual(risk["initialMargin"] as? String, "1760")
        let balance = try XCTUnwrap(try client.signed("GET", "/fapi/v3/balance", [], server: server).array.first as? [String: Any])
        XCTAssertEqual(balance["balance"] as? String, "9997.00000000")
        XCTAssertEqual(balance["crossWalletBalance"] as? String, "8797.00000000")
        XCTAssertEqual(balance["crossUnPnl"] as? String, "0.00000000")
        XCTAssertEqual(balance["availableBalance"] as? String, "8217.00000000")
        XCTAssertEqual(balance["maxWithdrawAmount"] as? String, "8217.00000000")

        // Selling half gives half the isolated wallet (600) back to the cross wallet; P&L −50, fee 0.05 × 59000 ×
        // 0.0005 = 1.475 → wallet 9945.525, cross wallet 9945.525 − 600 = 9345.525, available 9345.525 − 580.
        XCTAssertEqual(try order([("side", "SELL"), ("type", "MARKET"), ("quantity", "0.05"), ("reduceOnly", "true")]).status, 200)
        let half = try account()
        XCTAssertEqual(half.asset["walletBalance"] as? String, "9945.52500000")
        XCTAssertEqual(half.position["isolatedWallet"] as? String, "600")
        XCTAssertEqual(half.asset["crossWalletBalance"] as? String, "9345.52500000")
        XCTAssertEqual(half.asset["availableBalance"] as? String, "8765.52500000")
    }

    func testACrossLossBeyondTheWalletLeavesNothingAvailableButIsolatedItStaysOnItsSide() throws {
        for type in ["CROSSED", "ISOLATED"] {
            try startServer()
            XCTAssertEqual(try client.signed("POST", "/fapi/v1/leverage", [("symbol", "BTCUSDT"), ("leverage", "1")], server: server).status, 200)
            if type == "ISOLATED" {
                XCTAssertEqual(try client.signed("POST", "/fapi/v1/marginType", [("symbol", "BTCUSDT"), ("marginType", type)], server: server).status, 200)
            }
            server.setPrice(symbol: "BTCUSDT", price: 60_000)
            // Short 0.16 at 60000 with 1x: fee 4.8 → wallet 9995.2; margin 9600.
            XCTAssertEqual(try order([("side", "SELL"), ("type", "MARKET"), ("quantity", "0.16")]).status, 200)
            // Mark 62000: uPnL −320, initial margin 9920. Cross: 9995.2 − 320 − 9920 = −244.8 → 0.
            // Isolated: the cross wallet 9995.2 − 9600 = 395.2 carries no position, so 395.2 stays available.
            server.setPrice(symbol: "BTCUSDT", price: 62_000)
            let (asset, _, position) = try account()
            let cross = type == "CROSSED"
            XCTAssertEqual(asset["crossWalletBalance"] as? String, cross ? "9995.20000000" : "395.20000000", type)
            XCTAssertEqual(asset["crossUnPnl"] as? String, cross ? "-320.00000000" : "0.00000000", type)
            XCTAssertEqual(asset["availableBalance"] as? String, cross ? "0.00000000" : "395.20000000", type)
            XCTAssertEqual(asset["maxWithdrawAmount"] as? String, cross ? "0.00000000" : "395.20000000", type)
            XCTAssertEqual(position["isolatedWallet"] as? String, cross ? "0" : "9600", type)
            XCTAssertEqual(position["isolatedMargin"] as? String, cross ? "0.00000000" : "9280.00000000", type)
            // The clamp hides the shortfall on the wire; the headroom the over-commitment checks read keeps it.
            XCTAssertEqual(server.marginHeadroom(apiKey: "test-key"), cross ? Decimal(string: "-244.8") : Decimal(string: "395.2"), type)
            let s = server!
            _ = try? blocking { await s.stop() }
        }
    }
}
