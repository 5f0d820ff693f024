import Foundation
import XCTest
@testable import Scaling

final class ScalerJSONTests: XCTestCase {
    func testRoundTripIsBitExact() throws {
        for name in ["scalers_p4.pkl", "scaler_clip_p4.pkl", "scaler_multi_p5.pkl", "scaler_float32_p5.pkl", "scaler_names_p4.pkl"] {
            let set = try ScalerSet.load(path: try Fixtures.path(name))
            let json = set.jsonString()
            let back = try ScalerSet(json: Array(json.utf8), file: "x.json")
            XCTAssertEqual(back, set, name)
            for (a, b) in zip(back.columns, set.columns) {
                XCTAssertEqual(a.scale.bitPattern, b.scale.bitPattern)
                XCTAssertEqual(a.min.bitPattern, b.min.bitPattern)
            }
            XCTAssertEqual(back.jsonString(), json, "the JSON form is stable")
        }
    }

    func testRandomDoublesRoundTrip() throws {
        var rng = SystemRandomNumberGenerator()
        var columns: [ColumnScaler] = []
        for _ in 0..<2000 {
            // Random magnitudes and mantissas, numbers derived exactly as sklearn's partial_fit does.
            let exponent = Double(Int.random(in: -300...300, using: &rng))
            let lo = Double.random(in: -1...1, using: &rng) * pow(2, exponent)
            let hi = lo + Double.random(in: 0.001...1, using: &rng) * pow(2, exponent)
            let (a, b) = Bool.random(using: &rng) ? (0.0, 1.0) : (-1.0, 1.0)
            let range = hi - lo
            guard range > 10 * Double.ulpOfOne, range.isFinite else { continue }
            let scale = (b - a) / range
            columns.append(ColumnScaler(featureMin: a, featureMax: b, clip: Bool.random(using: &rng), dataMin: lo, dataMax: hi,
                                        dataRange: range, scale: scale, min: a - lo * scale, samplesSeen: 7))
        }
        XCTAssertGreaterThan(columns.count, 1000)
        let set = ScalerSet(columns: columns)
        XCTAssertEqual(try ScalerSet(json: Array(set.jsonString().utf8), file: "r.json"), set)
    }

    func testEditedJSONIsRefused() throws {
        let set = try ScalerSet.load(path: try Fixtures.path("scalers_p4.pkl"))
        let json = set.jsonString()
        let edited = json.replacingOccurrences(of: "\"scale\": \(set[2].scale)", with: "\"scale\": \(set[2].scale.nextUp)")
        XCTAssertNotEqual(edited, json)
        XCTAssertEqual(scalerError { try ScalerSet(json: Array(edited.utf8), file: "e.json") }?.kind,
                       .invalidJSON("column 2: scale, min and data_range do not follow from data_min, data_max and feature_range as scikit-learn computes them (edited by hand?)"))
    }

    func testFormatIsReadable() throws {
        let set = try ScalerSet.load(path: try Fixtures.path("scalers_p4.pkl"))
        let json = set.jsonString()
        XCTAssertTrue(json.hasPrefix("{\n  \"format\": \"tradingbot.scalers.v1\",\n  \"columns\": [\n    {\"index\": 0, "))
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        XCTAssertEqual((object?["columns"] as? [Any])?.count, 5)
    }

    func testInspectJSON() throws {
        let set = try ScalerSet.load(path: try Fixtures.path("scalers_p5.pkl"))
        let text = set.inspectJSON()
        let array = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]])
        XCTAssertEqual(array.count, 5)
        for (i, object) in array.enumerated() {
            XCTAssertEqual(object["index"] as? Int, i)
            for key in ["data_min", "data_max", "scale", "min"] {
                XCTAssertNotNil(object[key] as? Double, "\(key) must be a JSON number")
            }
        }
        // Full precision: the printed numbers parse back to the same bits.
        let line = text.split(separator: "\n")[4]
        XCTAssertTrue(line.contains("\"scale\": \(set[3].scale.description)"), String(line))
        XCTAssertEqual(text.split(separator: "\n").count, 7, "one object per line")
    }

    func testBadJSON() {
        func kind(_ text: String) -> ScalerError.Kind? {
            scalerError { try ScalerSet(json: Array(text.utf8), file: "s.json") }?.kind
        }
        XCTAssertEqual(kind("{"), .invalidJSON("not valid JSON"))
        XCTAssertEqual(kind("{\"format\": \"other\", \"columns\": []}"),
                       .invalidJSON("format is \"other\", expected \"tradingbot.scalers.v1\""))
        XCTAssertEqual(kind("{\"format\": \"tradingbot.scalers.v1\", \"columns\": []}"), .invalidJSON("no columns"))
        let col = "\"feature_range\": [0, 1], \"clip\": false, \"data_min\": 1, \"data_max\": 3, \"data_range\": 2, \"min\": -0.5"
        XCTAssertEqual(kind("{\"format\": \"tradingbot.scalers.v1\", \"columns\": [{\"index\": 0, \(col)}]}"),
                       .invalidJSON("missing \"scale\" at columns.0"))
        XCTAssertEqual(kind("{\"format\": \"tradingbot.scalers.v1\", \"columns\": [{\"index\": 1, \(col), \"scale\": 0.5}]}"),
                       .invalidJSON("column 0 has index 1; columns must be listed in order 0, 1, 2, ..."))
        XCTAssertEqual(kind("{\"format\": \"tradingbot.scalers.v1\", \"columns\": [{\"index\": 0, \(col), \"scale\": 0}]}"),
                       .invalidJSON("column 0: numbers must be finite and scale non-zero"))
        let ok = "{\"format\": \"tradingbot.scalers.v1\", \"columns\": [{\"index\": 0, \(col), \"scale\": 0.5}]}"
        XCTAssertEqual(try ScalerSet(json: Array(ok.utf8), file: "s.json")[0].transform(2), 0.5)
    }
}
