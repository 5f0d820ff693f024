import XCTest
@testable import Keras

/// LSTM. Keras numbers from the ref script (see LayerTestSupport):
///   run("lstmLast", L.LSTM(3), [(4,2)])
///   run("lstmSeqReluBack", L.LSTM(3, activation="relu", return_sequences=True, go_backwards=True), [(4,2)])
final class LayerLSTMTests: XCTestCase {
    let cell: [(String, [Int])] = [("cell", [2, 12]), ("cell", [3, 12]), ("cell", [12])]

    func testHandComputedOneStep() throws {
        // One unit, one feature, all weights zero but the candidate input weight 1 and biases 0:
        // i = f = o = σ(0) = 0.5, g = tanh(x), c = 0.5·tanh(x), h = 0.5·tanh(c).
        let layer = try LayerTest.build("LSTM", #"{"units": 1}"#,
                                        explicit: [([1, 4], [0, 0, 1, 0]), ([1, 4], [0, 0, 0, 0]), ([4], [0, 0, 0, 0])], child: "cell")
        let x: Float = 0.8
        let r = try LayerTest.forward(layer, inputShapes: [[1, 1]], batch: 1, inputs: [[x]])
        let c = 0.5 * tanhf(x)
        XCTAssertEqual(r.values[0], 0.5 * tanhf(c), accuracy: 1e-6)
    }

    func testLastOutputMatchesKeras() throws {
        let r = try LayerTest.run("LSTM", #"{"units": 3, "activation": "tanh", "recurrent_activation": "sigmoid", "use_bias": true, "unit_forget_bias": true, "return_sequences": false, "return_state": false, "go_backwards": false, "stateful": false, "unroll": false, "zero_output_for_mask": false}"#,
                                  weights: cell, inputShapes: [[4, 2]])
        XCTAssertEqual(r.shape, [3])
        LayerTest.assertClose(r.values, [0.1394493728876114, 0.13211986422538757, 0.08532490581274033, 0.1435142159461975, 0.14027023315429688, 0.09236462414264679])
    }

    func testSequencesBackwardsReluMatchesKeras() throws {
        let json = #"{"units": 3, "activation": "relu", "return_sequences": true, "go_backwards": true}"#
        let want: [Float] = [0.07872848212718964, 0.06258165836334229, 0.0280117467045784, 0.12772279977798462, 0.12582696974277496, 0.0730300024151802, 0.18888519704341888, 0.15537133812904358, 0.08589588105678558, 0.19975681602954865, 0.15150964260101318, 0.08176898211240768, 0.07453958690166473, 0.06877443939447403, 0.0379023440182209, 0.13985349237918854, 0.13484342396259308, 0.07841504365205765, 0.19549700617790222, 0.1527107059955597, 0.08383100479841232, 0.194344624876976, 0.1493738293647766, 0.07924684882164001]
        let r = try LayerTest.run("LSTM", json, weights: cell, inputShapes: [[4, 2]])
        XCTAssertEqual(r.shape, [4, 3])
        LayerTest.assertClose(r.values, want)
        // Legacy .h5: the same weights come flat, without the `cell` group.
        let flat = try LayerTest.run("LSTM", json, weights: cell, flat: true, inputShapes: [[4, 2]])
        LayerTest.assertClose(flat.values, want)
        // A batch of 5 (4-row GEMM blocks plus a tail) gives each sample the numbers it gets alone.
        let x = LayerTest.det(5 * 8, 7)
        let big = try LayerTest.run("LSTM", json, weights: cell, inputShapes: [[4, 2]], batch: 5, inputs: [x])
        for b in 0..<5 {
            let one = try LayerTest.run("LSTM", json, weights: cell, inputShapes: [[4, 2]], batch: 1, inputs: [Array(x[(b * 8)..<(b * 8 + 8)])])
            LayerTest.assertClose(Array(big.values[(b * 12)..<(b * 12 + 12)]), one.values, tolerance: 0)
        }
    }

    /// Batches larger than `LSTMLayer.chunk` run in chunks; every sample must still get exactly the numbers it gets alone.
    func testBatchLargerThanChunk() throws {
        let n = 4 * LSTMLayer.chunk + 7
        let json = #"{"units": 3, "return_sequences": true}"#
        let x = LayerTest.det(n * 8, 11)
        let big = try LayerTest.run("LSTM", json, weights: cell, inputShapes: [[4, 2]], batch: n, inputs: [x])
        for b in [0, LSTMLayer.chunk - 1, LSTMLayer.chunk, 3 * LSTMLayer.chunk + 1, n - 1] {
            let one = try LayerTest.run("LSTM", json, weights: cell, inputShapes: [[4, 2]], batch: 1, inputs: [Array(x[(b * 8)..<(b * 8 + 8)])])
            LayerTest.assertClose(Array(big.values[(b * 12)..<(b * 12 + 12)]), one.values, tolerance: 0)
        }
    }

    func testRefusals() {
        LayerTest.assertRefused("LSTM", #"{"units": 3, "return_state": true}"#, weights: cell, kind: .unsupportedOption, mention: "return_state")
        LayerTest.assertRefused("LSTM", #"{"units": 3, "stateful": true}"#, weights: cell, kind: .unsupportedOption, mention: "stateful")
        LayerTest.assertRefused("LSTM", #"{"units": 3, "recurrent_activation": "softmax"}"#, weights: cell, kind: .unsupportedOption, mention: "softmax")
        LayerTest.assertRefused("LSTM", #"{"units": 4}"#, weights: cell, kind: .badWeights, mention: "expected [2, 16]")
        LayerTest.assertRefused("LSTM", #"{"units": 3}"#, weights: [("", [2, 12]), ("", [3, 12]), ("", [12])], kind: .badWeights, mention: "cell")
        LayerTest.assertRefused("LSTM", #"{"units": 3}"#, weights: cell, inputShapes: [[4]], kind: .shapeMismatch, mention: "rank 3")
    }
}
