import XCTest
@testable import Keras

/// Conv1D padding/stride/dilation. Keras numbers from the ref script (see LayerTestSupport):
///   run("convValid", L.Conv1D(3, 2, activation="relu"), [(5,2)])
///   run("convSame", L.Conv1D(3, 3, strides=2, padding="same"), [(6,2)])
///   run("convCausal", L.Conv1D(2, 2, dilation_rate=2, padding="causal", use_bias=False), [(5,2)])
final class LayerConv1DTests: XCTestCase {
    func testGeometryMatchesKerasRules() {
        XCTAssertEqual(ConvGeometry(inputLength: 5, kernel: 2, stride: 1, dilation: 1, padding: .valid).outputLength, 4)
        XCTAssertEqual(ConvGeometry(inputLength: 7, kernel: 3, stride: 2, dilation: 1, padding: .valid).outputLength, 3)
        let same = ConvGeometry(inputLength: 6, kernel: 3, stride: 2, dilation: 1, padding: .same)
        XCTAssertEqual(same.outputLength, 3)
        XCTAssertEqual(same.padLeft, 0)  // pad total 1: all on the right, as TensorFlow
        XCTAssertEqual(ConvGeometry(inputLength: 5, kernel: 3, stride: 1, dilation: 1, padding: .same).padLeft, 1)
        let causal = ConvGeometry(inputLength: 5, kernel: 2, stride: 1, dilation: 2, padding: .causal)
        XCTAssertEqual(causal.outputLength, 5)
        XCTAssertEqual(causal.padLeft, 2)
        XCTAssertEqual(causal.validOutputs(tap: 0).lo, 2)
        XCTAssertEqual(causal.validOutputs(tap: 1).hi, 5)
    }

    func testHandComputed() throws {
        // kernel 2 taps, 1 channel, 1 filter: y[t] = 1·x[t] + 10·x[t+1] + 0.5
        let layer = try LayerTest.build("Conv1D", #"{"filters": 1, "kernel_size": [2], "strides": [1], "padding": "valid"}"#,
                                        explicit: [([2, 1, 1], [1, 10]), ([1], [0.5])])
        let r = try LayerTest.forward(layer, inputShapes: [[4, 1]], batch: 1, inputs: [[1, 2, 3, 4]])
        XCTAssertEqual(r.shape, [3, 1])
        XCTAssertEqual(r.values, [21.5, 32.5, 43.5])
    }

    func testValidMatchesKeras() throws {
        let r = try LayerTest.run("Conv1D", #"{"filters": 3, "kernel_size": [2], "strides": [1], "padding": "valid", "data_format": "channels_last", "dilation_rate": [1], "groups": 1, "activation": "relu", "use_bias": true}"#,
                                  weights: [("", [2, 2, 3]), ("", [3])], inputShapes: [[5, 2]])
        XCTAssertEqual(r.shape, [4, 3])
        LayerTest.assertClose(r.values, [0.42842769622802734, 0.22992783784866333, 0.0, 0.4818638265132904, 0.19784857332706451, 0.0, 0.4867798686027527, 0.16884972155094147, 0.0, 0.43441128730773926, 0.19463148713111877, 0.0, 0.4669540226459503, 0.21096080541610718, 0.0, 0.49384695291519165, 0.17239584028720856, 0.0, 0.4508558213710785, 0.18228934705257416, 0.0, 0.414626806974411, 0.2230028212070465, 0.0])
    }

    func testSameStridedMatchesKeras() throws {
        let r = try LayerTest.run("Conv1D", #"{"filters": 3, "kernel_size": [3], "strides": [2], "padding": "same"}"#,
                                  weights: [("", [3, 2, 3]), ("", [3])], inputShapes: [[6, 2]])
        XCTAssertEqual(r.shape, [3, 3])
        LayerTest.assertClose(r.values, [0.3680460751056671, 0.08057674020528793, -0.24806615710258484, 0.5897234082221985, 0.3425450325012207, -0.07966893166303635, 0.4181227684020996, 0.22922922670841217, -0.07679711282253265, 0.6655715703964233, 0.369443416595459, -0.11546505987644196, 0.21992668509483337, 0.028048500418663025, -0.17816203832626343, 0.493606835603714, 0.18100886046886444, -0.2240820825099945])
    }

    func testCausalDilatedMatchesKeras() throws {
        let r = try LayerTest.run("Conv1D", #"{"filters": 2, "kernel_size": [2], "dilation_rate": [2], "padding": "causal", "use_bias": false}"#,
                                  weights: [("", [2, 2, 2])], inputShapes: [[5, 2]])
        XCTAssertEqual(r.shape, [5, 2])
        LayerTest.assertClose(r.values, [0.05042010173201561, 0.11816554516553879, -0.3359730839729309, -0.24141274392604828, -0.19868409633636475, -0.2981145977973938, 0.6344097852706909, 0.3895650804042816, 0.336454838514328, 0.3827139735221863, -0.267804354429245, -0.15768222510814667, -0.24868106842041016, -0.24921542406082153, 0.46180522441864014, 0.20888961851596832, 0.5586456656455994, 0.49462777376174927, -0.3404877185821533, -0.10147443413734436])
    }

    func testRefusals() {
        let w: [(String, [Int])] = [("", [2, 2, 3]), ("", [3])]
        LayerTest.assertRefused("Conv1D", #"{"filters": 3, "kernel_size": [2], "data_format": "channels_first"}"#,
                                weights: w, kind: .unsupportedOption, mention: "channels_first")
        LayerTest.assertRefused("Conv1D", #"{"filters": 3, "kernel_size": [2], "groups": 3}"#,
                                weights: w, kind: .unsupportedOption, mention: "groups")
        LayerTest.assertRefused("Conv1D", #"{"filters": 3, "kernel_size": [2], "padding": "full"}"#,
                                weights: w, kind: .unsupportedOption, mention: "full")
        LayerTest.assertRefused("Conv1D", #"{"filters": 3, "kernel_size": [2]}"#, weights: w, inputShapes: [[5, 4]],
                                kind: .shapeMismatch, mention: "channels")
        LayerTest.assertRefused("Conv1D", #"{"filters": 3, "kernel_size": [2]}"#, weights: w, inputShapes: [[1, 2]],
                                kind: .shapeMismatch, mention: "shorter")
    }
}
