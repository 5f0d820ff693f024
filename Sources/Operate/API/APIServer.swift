import Bot
import Exchange
import Foundation
import HTTPServer
import Notify

/// The status page and REST API of a running bot (API_SERVER_LISTEN), on the project's own HTTP/1.1 server.
/// Freqtrade's endpoint names where they fit: `/api/v1/ping`, `status`, `balance`, `profit`, `daily`, `trades`,
/// `health`, `pause`, `resume`, `forceexit` (`{"tradeid": "all"}`), `token/login`; `/` is the page.
public final class APIServer: @unchecked Sendable {
    public let settings: OperateSettings.API
    public let auth: APIAuth
    let center: CommandCenter
    let log: @Sendable (String) -> Void
    private var server: HTTP1Server?
    private(set) public var port: UInt16 = 0

    public init(settings: OperateSettings.API, center: CommandCenter, log: @escaping @Sendable (String) -> Void) {
        self.settings = settings
        self.center = center
        self.log = log
        auth = APIAuth(username: settings.username, password: settings.password)
    }

    /// Binds and serves; throws one line naming the address when it cannot.
    @discardableResult
    public func start() throws -> UInt16 {
        let host = settings.host == "localhost" ? "127.0.0.1" : settings.host
        let server = HTTP1Server(host: host, port: settings.port,
                                 limits: .init(maxHeaderBytes: 16 * 1024, maxBodyBytes: 64 * 1024, idleTimeoutSeconds: 30, maxConnections: 32)) {
            [unowned self] request in .send(self.respond(request))
        }
        port = try server.start()
        self.server = server
        return port
    }

    public func stop() { server?.stop() }

    // MARK: routing

    func respond(_ request: WireRequest) -> WireResponse {
        let path = request.path.hasSuffix("/") && request.path.count > 1 ? String(request.path.dropLast()) : request.path
        if path == "/api/v1/ping" { return json(["status": "pong"]) }
        if !auth.hasPassword && !hostIsLoopback(request.header("Host")) {
            return text(403, "Host '\(request.header("Host") ?? "")' is not this machine's loopback address")
        }
        let credential = auth.credential(request.header("Authorization"))
        if credential == .bad { return unauthorised("wrong user name, password or token") }
        if request.method == "POST" {
            if path == "/api/v1/token/login" {
                guard credential == .basic || !auth.hasPassword else { return unauthorised("log in with HTTP Basic (API_SERVER_USERNAME / API_SERVER_PASSWORD)") }
                let (token, expires) = auth.issueToken()
                return json(["access_token": token, "token_type": "bearer", "expires_in": expires])
            }
            guard credential == .bearer else { return unauthorised("POST needs 'Authorization: Bearer <token>' from POST /api/v1/token/login") }
            return blocking { await self.post(path, body: request.body) }
        }
        guard request.method == "GET" || request.method == "HEAD" else { return text(405, "method not allowed") }
        if auth.hasPassword && credential == .none { return unauthorised("log in with HTTP Basic or a bearer token") }
        return blocking { await self.get(path, query: request.rawQuery) }
    }

    private func get(_ path: String, query: String) async -> WireResponse {
        let now = OperateClock.wallMilliseconds()
        switch path {
        case "/", "/index.html":
            let snapshot = await center.snapshot()
            let page = StatusPage.render(snapshot, token: auth.issueToken().token, now: now)
            return WireResponse(status: 200, headers: [("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", "no-store"),
                                                       ("X-Frame-Options", "DENY"), ("Referrer-Policy", "no-referrer")],
                                body: Data(page.utf8))
        case "/api/v1/status":
            let s = await center.snapshot()
            var row: [String: Any] = ["symbol": s.symbol, "mode": s.mode, "paused": s.paused != nil, "stop_loss": s.stopLoss]
            if let p = s.position {
                row["side"] = p.side
                row["amount"] = Precision.format(p.amount)
                row["open_rate"] = Precision.format(p.entry)
                row["current_rate"] = p.mark.map(Precision.format) ?? NSNull()
                row["profit_abs"] = p.unrealised.map(Precision.format) ?? NSNull()
            } else {
                row["side"] = "flat"
            }
            if let c = s.lastCycle {
                row["last_prediction"] = c.predicted ?? NSNull()
                row["last_prediction_candle"] = UTCTime.iso(c.candleTime)
                row["last_decision"] = c.decision ?? NSNull()
            }
            return json([row])
        case "/api/v1/balance":
            let s = await center.snapshot()
            return json(["balance": s.balance.map { Precision.format($0) as Any } ?? NSNull(),
                         "starting_balance": s.firstBalance.map { Precision.format($0) as Any } ?? NSNull()])
        case "/api/v1/profit":
            let s = await center.snapshot()
            let profit = s.balance.flatMap { b in s.firstBalance.map { b - $0 } }
            return json(["profit_all_abs": profit.map(Precision.format) ?? NSNull(), "balance": s.balance.map(Precision.format) ?? NSNull(),
                         "cycles_done": s.cyclesDone, "cycles_failed": s.cyclesFailed])
        case "/api/v1/daily":
            let n = Self.query(query, "timescale").flatMap(Int.init) ?? 7
            let s = await center.snapshot()
            return json(["data": s.daily.suffix(max(1, min(n, 366))).reversed().map {
                ["date": $0.day, "abs_profit": Precision.format($0.pnl), "balance": Precision.format($0.balance), "cycles": $0.cycles, "failed": $0.failed]
            }])
        case "/api/v1/trades":
            let limit = Self.query(query, "limit").flatMap(Int.init) ?? 50
            let orders = (try? center.journal.recentOrders(limit: max(1, min(limit, 500)))) ?? []
            return json(["trades": orders.map { o in
                ["client_order_id": o.clientOrderID, "purpose": o.purpose.rawValue, "side": o.side, "type": o.type, "amount": Precision.format(o.amount),
                 "state": o.state.rawValue, "status": o.status ?? NSNull(), "filled": o.filled.map(Precision.format) ?? NSNull(),
                 "average": o.average.map(Precision.format) ?? NSNull(), "fee": o.fee.map(Precision.format) ?? NSNull(),
                 "created_at": UTCTime.iso(o.createdAt)] as [String: Any]
            }])
        case "/api/v1/health":
            let s = await center.snapshot()
            return json(["last_cycle": s.lastCycle.map { UTCTime.iso($0.finishedAt ?? $0.startedAt) } ?? NSNull(),
                         "paused": s.paused != nil,
                         "channels": s.channels.map { ["channel": $0.channel, "status": $0.status.rawValue, "delivered": $0.delivered,
                                                       "pending": $0.pending, "last_error": $0.lastError ?? NSNull()] as [String: Any] }])
        default:
            return text(404, "no such page: \(path)")
        }
    }

    private func post(_ path: String, body: Data) async -> WireResponse {
        let source = "api"
        switch path {
        case "/api/v1/pause":
            let result = await center.pause(source: source)
            record(path, result)
            return json(["status": result])
        case "/api/v1/resume":
            if center.info.mode == "live", (try? JSONSerialization.jsonObject(with: body) as? [String: Any])?["confirm"] as? Bool != true {
                return text(409, "live mode: resume needs {\"confirm\": true}")
            }
            let result = await center.resume(source: source)
            record(path, result)
            return json(["status": result])
        case "/api/v1/forceexit":
            let object = (try? JSONSerialization.jsonObject(with: body) as? [String: Any]) ?? [:]
            guard (object["tradeid"] as? String) == "all" else { return text(400, "forceexit takes {\"tradeid\": \"all\"}: this bot trades one position per symbol") }
            guard let report = await center.runCloseAll(source: source) else { return text(503, "close-all is not available") }
            record(path, "close-all: \(report.summary)")
            return json(["result": report.flat && report.failures == 0 ? "flat" : "incomplete", "flat": report.flat, "steps": report.steps],
                        status: report.flat && report.failures == 0 ? 200 : 500)
        default:
            return text(404, "no such action: \(path)")
        }
    }

    private func record(_ path: String, _ result: String) {
        let row = JournalCommand(at: OperateClock.wallMilliseconds(), source: "api", user: auth.username, command: "POST \(path)", authorised: true, result: result)
        try? center.journal.recordCommand(row)
    }

    // MARK: helpers

    private func hostIsLoopback(_ host: String?) -> Bool {
        guard let host else { return false }
        let name = host.split(separator: ":").first.map(String.init) ?? host
        return name == "127.0.0.1" || name == "localhost" || host.hasPrefix("[::1]")
    }

    static func query(_ raw: String, _ name: String) -> String? {
        for pair in raw.split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1)
            if kv.first.map(String.init) == name { return kv.count == 2 ? String(kv[1]).removingPercentEncoding : "" }
        }
        return nil
    }

    private func json(_ object: Any, status: Int = 200) -> WireResponse {
        let body = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return WireResponse(status: status, headers: [("Content-Type", "application/json"), ("Cache-Control", "no-store")], body: body)
    }

    private func text(_ status: Int, _ message: String) -> WireResponse {
        WireResponse(status: status, headers: [("Content-Type", "application/json")],
                     body: (try? JSONSerialization.data(withJSONObject: ["error": message])) ?? Data())
    }

    private func unauthorised(_ message: String) -> WireResponse {
        var response = text(401, message)
        if auth.hasPassword { response.headers.append(("WWW-Authenticate", "Basic realm=\"trading-bot\", charset=\"UTF-8\"")) }
        return response
    }

    /// The HTTP server's connection threads are plain threads: they wait here for the async work.
    private func blocking(_ body: @escaping @Sendable () async -> WireResponse) -> WireResponse {
        let semaphore = DispatchSemaphore(value: 0)
        let box = Box()
        Task.detached {
            box.value = await body()
            semaphore.signal()
        }
        semaphore.wait()
        return box.value ?? WireResponse(status: 500)
    }

    private final class Box: @unchecked Sendable { var value: WireResponse? }
}
