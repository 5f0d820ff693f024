import Foundation
import HTTPServer
import XCTest

/// A Telegram-compatible Bot API server on 127.0.0.1, built to the documented envelope
/// (https://core.telegram.org/bots/api#making-requests): `{"ok": true, "result": …}` or
/// `{"ok": false, "error_code": …, "description": …, "parameters": {"retry_after": …}}`. `getUpdates` long-polls
/// (held open up to `timeout` s, offset confirms earlier updates); `sendMessage` checks `parse_mode: HTML` text the
/// way Telegram does (supported tags only, properly nested, every `<`, `>`, `&` outside tags as an entity, 1-4096
/// characters after entity parsing) and answers 400 "can't parse entities" otherwise. Faults are scripted.
final class TelegramLoopback: @unchecked Sendable {
    enum Fault {
        case error(code: Int, description: String, retryAfter: Int?)
        /// A 502 page from a proxy: no Bot API envelope.
        case badGateway
        /// Holds the request `seconds` before answering normally (the client times out first).
        case stall(seconds: Double)
    }

    struct Sent {
        var chatID: String
        var text: String
        var html: String
        var silent: Bool
        var replyMarkup: [String: Any]?
    }

    let token: String
    private var server: HTTP1Server?
    private(set) var port: UInt16 = 0
    private let cond = NSCondition()
    private var updates: [(id: Int64, body: [String: Any])] = []
    private var nextUpdateID: Int64 = 1000
    private var nextMessageID = 1
    private var sent: [Sent] = []
    private var faults: [Fault] = []
    private var problems: [String] = []
    private var callbackAnswers: [String] = []
    private var attempts = 0

    init(token: String = "123456:TEST-token_secret") throws {
        self.token = token
        let server = HTTP1Server(port: 0, limits: .init(idleTimeoutSeconds: 60)) { [unowned self] in handle($0) }
        port = try server.start()
        self.server = server
    }

    deinit { server?.stop() }
    func stop() {
        server?.stop()
        cond.lock(); cond.broadcast(); cond.unlock()
    }

    var url: String { "http://127.0.0.1:\(port)" }

    // MARK: test side

    func script(_ faults: [Fault]) { cond.lock(); self.faults += faults; cond.unlock() }
    func clearFaults() { cond.lock(); faults.removeAll(); cond.unlock() }
    var messages: [Sent] { cond.lock(); defer { cond.unlock() }; return sent }
    var htmlProblems: [String] { cond.lock(); defer { cond.unlock() }; return problems }
    var sendAttempts: Int { cond.lock(); defer { cond.unlock() }; return attempts }
    var answeredCallbacks: [String] { cond.lock(); defer { cond.unlock() }; return callbackAnswers }

    /// A person writes `text` in `chat`.
    func userSays(_ text: String, user: Int64, chat: Int64) {
        enqueue(["message": ["message_id": 9000 + nextUpdateID, "date": Int(Date().timeIntervalSince1970), "text": text,
                             "from": ["id": user, "is_bot": false, "first_name": "U\(user)"],
                             "chat": ["id": chat, "type": chat < 0 ? "supergroup" : "private"]]])
    }

    /// A person presses an inline button carrying `data` under one of the bot's messages.
    func userPresses(_ data: String, user: Int64, chat: Int64) {
        enqueue(["callback_query": ["id": "cb\(nextUpdateID)", "data": data, "chat_instance": "ci",
                                    "from": ["id": user, "is_bot": false, "first_name": "U\(user)"],
                                    "message": ["message_id": 1, "date": Int(Date().timeIntervalSince1970),
                                                "chat": ["id": chat, "type": chat < 0 ? "supergroup" : "private"]]]])
    }

    private func enqueue(_ body: [String: Any]) {
        cond.lock()
        var update = body
        update["update_id"] = nextUpdateID
        updates.append((nextUpdateID, update))
        nextUpdateID += 1
        cond.broadcast()
        cond.unlock()
    }

    /// Updates not yet confirmed by a getUpdates with a higher offset.
    var unconfirmed: Int { cond.lock(); defer { cond.unlock() }; return updates.count }

    /// Waits until `predicate` holds for the messages received (or fails the test after `timeout`).
    @discardableResult
    func waitFor(_ what: String, timeout: TimeInterval = 20, _ predicate: ([Sent]) -> Bool) -> [Sent] {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let now = messages
            if predicate(now) { return now }
            usleep(20_000)
        }
        XCTFail("timed out waiting for \(what); got:\n" + messages.map(\.text).joined(separator: "\n---\n"))
        return messages
    }

    // MARK: server side

    private func envelope(_ object: [String: Any], status: Int = 200) -> WireReply {
        let body = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return .send(WireResponse(status: status, headers: [("Content-Type", "application/json")], body: body))
    }

    private func failure(_ code: Int, _ description: String, retryAfter: Int? = nil) -> WireReply {
        var object: [String: Any] = ["ok": false, "error_code": code, "description": description]
        if let retryAfter { object["parameters"] = ["retry_after": retryAfter] }
        return envelope(object, status: code)
    }

    private func handle(_ request: WireRequest) -> WireReply {
        let parts = request.path.split(separator: "/").map(String.init)
        guard parts.count == 2, parts[0].hasPrefix("bot") else { return failure(404, "Not Found") }
        guard parts[0] == "bot" + token else { return failure(401, "Unauthorized") }
        var params = (try? JSONSerialization.jsonObject(with: request.body) as? [String: Any]) ?? [:]
        for pair in request.rawQuery.split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? String($0) }
            if kv.count == 2 { params[kv[0]] = kv[1] }
        }
        switch parts[1] {
        case "getUpdates": return getUpdates(params)
        case "sendMessage": return sendMessage(params)
        case "answerCallbackQuery":
            cond.lock(); callbackAnswers.append(params["callback_query_id"] as? String ?? ""); cond.unlock()
            return envelope(["ok": true, "result": true])
        default: return failure(404, "Not Found: method not found")
        }
    }

    private func number(_ value: Any?) -> Int64? {
        if let n = value as? NSNumber { return n.int64Value }
        if let s = value as? String { return Int64(s) }
        return nil
    }

    private func getUpdates(_ params: [String: Any]) -> WireReply {
        let offset = number(params["offset"]) ?? 0
        let timeout = Double(number(params["timeout"]) ?? 0)
        let deadline = Date().addingTimeInterval(min(timeout, 50))
        cond.lock()
        // "An update is considered confirmed as soon as getUpdates is called with an offset higher than its update_id."
        if offset > 0 { updates.removeAll { $0.id < offset } }
        while updates.isEmpty && Date() < deadline { _ = cond.wait(until: deadline) }
        let result = updates.map(\.body)
        cond.unlock()
        return envelope(["ok": true, "result": result])
    }

    private func sendMessage(_ params: [String: Any]) -> WireReply {
        cond.lock()
        attempts += 1
        let fault = faults.isEmpty ? nil : faults.removeFirst()
        cond.unlock()
        switch fault {
        case .error(let code, let description, let retryAfter)?: return failure(code, description, retryAfter: retryAfter)
        case .badGateway?:
            return .send(WireResponse(status: 502, headers: [("Content-Type", "text/html")], body: Data("<html>502 Bad Gateway</html>".utf8)))
        case .stall(let seconds)?: Thread.sleep(forTimeInterval: seconds)
        case nil: break
        }
        let chat = params["chat_id"].map { "\($0)" } ?? ""
        guard !chat.isEmpty else { return failure(400, "Bad Request: chat_id is empty") }
        guard let text = params["text"] as? String else { return failure(400, "Bad Request: message text is empty") }
        var plain = text
        if (params["parse_mode"] as? String) == "HTML" {
            switch TelegramHTMLCheck.parse(text) {
            case .success(let parsed): plain = parsed
            case .failure(let problem):
                cond.lock(); problems.append("\(problem.message): \(text)"); cond.unlock()
                return failure(400, "Bad Request: can't parse entities: \(problem.message)")
            }
        }
        guard !plain.isEmpty else { return failure(400, "Bad Request: message text is empty") }
        guard plain.utf16.count <= 4096 else {
            cond.lock(); problems.append("too long: \(plain.utf16.count)"); cond.unlock()
            return failure(400, "Bad Request: message is too long")
        }
        cond.lock()
        let id = nextMessageID
        nextMessageID += 1
        sent.append(Sent(chatID: chat, text: plain, html: text, silent: (params["disable_notification"] as? Bool) ?? false,
                         replyMarkup: params["reply_markup"] as? [String: Any]))
        cond.unlock()
        return envelope(["ok": true, "result": ["message_id": id, "date": Int(Date().timeIntervalSince1970), "text": plain,
                                                 "chat": ["id": Int64(chat) ?? 0, "type": "private"]]])
    }
}

/// Telegram's HTML parse mode, as documented (https://core.telegram.org/bots/api#html-style): the tags b, strong, i,
/// em, u, ins, s, strike, del, span class="tg-spoiler", tg-spoiler, a href, tg-emoji, code, pre, blockquote; the
/// named entities &lt; &gt; &amp; &quot; and numeric ones; every other `<`, `>`, `&` is an error. Returns the text
/// a reader sees. Written independently of the bot's escaper, from the documentation.
enum TelegramHTMLCheck {
    struct Problem: Error { var message: String }
    static let tags: Set<String> = ["b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a", "tg-emoji",
                                    "code", "pre", "blockquote"]

    static func parse(_ html: String) -> Result<String, Problem> {
        var out = ""
        var open: [String] = []
        var i = html.startIndex
        while i < html.endIndex {
            let c = html[i]
            if c == "<" {
                guard let close = html[i...].firstIndex(of: ">") else { return .failure(Problem(message: "unclosed start tag at byte offset \(html.utf8.distance(from: html.startIndex, to: i))")) }
                let inner = String(html[html.index(after: i)..<close])
                if inner.hasPrefix("/") {
                    let name = String(inner.dropFirst()).lowercased()
                    guard open.last == name else { return .failure(Problem(message: "unexpected end tag \"\(name)\"")) }
                    open.removeLast()
                } else {
                    let name = String(inner.split(separator: " ").first ?? "").lowercased()
                    guard tags.contains(name) else { return .failure(Problem(message: "unsupported start tag \"\(name)\"")) }
                    if name == "span" && !inner.contains("class=\"tg-spoiler\"") { return .failure(Problem(message: "span without tg-spoiler class")) }
                    open.append(name)
                }
                i = html.index(after: close)
            } else if c == "&" {
                guard let semi = html[i...].prefix(12).firstIndex(of: ";") else { return .failure(Problem(message: "unescaped '&'")) }
                let name = String(html[html.index(after: i)..<semi])
                switch name {
                case "lt": out += "<"
                case "gt": out += ">"
                case "amp": out += "&"
                case "quot": out += "\""
                default:
                    if name.hasPrefix("#"), let code = name.hasPrefix("#x") ? UInt32(name.dropFirst(2), radix: 16) : UInt32(name.dropFirst()),
                       let scalar = Unicode.Scalar(code) {
                        out.unicodeScalars.append(scalar)
                    } else {
                        return .failure(Problem(message: "unsupported entity &\(name);"))
                    }
                }
                i = html.index(after: semi)
            } else if c == ">" {
                return .failure(Problem(message: "unescaped '>'"))
            } else {
                out.append(c)
                i = html.index(after: i)
            }
        }
        guard open.isEmpty else { return .failure(Problem(message: "unclosed tag \"\(open.last ?? "")\"")) }
        return .success(out)
    }
}
