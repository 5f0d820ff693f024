@testable import Bot
import XCTest

/// The account-level caps as a pure state machine: no exchange, no clock.
final class AccountRiskTests: XCTestCase {
    private let day: Int64 = 86_400_000
    private let t0: Int64 = 1_700_006_400_000  // 2023-11-15T00:00:00Z

    private func snapshot(_ time: Int64, equity: Decimal, free: Decimal? = nil, margin: Decimal = 0, open: Set<String> = []) -> AccountSnapshot {
        AccountSnapshot(time: time, equity: equity, free: free ?? equity - margin, marginInUse: margin, openPositions: open)
    }

    func testStakeSizesFromTheAllotmentAndTheFreeBalance() {
        var risk = AccountRisk(limits: AccountLimits())
        _ = risk.begin(snapshot(t0, equity: 10_000))
        XCTAssertEqual(risk.decide(symbol: "A", stake: .fraction(Decimal(string: "0.3")!), free: 10_000), .allow(margin: 3_000))
        XCTAssertEqual(risk.decide(symbol: "B", stake: .amount(500), free: 7_000), .allow(margin: 500))
        // Less free than the allotment: the free balance wins, so the wallet is never over-committed.
        XCTAssertEqual(risk.decide(symbol: "C", stake: .fraction(Decimal(string: "0.5")!), free: 1_200), .allow(margin: 1_200))
        XCTAssertEqual(risk.decide(symbol: "D", stake: .fraction(Decimal(string: "0.5")!), free: 0), .refuse("no free balance for an entry (free 0)"))
    }

    func testMaxOpenPositionsCountsEntriesGrantedInThisPass() {
        var risk = AccountRisk(limits: AccountLimits(maxOpenPositions: 2))
        _ = risk.begin(snapshot(t0, equity: 10_000, open: ["A"]))
        XCTAssertEqual(risk.decide(symbol: "B", stake: .amount(100), free: 9_000), .allow(margin: 100))
        guard case .refuse(let reason) = risk.decide(symbol: "C", stake: .amount(100), free: 8_900) else { return XCTFail() }
        XCTAssertTrue(reason.contains("MAX_OPEN_POSITIONS 2") && reason.contains("A, B"), reason)
        // Next pass: B's position shows on the exchange; C is still refused, A (reversing) is not counted twice.
        _ = risk.begin(snapshot(t0 + 1, equity: 10_000, open: ["A", "B"]))
        XCTAssertNotEqual(risk.decide(symbol: "C", stake: .amount(100), free: 8_900), .allow(margin: 100))
        XCTAssertEqual(risk.decide(symbol: "A", stake: .amount(100), free: 8_900), .allow(margin: 100))
    }

    func testMarginCapLeavesOnlyTheRoomThatIsLeft() {
        var risk = AccountRisk(limits: AccountLimits(maxMarginRatio: Decimal(string: "0.5")))
        _ = risk.begin(snapshot(t0, equity: 10_000, margin: 4_000))
        XCTAssertEqual(risk.decide(symbol: "A", stake: .amount(3_000), free: 6_000), .allow(margin: 1_000))
        guard case .refuse(let reason) = risk.decide(symbol: "B", stake: .amount(100), free: 5_000) else { return XCTFail() }
        XCTAssertTrue(reason.contains("MAX_MARGIN_RATIO"), reason)
    }

    func testDailyLossLimitHaltsEntriesUntilTheNextUTCDay() {
        var risk = AccountRisk(limits: AccountLimits(dailyLossLimit: 500))
        XCTAssertEqual(risk.begin(snapshot(t0 + 3_600_000, equity: 10_000)), [])
        XCTAssertEqual(risk.dayStartEquity, 10_000)
        XCTAssertEqual(risk.begin(snapshot(t0 + 7_200_000, equity: 9_600)), [], "400 lost: under the limit")
        XCTAssertEqual(risk.decide(symbol: "A", stake: .amount(100), free: 9_000), .allow(margin: 100))
        // Realised + unrealised: equity includes open positions' P&L.
        let events = risk.begin(snapshot(t0 + 10_800_000, equity: 9_500))
        XCTAssertEqual(events, [.dailyLossLimitReached(day: "2023-11-15", loss: 500, limit: 500)])
        XCTAssertTrue(risk.halted)
        guard case .refuse(let reason) = risk.decide(symbol: "A", stake: .amount(100), free: 9_000) else { return XCTFail() }
        XCTAssertTrue(reason.contains("DAILY_LOSS_LIMIT"), reason)
        // Told once: a recovery later that day does not lift it, and it is not told again.
        XCTAssertEqual(risk.begin(snapshot(t0 + 14_400_000, equity: 10_200)), [])
        XCTAssertTrue(risk.halted)
        // 00:00 UTC: lifted, and the new day counts from its own starting equity.
        XCTAssertEqual(risk.begin(snapshot(t0 + day, equity: 9_300)), [.dailyLossLimitCleared(day: "2023-11-16")])
        XCTAssertFalse(risk.halted)
        XCTAssertEqual(risk.dayStartEquity, 9_300)
        XCTAssertEqual(risk.decide(symbol: "A", stake: .amount(100), free: 9_000), .allow(margin: 100))
    }

    func testRestoredStateKeepsTheHaltForTheSameDay() {
        var risk = AccountRisk(limits: AccountLimits(dailyLossLimit: 500), day: AccountRisk.utcDay(t0), dayStartEquity: 10_000, halted: true)
        XCTAssertEqual(risk.begin(snapshot(t0 + 60_000, equity: 10_000)), [])
        XCTAssertTrue(risk.halted)
    }

    func testSymbolHealthBacksOffAndReportsOnce() {
        var health = SymbolHealth(baseDelayMilliseconds: 60_000, maxDelayMilliseconds: 3_600_000)
        XCTAssertTrue(health.mayRun(at: 0))
        XCTAssertEqual(health.failed("model", at: 0), .isolated(reason: "model", retryAt: 60_000))
        XCTAssertFalse(health.mayRun(at: 59_999))
        XCTAssertTrue(health.mayRun(at: 60_000))
        XCTAssertEqual(health.failed("model", at: 60_000), .stillFailing(attempt: 2, retryAt: 180_000))
        XCTAssertEqual(health.failed("model", at: 180_000), .stillFailing(attempt: 3, retryAt: 420_000))
        for _ in 0..<10 { _ = health.failed("model", at: 0) }
        XCTAssertEqual(health.retryAt, 3_600_000, "capped at the symbol's interval")
        XCTAssertEqual(health.succeeded(), .recovered(afterFailures: 13))
        XCTAssertEqual(health.succeeded(), .healthy)
        XCTAssertFalse(health.isIsolated)
    }
}
