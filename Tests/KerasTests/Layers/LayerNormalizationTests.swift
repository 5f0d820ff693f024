import XCTest
@testable import Keras

/// LayerNormalization and BatchNormalization (inference). Keras numbers from the ref script (see LayerTestSupport):
///   run("layerNorm", L.LayerNormalization(epsilon=1e-3), [(2,5)]);  run("layerNormNoCenter", L.LayerNormalization(center=False), [(4,)])
///   BatchNormalization(epsilon=0.01) with gamma [1.5,-0.5,2], beta [0.1,0.2,-0.3], moving mean [0.05,-0.1,0.2],
///   moving variance [0.5,1.2,0.05] on det(12, 100) as (2,2,3); BatchNormalization(center=False, scale=False) on (2,3).
final class LayerNormalizationTests: XCTestCase {
    func testLayerNormMatchesKeras() throws {
        let r = try LayerTest.run("LayerNormalization", #"{"axis": [-1], "epsilon": 0.001, "center": true, "scale": true, "rms_scaling": false}"#,
                                  weights: [("", [5]), ("", [5])], inputShapes: [[2, 5]])
        XCTAssertEqual(r.shape, [2, 5])
        LayerTest.assertClose(r.values, [-0.2747596204280853, -0.014677762985229492, 0.0556926429271698, -0.460658460855484, -0.6489261388778687, 1.0683850049972534, 0.04697020351886749, -0.5337133407592773, -0.4147448241710663, -0.770696222782135, 0.43074676394462585, 0.68523108959198, 0.1408851146697998, -0.4303998649120331, 0.12240111827850342, 0.1184757649898529, -0.3024490475654602, -0.2977360486984253, -0.45002999901771545, -1.0672550201416016])
        let n = try LayerTest.run("LayerNormalization", #"{"axis": -1, "center": false}"#, weights: [("", [4])], inputShapes: [[4]])
        LayerTest.assertClose(n.values, [-0.6269294619560242, -0.1455155313014984, 0.22887222468852997, -0.02714514546096325, 0.5980602502822876, 0.19469258189201355, -0.20315124094486237, 0.030044931918382645])
    }

    func testLayerNormHandComputed() throws {
        // x = [1, 3]: mean 2, var 1, ε 0 → [-1, 1]; gamma [2, 2], beta [0, 1] → [-2, 3]
        let layer = try LayerTest.build("LayerNormalization", #"{"axis": [-1], "epsilon": 0}"#, explicit: [([2], [2, 2]), ([2], [0, 1])])
        XCTAssertEqual(try LayerTest.forward(layer, inputShapes: [[2]], batch: 1, inputs: [[1, 3]]).values, [-2, 3])
    }

    func testBatchNormMatchesKeras() throws {
        let layer = try LayerTest.build("BatchNormalization", #"{"axis": -1, "epsilon": 0.01, "center": true, "scale": true, "momentum": 0.99}"#,
                                        explicit: [([3], [1.5, -0.5, 2]), ([3], [0.1, 0.2, -0.3]), ([3], [0.05, -0.1, 0.2]), ([3], [0.5, 1.2, 0.05])])
        let r = try LayerTest.forward(layer, inputShapes: [[2, 3]], batch: 2)
        LayerTest.assertClose(r.values, [-0.5368112325668335, 0.10938552021980286, 1.3421311378479004, 1.040820837020874, -0.00013241171836853027, -1.8613183498382568, -0.6923209428787231, 0.380006343126297, -5.291665077209473, -0.24970844388008118, 0.046413809061050415, 1.910383701324463])
        let plain = try LayerTest.build("BatchNormalization", #"{"axis": [1], "center": false, "scale": false}"#,
                                        explicit: [([3], [0.05, -0.1, 0.2]), ([3], [0.5, 1.2, 0.05])])
        LayerTest.assertClose(try LayerTest.forward(plain, inputShapes: [[3]], batch: 2).values,
                              [-0.4283371567726135, 0.18190672993659973, 0.8905706405639648, 0.6328224539756775, 0.4017617702484131, -0.8467437624931335])
    }

    func testLayerNormOtherAxesHandComputed() throws {
        // axis 1 (time) of (2, 2) [[1, 10], [3, 20]], ε 0: each column → [-1, 1]; gamma/beta per time step [1, 2] / [0, 1].
        let t = try LayerTest.build("LayerNormalization", #"{"axis": [1], "epsilon": 0}"#, explicit: [([2], [1, 2]), ([2], [0, 1])])
        XCTAssertEqual(try LayerTest.forward(t, inputShapes: [[2, 2]], batch: 1, inputs: [[1, 10, 3, 20]]).values, [-1, -1, 3, 3])
        // axes [1, 2]: the whole sample [[1, 3], [1, 3]] (mean 2, var 1) → [[-1, 1], [-1, 1]], no gamma/beta.
        let both = try LayerTest.build("LayerNormalization", #"{"axis": [1, 2], "epsilon": 0, "center": false, "scale": false}"#, explicit: [])
        XCTAssertEqual(try LayerTest.forward(both, inputShapes: [[2, 2]], batch: 1, inputs: [[1, 3, 1, 3]]).values, [-1, 1, -1, 1])
        // rms_scaling: x·(1/√(var + ε))·gamma, no centring: [1, 3] (var 1) · gamma [2, 0.5] → [2, 1.5].
        let rms = try LayerTest.build("LayerNormalization", #"{"axis": [-1], "epsilon": 0, "rms_scaling": true}"#, explicit: [([2], [2, 0.5])])
        XCTAssertEqual(try LayerTest.forward(rms, inputShapes: [[2]], batch: 1, inputs: [[1, 3]]).values, [2, 1.5])
        // One feature: exactly beta (x − mean is 0), as Keras' compiled graph gives.
        let one = try LayerTest.build("LayerNormalization", #"{"axis": [-1], "epsilon": 1e-6}"#, explicit: [([1], [0.7]), ([1], [0.25])])
        XCTAssertEqual(try LayerTest.forward(one, inputShapes: [[3, 1]], batch: 1, inputs: [[-1.43, 0.5, 7]]).values, [0.25, 0.25, 0.25])
    }

    func testBatchNormChannelAxisBeforeLast() throws {
        // axis 1 of (2, 2) [[1, 2], [3, 4]], ε 0: mean [1, 3], variance [4, 1], gamma [1, 2], beta 0 → [[0, 0.5], [0, 2]].
        let layer = try LayerTest.build("BatchNormalization", #"{"axis": 1, "epsilon": 0}"#,
                                        explicit: [([2], [1, 2]), ([2], [0, 0]), ([2], [1, 3]), ([2], [4, 1])])
        XCTAssertEqual(try LayerTest.forward(layer, inputShapes: [[2, 2]], batch: 1, inputs: [[1, 2, 3, 4]]).values, [0, 0.5, 0, 2])
    }

    func testRefusals() {
        LayerTest.assertRefused("LayerNormalization", #"{"axis": [0]}"#, weights: [("", [4]), ("", [4])], inputShapes: [[3, 4]],
                                kind: .shapeMismatch, mention: "batch axis")
        LayerTest.assertRefused("LayerNormalization", #"{"axis": [1, 2]}"#, weights: [("", [4]), ("", [4])], inputShapes: [[3, 4]],
                                kind: .shapeMismatch, mention: "expected [3, 4]")
        LayerTest.assertRefused("LayerNormalization", #"{"axis": 1}"#, weights: [("", [4]), ("", [4])], inputShapes: [[3, 4]],
                                kind: .shapeMismatch, mention: "expected [3]")
        LayerTest.assertRefused("BatchNormalization", #"{"axis": -1}"#, weights: [("", [3]), ("", [3]), ("", [3]), ("", [3])],
                                inputShapes: [[4]], kind: .shapeMismatch, mention: "3 channels")
        LayerTest.assertRefused("BatchNormalization", #"{"axis": [1, 2]}"#, weights: [("", [3]), ("", [3]), ("", [3]), ("", [3])],
                                kind: .unsupportedOption, mention: "one axis")
    }
}
