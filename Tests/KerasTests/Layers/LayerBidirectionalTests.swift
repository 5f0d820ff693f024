import XCTest
@testable import Keras

/// Bidirectional(LSTM) in every merge mode. Keras numbers from the ref script (see LayerTestSupport):
///   run("biConcat", L.Bidirectional(L.LSTM(2, return_sequences=True)), [(3,2)])
///   run("biSum", L.Bidirectional(L.LSTM(2), merge_mode="sum"), [(3,2)])   (and "ave"; "mul" with return_sequences)
final class LayerBidirectionalTests: XCTestCase {
    let weights: [(String, [Int])] = [
        ("forward_layer/cell", [2, 8]), ("forward_layer/cell", [2, 8]), ("forward_layer/cell", [8]),
        ("backward_layer/cell", [2, 8]), ("backward_layer/cell", [2, 8]), ("backward_layer/cell", [8]),
    ]

    func json(_ mode: String, sequences: Bool) -> String {
        let lstm = { (name: String, back: Bool) in
            #"{"module": "keras.layers", "class_name": "LSTM", "config": {"name": "\#(name)", "units": 2, "return_sequences": \#(sequences), "go_backwards": \#(back), "activation": "tanh"}}"#
        }
        return #"{"merge_mode": \#(mode), "layer": \#(lstm("forward_lstm", false)), "backward_layer": \#(lstm("backward_lstm", true))}"#
    }

    func testConcatSequencesMatchesKeras() throws {
        let r = try LayerTest.run("Bidirectional", json("\"concat\"", sequences: true), weights: weights, inputShapes: [[3, 2]])
        XCTAssertEqual(r.shape, [3, 4])
        LayerTest.assertClose(r.values, [-0.03185589239001274, 0.06540275365114212, 0.10198670625686646, 0.00841583777219057, -0.12932826578617096, -0.053699664771556854, 0.11845647543668747, 0.06362154334783554, -0.12283556163311005, -0.003540987614542246, 0.06177738681435585, 0.011219296604394913, 0.007482199929654598, 0.11184864491224289, 0.05260643735527992, -0.11610853672027588, -0.019380133599042892, 0.12943249940872192, 0.05934599041938782, -0.04580306634306908, -0.12036880850791931, -0.011116059496998787, 0.06907899677753448, 0.0378819964826107])
        // Legacy .h5 layout: the six weights flat, forward first.
        let flat = try LayerTest.run("Bidirectional", json("\"concat\"", sequences: true), weights: weights, flat: true, inputShapes: [[3, 2]])
        LayerTest.assertClose(flat.values, [-0.03185589239001274, 0.06540275365114212, 0.10198670625686646, 0.00841583777219057, -0.12932826578617096, -0.053699664771556854, 0.11845647543668747, 0.06362154334783554, -0.12283556163311005, -0.003540987614542246, 0.06177738681435585, 0.011219296604394913, 0.007482199929654598, 0.11184864491224289, 0.05260643735527992, -0.11610853672027588, -0.019380133599042892, 0.12943249940872192, 0.05934599041938782, -0.04580306634306908, -0.12036880850791931, -0.011116059496998787, 0.06907899677753448, 0.0378819964826107])
    }

    func testOtherMergeModesMatchKeras() throws {
        let s = try LayerTest.run("Bidirectional", json("\"sum\"", sequences: false), weights: weights, inputShapes: [[3, 2]])
        XCTAssertEqual(s.shape, [2])
        LayerTest.assertClose(s.values, [-0.02084885537624359, 0.004874850157648325, -0.06776237487792969, -0.12722459435462952])
        let a = try LayerTest.run("Bidirectional", json("\"ave\"", sequences: false), weights: weights, inputShapes: [[3, 2]])
        LayerTest.assertClose(a.values, [-0.010424427688121796, 0.0024374250788241625, -0.033881187438964844, -0.06361229717731476])
        let m = try LayerTest.run("Bidirectional", json("\"mul\"", sequences: true), weights: weights, inputShapes: [[3, 2]])
        XCTAssertEqual(m.shape, [3, 2])
        LayerTest.assertClose(m.values, [-0.00324887759052217, 0.0005504189757630229, -0.015319770202040672, -0.0034164555836468935, -0.007588460110127926, -3.9727390685584396e-05, 0.00039361187373287976, -0.012986582703888416, -0.0011501332046464086, -0.005928405560553074, -0.008314956910908222, -0.0004210985207464546])
    }

    func testBackwardDerivedFromForwardWhenAbsent() throws {
        let lstm = #"{"class_name": "LSTM", "config": {"name": "f", "units": 2, "return_sequences": true}}"#
        let r = try LayerTest.run("Bidirectional", #"{"merge_mode": "concat", "layer": \#(lstm)}"#, weights: weights, inputShapes: [[3, 2]])
        LayerTest.assertClose(r.values, [-0.03185589239001274, 0.06540275365114212, 0.10198670625686646, 0.00841583777219057, -0.12932826578617096, -0.053699664771556854, 0.11845647543668747, 0.06362154334783554, -0.12283556163311005, -0.003540987614542246, 0.06177738681435585, 0.011219296604394913, 0.007482199929654598, 0.11184864491224289, 0.05260643735527992, -0.11610853672027588, -0.019380133599042892, 0.12943249940872192, 0.05934599041938782, -0.04580306634306908, -0.12036880850791931, -0.011116059496998787, 0.06907899677753448, 0.0378819964826107])
    }

    func testRefusals() {
        LayerTest.assertRefused("Bidirectional", json("null", sequences: true), weights: weights, kind: .unsupportedOption, mention: "merge_mode")
        LayerTest.assertRefused("Bidirectional", #"{"layer": {"class_name": "Dense", "config": {"units": 2}}}"#,
                                weights: [("forward_layer", [2, 2]), ("forward_layer", [2]), ("backward_layer", [2, 2]), ("backward_layer", [2])],
                                kind: .unsupportedOption, mention: "only LSTM, GRU and SimpleRNN")
        LayerTest.assertRefused("Bidirectional", json("\"concat\"", sequences: true), weights: Array(weights.prefix(3)),
                                kind: .badWeights, mention: "backward_layer")
    }
}
