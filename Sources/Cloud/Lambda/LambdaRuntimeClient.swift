import Foundation
import HTTPClient

/// A client of the AWS Lambda Runtime API (custom runtimes, `provided.al2023`): `AWS_LAMBDA_RUNTIME_API` names the
/// host:port; the runtime asks for the next event (a long poll with no read time-out: Lambda freezes the process
/// there between invocations), then posts exactly one response or error per request id. Init failures go to
/// `/runtime/init/error`, after which the process exits.
public struct LambdaRuntimeClient: Sendable {
    public static let version = "2018-06-01"
    public let base: String
    /// The long poll: connect time-out only.
    private let poll: any HTTPTransport
    /// Responses and errors: short, bounded calls.
    private let post: any HTTPTransport

    public init(api: String, poll: any HTTPTransport = CurlTransport(connectTimeoutMs: 5_000, totalTimeoutMs: 0),
                post: any HTTPTransport = CurlTransport(connectTimeoutMs: 5_000, totalTimeoutMs: 10_000)) {
        self.base = "http://\(api)/\(LambdaRuntimeClient.version)/runtime"
        self.poll = poll
        self.post = post
    }

    /// One event as `/invocation/next` hands it over, with the `Lambda-Runtime-*` headers.
    public struct Invocation: Sendable {
        public var requestID: String
        /// Wall-clock deadline in Unix milliseconds (`Lambda-Runtime-Deadline-Ms`).
        public var deadlineMs: Int64
        public var functionARN: String?
        /// `Lambda-Runtime-Trace-Id`; the runtime exports it as `_X_AMZN_TRACE_ID` for X-Ray.
        public var traceID: String?
        public var clientContext: String?
        public var cognitoIdentity: String?
        public var body: Data

        /// Milliseconds left before Lambda stops the invocation.
        public func remainingMs(now: Date = Date()) -> Int64 { deadlineMs - Int64((now.timeIntervalSince1970 * 1000).rounded(.down)) }
    }

    public struct RuntimeAPIError: Error, Sendable, CustomStringConvertible {
        public var call: String
        public var message: String
        public var description: String { "Lambda Runtime API \(call): \(message)" }
    }

    /// Waits for the next event (blocks for as long as Lambda keeps the function frozen).
    public func next() async throws -> Invocation {
        let response: HTTPResponse
        do { response = try await poll.send(HTTPRequest(method: "GET", url: "\(base)/invocation/next")) } catch {
            throw RuntimeAPIError(call: "GET /invocation/next", message: String(describing: error))
        }
        guard response.status == 200 else {
            throw RuntimeAPIError(call: "GET /invocation/next", message: "HTTP \(response.status) \(String(decoding: response.body.prefix(300), as: UTF8.self))")
        }
        guard let id = response.header("Lambda-Runtime-Aws-Request-Id"), !id.isEmpty else {
            throw RuntimeAPIError(call: "GET /invocation/next", message: "no Lambda-Runtime-Aws-Request-Id header")
        }
        guard let deadline = response.header("Lambda-Runtime-Deadline-Ms").flatMap({ Int64($0) }) else {
            throw RuntimeAPIError(call: "GET /invocation/next", message: "no usable Lambda-Runtime-Deadline-Ms header")
        }
        return Invocation(requestID: id, deadlineMs: deadline, functionARN: response.header("Lambda-Runtime-Invoked-Function-Arn"),
                          traceID: response.header("Lambda-Runtime-Trace-Id"), clientContext: response.header("Lambda-Runtime-Client-Context"),
                          cognitoIdentity: response.header("Lambda-Runtime-Cognito-Identity"), body: response.body)
    }

    /// The invocation's result (202 Accepted expected).
    public func respond(_ requestID: String, body: Data) async throws {
        try await send("POST /invocation/\(requestID)/response", "\(base)/invocation/\(requestID)/response", body: body, headers: [])
    }

    /// The invocation failed: Lambda records it as a function error (and may retry an asynchronous event).
    public func fail(_ requestID: String, type: String, message: String) async throws {
        try await send("POST /invocation/\(requestID)/error", "\(base)/invocation/\(requestID)/error",
                       body: LambdaRuntimeClient.errorBody(type: type, message: message),
                       headers: [("Lambda-Runtime-Function-Error-Type", type)])
    }

    /// Initialisation failed (bad configuration, model or scalers): report it, then exit.
    public func initError(type: String, message: String) async throws {
        try await send("POST /init/error", "\(base)/init/error", body: LambdaRuntimeClient.errorBody(type: type, message: message),
                       headers: [("Lambda-Runtime-Function-Error-Type", type)])
    }

    /// `{"errorMessage": …, "errorType": …, "stackTrace": []}`, the documented error document.
    public static func errorBody(type: String, message: String) -> Data {
        let object: [String: Any] = ["errorMessage": message, "errorType": type, "stackTrace": [String]()]
        return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
    }

    private func send(_ call: String, _ url: String, body: Data, headers: [(String, String)]) async throws {
        let response: HTTPResponse
        do {
            response = try await post.send(HTTPRequest(method: "POST", url: url, headers: [("Content-Type", "application/json")] + headers,
                                                       body: body, idempotent: false))
        } catch {
            throw RuntimeAPIError(call: call, message: String(describing: error))
        }
        guard response.status == 202 else {
            throw RuntimeAPIError(call: call, message: "HTTP \(response.status) \(String(decoding: response.body.prefix(300), as: UTF8.self))")
        }
    }
}
