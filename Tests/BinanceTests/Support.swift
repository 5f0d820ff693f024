import Foundation
import Logging
@testable import Binance

/// A transport answering from a closure, recording every request (unit tests only; integration tests use real HTTP).
final class ScriptedTransport: HTTPTransport, @unchecked Sendable {
    private let lock = NSLock()
    private var log: [HTTPRequest] = []
    let handler: @Sendable (HTTPRequest, Int) throws -> HTTPResponse

    init(_ handler: @escaping @Sendable (HTTPRequest, Int) throws -> HTTPResponse) { self.handler = handler }

    var requests: [HTTPRequest] { lock.lock(); defer { lock.unlock() }; return log }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let n: Int = { lock.lock(); defer { lock.unlock() }; log.append(request); return log.count }()
        return try handler(request, n)
    }

    static func json(_ status: Int, _ text: String, headers: [String: String] = [:]) -> HTTPResponse {
        HTTPResponse(status: status, headers: headers, body: Data(text.utf8))
    }
}

extension HTTPRequest {
    var path: String {
        let noQuery = url.split(separator: "?", maxSplits: 1).first.map(String.init) ?? url
        guard let r = noQuery.range(of: "/fapi/") else { return noQuery }
        return String(noQuery[r.lowerBound...])
    }
    var query: String { url.split(separator: "?", maxSplits: 1).dropFirst().first.map(String.init) ?? "" }
    var bodyText: String { body.map { String(decoding: $0, as: UTF8.self) } ?? "" }
    /// Parameters from the query string or the form body.
    var params: [String: String] {
        let text = method == "POST" ? bodyText : query
        var out: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1).map(String.init)
            if kv.count == 2 { out[kv[0]] = kv[1].removingPercentEncoding ?? kv[1] }
        }
        return out
    }
}

/// Collects every log line (all levels) so tests can check that no secret is ever logged.
final class LogCapture: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    var all: [String] { lock.lock(); defer { lock.unlock() }; return lines }
    func add(_ s: String) { lock.lock(); lines.append(s); lock.unlock() }

    var logger: Logger {
        Logger(label: "test") { _ in CaptureHandler(capture: self) }
    }

    struct CaptureHandler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] } set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            capture.add("\(event.level) \(event.message) \(event.metadata ?? [:]) \(event.error.map { "\($0)" } ?? "")")
        }
    }
}

enum Fixtures {
    /// A trimmed exchangeInfo in Binance's shape (filters as strings, as Binance sends them).
    static let exchangeInfo = """
    {"timezone":"UTC","serverTime":1700000000000,
     "rateLimits":[{"rateLimitType":"REQUEST_WEIGHT","interval":"MINUTE","intervalNum":1,"limit":2400},
                   {"rateLimitType":"ORDERS","interval":"MINUTE","intervalNum":1,"limit":1200},
                   {"rateLimitType":"ORDERS","interval":"SECOND","intervalNum":10,"limit":300}],
     "symbols":[{"symbol":"BTCUSDT","pair":"BTCUSDT","contractType":"PERPETUAL","deliveryDate":4133404800000,
       "status":"TRADING","baseAsset":"BTC","quoteAsset":"USDT","marginAsset":"USDT","pricePrecision":2,
       "quantityPrecision":3,"orderTypes":["LIMIT","MARKET","STOP","STOP_MARKET","TAKE_PROFIT","TAKE_PROFIT_MARKET"],
       "filters":[{"filterType":"PRICE_FILTER","minPrice":"556.80","maxPrice":"4529764","tickSize":"0.10"},
                  {"filterType":"LOT_SIZE","stepSize":"0.001","maxQty":"1000","minQty":"0.001"},
                  {"filterType":"MARKET_LOT_SIZE","stepSize":"0.001","maxQty":"120","minQty":"0.001"},
                  {"filterType":"MIN_NOTIONAL","notional":"100"}]},
      {"symbol":"ETHUSDT_240329","pair":"ETHUSDT","contractType":"CURRENT_QUARTER","deliveryDate":1711699200000,
       "status":"SETTLING","baseAsset":"ETH","quoteAsset":"USDT","marginAsset":"USDT","pricePrecision":2,
       "quantityPrecision":3,"filters":[{"filterType":"PRICE_FILTER","minPrice":"0","maxPrice":"0","tickSize":"0.01"},
                  {"filterType":"LOT_SIZE","stepSize":"0.001","maxQty":"1000","minQty":"0.001"}]}]}
    """
}
