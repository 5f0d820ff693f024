@testable import Exchange
import Foundation
import XCTest

/// The cold-start shortcuts in Exchange give what Foundation gives: `Whitespace.trimmed` against
/// `trimmingCharacters(in: .whitespaces)`, and `JSONValue(foundation:)` on real `JSONSerialization` output.
final class FoundationConversionTests: XCTestCase {
    func testWhitespaceTrimmedMatchesFoundationForEveryKindOfSpace() {
        // Every Zs scalar, tab, the newlines and controls Foundation's .whitespaces leaves alone, and look-alikes.
        let spaces: [Unicode.Scalar] = [" ", "\t", "\u{A0}", "\u{1680}", "\u{2000}", "\u{2003}", "\u{200A}", "\u{202F}",
                                        "\u{205F}", "\u{3000}"]
        let kept: [Unicode.Scalar] = ["\n", "\r", "\u{0B}", "\u{0C}", "\u{85}", "\u{2028}", "\u{200B}", "\u{FEFF}", "x", "0", "\u{301}"]
        var cases = ["", " ", "\t\t", "0.001", " 0.001 ", "\t12 ", "1 2", "  é  ", " e\u{301} ", "\u{301} ", " \u{301}"]
        for s in spaces + kept {
            let c = String(Character(s))
            cases += [c, c + "5" + c, "5" + c, c + "5", " " + c + " 5 " + c + " ", c + c]
        }
        for text in cases {
            XCTAssertEqual(Whitespace.trimmed(text), text.trimmingCharacters(in: .whitespaces),
                           "\(text.unicodeScalars.map { String($0.value, radix: 16) })")
        }
    }

    /// Scalar by scalar, over all of Unicode: a space to `Whitespace` exactly when Foundation's `.whitespaces` has it.
    func testWhitespaceAgreesWithFoundationOnEveryScalar() {
        let set = CharacterSet.whitespaces
        var differing: [String] = []
        for value in 0...0x10FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            if Whitespace.isSpace(scalar) != set.contains(scalar) { differing.append(String(value, radix: 16)) }
        }
        XCTAssertEqual(differing, [])
    }

    func testJSONValueFromJSONSerializationKeepsTypesExactNumbersAndSortedKeys() throws {
        let text = #"{"z": true, "a": [1, 2.5, false, null, "s", {"y": 0.1, "b": -3}], "m": 12345678901234567890, "e": 1e-7, "n": null, "t": "0.00100000", "f": false}"#
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
        let value = JSONValue(foundation: object)
        let expected: JSONValue = .object([
            ("a", .array([.number(1), .number(Decimal(string: "2.5")!), .bool(false), .null, .string("s"),
                          .object([("b", .number(-3)), ("y", .number(Decimal(string: "0.1")!))])])),
            ("e", .number(Decimal(string: "1e-7")!)),
            ("f", .bool(false)),
            ("m", .number(Decimal(string: "12345678901234567890")!)),
            ("n", .null),
            ("t", .string("0.00100000")),
            ("z", .bool(true)),
        ])
        XCTAssertEqual(value, expected, value.text())
        // Swift values as well as Foundation objects.
        XCTAssertEqual(JSONValue(foundation: true), .bool(true))
        XCTAssertEqual(JSONValue(foundation: 7), .number(7))
        XCTAssertEqual(JSONValue(foundation: ["k": [1, "v"]] as [String: Any]), .object([("k", .array([.number(1), .string("v")]))]))
        XCTAssertEqual(JSONValue(foundation: nil), .null)
    }

    /// Swift-native collections holding Foundation objects (what code builds before converting): each value keeps
    /// its type whatever order the cases are tried in.
    func testJSONValueFromSwiftCollectionsHoldingFoundationObjects() {
        let mixed: [String: Any] = ["null": NSNull(), "yes": NSNumber(value: true), "one": NSNumber(value: 1), "zero": NSNumber(value: 0),
                                    "text": NSString(string: "x"), "list": [NSNull(), false, 2.5, "s"] as [Any],
                                    "inner": ["k": NSNumber(value: false)] as [String: Any]]
        XCTAssertEqual(JSONValue(foundation: mixed), .object([
            ("inner", .object([("k", .bool(false))])),
            ("list", .array([.null, .bool(false), .number(Decimal(string: "2.5")!), .string("s")])),
            ("null", .null), ("one", .number(1)), ("text", .string("x")), ("yes", .bool(true)), ("zero", .number(0)),
        ]))
        XCTAssertEqual(JSONValue(foundation: NSNull()), .null)
        XCTAssertEqual(JSONValue(foundation: [Any]()), .array([]))
        XCTAssertEqual(JSONValue(foundation: [String: Any]()), .object([]))
    }

    /// `Precision.decimal` (no locale) reads what `Decimal(string:locale: en_US_POSIX)` reads, value for value.
    func testDecimalWithoutLocaleMatchesThePOSIXLocale() {
        let posix = Locale(identifier: "en_US_POSIX")
        let cases = ["0", "-0", "1.5", "0.00100000", "-2.5e3", "1e-7", "1E+2", "12345678901234567890.123", ".5", "1.", "+3.25",
                     "1,5", " 7", "12abc", "", "-", "e5", "0x10", "1.2.3", "٣", "1 000", "9999999999999999999999999999999999999",
                     "0.000000000000000000000000000001"]
        for text in cases {
            let ours = Precision.decimal(text), foundation = Decimal(string: text, locale: posix)
            XCTAssertEqual(ours, foundation, text)
            XCTAssertEqual(ours.map(Precision.format), foundation.map(Precision.format), text)
        }
    }
}
