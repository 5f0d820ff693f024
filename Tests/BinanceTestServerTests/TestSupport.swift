import Crypto
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import XCTest
@testable import BinanceTestServer

/// An HTTP answer as a test sees it.
struct Reply {
    var status: Int
    var headers: [String: String]
    var text: String
    var json: Any? { try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) }
    var object: [String: Any] { json as? [String: Any] ?? [:] }
    var array: [Any] { json as? [Any] ?? [] }
    var code: Int? { object["code"] as? Int }
    var msg: String? { object["msg"] as? String }
    func header(_ name: String) -> String? { headers.first { $0.key.lowercased() == name.lowercased() }?.value }
}

enum WireError: Error { case noResponse(String) }

final class ResultBox: @unchecked Sendable {
    var result: Result<Reply, Error> = .failure(WireError.noResponse("no callback"))
}

/// Runs async work to completion from a synchronous test (tests run on the main thread,
/// so blocking there never starves the server's tasks).
final class TaskBox<T>: @unchecked Sendable { var value: Result<T, Error>? }

func blocking<T>(_ work: @escaping @Sendable () async throws -> T) throws -> T {
    let box = TaskBox<T>()
    let done = DispatchSemaphore(value: 0)
    Task {
        do { box.value = .success(try await work()) } catch { box.value = .failure(error) }
        done.signal()
    }
    done.wait()
    guard let value = box.value else { throw WireError.noResponse("task did not finish") }
    return try value.get()
}

/// A tiny raw client: builds query strings by hand and signs them with HMAC-SHA256 exactly as
/// Binance documents, independently of the project's Binance client.
final class RawClient {
    let base: String
    var apiKey: String
    var secret: String
    /// Added to the server time fetched at sync to build timestamps.
    var timestampOffset: Int64 = 0
    let session: URLSession

    init(base: String, apiKey: String = "test-key", secret: String = "test-secret", timeout: Double = 5) {
        self.base = base; self.apiKey = apiKey; self.secret = secret
        let config = URLSessionConfiguration.ephemeral
        config.timeoutIntervalForRequest = timeout
        config.timeoutIntervalForResource = timeout
        config.connectionProxyDictionary = [:]
        session = URLSession(configuration: config)
    }

    deinit { session.invalidateAndCancel() }

    static func sign(_ payload: String, secret: String) -> String {
        HMAC<SHA256>.authenticationCode(for: Data(payload.utf8), using: SymmetricKey(data: Data(secret.utf8)))
            .map { String(format: "%02x", $0) }.joined()
    }

    static func query(_ params: [(String, String)]) -> String {
        params.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-_.~"))) ?? $0.1)" }
            .joined(separator: "&")
    }

    func send(_ method: String, _ path: String, query: String = "", body: String? = nil, headers: [String: String] = [:]) throws -> Reply {
        guard let url = URL(string: base + path + (query.isEmpty ? "" : "?" + query)) else { throw WireError.noResponse("bad url") }
        var request = URLRequest(url: url)
        request.httpMethod = method
        for (k, v) in headers { request.setValue(v, forHTTPHeaderField: k) }
        if let body {
            request.httpBody = Data(body.utf8)
            request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        }
        let box = ResultBox()
        let done = DispatchSemaphore(value: 0)
        session.dataTask(with: request) { data, response, error in
            if let http = response as? HTTPURLResponse {
                var h: [String: String] = [:]
                for (k, v) in http.allHeaderFields { h["\(k)"] = "\(v)" }
                box.result = .success(Reply(status: http.statusCode, headers: h, text: String(decoding: data ?? Data(), as: UTF8.self)))
            } else {
                box.result = .failure(error ?? WireError.noResponse("no response"))
            }
            done.signal()
        }.resume()
        done.wait()
        return try box.result.get()
    }

    func get(_ path: String, _ params: [(String, String)] = []) throws -> Reply {
        try send("GET", path, query: Self.query(params))
    }

    func timestamp(_ server: BinanceTestServer) -> Int64 { server.serverTimeMs + timestampOffset }

    /// A SIGNED request with everything in the query string (signature last).
    func signed(_ method: String, _ path: String, _ params: [(String, String)], server: BinanceTestServer,
                timestamp: Int64? = nil, inBody: Bool = false) throws -> Reply {
        var all = params
        all.append(("timestamp", String(timestamp ?? self.timestamp(server))))
        let payload = Self.query(all)
        let signed = payload + "&signature=" + Self.sign(payload, secret: secret)
        if inBody {
            return try send(method, path, body: signed, headers: ["X-MBX-APIKEY": apiKey])
        }
        return try send(method, path, query: signed, headers: ["X-MBX-APIKEY": apiKey])
    }
}

/// Synthetic hourly candles: open_i = 60000 + 10·i, high = open+50, low = open-50, close = open+10.
enum Fixture {
    static let hour: Int64 = 3_600_000
    static let t0: Int64 = 1_699_999_200_000   // 2023-11-14 22:00 UTC, an hour boundary
    static func candles(_ n: Int) -> [BinanceTestServer.Candle] {
        (0..<n).map { i in
            let open = Decimal(60000 + 10 * i)
            return .init(openTime: t0 + Int64(i) * hour, open: open, high: open + 50, low: open - 50, close: open + 10, volume: Decimal(5 + i))
        }
    }
}

class ServerTestCase: XCTestCase {
    var server: BinanceTestServer!
    var client: RawClient!

    /// Starts a server with 2000 hourly BTCUSDT candles and the clock frozen 30 minutes
    /// into candle `atCandle`, plus one account with 10,000 USDT.
    func startServer(atCandle: Int = 100, configure: (inout BinanceTestServer.Options) -> Void = { _ in }) throws {
        var options = BinanceTestServer.Options()
        options.clockRunning = false
        options.startTimeMs = Fixture.t0 + Int64(atCandle) * Fixture.hour + 30 * 60_000
        configure(&options)
        let s = BinanceTestServer(options: options)
        s.loadCandles(symbol: "BTCUSDT", interval: "1h", candles: Fixture.candles(2000))
        s.addAccount(apiKey: "test-key", secret: "test-secret", balanceUSDT: 10_000)
        try blocking { try await s.start() }
        server = s
        client = RawClient(base: s.baseURL)
    }

    override func tearDown() {
        client?.session.invalidateAndCancel()
        client = nil
        if let s = server { _ = try? blocking { await s.stop() } }
        server = nil
    }

    func order(_ params: [(String, String)]) throws -> Reply {
        try client.signed("POST", "/fapi/v1/order", [("symbol", "BTCUSDT")] + params, server: server)
    }
}
