import Foundation
import HTTPServer

/// HTTP control endpoints under /_test/, so tests running in another process (the
/// `trading-bot` binary end to end) can drive the clock, faults and accounts. Never faulted,
/// never rate-limited, never recorded.
extension BinanceTestServer {
    func control(method: String, path: String, params: RequestParams) -> WireResponse {
        let result: Result<WireJSON, APIError>
        do { result = .success(try controlJSON(method: method, path: path, params: params)) } catch let e as APIError {
            result = .failure(e)
        } catch {
            result = .failure(APIError(status: 400, code: -1130, msg: "\(error)"))
        }
        let (status, json): (Int, WireJSON)
        switch result {
        case .success(let j): (status, json) = (200, j)
        case .failure(let e): (status, json) = (e.status, e.body)
        }
        return WireResponse(status: status, headers: [("Content-Type", "application/json")], body: Data(json.serialized().utf8))
    }

    private func controlJSON(method: String, path: String, params: RequestParams) throws -> WireJSON {
        switch (method, path) {
        case ("POST", "/_test/clock"):
            if let iso = params["iso"] {
                guard let ms = CandleFile.parseISO(iso) else { throw APIError.invalidParameter("iso") }
                clock.set(ms: ms)
            } else {
                guard let ms = try params.int64("ms") else { throw APIError.mandatory("ms") }
                clock.set(ms: ms)
            }
        case ("POST", "/_test/advance"):
            guard let ms = try params.int64("ms") else { throw APIError.mandatory("ms") }
            clock.advance(ms: ms)
        case ("POST", "/_test/freeze"):
            clock.freeze()
        case ("POST", "/_test/resume"):
            clock.resume()
        case ("POST", "/_test/fault"):
            let count = Int(try params.int64("count") ?? 1)
            inject(try Self.fault(from: params), count: count, method: params["method"], path: params["path"])
        case ("POST", "/_test/clear-faults"):
            clearFaults()
        case ("POST", "/_test/reset-limits"):
            resetRateLimits()
        case ("POST", "/_test/account"):
            guard let balance = try params.decimal("balance") else { throw APIError.mandatory("balance") }
            addAccount(apiKey: try params.required("apiKey"), secret: try params.required("secret"), balanceUSDT: balance)
        case ("POST", "/_test/price"):
            setPrice(symbol: try params.required("symbol"), price: try params.decimal("price"))
        case ("POST", "/_test/clear-requests"):
            clearRequests()
        case ("GET", "/_test/requests"):
            return .array(requests.map(Self.requestJSON))
        case ("GET", "/_test/state"):
            return state()
        default:
            throw APIError.notFound
        }
        return state()
    }

    static func fault(from params: RequestParams) throws -> Fault {
        switch try params.required("kind") {
        case "latency":
            guard let s = try params.decimal("seconds") else { throw APIError.mandatory("seconds") }
            return .latency(seconds: NSDecimalNumber(decimal: s).doubleValue)
        case "http5xx": return .http5xx(status: Int(try params.int64("status") ?? 500))
        case "unknown503": return .unknown503
        case "throttled1008": return .throttled1008
        case "rateLimit429": return .rateLimit429(retryAfter: Int(try params.int64("retryAfter") ?? 1))
        case "ban418": return .ban418(retryAfter: Int(try params.int64("retryAfter") ?? 2))
        case "acceptThenDrop": return .acceptThenDrop
        case "marginInsufficient": return .marginInsufficient
        case "movePrice":
            guard let p = try params.decimal("percent") else { throw APIError.mandatory("percent") }
            return .movePrice(percent: p)
        case "clockSkew":
            guard let ms = try params.int64("ms") else { throw APIError.mandatory("ms") }
            return .clockSkew(ms: ms)
        default: throw APIError.invalidParameter("kind")
        }
    }

    static func requestJSON(_ r: RecordedRequest) -> WireJSON {
        .object([
            ("method", .string(r.method)), ("path", .string(r.path)), ("query", .string(r.query)), ("body", .string(r.body)),
            ("status", .int(Int64(r.status))), ("errorCode", r.errorCode.map { .int(Int64($0)) } ?? .null),
            ("faulted", .bool(r.faulted)),
            ("receivedAtMs", .int(Int64(r.receivedAt * 1000))),
        ])
    }

    /// A snapshot for assertions from outside the process (Decimals as strings).
    func state() -> WireJSON {
        let t = clock.nowMs
        return locked {
            let accounts: [WireJSON] = engine.accounts.values.sorted { $0.apiKey < $1.apiKey }.map { a in
                .object([
                    ("apiKey", .string(a.apiKey)),
                    ("walletBalance", .string(WireDecimal.plain(a.walletBalance))),
                    // One wallet for every market: what is left for new margin after all positions and orders.
                    ("availableBalance", .string(WireDecimal.plain(engine.available(a, at: t)))),
                    ("marginTypes", .object(a.marginType.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })),
                    ("positions", .array(options.symbols.map { engine.positionRecord(a, $0.symbol, at: t) }.filter { $0.positionAmt != 0 }.map { p in
                        .object([("symbol", .string(p.symbol)), ("positionAmt", .string(WireDecimal.plain(p.positionAmt))),
                                 ("entryPrice", .string(WireDecimal.plain(p.entryPrice))),
                                 ("unRealizedProfit", .string(WireDecimal.plain(p.unrealizedProfit)))])
                    })),
                ])
            }
            return .object([
                ("serverTime", .int(t + skewMs)),
                ("clockMs", .int(t)),
                ("clockRunning", .bool(clock.isRunning)),
                ("accounts", .array(accounts)),
                ("orders", .array(engine.orders.map(engine.orderJSON))),
                ("algoOrders", .array(engine.algoOrders.map(engine.algoJSON))),
                ("trades", .array(engine.trades.map(engine.tradeJSON))),
                ("requestCount", .int(Int64(recorded.count))),
                ("pendingFaults", .int(Int64(faults.count))),
            ])
        }
    }
}
