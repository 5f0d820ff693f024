import XCTest
@testable import BinanceTestServer

final class AuthTests: ServerTestCase {
    /// The HMAC example printed in Binance's USDⓈ-M "SIGNED Endpoint Examples" section.
    func testSignatureMatchesBinanceDocumentationVector() {
        let secret = "2b5eb11e18796d12d88f13dc27dbbd02c2cc51ff7059765ed9821957d82bb4d9"
        let payload = "symbol=BTCUSDT&side=BUY&type=LIMIT&quantity=1&price=9000&timeInForce=GTC&recvWindow=5000&timestamp=1591702613943"
        XCTAssertEqual(Signature.hex(payload: payload, secret: secret), "3c661234138461fcc7a7d8746c6558c9842d4e10870d2ecbedf7777cad694af9")
        XCTAssertTrue(Signature.isValid("3C661234138461FCC7A7D8746C6558C9842D4E10870D2ECBEDF7777CAD694AF9", payload: payload, secret: secret))
        XCTAssertFalse(Signature.isValid("3c661234138461fcc7a7d8746c6558c9842d4e10870d2ecbedf7777cad694af8", payload: payload, secret: secret))
    }

    func testSignaturePayloadIsQueryPlusBodyWithoutSignature() {
        // Binance's Example 3: query and body are concatenated with no '&' between them.
        let p = RequestParams(rawQuery: "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC",
                              rawBody: "quantity=1&price=9000&recvWindow=5000&timestamp=1591702613943&signature=abc")
        XCTAssertEqual(p.signedPayload, "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTCquantity=1&price=9000&recvWindow=5000&timestamp=1591702613943")
        XCTAssertEqual(p.signature, "abc")
        XCTAssertEqual(p["quantity"], "1")
        XCTAssertNil(p["signature"])
    }

    func testCorrectlySignedRequestIsAcceptedInQueryOrBody() throws {
        try startServer()
        let q = try client.signed("GET", "/fapi/v2/balance", [], server: server)
        XCTAssertEqual(q.status, 200, q.text)
        let usdt = q.array.first as? [String: Any]
        XCTAssertEqual(usdt?["asset"] as? String, "USDT")
        XCTAssertEqual(usdt?["balance"] as? String, "10000.00000000")
        let b = try client.signed("POST", "/fapi/v1/leverage", [("symbol", "BTCUSDT"), ("leverage", "5")], server: server, inBody: true)
        XCTAssertEqual(b.status, 200, b.text)
        XCTAssertEqual(b.object["leverage"] as? Int, 5)
    }

    func testWrongSecretIsRejectedWithMinus1022() throws {
        try startServer()
        client.secret = "not-the-secret"
        let r = try client.signed("GET", "/fapi/v2/balance", [], server: server)
        XCTAssertEqual(r.status, 400)
        XCTAssertEqual(r.code, -1022)
        XCTAssertEqual(r.msg, "Signature for this request is not valid.")
        XCTAssertFalse(r.text.contains("test-secret"))
        // A tampered parameter after signing fails too.
        client.secret = "test-secret"
        let ts = String(client.timestamp(server))
        let payload = "symbol=BTCUSDT&leverage=5&timestamp=\(ts)"
        let sig = RawClient.sign(payload, secret: "test-secret")
        let tampered = try client.send("POST", "/fapi/v1/leverage", query: "symbol=BTCUSDT&leverage=50&timestamp=\(ts)&signature=\(sig)", headers: ["X-MBX-APIKEY": "test-key"])
        XCTAssertEqual(tampered.code, -1022)
    }

    func testMissingOrUnknownKey() throws {
        try startServer()
        let none = try client.send("GET", "/fapi/v2/balance", query: "timestamp=1&signature=00")
        XCTAssertEqual(none.status, 401)
        XCTAssertEqual(none.code, -2014)
        XCTAssertEqual(none.msg, "API-key format invalid.")
        client.apiKey = "someone-else"
        let unknown = try client.signed("GET", "/fapi/v2/balance", [], server: server)
        XCTAssertEqual(unknown.status, 401)
        XCTAssertEqual(unknown.code, -2015)
        XCTAssertEqual(unknown.msg, "Invalid API-key, IP, or permissions for action.")
    }

    func testTimestampMustBeWithinRecvWindow() throws {
        try startServer()
        let now = server.serverTimeMs
        let old = try client.signed("GET", "/fapi/v2/balance", [], server: server, timestamp: now - 5001)
        XCTAssertEqual(old.code, -1021)
        XCTAssertEqual(old.msg, "Timestamp for this request is outside of the recvWindow.")
        XCTAssertEqual(try client.signed("GET", "/fapi/v2/balance", [], server: server, timestamp: now - 5000).status, 200)
        XCTAssertEqual(try client.signed("GET", "/fapi/v2/balance", [("recvWindow", "10000")], server: server, timestamp: now - 9000).status, 200)
        let ahead = try client.signed("GET", "/fapi/v2/balance", [], server: server, timestamp: now + 1000)
        XCTAssertEqual(ahead.code, -1021)
        XCTAssertEqual(ahead.msg, "Timestamp for this request was 1000ms ahead of the server's time.")
        XCTAssertEqual(try client.signed("GET", "/fapi/v2/balance", [], server: server, timestamp: now + 999).status, 200)
        XCTAssertEqual(try client.signed("GET", "/fapi/v2/balance", [("recvWindow", "60001")], server: server).code, -1130)
        // After the test clock jumps, an un-synced client is outside the window.
        server.clock.advance(ms: 60_000)
        XCTAssertEqual(try client.signed("GET", "/fapi/v2/balance", [], server: server, timestamp: now).code, -1021)
    }

    func testMandatoryTimestampAndSignature() throws {
        try startServer()
        let noTs = try client.send("GET", "/fapi/v2/balance", query: "signature=00", headers: ["X-MBX-APIKEY": "test-key"])
        XCTAssertEqual(noTs.code, -1102)
        XCTAssertEqual(noTs.msg, "Mandatory parameter 'timestamp' was not sent, was empty/null, or malformed.")
        let noSig = try client.send("GET", "/fapi/v2/balance", query: "timestamp=\(server.serverTimeMs)", headers: ["X-MBX-APIKEY": "test-key"])
        XCTAssertEqual(noSig.code, -1102)
        XCTAssertEqual(noSig.msg, "Mandatory parameter 'signature' was not sent, was empty/null, or malformed.")
    }

    func testRequestsAreRecordedWithoutTheSecret() throws {
        try startServer()
        _ = try client.signed("GET", "/fapi/v2/balance", [], server: server)
        let r = try XCTUnwrap(server.requests.last)
        XCTAssertEqual(r.method, "GET")
        XCTAssertEqual(r.path, "/fapi/v2/balance")
        XCTAssertEqual(r.status, 200)
        XCTAssertEqual(r.headers["x-mbx-apikey"], "test-key")
        XCTAssertNotNil(r.params["timestamp"])
        XCTAssertFalse("\(server.requests)".contains("test-secret"))
    }
}
