import Foundation
import XCTest
@testable import Notify

/// The pure parts of delivery: escaping, splitting, error coalescing, pacing, retry decisions, Bot API outcomes.
final class NotifyStateMachineTests: XCTestCase {
    func testEscapeKeepsEveryValueLiteral() {
        XCTAssertEqual(TelegramHTML.escape("a<b>&\"c_d*e"), "a&lt;b&gt;&amp;&quot;c_d*e")
        let note = NotifyMessage(entryID: 1, kind: "error", title: "x <y>", lines: [.init("Message", "code -2019 & <margin> _insufficient_")])
        XCTAssertEqual(note.html, "<b>x &lt;y&gt;</b>\n<b>Message:</b> code -2019 &amp; &lt;margin&gt; _insufficient_")
        XCTAssertEqual(TelegramHTML.plain(note.html), "x <y>\nMessage: code -2019 & <margin> _insufficient_")
    }

    func testSplitOnLineBoundariesUnderTheLimit() {
        let lines = (0..<400).map { "<b>line \($0):</b> " + String(repeating: "é&amp;", count: 5) }
        let html = lines.joined(separator: "\n")
        let parts = TelegramHTML.split(html, limit: 4000)
        XCTAssertGreaterThan(parts.count, 1)
        for part in parts {
            XCTAssertLessThanOrEqual(part.utf16.count, 4000)
            XCTAssertTrue(part.hasPrefix("<b>line "), "a part starts at a line boundary")
        }
        XCTAssertEqual(parts.joined(separator: "\n"), html, "nothing lost or reordered")
    }

    func testOverlongLineIsCutOutsideEntities() {
        let line = "<b>Message:</b> " + String(repeating: "a&lt;b ", count: 3000)
        let parts = TelegramHTML.split(line, limit: 1000)
        XCTAssertGreaterThan(parts.count, 10)
        for part in parts {
            XCTAssertLessThanOrEqual(part.utf16.count, 1000)
            XCTAssertFalse(part.contains("<b>"), "tags are dropped from a line that has to be cut")
            XCTAssertNil(part.range(of: #"&[a-z]*$"#, options: .regularExpression), "entity cut at the end: \(part.suffix(10))")
            XCTAssertNil(part.range(of: #"^[a-z]*;"#, options: .regularExpression), "entity cut at the start: \(part.prefix(10))")
        }
        XCTAssertEqual(parts.joined().replacingOccurrences(of: "&lt;", with: "<"), "Message: " + String(repeating: "a<b ", count: 3000))
    }

    private func error(_ id: Int64, _ message: String) -> NotifyEntry {
        NotifyEntry(id: id, at: 1_000 * id, kind: "error", fields: ["message": message, "symbol": "BTC/USDT:USDT"])
    }

    func testFiftyIdenticalErrorsGiveAHandfulOfMessages() {
        var coalescer = ErrorCoalescer()
        var sent: [NotifyMessage] = []
        for i in 1...50 { sent += coalescer.feed(error(Int64(i), "fetchOHLCV: timeout after 10000 ms (attempt \(i))")) }
        XCTAssertEqual(sent.map(\.title), ["⚠️ Error — BTC/USDT:USDT", "⚠️ Error repeated 10 times (still failing) — BTC/USDT:USDT"])
        sent = coalescer.feed(NotifyEntry(id: 51, at: 51_000, kind: "entry", fields: ["symbol": "BTC/USDT:USDT"]))
        XCTAssertEqual(sent.count, 2)
        XCTAssertEqual(sent[0].title, "⚠️ Error repeated 50 times in all — BTC/USDT:USDT")
        XCTAssertEqual(sent[1].kind, "entry")
        // A different error starts its own run.
        XCTAssertEqual(coalescer.feed(error(52, "a")).count, 1)
        XCTAssertEqual(coalescer.feed(error(53, "b")).count, 1, "a different error is sent at once")
        XCTAssertEqual(coalescer.feed(error(54, "b")).count, 0)
        XCTAssertEqual(coalescer.feed(error(55, "c")).map(\.title).first, "⚠️ Error repeated 2 times in all — BTC/USDT:USDT")
    }

    func testCoalescerStateSurvivesEncoding() throws {
        var coalescer = ErrorCoalescer()
        _ = coalescer.feed(error(1, "x 1"))
        _ = coalescer.feed(error(2, "x 2"))
        var state = ChannelState()
        state.coalescer = coalescer
        var restored = ChannelState.decode(state.encoded).coalescer
        XCTAssertEqual(restored, coalescer)
        XCTAssertEqual(restored.feed(error(3, "x 3")).count, 0, "the repeat after a restart is still a repeat")
    }

    func testPacerLimits() {
        var pacer = Pacer()
        XCTAssertEqual(pacer.delay(for: "42", now: 0), 0)
        pacer.record("42", now: 0)
        XCTAssertEqual(pacer.delay(for: "42", now: 0.25), 0.75, accuracy: 1e-9, "one per second per chat")
        XCTAssertEqual(pacer.delay(for: "43", now: 0.25), 0, "another chat is not held back")
        var group = Pacer()
        for i in 0..<20 { group.record("-100", now: Double(i) * 1.5) }
        XCTAssertEqual(group.delay(for: "-100", now: 30), 30, accuracy: 1e-9, "20 per minute per group: the 21st waits for the 1st to age out")
        var global = Pacer()
        for i in 0..<30 { global.record("chat\(i)", now: 0.5 + Double(i) * 0.01) }
        XCTAssertEqual(global.delay(for: "new", now: 0.9), 0.6, accuracy: 1e-9, "30 per second in all")
    }

    func testRetryPolicy() {
        XCTAssertEqual(RetryPolicy.action(for: .delivered, failures: 3), .next)
        XCTAssertEqual(RetryPolicy.action(for: .retryAfter(seconds: 7, reason: "429"), failures: 0), .wait(7), "retry_after exactly")
        XCTAssertEqual(RetryPolicy.action(for: .transient("502"), failures: 0), .wait(1))
        XCTAssertEqual(RetryPolicy.action(for: .transient("502"), failures: 3), .wait(8))
        XCTAssertEqual(RetryPolicy.action(for: .transient("502"), failures: 40), .wait(60))
        XCTAssertEqual(RetryPolicy.action(for: .permanent("403"), failures: 0), .disable("403"))
        XCTAssertEqual(RetryPolicy.action(for: .rejected("400"), failures: 0), .skip("400"))
    }

    func testBotAPIOutcomes() {
        func out(_ code: Int, _ description: String, _ retry: Double? = nil) -> DeliveryOutcome {
            TelegramBotAPI.outcome(.failed(code: code, description: description, retryAfter: retry), chat: "42")
        }
        XCTAssertEqual(out(429, "Too Many Requests: retry after 3", 3), .retryAfter(seconds: 3, reason: "Telegram 429 Too Many Requests: retry after 3"))
        guard case .permanent = out(401, "Unauthorized") else { return XCTFail("401 is permanent") }
        guard case .permanent = out(403, "Forbidden: bot was blocked by the user") else { return XCTFail("403 is permanent") }
        guard case .permanent = out(400, "Bad Request: chat not found") else { return XCTFail("chat not found is permanent") }
        guard case .rejected = out(400, "Bad Request: can't parse entities") else { return XCTFail("a bad message is skipped") }
        guard case .transient = out(502, "Bad Gateway") else { return XCTFail("5xx is transient") }
        guard case .transient = TelegramBotAPI.outcome(.network("timeout"), chat: "42") else { return XCTFail("network is transient") }
    }

    func testSettingsParse() throws {
        let settings = try NotificationSettings.parse("entry=silent, status=off", key: "TELEGRAM_NOTIFICATIONS")
        XCTAssertEqual(settings.setting(for: "entry"), .silent)
        XCTAssertEqual(settings.setting(for: "status"), .off)
        XCTAssertEqual(settings.setting(for: "exit"), .on)
        XCTAssertEqual(settings.setting(for: "reply"), .on)
        XCTAssertThrowsError(try NotificationSettings.parse("entri=on", key: "TELEGRAM_NOTIFICATIONS")) { error in
            XCTAssertTrue("\(error)".hasPrefix("TELEGRAM_NOTIFICATIONS: 'entri=on'"), "\(error)")
        }
        XCTAssertThrowsError(try NotificationSettings.parse("entry=loud", key: "K"))
    }

    func testRendererComputesRealisedPnLExactly() {
        let entry = NotifyEntry(id: 1, at: 0, kind: "exit_fill", fields: [
            "symbol": "BTC/USDT:USDT", "side": "buy", "filled": "0.003", "average": "9000.1", "entry_price": "9100.3",
            "position_side": "short", "fee": "0.0108", "fee_currency": "USDT",
        ])
        let note = MessageRenderer.render(entry)
        XCTAssertTrue(note.text.contains("Realised P&L: +0.3006 USDT"), note.text)
        XCTAssertTrue(note.text.contains("Fee: 0.0108 USDT"), note.text)
    }

    func testWebhookRedactsTheURLPath() {
        XCTAssertEqual(WebhookChannel.redact("connectFailed: refused (POST https://discord.com/api/webhooks/123/SECRET)"),
                       "connectFailed: refused (POST https://discord.com/…)")
    }
}

final class CoalescerPassThroughTests: XCTestCase {
    func testStartupBetweenErrorsDoesNotEndTheRun() {
        var coalescer = ErrorCoalescer()
        var sent: [NotifyMessage] = []
        for i in 1...20 {
            sent += coalescer.feed(NotifyEntry(id: Int64(2 * i), at: 0, kind: "startup", fields: [:]))
            sent += coalescer.feed(NotifyEntry(id: Int64(2 * i + 1), at: 0, kind: "error", fields: ["message": "boom \(i)"]))
        }
        XCTAssertEqual(sent.filter { $0.kind == "error" }.count, 2, sent.map(\.title).joined(separator: "\n"))
        XCTAssertEqual(sent.filter { $0.kind == "startup" }.count, 20)
    }
}
