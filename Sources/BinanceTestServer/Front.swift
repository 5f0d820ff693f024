import Foundation
import HTTPServer

/// The HTTP entry point: faults, bans, weights, authentication, then the endpoint.
/// Runs on the connection's own thread, so a latency fault simply sleeps there.
struct Front: Sendable {
    let server: BinanceTestServer

    func handle(_ request: WireRequest) -> WireReply {
        let body = String(decoding: request.body, as: UTF8.self)
        let rawQuery = request.rawQuery
        let path = request.path
        let method = request.method.uppercased()
        if path.hasPrefix("/_test/") {
            return .send(server.control(method: method, path: path, params: RequestParams(rawQuery: rawQuery, rawBody: body)))
        }
        var headers: [String: String] = [:]
        for (key, value) in request.headers { headers[key.lowercased()] = value }
        let call = Call(method: method, path: path, rawQuery: rawQuery, body: body, headers: headers,
                        params: RequestParams(rawQuery: rawQuery, rawBody: body), receivedAt: Date().timeIntervalSince1970)

        let reducesExposure = call.params["reduceOnly"] == "true" || call.params["closePosition"] == "true"
        let fault = server.takeFault(method: method, path: path, reducesExposure: reducesExposure)
        if case .latency(let seconds)? = fault {
            // A handler may take at most handlerTimeoutSeconds: a longer delay is cut there and answered
            // 500 (the request is still executed, its outcome unknown to the client).
            let limit = server.options.handlerTimeoutSeconds
            Thread.sleep(forTimeInterval: min(max(0, seconds), limit))
            if seconds > limit {
                _ = server.finish(call, server.process(call), faulted: true)
                return .send(WireResponse(status: 500))
            }
        }
        switch fault {
        case .http5xx(let status)?:
            return .send(server.finish(call, .failure(APIError.internalError(status: status)), faulted: true))
        case .throttled1008?:
            return .send(server.finish(call, .failure(APIError.throttled), faulted: true))
        case .rateLimit429(let retryAfter)?:
            return .send(server.finish(call, .failure(APIError.tooManyRequests(limit: server.options.weightLimitPerMinute)),
                                       extraHeaders: ["Retry-After": String(retryAfter)], faulted: true))
        case .ban418(let retryAfter)?:
            server.locked { server.limiter.ban(seconds: Double(retryAfter), now: TestClock.monotonicSeconds()) }
        case .marginInsufficient?:
            return .send(server.finish(call, .failure(APIError.marginInsufficient), faulted: true))
        default:
            break
        }
        let outcome = server.process(call)
        switch fault {
        case .unknown503?:
            return .send(server.finish(call, .failure(APIError.unknown503), faulted: true))
        case .acceptThenDrop?:
            _ = server.finish(call, outcome, faulted: true)
            return .dropConnection
        case .ban418?:
            return .send(server.finish(call, outcome, faulted: true))
        case .movePrice(let percent)?:
            if let symbol = call.params["symbol"] { server.movePrice(symbol: symbol, percent: percent) }
            return .send(server.finish(call, outcome, faulted: true))
        default:
            return .send(server.finish(call, outcome, faulted: false))
        }
    }
}

/// One request as the pipeline sees it.
struct Call {
    var method: String
    var path: String
    var rawQuery: String
    var body: String
    var headers: [String: String]
    var params: RequestParams
    var receivedAt: Double
}

/// The answer before it becomes HTTP: JSON with extra headers, or a Binance error.
struct Outcome {
    var result: Result<WireJSON, APIError>
    var headers: [String: String] = [:]

    static func failure(_ e: APIError) -> Outcome { Outcome(result: .failure(e)) }
}

extension BinanceTestServer {
    func takeFault(method: String, path: String, reducesExposure: Bool = false) -> Fault? {
        locked {
            guard let i = faults.firstIndex(where: {
                $0.matches(method: method, path: path) && !(reducesExposure && $0.fault == .throttled1008)
            }) else { return nil }
            let fault = faults[i].fault
            faults[i].remaining -= 1
            if faults[i].remaining <= 0 { faults.remove(at: i) }
            return fault
        }
    }

    /// Turns an outcome into the HTTP response and records the exchange.
    func finish(_ call: Call, _ outcome: Outcome, extraHeaders: [String: String] = [:], faulted: Bool) -> WireResponse {
        var headers = outcome.headers.merging(extraHeaders) { $1 }
        headers["Content-Type"] = "application/json"
        let status: Int, json: WireJSON, code: Int?
        switch outcome.result {
        case .success(let value): status = 200; json = value; code = nil
        case .failure(let e): status = e.status; json = e.body; code = e.code
        }
        if headers["X-MBX-USED-WEIGHT-1M"] == nil {
            headers["X-MBX-USED-WEIGHT-1M"] = String(locked { limiter.usedWeight(now: TestClock.monotonicSeconds()) })
        }
        let record = RecordedRequest(method: call.method, path: call.path, query: call.rawQuery, body: call.body,
                                     params: call.params.values, headers: call.headers, status: status, errorCode: code,
                                     receivedAt: call.receivedAt, faulted: faulted)
        locked { recorded.append(record) }
        return WireResponse(status: status, headers: headers.sorted { $0.key < $1.key }.map { ($0.key, $0.value) },
                            body: Data(json.serialized().utf8))
    }

    /// Ban, weight, order-rate, authentication and the endpoint itself, all under the lock.
    func process(_ call: Call) -> Outcome {
        let now = TestClock.monotonicSeconds()
        let t = clock.nowMs
        return locked {
            if limiter.bannedUntil > now {
                let retry = Int((limiter.bannedUntil - now).rounded(.up))
                let untilMs = TestClock.wallMs() + Int64(retry) * 1000
                return Outcome(result: .failure(.banned(untilMs: untilMs)), headers: ["Retry-After": String(retry)])
            }
            guard let endpoint = Routes.find(method: call.method, path: call.path) else {
                return .failure(.notFound)
            }
            let weight = endpoint.weight(call.params)
            let used = limiter.usedWeight(now: now)
            if used + weight > options.weightLimitPerMinute {
                if limiter.noteRefusal(threshold: options.requestsAfter429BeforeBan) {
                    limiter.ban(seconds: Double(options.autoBanSeconds), now: now)
                    return Outcome(result: .failure(.banned(untilMs: TestClock.wallMs() + Int64(options.autoBanSeconds) * 1000)),
                                   headers: ["Retry-After": String(options.autoBanSeconds)])
                }
                let retry = limiter.secondsUntilRoom(for: weight, limit: options.weightLimitPerMinute, now: now)
                return Outcome(result: .failure(.tooManyRequests(limit: options.weightLimitPerMinute)),
                               headers: ["Retry-After": String(retry), "X-MBX-USED-WEIGHT-1M": String(used)])
            }
            limiter.noteAccepted()
            limiter.add(weight: weight, now: now)
            var headers = ["X-MBX-USED-WEIGHT-1M": String(used + weight)]
            var apiKey: String? = nil
            do {
                if endpoint.signed { apiKey = try authenticate(call, at: t + skewMs) }
                if endpoint.placesOrder {
                    let counts = limiter.orderCounts(now: now)
                    if counts.minute >= options.orderLimitPerMinute { throw APIError.tooManyOrders(limit: options.orderLimitPerMinute, per: "1m") }
                    if counts.tenSeconds >= options.orderLimitPer10s { throw APIError.tooManyOrders(limit: options.orderLimitPer10s, per: "10s") }
                }
                let ctx = Routes.Context(server: self, engine: engine, params: call.params, apiKey: apiKey, now: t)
                let json = try endpoint.handler(ctx)
                if endpoint.placesOrder {
                    limiter.addOrder(now: now)
                    let counts = limiter.orderCounts(now: now)
                    headers["X-MBX-ORDER-COUNT-1M"] = String(counts.minute)
                    headers["X-MBX-ORDER-COUNT-10S"] = String(counts.tenSeconds)
                }
                return Outcome(result: .success(json), headers: headers)
            } catch let e as APIError {
                return Outcome(result: .failure(e), headers: headers)
            } catch {
                return Outcome(result: .failure(APIError(status: 500, code: -1000, msg: "An unknown error occured while processing the request.")), headers: headers)
            }
        }
    }

    /// Binance's SIGNED checks: key, timestamp/recvWindow, then HMAC-SHA256 over query+body.
    func authenticate(_ call: Call, at serverTime: Int64) throws -> String {
        guard let key = call.headers["x-mbx-apikey"], !key.isEmpty else { throw APIError.badAPIKeyFormat }
        guard let account = engine.accounts[key] else { throw APIError.rejectedAPIKey }
        let params = call.params
        guard let timestamp = try params.int64("timestamp") else { throw APIError.mandatory("timestamp") }
        let recvWindow = try params.int64("recvWindow") ?? 5000
        guard recvWindow > 0 && recvWindow <= options.maxRecvWindow else { throw APIError.invalidParameter("recvWindow") }
        guard let signature = params.signature, !signature.isEmpty else { throw APIError.mandatory("signature") }
        guard Signature.isValid(signature, payload: params.signedPayload, secret: account.secret) else {
            throw APIError.badSignature
        }
        if timestamp >= serverTime + 1000 { throw APIError.aheadOfServer }
        if serverTime - timestamp > recvWindow { throw APIError.outsideRecvWindow }
        return key
    }
}
