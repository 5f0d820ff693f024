import Bot
import Foundation
import XCTest
@testable import Operate

/// The pure parts of operating: command parsing, authorisation, confirmation tokens, the dead-man switch, P&L.
final class OperatePureTests: XCTestCase {
    func testCommandParsing() {
        XCTAssertEqual(BotCommand.parse("/status"), .status)
        XCTAssertEqual(BotCommand.parse("/closeall@TradingBot"), .closeAll)
        XCTAssertEqual(BotCommand.parse("  /daily 3 "), .daily(3))
        XCTAssertEqual(BotCommand.parse("/daily"), .daily(7))
        XCTAssertEqual(BotCommand.parse("/daily 1000"), .daily(60))
        XCTAssertEqual(BotCommand.parse("/frobnicate"), .unknown("frobnicate"))
        XCTAssertNil(BotCommand.parse("hello"))
    }

    func testOnlyAllowedUsersInTheChat() {
        let auth = Authoriser(allowedUsers: [7], chatID: "-100123")
        XCTAssertTrue(auth.allows(user: 7, chat: -100123))
        XCTAssertFalse(auth.allows(user: 8, chat: -100123), "another member of the same group")
        XCTAssertFalse(auth.allows(user: 7, chat: 7), "the right user in another chat")
        XCTAssertFalse(auth.allows(user: nil, chat: -100123))
    }

    func testConfirmTokens() {
        let a = ConfirmToken.make(), b = ConfirmToken.make()
        XCTAssertEqual(a.count, 32)
        XCTAssertNotEqual(a, b)
        let value = ConfirmToken.value(action: "closeall", user: 7, expiresAt: 1_000)
        XCTAssertEqual(ConfirmToken.check(value, user: 7, now: 1_000), "closeall")
        XCTAssertNil(ConfirmToken.check(value, user: 7, now: 1_001), "expired")
        XCTAssertNil(ConfirmToken.check(value, user: 8, now: 10), "someone else's")
        XCTAssertNil(ConfirmToken.check("garbage", user: 7, now: 10))
    }

    func testDeadManWarnsOncePerEpisode() {
        let day: Int64 = 86_400_000
        var machine = DeadMan(interval: day, unreachableLimit: 30 * 60_000, startedAt: 0)
        XCTAssertNil(machine.cycles(lastCompleted: 10, now: day))
        XCTAssertNil(machine.cycles(lastCompleted: 10, now: 2 * day))
        XCTAssertEqual(machine.cycles(lastCompleted: 10, now: 2 * day + 10), .stale(sinceMs: 2 * day, lastCompleted: 10))
        XCTAssertNil(machine.cycles(lastCompleted: 10, now: 3 * day), "once")
        XCTAssertEqual(machine.cycles(lastCompleted: 3 * day, now: 3 * day + 5), .cyclingAgain)
        XCTAssertNil(machine.exchange(reachable: false, now: 0))
        XCTAssertNil(machine.exchange(reachable: false, now: 29 * 60_000))
        XCTAssertEqual(machine.exchange(reachable: false, now: 30 * 60_000), .unreachable(sinceMs: 30 * 60_000))
        XCTAssertNil(machine.exchange(reachable: false, now: 40 * 60_000))
        XCTAssertEqual(machine.exchange(reachable: true, now: 41 * 60_000), .reachableAgain(afterMs: 41 * 60_000))
        XCTAssertNil(machine.exchange(reachable: true, now: 42 * 60_000))
    }

    private func cycle(_ id: Int64, day: Int, balance: String, close: String, predicted: Double?, failed: Bool = false) -> JournalCycle {
        var c = JournalCycle(candleTime: Int64(day) * 86_400_000, startedAt: 0, mode: "dry-run", symbol: "S", interval: "1d")
        c.id = id
        c.balance = Decimal(string: balance)
        c.close = Decimal(string: close)
        c.predicted = predicted
        c.status = failed ? .failed : .done
        return c
    }

    func testDailyPnLAndForecastErrors() {
        let cycles = [cycle(1, day: 0, balance: "1000", close: "10", predicted: 11), cycle(2, day: 1, balance: "1010.5", close: "12", predicted: 12),
                      cycle(3, day: 1, balance: "1003", close: "11", predicted: 10), cycle(4, day: 3, balance: "1100", close: "13", predicted: nil)]
        let days = Performance.daily(cycles)
        XCTAssertEqual(days.map(\.day), ["1970-01-01", "1970-01-02", "1970-01-04"])
        XCTAssertEqual(days.map(\.pnl), [0, 3, 97])
        XCTAssertEqual(days.map(\.cycles), [1, 2, 1])
        let errors = Performance.forecastErrors(cycles)
        XCTAssertEqual(errors?.count, 3)
        XCTAssertEqual(errors?.model ?? 0, (1.0 + 1.0 + 3.0) / 3, accuracy: 1e-12)
        XCTAssertEqual(errors?.naive ?? 0, (2.0 + 1.0 + 2.0) / 3, accuracy: 1e-12)
        XCTAssertEqual(Performance.unrealised(side: "short", amount: 2, entry: 100, mark: 90), 20)
    }

    func testSettingsRefuseAnOpenBindWithoutAPassword() {
        XCTAssertThrowsError(try OperateSettings(values: ["API_SERVER_LISTEN": "0.0.0.0:8080"])) { error in
            XCTAssertTrue("\(error)".contains("API_SERVER_PASSWORD"), "\(error)")
        }
        XCTAssertNoThrow(try OperateSettings(values: ["API_SERVER_LISTEN": "0.0.0.0:8080", "API_SERVER_PASSWORD": "pw"]))
        XCTAssertNoThrow(try OperateSettings(values: ["API_SERVER_LISTEN": "127.0.0.1:8080"]))
        XCTAssertThrowsError(try OperateSettings(values: ["TELEGRAM_BOT_TOKEN": "t", "TELEGRAM_CHAT_ID": "1", "TELEGRAM_ALLOWED_USERS": "@me"]))
        XCTAssertThrowsError(try OperateSettings(values: ["TELEGRAM_BOT_TOKEN": "t"]))
    }
}
