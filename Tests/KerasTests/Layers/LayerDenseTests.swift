import XCTest
@testable import Keras

/// Dense on 2-D and 3-D inputs. Keras numbers from /tmp ref script (see LayerTestSupport):
///   run("denseRelu", L.Dense(3, activation="relu"), [(4,)])
///   run("dense3D", L.Dense(3, activation="tanh"), [(2,4)])
final class LayerDenseTests: XCTestCase {
    func testHandComputed() throws {
        let layer = try LayerTest.build("Dense", #"{"units": 2, "activation": "linear", "use_bias": true}"#,
                                        explicit: [([2, 2], [1, 2, 3, 4]), ([2], [0.5, -1])])
        let (shape, y) = try LayerTest.forward(layer, inputShapes: [[2]], batch: 2, inputs: [[1, 1, 2, -1]])
        XCTAssertEqual(shape, [2])
        // [1,1]·[[1,2],[3,4]] = [4,6] + [0.5,-1]; [2,-1]·K = [-1, 0] + bias
        XCTAssertEqual(y, [4.5, 5, -0.5, -1])
    }

    func testMatchesKeras2D() throws {
        let r = try LayerTest.run("Dense", #"{"units": 3, "activation": "relu", "use_bias": true}"#,
                                  weights: [("", [4, 3]), ("", [3])], inputShapes: [[4]])
        XCTAssertEqual(r.shape, [3])
        LayerTest.assertClose(r.values, [0.42842769622802734, 0.22992783784866333, 0.0, 0.4867798686027527, 0.16884972155094147, 0.0])
    }

    func testMatchesKeras3D() throws {
        let r = try LayerTest.run("Dense", #"{"units": 3, "activation": "tanh"}"#,
                                  weights: [("", [4, 3]), ("", [3])], inputShapes: [[2, 4]])
        XCTAssertEqual(r.shape, [2, 3])
        LayerTest.assertClose(r.values, [0.4040065109729767, 0.2259598821401596, -0.08584999293088913, 0.45165687799453735, 0.16726316511631012, -0.23110854625701904, 0.39534780383110046, 0.22529685497283936, -0.07664649188518524, 0.45726439356803894, 0.17070800065994263, -0.2327992469072342])
    }

    func testNoBiasTakesOnlyKernel() throws {
        let layer = try LayerTest.build("Dense", #"{"units": 1, "use_bias": false}"#, explicit: [([2, 1], [2, 3])])
        XCTAssertEqual(try LayerTest.forward(layer, inputShapes: [[2]], batch: 1, inputs: [[1, 1]]).values, [5])
        XCTAssertEqual(layer.parameterCount, 2)
    }

    func testRefusals() {
        LayerTest.assertRefused("Dense", #"{"units": 3, "activation": "tanh", "kernel_quantizer": "int8"}"#,
                                weights: [("", [4, 3]), ("", [3])], kind: .unsupportedOption, mention: "kernel_quantizer")
        LayerTest.assertRefused("Dense", #"{"units": 3, "activation": "crelu"}"#,
                                weights: [("", [4, 3]), ("", [3])], kind: .unsupportedOption, mention: "crelu")
        LayerTest.assertRefused("Dense", #"{"units": 3}"#, weights: [("", [4, 2]), ("", [3])], kind: .badWeights, mention: "[4, 2]")
        LayerTest.assertRefused("Dense", #"{"units": 3}"#, weights: [("", [4, 3])], kind: .badWeights, mention: "bias")
        LayerTest.assertRefused("Dense", #"{"units": 3, "use_bias": false}"#, weights: [("", [4, 3]), ("", [3])],
                                kind: .badWeights, mention: "does not use")
        LayerTest.assertRefused("Dense", #"{"units": 3}"#, weights: [("", [4, 3]), ("", [3])], inputShapes: [[5]],
                                kind: .shapeMismatch, mention: "(None, 5)")
    }
}
