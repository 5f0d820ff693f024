import XCTest
@testable import Keras

/// MaxPooling1D / AveragePooling1D / global pooling. Keras numbers from the ref script (see LayerTestSupport):
///   run("maxPoolSame", L.MaxPooling1D(2, strides=2, padding="same"), [(5,2)])
///   run("avgPoolSame", L.AveragePooling1D(3, strides=2, padding="same"), [(5,2)])
///   run("avgPoolValid", L.AveragePooling1D(2), [(5,2)])
///   run("gap", L.GlobalAveragePooling1D(), [(3,2)]);  run("gmpKeep", L.GlobalMaxPooling1D(keepdims=True), [(3,2)])
final class LayerPoolingTests: XCTestCase {
    func testHandComputed() throws {
        // AveragePooling1D(2, strides 2, same) on 3 rows: the last window holds one real row and one pad → mean of 1.
        let r = try LayerTest.run("AveragePooling1D", #"{"pool_size": [2], "strides": [2], "padding": "same"}"#,
                                  inputShapes: [[3, 1]], batch: 1, inputs: [[1, 3, 7]])
        XCTAssertEqual(r.shape, [2, 1])
        XCTAssertEqual(r.values, [2, 7])
        let m = try LayerTest.run("MaxPooling1D", #"{"pool_size": [2], "strides": null, "padding": "valid", "data_format": "channels_last"}"#,
                                  inputShapes: [[4, 1]], batch: 1, inputs: [[1, -3, 7, 2]])
        XCTAssertEqual(m.values, [1, 7])
    }

    func testMaxSameMatchesKeras() throws {
        let r = try LayerTest.run("MaxPooling1D", #"{"pool_size": [2], "strides": [2], "padding": "same"}"#, inputShapes: [[5, 2]])
        XCTAssertEqual(r.shape, [3, 2])
        LayerTest.assertClose(r.values, [0.4011191725730896, 0.49792030453681946, 0.3402913212776184, 0.00877833366394043, -0.41135165095329285, -0.11649453639984131, 0.4630126357078552, 0.47071561217308044, -0.13734011352062225, -0.31062448024749756, 0.030313633382320404, 0.35576191544532776], tolerance: 0)
    }

    func testAverageMatchesKeras() throws {
        let s = try LayerTest.run("AveragePooling1D", #"{"pool_size": [3], "strides": [2], "padding": "same"}"#, inputShapes: [[5, 2]])
        XCTAssertEqual(s.shape, [3, 2])
        LayerTest.assertClose(s.values, [0.07396817207336426, 0.2986360788345337, 0.13806341588497162, 0.003561546327546239, -0.3692859411239624, -0.3062542676925659, 0.35045114159584045, 0.34471625089645386, -0.05572180822491646, -0.1717086285352707, -0.23126214742660522, 0.0225687175989151])
        let v = try LayerTest.run("AveragePooling1D", #"{"pool_size": 2}"#, inputShapes: [[5, 2]])
        XCTAssertEqual(v.shape, [2, 2])
        LayerTest.assertClose(v.values, [0.07396817207336426, 0.2986360788345337, 0.006535530090332031, -0.24361781775951385, 0.35045114159584045, 0.34471625089645386, -0.31508901715278625, -0.3669213652610779])
    }

    func testGlobalPoolingMatchesKeras() throws {
        let a = try LayerTest.run("GlobalAveragePooling1D", #"{"data_format": "channels_last", "keepdims": false}"#, inputShapes: [[3, 2]])
        XCTAssertEqual(a.shape, [2])
        LayerTest.assertClose(a.values, [0.16274255514144897, 0.20201683044433594, -0.1668940782546997, -0.047264307737350464])
        let m = try LayerTest.run("GlobalMaxPooling1D", #"{"keepdims": true}"#, inputShapes: [[3, 2]])
        XCTAssertEqual(m.shape, [1, 2])
        LayerTest.assertClose(m.values, [0.4011191725730896, 0.49792030453681946, 0.2378896325826645, 0.47071561217308044], tolerance: 0)
    }

    func testRefusals() {
        LayerTest.assertRefused("MaxPooling1D", #"{"pool_size": 2, "padding": "causal"}"#, kind: .unsupportedOption, mention: "causal")
        LayerTest.assertRefused("MaxPooling1D", #"{"pool_size": 2, "data_format": "channels_first"}"#, kind: .unsupportedOption, mention: "data_format")
        LayerTest.assertRefused("MaxPooling1D", #"{"pool_size": 4}"#, inputShapes: [[3, 2]], kind: .shapeMismatch, mention: "shorter")
    }
}
