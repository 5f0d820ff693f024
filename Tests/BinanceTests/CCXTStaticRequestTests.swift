import Foundation
import XCTest
import Exchange
import BinanceTestServer
@testable import Binance

/// CCXT's own static request tests for Binance USDⓈ-M (Fixtures/ccxt/static-request-fapi.json, transcribed from
/// ccxt ts/src/test/static/request/binance.json), replayed through the real client and CLI dispatcher over HTTP
/// against the loopback server. Each case's request is compared with CCXT's rule (tests.ts
/// assertStaticRequestOutput): same path, same parameter names, same values except the skipKeys.
final class CCXTStaticRequestTests: XCTestCase {
    struct Fixture: Decodable {
        let source: String
        let skipKeys: [String]
        let cases: [Case]
    }
    struct Case: Decodable {
        let description: String
        let method: String
        let httpMethod: String
        let url: String
        let input: [JSONValue]
        let output: String?
    }

    static var fixtureURL: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/ccxt/static-request-fapi.json")
    }

    /// The markets the cases use, with Binance's USDⓈ-M filters (ccxt's static markets carry the same steps).
    static let symbols: [BinanceTestServer.SymbolSpec] = [
        .btcusdt, .ethusdt,
        BinanceTestServer.SymbolSpec(symbol: "LTCUSDT", baseAsset: "LTC", pricePrecision: 2, quantityPrecision: 3,
                                     tickSize: dec("0.01"), minPrice: dec("0.01"), maxPrice: dec("100000"),
                                     stepSize: dec("0.001"), minQty: dec("0.001"), maxQty: dec("100000"),
                                     marketMaxQty: dec("5000"), minNotional: dec("5")),
        BinanceTestServer.SymbolSpec(symbol: "USDBRLUSDT", baseAsset: "USDBRL", pricePrecision: 4, quantityPrecision: 0,
                                     tickSize: dec("0.0001"), minPrice: dec("0.0001"), maxPrice: dec("1000"),
                                     stepSize: dec("1"), minQty: dec("1"), maxQty: dec("1000000"),
                                     marketMaxQty: dec("100000"), minNotional: dec("5")),
    ]
    static func dec(_ s: String) -> Decimal { Decimal(string: s, locale: Locale(identifier: "en_US_POSIX")) ?? 0 }

    func testEveryFapiCaseSendsWhatCCXTSends() async throws {
        let fixture = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: Self.fixtureURL))
        XCTAssertEqual(fixture.cases.count, 72, "the transcribed case list changed")
        var options = BinanceTestServer.Options()
        options.symbols = Self.symbols
        options.startTimeMs = 1_700_000_000_000
        options.clockRunning = false
        let server = BinanceTestServer(options: options)
        try await server.start()
        defer { Task { await server.stop() } }
        server.addAccount(apiKey: "replay-key", secret: "replay-secret", balanceUSDT: 100_000)
        for (symbol, price) in [("BTCUSDT", 60_000), ("ETHUSDT", 3_000), ("LTCUSDT", 70), ("USDBRLUSDT", 5)] {
            server.setPrice(symbol: symbol, price: Decimal(price))
        }
        var config = BinanceConfiguration(baseURL: server.baseURL, credentials: .init(apiKey: "replay-key", secret: "replay-secret"))
        config.maxRetries = 0
        let exchange = BinanceUSDM(configuration: config, transport: CurlTransport(connectTimeoutMs: 2_000, totalTimeoutMs: 10_000))
        _ = try await exchange.loadMarkets()

        var failures: [String] = []
        for c in fixture.cases {
            server.clearRequests()
            var outcome = "ok"
            do { _ = try await ExchangeCall.call(exchange, method: c.method, args: c.input) }
            catch { outcome = "\(error)" }   // the server may refuse (unknown order ids): the request is what is compared
            let sent = server.requests
            guard let url = URLComponents(string: c.url) else { failures.append("\(c.description): bad url"); continue }
            guard let request = sent.last(where: { $0.method == c.httpMethod && $0.path == url.path }) else {
                failures.append("[\(c.method)] \(c.description): no \(c.httpMethod) \(url.path); sent \(sent.map { "\($0.method) \($0.path)" }) (\(outcome))")
                continue
            }
            // Money safety: one case, at most one account-changing request.
            let mutating = sent.filter { ["POST", "PUT", "DELETE"].contains($0.method) }
            if mutating.count > 1 { failures.append("[\(c.method)] \(c.description): \(mutating.count) account-changing requests") }
            let expected = Self.urlencodedToDict(c.output ?? url.percentEncodedQuery ?? "")
            var actual = Self.urlencodedToDict(["POST", "PUT"].contains(request.method) ? request.body : request.query)
            if url.path == "/fapi/v1/algoOrder" && c.httpMethod == "POST", let v = actual.removeValue(forKey: "clientAlgoId") {
                actual["newClientOrderId"] = v   // documented: Binance's algo API names the client id clientAlgoId
            }
            if let problem = Self.compare(actual, expected, skip: Set(fixture.skipKeys)) {
                failures.append("[\(c.method)] \(c.description): \(problem)\n    sent:     \(actual.sorted { $0.key < $1.key })\n    expected: \(expected.sorted { $0.key < $1.key })")
            }
        }
        XCTAssertTrue(failures.isEmpty, "\(failures.count) of \(fixture.cases.count) cases differ from CCXT:\n" + failures.joined(separator: "\n"))
        print("ccxt static request replay: \(fixture.cases.count - failures.count) of \(fixture.cases.count) fapi cases match (\(fixture.source))")
    }

    /// ccxt's urlencodedToDict: `k=v` pairs (others skipped), values starting with [ or { read as JSON. Both the
    /// fixture and our wire text are percent-decoded first (ccxt compares its own, identically encoded, text).
    static func urlencodedToDict(_ text: String) -> [String: JSONValue] {
        var out: [String: JSONValue] = [:]
        for part in text.split(separator: "&", omittingEmptySubsequences: true) {
            let kv = part.split(separator: "=", omittingEmptySubsequences: false)
            guard kv.count == 2 else { continue }
            let key = String(kv[0]).removingPercentEncoding ?? String(kv[0])
            let value = String(kv[1]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(kv[1])
            if value.hasPrefix("[") || value.hasPrefix("{"), let json = try? JSONValue.parse(value) { out[key] = json }
            else { out[key] = .string(value) }
        }
        return out
    }

    /// ccxt's assertNewAndStoredOutput for requests: equal key counts, every stored key present, values equal
    /// (recursively) except under skipKeys; empty values equal each other.
    static func compare(_ new: JSONValue, _ stored: JSONValue, skip: Set<String>, at path: String = "") -> String? {
        switch (new, stored) {
        case (.object(let n), .object(let s)):
            return compare(Dictionary(n, uniquingKeysWith: { a, _ in a }), Dictionary(s, uniquingKeysWith: { a, _ in a }), skip: skip, at: path)
        case (.array(let n), .array(let s)):
            guard n.count == s.count else { return "\(path): \(n.count) entries, ccxt \(s.count)" }
            for (i, (a, b)) in zip(n, s).enumerated() { if let p = compare(a, b, skip: skip, at: "\(path)[\(i)]") { return p } }
            return nil
        default:
            let a = new.stringValue ?? "", b = stored.stringValue ?? ""
            if a == b { return nil }
            if let x = Decimal(string: a), let y = Decimal(string: b), x == y, !(a.isEmpty || b.isEmpty) { return nil }
            return "\(path): \(new.text()) != ccxt \(stored.text())"
        }
    }

    static func compare(_ new: [String: JSONValue], _ stored: [String: JSONValue], skip: Set<String>, at path: String = "") -> String? {
        guard new.count == stored.count else {
            return "\(path.isEmpty ? "params" : path): keys \(new.keys.sorted()) vs ccxt \(stored.keys.sorted())"
        }
        for key in stored.keys.sorted() {
            guard let n = new[key] else { return "missing \(path)\(key)" }
            if skip.contains(key) { continue }
            if let p = compare(n, stored[key] ?? .null, skip: skip, at: "\(path)\(key)") { return p }
        }
        return nil
    }
}

/// The comparison itself must be able to fail.
final class CCXTComparisonRuleTests: XCTestCase {
    func testDifferencesAreCaught() {
        let skip: Set<String> = ["timestamp", "newClientOrderId"]
        let stored = CCXTStaticRequestTests.urlencodedToDict("timestamp=1&symbol=LTCUSDT&newClientOrderId=x&price=55&batchOrders=[{\"a\":\"1\"}]")
        func check(_ text: String) -> String? { CCXTStaticRequestTests.compare(CCXTStaticRequestTests.urlencodedToDict(text), stored, skip: skip) }
        XCTAssertNil(check("timestamp=9&symbol=LTCUSDT&newClientOrderId=y&price=55.0&batchOrders=%5B%7B%22a%22%3A%221%22%7D%5D"))
        XCTAssertNotNil(check("timestamp=9&symbol=LTCUSDT&newClientOrderId=y&price=56&batchOrders=[{\"a\":\"1\"}]"), "value")
        XCTAssertNotNil(check("timestamp=9&symbol=LTCUSDT&price=55&batchOrders=[{\"a\":\"1\"}]"), "skip key still has to be there")
        XCTAssertNotNil(check("timestamp=9&symbol=LTCUSDT&newClientOrderId=y&price=55&batchOrders=[{\"a\":\"1\"}]&extra=1"), "extra key")
        XCTAssertNotNil(check("timestamp=9&symbol=LTCUSDT&newClientOrderId=y&price=55&batchOrders=[{\"a\":\"2\"}]"), "nested value")
    }
}
