import Foundation
import XCTest
@testable import Notify

/// An outbox in memory (the journal in the bot).
final class MemoryOutbox: OutboxStore, @unchecked Sendable {
    private let lock = NSLock()
    private var rows: [NotifyEntry] = []
    private var cursors: [String: (Int64, String)] = [:]
    func append(_ kind: String, _ fields: [String: String] = [:]) {
        lock.withLock { rows.append(NotifyEntry(id: Int64(rows.count + 1), at: Int64(rows.count) * 1000, kind: kind, fields: fields)) }
    }
    func entries(after id: Int64, limit: Int) throws -> [NotifyEntry] { lock.withLock { Array(rows.filter { $0.id > id }.prefix(limit)) } }
    func cursor(channel: String) throws -> (deliveredID: Int64, state: String)? { lock.withLock { cursors[channel].map { ($0.0, $0.1) } } }
    func saveCursor(channel: String, deliveredID: Int64, state: String) throws { lock.withLock { cursors[channel] = (deliveredID, state) } }
    func lastEntryID() throws -> Int64 { lock.withLock { Int64(rows.count) } }
}

/// A channel whose answers are scripted; records what it was asked to send.
final class ScriptedChannel: NotificationChannel, @unchecked Sendable {
    let name = "test"
    let settings: NotificationSettings
    private let lock = NSLock()
    private var script: [DeliveryOutcome]
    private(set) var attempts: [String] = []
    private(set) var sent: [String] = []
    init(script: [DeliveryOutcome] = [], settings: NotificationSettings = NotificationSettings()) {
        self.script = script
        self.settings = settings
    }
    func carries(kind: String) -> Bool { true }
    func payloads(for message: NotifyMessage) -> [ChannelPayload] {
        // Two payloads for "long" entries, as a split Telegram message.
        let parts = message.fields["parts"].flatMap(Int.init) ?? 1
        return (1...parts).map { ChannelPayload(body: Data("\(message.title)#\($0)".utf8)) }
    }
    func send(_ payload: ChannelPayload) async -> DeliveryOutcome {
        lock.withLock {
            let text = String(decoding: payload.body, as: UTF8.self)
            attempts.append(text)
            let outcome = script.isEmpty ? .delivered : script.removeFirst()
            if outcome == .delivered { sent.append(text) }
            return outcome
        }
    }
}

final class DispatcherTests: XCTestCase {
    func testDeliversInOrderOnceAcrossFailuresAndRestarts() async throws {
        let store = MemoryOutbox()
        let channel = ScriptedChannel(script: [.transient("502"), .retryAfter(seconds: 0.05, reason: "429"), .delivered,
                                               .rejected("400 bad message"), .delivered])
        let dispatcher = OutboxDispatcher(channel: channel, store: store, log: { _ in })
        try dispatcher.register()
        store.append("status", ["title": "one"])
        store.append("status", ["title": "two"])
        store.append("status", ["title": "three"])
        // The transient failure waits 1 s (back-off); the 429 waits exactly its retry_after.
        while try store.cursor(channel: "test")?.deliveredID != 3 { await dispatcher.deliverPending() }
        XCTAssertEqual(channel.sent, ["ℹ️ one#1", "ℹ️ three#1"], "two was refused by the service: skipped, not retried forever")
        XCTAssertEqual(channel.attempts, ["ℹ️ one#1", "ℹ️ one#1", "ℹ️ one#1", "ℹ️ two#1", "ℹ️ three#1"])
        XCTAssertEqual(dispatcher.health().skipped, 1)

        // A new dispatcher over the same store (a restart) sends nothing again.
        let again = ScriptedChannel()
        let restarted = OutboxDispatcher(channel: again, store: store, log: { _ in })
        try restarted.register()
        await restarted.deliverPending()
        XCTAssertEqual(again.sent, [])
        store.append("status", ["title": "four"])
        await restarted.deliverPending()
        XCTAssertEqual(again.sent, ["ℹ️ four#1"])
    }

    func testRestartInsideASplitMessageSendsOnlyTheRest() async throws {
        let store = MemoryOutbox()
        let first = ScriptedChannel(script: [.delivered, .permanent("403 blocked")])
        let dispatcher = OutboxDispatcher(channel: first, store: store, log: { _ in })
        try dispatcher.register()
        store.append("status", ["title": "long", "parts": "3"])
        await dispatcher.deliverPending()
        XCTAssertEqual(first.sent, ["ℹ️ long#1"])
        XCTAssertEqual(dispatcher.health().status, .disabled)
        await dispatcher.deliverPending()
        XCTAssertEqual(first.attempts.count, 2, "a disabled channel is not retried in this process")

        let second = ScriptedChannel()
        let restarted = OutboxDispatcher(channel: second, store: store, log: { _ in })
        try restarted.register()
        await restarted.deliverPending()
        XCTAssertEqual(second.sent, ["ℹ️ long#2", "ℹ️ long#3"])
    }

    func testPermanentFailureIsLoggedOnce() async throws {
        let store = MemoryOutbox()
        let lines = LogLines()
        let channel = ScriptedChannel(script: Array(repeating: .permanent("Telegram 401 Unauthorized"), count: 10))
        let dispatcher = OutboxDispatcher(channel: channel, store: store, log: { lines.add($0) })
        try dispatcher.register()
        for _ in 0..<5 { store.append("status") }
        for _ in 0..<5 { await dispatcher.deliverPending() }
        XCTAssertEqual(lines.all.filter { $0.contains("401") }.count, 1, "\(lines.all)")
        XCTAssertEqual(channel.attempts.count, 1)
    }

    func testSettingsSilenceAndOff() async throws {
        let store = MemoryOutbox()
        let channel = ScriptedChannel(settings: NotificationSettings(["entry": .off]))
        let dispatcher = OutboxDispatcher(channel: channel, store: store, log: { _ in })
        try dispatcher.register()
        store.append("entry", ["symbol": "X"])
        store.append("warning", ["message": "m"])
        await dispatcher.deliverPending()
        XCTAssertEqual(channel.sent, ["🚨 Warning#1"])
    }

    func testAChannelAddedLaterStartsAtTheEnd() async throws {
        let store = MemoryOutbox()
        store.append("status", ["title": "old"])
        let channel = ScriptedChannel()
        let dispatcher = OutboxDispatcher(channel: channel, store: store, log: { _ in })
        try dispatcher.register()
        await dispatcher.deliverPending()
        XCTAssertEqual(channel.sent, [])
    }
}

final class LogLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func add(_ line: String) { lock.withLock { lines.append(line) } }
    var all: [String] { lock.withLock { lines } }
}
