import XCTest
@testable import Scaling

/// Every scaler fixture reproduces scikit-learn's transform / inverse_transform bit for bit.
final class ScalerParityTests: XCTestCase {
    func testEveryGroupMatchesSklearnBitForBit() throws {
        let expected = try Fixtures.expected()
        XCTAssertGreaterThanOrEqual(expected.groups.count, 5)
        var compared = 0
        for group in expected.groups {
            for file in group.files {
                let scalers = try ScalerSet.load(path: try Fixtures.path(file))
                XCTAssertEqual(scalers.count, group.columns.count, file)
                for col in group.columns {
                    let s = scalers[col.column]
                    XCTAssertEqual(s.featureMin, group.feature_range[0], file)
                    XCTAssertEqual(s.featureMax, group.feature_range[1], file)
                    XCTAssertEqual(s.clip, group.clip, file)
                    for (x, y) in zip(col.transform_in, col.transform_out) {
                        let got = s.transform(Fixtures.hex(x))
                        XCTAssertEqual(got.bitPattern, Fixtures.hex(y).bitPattern,
                                       "\(file) col \(col.column) transform(\(x)) = \(got.hex) want \(y)")
                        compared += 1
                    }
                    for (y, x) in zip(col.inverse64_in, col.inverse64_out) {
                        let got = s.inverseTransform(Fixtures.hex(y))
                        XCTAssertEqual(got.bitPattern, Fixtures.hex(x).bitPattern,
                                       "\(file) col \(col.column) inverse64(\(y)) = \(got.hex) want \(x)")
                        compared += 1
                    }
                    for (y, x) in zip(col.inverse32_in, col.inverse32_out) {
                        let input = Float(Fixtures.hex(y))
                        XCTAssertEqual(Double(input), Fixtures.hex(y), "float32 input must be exact")
                        let got = s.inverseTransform(input)
                        XCTAssertEqual(got.bitPattern, Float(Fixtures.hex(x)).bitPattern,
                                       "\(file) col \(col.column) inverse32(\(y)) = \(Double(got).hex) want \(x)")
                        compared += 1
                    }
                }
            }
        }
        XCTAssertGreaterThan(compared, 3000)
    }

    /// The batch forms agree with the scalar ones (and so with sklearn).
    func testBatchTransformMatchesScalar() throws {
        let scalers = try ScalerSet.load(path: try Fixtures.path("scalers_p5.pkl"))
        let expected = try Fixtures.expected().groups[0]
        let rows = (0..<5).flatMap { r in (0..<5).map { c in Fixtures.hex(expected.columns[c].transform_in[r]) } }
        var out64 = [Double](repeating: 0, count: rows.count)
        var out32 = [Float](repeating: 0, count: rows.count)
        rows.withUnsafeBufferPointer { src in
            out64.withUnsafeMutableBufferPointer { scalers.transform(rows: src, into: $0) }
            out32.withUnsafeMutableBufferPointer { scalers.transform(rows: src, into: $0) }
        }
        for r in 0..<5 {
            for c in 0..<5 {
                let want = Fixtures.hex(expected.columns[c].transform_out[r])
                XCTAssertEqual(out64[r * 5 + c].bitPattern, want.bitPattern)
                XCTAssertEqual(out32[r * 5 + c].bitPattern, Float(want).bitPattern)
            }
        }
        var outputs: [Float] = expected.columns[3].inverse32_in.prefix(10).map { Float(Fixtures.hex($0)) }
        outputs.withUnsafeMutableBufferPointer { scalers.inverseTransform($0, column: 3) }
        for (i, x) in expected.columns[3].inverse32_out.prefix(10).enumerated() {
            XCTAssertEqual(outputs[i].bitPattern, Float(Fixtures.hex(x)).bitPattern)
        }
    }

    /// The textbook formula is NOT what sklearn computes: guard against someone "simplifying" transform.
    func testTransformIsNotTheTextbookFormula() throws {
        let scalers = try ScalerSet.load(path: try Fixtures.path("scalers_p4.pkl"))
        let expected = try Fixtures.expected().groups[0]
        var differs = 0
        for col in expected.columns {
            let s = scalers[col.column]
            for (x, y) in zip(col.transform_in, col.transform_out) {
                let textbook = (Fixtures.hex(x) - s.dataMin) / s.dataRange
                if textbook.bitPattern != Fixtures.hex(y).bitPattern { differs += 1 }
            }
        }
        XCTAssertGreaterThan(differs, 0, "fixtures should include values where the formulas differ")
    }

    func testClipFollowsNumpy() {
        let s = ColumnScaler(featureMin: 0, featureMax: 1, clip: true, dataMin: 0, dataMax: 1, dataRange: 1,
                             scale: 1, min: 0)
        XCTAssertEqual(s.transform(-5), 0)
        XCTAssertEqual(s.transform(5), 1)
        XCTAssertEqual(s.transform(0.25), 0.25)
        XCTAssertEqual(s.transform(-0.0).sign, .plus, "numpy's clip turns -0.0 into the +0.0 bound")
        XCTAssertTrue(s.transform(.nan).isNaN)
        let noClip = ColumnScaler(featureMin: 0, featureMax: 1, clip: false, dataMin: 0, dataMax: 1, dataRange: 1,
                                  scale: 1, min: 0)
        XCTAssertEqual(noClip.transform(5), 5)
    }

    func testMultiColumnScalerExposesEachFeature() throws {
        let multi = try ScalerSet.load(path: try Fixtures.path("scaler_multi_p5.pkl"))
        let perColumn = try ScalerSet.load(path: try Fixtures.path("scalers_p5.pkl"))
        XCTAssertEqual(multi.count, 5)
        for c in 0..<5 {
            XCTAssertEqual(multi[c].dataMin, perColumn[c].dataMin)
            XCTAssertEqual(multi[c].dataMax, perColumn[c].dataMax)
            XCTAssertEqual(multi[c].scale.bitPattern, perColumn[c].scale.bitPattern)
        }
    }
}

extension Double {
    var hex: String { String(format: "%a", self) }
}
