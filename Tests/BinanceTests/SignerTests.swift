import XCTest
@testable import Binance

final class SignerTests: XCTestCase {
    /// Binance USDⓈ-M docs, "General Info" > "SIGNED Endpoint Examples for POST /fapi/v1/order - HMAC Keys",
    /// Example 1 (all parameters in the query string): key, secret, payload and printed signature verbatim.
    func testBinanceDocumentationVector() {
        let creds = BinanceCredentials(apiKey: "dbefbc809e3e83c283a984c3a1459732ea7db1360ca80c5c2c8867408d28cc83",
                                       secret: "2b5eb11e18796d12d88f13dc27dbbd02c2cc51ff7059765ed9821957d82bb4d9")
        let signer = Signer(credentials: creds)
        let payload = "symbol=BTCUSDT&side=BUY&type=LIMIT&quantity=1&price=9000&timeInForce=GTC&recvWindow=5000&timestamp=1591702613943"
        XCTAssertEqual(signer.signature(query: payload), "3c661234138461fcc7a7d8746c6558c9842d4e10870d2ecbedf7777cad694af9")
        // Query then body, concatenated: splitting the same text must not change the signature.
        let split = payload.index(payload.startIndex, offsetBy: 40)
        XCTAssertEqual(signer.signature(query: String(payload[..<split]), body: String(payload[split...])),
                       "3c661234138461fcc7a7d8746c6558c9842d4e10870d2ecbedf7777cad694af9")
        XCTAssertEqual(signer.header.0, "X-MBX-APIKEY")
    }

    func testCredentialsNeverPrintTheSecret() {
        let secret = "CANARY-SECRET-0123456789abcdef"
        let creds = BinanceCredentials(apiKey: "KEY-abcdefghijklmnop", secret: secret)
        for text in ["\(creds)", String(describing: creds), String(reflecting: creds), "\(Signer(credentials: creds))",
                     "\(BinanceConfiguration(baseURL: "http://127.0.0.1:1", credentials: creds))"] {
            XCTAssertFalse(text.contains(secret), text)
            XCTAssertFalse(text.contains("abcdefghijklmnop"), text)
        }
        XCTAssertEqual(creds.maskedAPIKey, "KEY-************mnop")
    }

    func testQueryStringEncodesLikeBinance() {
        var q = QueryString([("symbol", "BTCUSDT"), ("newClientOrderId", "tb:a/b.c_d-e")])
        q.append("price", "60000.1")
        q.append("skipped", nil)
        XCTAssertEqual(q.encoded, "symbol=BTCUSDT&newClientOrderId=tb%3Aa%2Fb.c_d-e&price=60000.1")
        q.set("symbol", "ETHUSDT")
        XCTAssertEqual(q["symbol"], "ETHUSDT")
        XCTAssertEqual(q.encoded, "newClientOrderId=tb%3Aa%2Fb.c_d-e&price=60000.1&symbol=ETHUSDT")
    }

    func testClientOrderIds() {
        let id = ClientOrderId.generate(prefix: "tb-")
        XCTAssertTrue(id.hasPrefix("tb-"))
        XCTAssertTrue(ClientOrderId.isValid(id), id)
        XCTAssertLessThanOrEqual(id.count, 36)
        XCTAssertNotEqual(id, ClientOrderId.generate(prefix: "tb-"))
        XCTAssertLessThanOrEqual(ClientOrderId.generate(prefix: String(repeating: "p", count: 40)).count, 36)
        XCTAssertFalse(ClientOrderId.isValid("has space"))
        XCTAssertFalse(ClientOrderId.isValid(String(repeating: "a", count: 37)))
        XCTAssertTrue(ClientOrderId.isValid("x.A:z/0_9-"))
    }

    /// The hex encoder gives what `String(format: "%02x")` gives, for every byte value and for a whole MAC.
    func testHexMatchesPrintfForEveryByte() {
        let bytes = (0...255).map { UInt8($0) }
        let expected = bytes.map { String(format: "%02x", $0) }.joined()
        XCTAssertEqual(Hex.lowercase(bytes), expected)
        XCTAssertEqual(Hex.lowercase([UInt8]()), "")
    }
}
