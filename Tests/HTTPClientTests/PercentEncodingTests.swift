import Foundation
import HTTPClient
import XCTest

/// `PercentEncoding` against Foundation's `addingPercentEncoding` with the RFC 3986 unreserved set, which Binance's
/// query strings used before it.
final class PercentEncodingTests: XCTestCase {
    private let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~")

    func testMatchesFoundationOnEveryASCIICharacterAndOnUnicode() {
        var cases = ["", "BTCUSDT", "a b", "x:y/z?w=1&v=2", "100%", "tb-BTCUSDT-1576540800-o", "é", "日本", "🙂", "e\u{301}",
                     "{\"a\":[1,2]}", "~-_.", "+", "\u{0}\u{7F}"]
        for value in 0..<128 { cases.append(String(UnicodeScalar(UInt8(value)))) }
        for scalar in [0x80, 0x7FF, 0x800, 0xFFFD, 0x10000, 0x10FFFF] { cases.append(String(Character(Unicode.Scalar(scalar)!))) }
        for text in cases {
            XCTAssertEqual(PercentEncoding.encode(text), text.addingPercentEncoding(withAllowedCharacters: unreserved), text)
        }
    }

    func testKeepSlashLeavesOnlySlashes() {
        XCTAssertEqual(PercentEncoding.encode("run-1/claims/a b/2019-12-17T00:00:00Z", keepSlash: true),
                       "run-1/claims/a%20b/2019-12-17T00%3A00%3A00Z")
        XCTAssertEqual(PercentEncoding.encode("a/b"), "a%2Fb")
    }
}
