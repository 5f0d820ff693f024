import HTTPServer
import Foundation

/// A loopback Lambda Runtime API (AWS "Using the Lambda runtime API for custom runtimes", API version 2018-06-01),
/// as the Lambda service presents it to a custom runtime: `GET /runtime/invocation/next` blocks until an event is
/// queued and answers it with the `Lambda-Runtime-Aws-Request-Id`, `-Deadline-Ms`, `-Invoked-Function-Arn` and
/// `-Trace-Id` headers; `POST /runtime/invocation/{id}/response` and `/error` answer 202 for the invocation in
/// flight and 400 `InvalidRequestID` otherwise; `POST /runtime/init/error` answers 202. One invocation at a time:
/// the next event is handed out only after the previous one was answered.
final class LambdaRuntimeServer: @unchecked Sendable {
    struct Event {
        var requestID: String
        var deadlineMs: Int64
        var body: Data
        var traceID: String
    }

    struct Outcome {
        var requestID: String
        /// "response" or "error".
        var kind: String
        var body: Data
        var errorType: String?
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body) as? [String: Any]) ?? [:] }
    }

    static let functionARN = "arn:aws:lambda:us-east-1:123456789012:function:trading-bot"
    private let state = NSCondition()
    private var queue: [Event] = []
    private var inFlight: Event?
    private var outcomes: [Outcome] = []
    private(set) var initErrors: [Data] = []
    private(set) var protocolErrors: [String] = []
    /// `GET /invocation/next` requests received (a runtime that failed its init must send none).
    private(set) var polls = 0
    private var server: HTTP1Server?
    private var stopping = false
    private(set) var port: UInt16 = 0

    var api: String { "127.0.0.1:\(port)" }

    func start() throws {
        let server = HTTP1Server(port: 0) { [weak self] request in
            guard let self else { return .send(WireResponse.text(503, "gone")) }
            return .send(self.handle(request))
        }
        port = try server.start()
        self.server = server
    }

    func stop() {
        state.lock(); stopping = true; state.broadcast(); state.unlock()
        server?.stop()
    }

    /// Queues an event; `deadlineIn` is the time the invocation gets (the function's timeout), from now.
    func enqueue(_ requestID: String, deadlineIn: TimeInterval = 60, body: [String: Any] = [:]) {
        let deadline = Int64((Date().timeIntervalSince1970 + deadlineIn) * 1000)
        let scheduled: [String: Any] = ["source": "aws.scheduler", "detail-type": "Scheduled Event"]
        let data = (try? JSONSerialization.data(withJSONObject: body.isEmpty ? scheduled : body)) ?? Data()
        state.lock()
        queue.append(Event(requestID: requestID, deadlineMs: deadline, body: data,
                           traceID: LambdaRuntimeServer.traceID()))
        state.broadcast()
        state.unlock()
    }

    /// Waits until `count` outcomes (responses or errors) were posted in total.
    func waitForOutcomes(_ count: Int, timeout: TimeInterval = 60) -> [Outcome] {
        let deadline = Date().addingTimeInterval(timeout)
        state.lock(); defer { state.unlock() }
        while outcomes.count < count && Date() < deadline { _ = state.wait(until: min(deadline, Date().addingTimeInterval(0.1))) }
        return outcomes
    }

    func waitForInitError(timeout: TimeInterval = 60) -> Data? {
        let deadline = Date().addingTimeInterval(timeout)
        state.lock(); defer { state.unlock() }
        while initErrors.isEmpty && Date() < deadline { _ = state.wait(until: min(deadline, Date().addingTimeInterval(0.1))) }
        return initErrors.first
    }

    /// Waits until the runtime has asked for its first event (its init is done); true if it did within `timeout`.
    func waitForPoll(timeout: TimeInterval = 60) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        state.lock(); defer { state.unlock() }
        while polls == 0 && Date() < deadline { _ = state.wait(until: min(deadline, Date().addingTimeInterval(0.1))) }
        return polls > 0
    }

    /// X-Ray's `Root=1-{8 hex time}-{24 hex}` form.
    static func traceID() -> String {
        let time = String(format: "%08x", Int(Date().timeIntervalSince1970))
        let random = (0..<24).map { _ in String(format: "%x", Int.random(in: 0..<16)) }.joined()
        return "Root=1-\(time)-\(random);Sampled=0"
    }

    private func handle(_ request: WireRequest) -> WireResponse {
        let prefix = "/2018-06-01/runtime"
        guard request.path.hasPrefix(prefix) else { return error(404, "UnknownPath", request.path) }
        let path = String(request.path.dropFirst(prefix.count))
        if request.method == "GET" && path == "/invocation/next" { return next() }
        if request.method == "POST" && path == "/init/error" {
            state.lock(); initErrors.append(request.body); state.broadcast(); state.unlock()
            return WireResponse(status: 202, headers: [("Content-Type", "application/json")], body: Data("{\"status\":\"OK\"}".utf8))
        }
        let parts = path.split(separator: "/")
        if request.method == "POST", parts.count == 3, parts[0] == "invocation", parts[2] == "response" || parts[2] == "error" {
            let id = String(parts[1])
            state.lock(); defer { state.unlock() }
            guard let current = inFlight, current.requestID == id else {
                protocolErrors.append("\(parts[2]) for \(id), which is not the invocation in flight")
                return error(400, "InvalidRequestID", "Invalid request ID: \(id)")
            }
            outcomes.append(Outcome(requestID: id, kind: String(parts[2]), body: request.body,
                                    errorType: request.header("Lambda-Runtime-Function-Error-Type")))
            inFlight = nil
            state.broadcast()
            return WireResponse(status: 202, headers: [("Content-Type", "application/json")], body: Data("{\"status\":\"OK\"}".utf8))
        }
        return error(404, "UnknownPath", "\(request.method) \(request.path)")
    }

    private func next() -> WireResponse {
        state.lock(); defer { state.unlock() }
        if inFlight != nil { protocolErrors.append("next while an invocation was in flight") }
        polls += 1
        state.broadcast()
        while (queue.isEmpty || inFlight != nil) && !stopping { _ = state.wait(until: Date().addingTimeInterval(0.2)) }
        guard !stopping else { return error(500, "ServiceStopping", "stopping") }
        let event = queue.removeFirst()
        inFlight = event
        return WireResponse(status: 200, headers: [
            ("Content-Type", "application/json"),
            ("Lambda-Runtime-Aws-Request-Id", event.requestID),
            ("Lambda-Runtime-Deadline-Ms", String(event.deadlineMs)),
            ("Lambda-Runtime-Invoked-Function-Arn", LambdaRuntimeServer.functionARN),
            ("Lambda-Runtime-Trace-Id", event.traceID),
        ], body: event.body)
    }

    private func error(_ status: Int, _ type: String, _ message: String) -> WireResponse {
        let body = (try? JSONSerialization.data(withJSONObject: ["errorMessage": message, "errorType": type])) ?? Data()
        return WireResponse(status: status, headers: [("Content-Type", "application/json")], body: body)
    }
}
