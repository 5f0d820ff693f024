import Foundation
import Logging
import Exchange

/// Signed and unsigned REST calls to Binance USDⓈ-M with the safety rules in one place:
/// server-time offset (synced at start and after -1021, then one retry), rate-limit pacing from the
/// `X-MBX-*` headers, Retry-After on 429, no traffic during a 418 ban, exponential back-off retries
/// for idempotent requests only, and every failure mapped through `BinanceErrorTable`.
public actor BinanceRESTClient {
    public let configuration: BinanceConfiguration
    let transport: HTTPTransport
    let time: TimeSource
    let signer: Signer?
    var logger: Logger
    public private(set) var limiter = RateLimiter()
    /// serverTime - localTime, ms; nil until the first sync.
    public private(set) var timeOffsetMs: Int64?
    /// The time sync in flight, shared by whoever needs one meanwhile.
    private var syncing: Task<Int64, Error>?

    public init(configuration: BinanceConfiguration, transport: HTTPTransport, time: TimeSource = .system) {
        self.configuration = configuration
        self.transport = transport
        self.time = time
        self.signer = configuration.credentials.map(Signer.init)
        self.logger = configuration.logger
    }

    public var hasCredentials: Bool { signer != nil }

    public func configureLimits(weightPerMinute: Int?, ordersPer10s: Int?, ordersPerMinute: Int?) {
        limiter.configure(weightPerMinute: weightPerMinute, ordersPer10s: ordersPer10s, ordersPerMinute: ordersPerMinute)
    }

    /// Asks the server for its time and keeps the offset used for `timestamp`. A call while a sync is in flight joins
    /// it: the signed requests of a cycle started together, and the clock's own `fetchTime`, need one `/time`.
    @discardableResult
    public func syncTime() async throws -> Int64 {
        if let syncing { return try await syncing.value }
        return try await freshSync()
    }

    /// A sync of its own, not joining one in flight (after a -1021, the offset in use is known to be wrong).
    @discardableResult
    func freshSync() async throws -> Int64 {
        let task = Task { try await self.measureTime() }
        syncing = task
        defer { if syncing == task { syncing = nil } }
        return try await task.value
    }

    private func measureTime() async throws -> Int64 {
        let before = time.now()
        let json = try await call(.time, QueryString(), method: "fetchTime")
        let after = time.now()
        guard let server = JSON.int64(try JSON.object(json, method: "fetchTime"), "serverTime") else {
            throw JSON.shape("object with serverTime", "fetchTime")
        }
        timeOffsetMs = server - (before + after) / 2
        logger.debug("server time offset \(timeOffsetMs ?? 0) ms")
        return server
    }

    /// Sends one request and returns the decoded JSON. `method` is the unified method name for errors. `benign`:
    /// Binance codes the caller takes as an answer, not a problem (e.g. -4046 "No need to change margin type."):
    /// still thrown, but logged at debug instead of as a warning.
    public func call(_ endpoint: Endpoint, _ params: QueryString, method: String, benign: Set<Int> = []) async throws -> Any {
        var attempt = 0
        var resynced = false
        while true {
            do {
                return try await sendOnce(endpoint, params, method: method, benign: benign)
            } catch let f as ExchangeFailure {
                if f.kind == .invalidNonce && endpoint.signed && !resynced {
                    resynced = true
                    logger.info("-1021 timestamp outside recvWindow in \(method): re-syncing server time and retrying once")
                    try await freshSync()
                    continue
                }
                guard endpoint.idempotent, attempt < configuration.maxRetries, let wait = retryDelay(f, attempt: attempt)
                else { throw f }
                attempt += 1
                logger.notice("\(method) failed (\(f.kind.name)); retry \(attempt)/\(configuration.maxRetries) in \(wait) ms")
                try await time.sleep(wait)
            }
        }
    }

    /// Back-off before retrying an idempotent request, or nil when it must not be retried.
    func retryDelay(_ f: ExchangeFailure, attempt: Int) -> Int64? {
        let backoff = min(configuration.backoffBaseMs << Int64(attempt), 16_000)
        switch f.kind {
        case .requestTimeout, .networkError, .exchangeNotAvailable: return backoff
        case .rateLimitExceeded:
            let retryAfter = f.retryAfterMs ?? backoff
            return retryAfter <= configuration.maxRetryAfterWaitMs ? max(retryAfter, 0) : nil
        default: return nil  // includes 418 bans: nothing is sent until they end
        }
    }

    /// One HTTP exchange, with pacing and the ban check before it.
    func sendOnce(_ endpoint: Endpoint, _ params: QueryString, method: String, benign: Set<Int> = []) async throws -> Any {
        try limiter.checkBan(now: time.now(), method: method)
        let weight = endpoint.weight(for: params)
        let wait = limiter.delay(weight: weight, order: endpoint.placesOrder, now: time.now())
        if wait > 0 {
            logger.notice("rate limit: waiting \(wait) ms before \(endpoint)")
            try await time.sleep(wait)
            try limiter.checkBan(now: time.now(), method: method)
        }

        var query = params
        var headers: [(String, String)] = [("Accept", "application/json")]
        if endpoint.signed {
            guard let signer else {
                throw ExchangeFailure(.authenticationError, exchange: BinanceUSDM.exchangeId,
                    message: "\(method) needs EXCHANGE_API_KEY and EXCHANGE_API_SECRET", method: method)
            }
            if timeOffsetMs == nil { try await syncTime() }
            query.set("recvWindow", String(configuration.recvWindow))
            query.set("timestamp", String(time.now() + (timeOffsetMs ?? 0)))
            query.append("signature", signer.signature(query: query.encoded))
            headers.append(signer.header)
        }
        let encoded = query.encoded
        let request: HTTPRequest
        if endpoint.method == "POST" || endpoint.method == "PUT" {
            headers.append(("Content-Type", "application/x-www-form-urlencoded"))
            request = HTTPRequest(method: endpoint.method, url: configuration.baseURL + endpoint.path, headers: headers,
                                  body: Data(encoded.utf8), idempotent: endpoint.idempotent)
        } else {
            request = HTTPRequest(method: endpoint.method,
                                  url: configuration.baseURL + endpoint.path + (encoded.isEmpty ? "" : "?" + encoded),
                                  headers: headers, idempotent: endpoint.idempotent)
        }
        limiter.willSend(weight: weight, order: endpoint.placesOrder, now: time.now())
        emit("-> \(endpoint.method) \(configuration.baseURL)\(endpoint.path)\(encoded.isEmpty ? "" : (endpoint.method == "POST" || endpoint.method == "PUT" ? " body " : "?") + encoded)"
             + (endpoint.signed ? " [X-MBX-APIKEY: \(signer?.credentials.maskedAPIKey ?? "")]" : ""))

        let response: HTTPResponse
        do {
            response = try await transport.send(request)
        } catch let t as TransportFailure {
            emit("<- no response: \(t.kind.rawValue) \(t.message)")
            throw BinanceErrorTable.failure(transport: t, method: method)
        }
        limiter.update(headers: response.headers, status: response.status, now: time.now())
        let bodyText = String(decoding: response.body.prefix(2000), as: UTF8.self)
        emit("<- \(response.status) \(endpoint.path) weight=\(response.header("x-mbx-used-weight-1m") ?? "?") \(bodyText)")

        if (200..<300).contains(response.status) {
            let json = try JSON.parse(response.body, method: method)
            // ccxt's handle_errors reads `code` whatever the HTTP status: {"code":-XXXX,"msg":..} in a 200 is an error;
            // {"code":200,"msg":"success"} (marginType, allOpenOrders) and {"code":"200"} (algo cancel) are not.
            if let o = json as? [String: Any], let code = JSON.int64(o, "code"), code != 0, code != 200 {
                let failure = BinanceErrorTable.failure(status: response.status, code: Int(code), message: JSON.string(o, "msg"), method: method)
                log(failure, benign: benign, "\(endpoint) -> HTTP \(response.status) carrying an error: \(failure.description)")
                throw failure
            }
            return json
        }
        let parsed = try? JSONSerialization.jsonObject(with: response.body, options: [.fragmentsAllowed]) as? [String: Any]
        let code = parsed.flatMap { JSON.int64($0, "code") }.map(Int.init)
        let message = parsed.flatMap { JSON.string($0, "msg") }
            ?? (bodyText.isEmpty ? nil : String(bodyText.prefix(200)))
        var retryAfterMs = response.header("retry-after").flatMap { Int64($0) }.map { $0 * 1000 }
        if response.status == 418, retryAfterMs == nil, let until = Self.bannedUntil(message) {
            // No Retry-After: the ban end is in the message, in server time ("IP banned until 1659146400000").
            let local = until - (timeOffsetMs ?? 0)
            limiter.extendBan(until: local)
            retryAfterMs = max(0, limiter.bannedUntil - time.now())
        }
        let failure = BinanceErrorTable.failure(status: response.status, code: code, message: message,
                                                method: method, retryAfterMs: retryAfterMs)
        log(failure, benign: benign, "\(endpoint) -> HTTP \(response.status): \(failure.description)")
        throw failure
    }

    private func log(_ failure: ExchangeFailure, benign: Set<Int>, _ line: String) {
        if let code = failure.code, benign.contains(code) { logger.debug("\(line)") } else { logger.warning("\(line)") }
    }

    /// The server-time end of an IP ban named in a 418 message, e.g. "IP banned until 1659146400000".
    static func bannedUntil(_ message: String?) -> Int64? {
        guard let message, let r = message.range(of: "banned until ") else { return nil }
        return Int64(message[r.upperBound...].prefix { $0.isNumber })
    }

    /// One trace line to the logger (debug) and the `--verbose` sink. Never contains the secret:
    /// requests carry only the signature and the masked key.
    func emit(_ line: String) {
        logger.debug("\(line)")
        configuration.trace?(line)
    }
}
