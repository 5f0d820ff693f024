import XCTest
@testable import Keras

/// GRU (both reset_after forms), SimpleRNN and ConvLSTM1D. Keras numbers from the ref script (see LayerTestSupport):
///   run("gruAfter", L.GRU(3, return_sequences=True), [(4,2)])
///   run("gruBefore", L.GRU(3, reset_after=False, go_backwards=True), [(4,2)])
///   run("gruNoBias", L.GRU(2, use_bias=False, activation="relu"), [(3,2)])
///   run("rnnSeq", L.SimpleRNN(3, return_sequences=True), [(4,2)])
///   run("rnnBackRelu", L.SimpleRNN(2, activation="relu", go_backwards=True), [(3,2)])
///   run("convLstmValid", L.ConvLSTM1D(2, 2, return_sequences=True), [(3,4,2)])
///   run("convLstmSame", L.ConvLSTM1D(2, 3, padding="same", strides=2), [(3,5,2)])
///   run("convLstmDil", L.ConvLSTM1D(3, 2, dilation_rate=2, activation="relu"), [(2,5,1)])
final class LayerRecurrentTests: XCTestCase {
    func testGRUResetAfterMatchesKeras() throws {
        let w: [(String, [Int])] = [("cell", [2, 9]), ("cell", [3, 9]), ("cell", [2, 9])]
        let json = #"{"units": 3, "activation": "tanh", "recurrent_activation": "sigmoid", "use_bias": true, "reset_after": true, "return_sequences": true, "implementation": 2}"#
        let r = try LayerTest.run("GRU", json, weights: w, inputShapes: [[4, 2]])
        XCTAssertEqual(r.shape, [4, 3])
        LayerTest.assertClose(r.values, [0.30154332518577576, 0.41200846433639526, 0.23637305200099945, 0.2941121757030487, 0.5206802487373352, 0.5691244602203369, 0.3411329984664917, 0.5938746929168701, 0.6344541311264038, 0.5069171786308289, 0.6835033893585205, 0.5331641435623169, 0.3696233928203583, 0.4411940574645996, 0.1585511863231659, 0.3598736524581909, 0.543958306312561, 0.5387152433395386, 0.3506171703338623, 0.5898916721343994, 0.6648902297019958, 0.47845712304115295, 0.6670666337013245, 0.5762269496917725])
        let big = try LayerTest.run("GRU", json, weights: w, inputShapes: [[4, 2]], batch: 6, inputs: [LayerTest.det(6 * 8, 100)])
        LayerTest.assertClose(Array(big.values[0..<24]), [0.30154332518577576, 0.41200846433639526, 0.23637305200099945, 0.2941121757030487, 0.5206802487373352, 0.5691244602203369, 0.3411329984664917, 0.5938746929168701, 0.6344541311264038, 0.5069171786308289, 0.6835033893585205, 0.5331641435623169, 0.3696233928203583, 0.4411940574645996, 0.1585511863231659, 0.3598736524581909, 0.543958306312561, 0.5387152433395386, 0.3506171703338623, 0.5898916721343994, 0.6648902297019958, 0.47845712304115295, 0.6670666337013245, 0.5762269496917725])
    }

    func testGRUResetBeforeMatchesKeras() throws {
        let r = try LayerTest.run("GRU", #"{"units": 3, "reset_after": false, "go_backwards": true}"#,
                                  weights: [("cell", [2, 9]), ("cell", [3, 9]), ("cell", [9])], inputShapes: [[4, 2]])
        XCTAssertEqual(r.shape, [3])
        LayerTest.assertClose(r.values, [0.4023493230342865, 0.5586787462234497, 0.44883668422698975, 0.4372166395187378, 0.5741764307022095, 0.38387584686279297])
    }

    func testGRUNoBiasMatchesKeras() throws {
        let r = try LayerTest.run("GRU", #"{"units": 2, "use_bias": false, "activation": "relu"}"#,
                                  weights: [("cell", [2, 6]), ("cell", [2, 6])], inputShapes: [[3, 2]])
        LayerTest.assertClose(r.values, [0.037049584090709686, 0.02333431877195835, 0.08455179631710052, 0.060768935829401016])
    }

    func testSimpleRNNMatchesKeras() throws {
        let w: [(String, [Int])] = [("cell", [2, 3]), ("cell", [3, 3]), ("cell", [3])]
        let r = try LayerTest.run("SimpleRNN", #"{"units": 3, "return_sequences": true}"#, weights: w, inputShapes: [[4, 2]])
        XCTAssertEqual(r.shape, [4, 3])
        LayerTest.assertClose(r.values, [-0.03849655017256737, -0.41192349791526794, -0.5466295480728149, 0.34501907229423523, -0.25818440318107605, -0.6370065808296204, 0.4216920733451843, -0.15264081954956055, -0.5907536745071411, 0.17157812416553497, -0.3136207163333893, -0.5760701298713684, -0.09918998926877975, -0.4135720729827881, -0.5046451687812805, 0.260903000831604, -0.31933340430259705, -0.6409584879875183, 0.449508398771286, -0.15438425540924072, -0.6143118143081665, 0.25757163763046265, -0.253182590007782, -0.5709142684936523])
        let b = try LayerTest.run("SimpleRNN", #"{"units": 2, "activation": "relu", "go_backwards": true}"#,
                                  weights: [("cell", [2, 2]), ("cell", [2, 2]), ("cell", [2])], inputShapes: [[3, 2]])
        LayerTest.assertClose(b.values, [0.21995271742343903, 0.0, 0.0, 0.0])
    }

    func testSimpleRNNHandComputed() throws {
        // h1 = x1·2 + 1 = 3 (linear), h2 = x2·2 + 1 + 0.5·h1 = 1 + 1 + 1.5
        let layer = try LayerTest.build("SimpleRNN", #"{"units": 1, "activation": "linear"}"#,
                                        explicit: [([1, 1], [2]), ([1, 1], [0.5]), ([1], [1])], child: "cell")
        XCTAssertEqual(try LayerTest.forward(layer, inputShapes: [[2, 1]], batch: 1, inputs: [[1, 0.5]]).values, [3.5])
    }

    func testConvLSTM1DMatchesKeras() throws {
        let v = try LayerTest.run("ConvLSTM1D", #"{"filters": 2, "kernel_size": [2], "strides": [1], "padding": "valid", "data_format": "channels_last", "dilation_rate": [1], "return_sequences": true, "unit_forget_bias": true}"#,
                                  weights: [("cell", [2, 2, 8]), ("cell", [2, 2, 8]), ("cell", [8])], inputShapes: [[3, 4, 2]])
        XCTAssertEqual(v.shape, [3, 3, 2])
        LayerTest.assertClose(v.values, [0.009824397042393684, 0.022526515647768974, -0.10117404162883759, -0.10012629628181458, -0.1510014533996582, 0.04542437568306923, 0.047726161777973175, 0.09463611245155334, -0.08187941461801529, -0.09196041524410248, -0.18831083178520203, 0.003582674777135253, 0.0536012165248394, 0.14758439362049103, -0.0374177061021328, -0.05291150510311127, -0.18582351505756378, -0.053565554320812225, 0.03180840238928795, 0.11849526315927505, -0.00010843795462278649, 0.0033341925591230392, -0.11297668516635895, -0.09893380850553513, -0.009993446990847588, 0.16261178255081177, 0.04114608094096184, 0.07416442781686783, -0.10825062543153763, -0.11131257563829422, -0.07861112058162689, 0.16399416327476501, 0.058225054293870926, 0.13472093641757965, -0.07575705647468567, -0.093991219997406])
        let s = try LayerTest.run("ConvLSTM1D", #"{"filters": 2, "kernel_size": 3, "padding": "same", "strides": 2}"#,
                                  weights: [("cell", [3, 2, 8]), ("cell", [3, 2, 8]), ("cell", [8])], inputShapes: [[3, 5, 2]])
        XCTAssertEqual(s.shape, [3, 2])
        LayerTest.assertClose(s.values, [-0.031869832426309586, 0.035108231008052826, -0.16365088522434235, 0.09334542602300644, 0.05968993529677391, 0.07636450976133347, -0.11293502151966095, 0.11888700723648071, 0.047820109874010086, 0.054060839116573334, -0.21325738728046417, 0.06145666167140007])
        let d = try LayerTest.run("ConvLSTM1D", #"{"filters": 3, "kernel_size": 2, "dilation_rate": 2, "activation": "relu"}"#,
                                  weights: [("cell", [2, 1, 12]), ("cell", [2, 3, 12]), ("cell", [12])], inputShapes: [[2, 5, 1]])
        XCTAssertEqual(d.shape, [3, 3])
        LayerTest.assertClose(d.values, [0.14759992063045502, 0.12826810777187347, 0.06786482036113739, 0.1637529581785202, 0.12385682761669159, 0.056050922721624374, 0.16534987092018127, 0.1167830303311348, 0.05261889845132828, 0.1665392369031906, 0.12159884721040726, 0.05368293076753616, 0.16554675996303558, 0.11398494988679886, 0.05368007346987724, 0.16348983347415924, 0.10820075124502182, 0.05623044818639755])
    }

    func testConvKernelAgreesWithReference() {
        for (len, k, s, d, pad) in [(5, 2, 1, 1, ConvGeometry.Padding.valid), (6, 3, 2, 1, .same), (7, 2, 1, 3, .causal), (4, 3, 1, 1, .same)] {
            let g = ConvGeometry(inputLength: len, kernel: k, stride: s, dilation: d, padding: pad)
            let x = LayerTest.det(3 * len * 2, 9), w = LayerTest.det(k * 2 * 5, 8)
            var fast = [Float](repeating: .nan, count: 3 * g.outputLength * 5), ref = fast
            x.withUnsafeBufferPointer { xp in w.withUnsafeBufferPointer { wp in
                fast.withUnsafeMutableBufferPointer { Conv1DKernel.run(count: 3, x: xp.baseAddress!, geometry: g, channels: 2, filters: 5, kernel: wp.baseAddress!, y: $0.baseAddress!) }
                ref.withUnsafeMutableBufferPointer { Conv1DKernel.runReference(count: 3, x: xp.baseAddress!, geometry: g, channels: 2, filters: 5, kernel: wp.baseAddress!, y: $0.baseAddress!) }
            } }
            LayerTest.assertClose(fast, ref, tolerance: 1e-6)
        }
    }

    func testRefusals() {
        LayerTest.assertRefused("GRU", #"{"units": 3, "reset_after": true}"#, weights: [("cell", [2, 9]), ("cell", [3, 9]), ("cell", [9])],
                                kind: .badWeights, mention: "expected [2, 9]")
        LayerTest.assertRefused("SimpleRNN", #"{"units": 3, "return_state": true}"#, weights: [("cell", [2, 3]), ("cell", [3, 3]), ("cell", [3])],
                                kind: .unsupportedOption, mention: "return_state")
        LayerTest.assertRefused("ConvLSTM1D", #"{"filters": 2, "kernel_size": 2, "padding": "causal"}"#,
                                weights: [("cell", [2, 2, 8]), ("cell", [2, 2, 8]), ("cell", [8])], kind: .unsupportedOption, mention: "causal")
        LayerTest.assertRefused("ConvLSTM1D", #"{"filters": 2, "kernel_size": 2, "data_format": "channels_first"}"#,
                                weights: [("cell", [2, 2, 8]), ("cell", [2, 2, 8]), ("cell", [8])], kind: .unsupportedOption, mention: "channels_first")
    }
}
