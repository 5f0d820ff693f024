@testable import Bot
import Foundation
import XCTest

/// Log lines are written without JSONSerialization; they must still be what a JSON parser reads back, one object per
/// line, keys in code-point order.
final class JSONLineTests: XCTestCase {
    func testAnyTextReadsBackUnchanged() throws {
        let texts = ["plain", "", "quote \" and backslash \\", "slash / stays", "new\nline\r\ttab", "\u{08}\u{0C}\u{01}\u{1F}",
                     "ünïcödé – €42 🚀", "candle 2019-12-17T00:00:00Z | close 6640.5 | predicted 6928.36", "\u{7F}\u{2028}"]
        for text in texts {
            let line = JSONLine.encode(["message": .string(text), "list": .array([.string(text), .array([])]),
                                        "nested": .object(["inner": .string(text)])])
            XCTAssertFalse(line.contains("\n"), line)
            let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], line)
            XCTAssertEqual(object["message"] as? String, text, line)
            XCTAssertEqual((object["list"] as? [Any])?.first as? String, text, line)
            XCTAssertEqual((object["nested"] as? [String: Any])?["inner"] as? String, text, line)
        }
    }

    func testEscapesAsJSONDoes() {
        XCTAssertEqual(JSONLine.encode(["a": .string("x\"y\\z/\n\u{01}")]), #"{"a":"x\"y\\z/\n\u0001"}"#)
        XCTAssertEqual(JSONLine.encode([:]), "{}")
    }

    func testKeysAreSorted() {
        let line = JSONLine.encode(["time": .string("t"), "level": .string("info"), "message": .string("m"),
                                    "event": .string("lambda"), "cycle_id": .string("3"), "candle_time": .string("c")])
        XCTAssertEqual(line, #"{"candle_time":"c","cycle_id":"3","event":"lambda","level":"info","message":"m","time":"t"}"#)
    }

    /// Outbox fields are stored through JSONLine and read back through JSONSerialization: the same fields come back.
    func testOutboxFieldsRoundTrip() {
        let fields = ["symbol": "BTC/USDT:USDT", "reason": "prediction \"+1.25%\" \\ beats 1%", "note": "line\nnext\u{01}", "é": "日本 🙂", "empty": ""]
        let text = OutboxEvent.encode(fields)
        XCTAssertEqual(OutboxEvent.decode(text), fields, text)
        XCTAssertTrue(text.hasPrefix(#"{"empty":"","note":"#), text)
    }
}
