import XCTest
@testable import Keras

/// MultiHeadAttention. Keras numbers from the ref script (see LayerTestSupport):
///   run("mha", L.MultiHeadAttention(num_heads=2, key_dim=3), [(3,4),(3,4)], call=lambda l, i: l(i[0], i[1]))
///   run("mhaCausalKV", L.MultiHeadAttention(num_heads=2, key_dim=2, value_dim=3, use_bias=False), [(3,4),(2,4),(2,4)],
///       call=lambda l, i: l(i[0], i[1], key=i[2]))
///   run("mhaCausal", L.MultiHeadAttention(num_heads=1, key_dim=2), [(3,4),(3,4)], call=lambda l, i: l(i[0], i[1], use_causal_mask=True))
final class LayerAttentionTests: XCTestCase {
    func weights(heads h: Int, key k: Int, value v: Int, dim d: Int, bias: Bool) -> [(String, [Int])] {
        var w: [(String, [Int])] = []
        for name in ["query_dense", "key_dense", "value_dense"] {
            w.append((name, [d, h, name == "value_dense" ? v : k]))
            if bias { w.append((name, [h, name == "value_dense" ? v : k])) }
        }
        w.append(("output_dense", [h, v, d]))
        if bias { w.append(("output_dense", [d])) }
        return w
    }

    let config = #"{"num_heads": 2, "key_dim": 3, "value_dim": 3, "dropout": 0.0, "use_bias": true, "use_gate": false, "output_shape": null, "attention_axes": [1], "sliding_window": null}"#

    func testSelfAttentionMatchesKeras() throws {
        let r = try LayerTest.run("MultiHeadAttention", config, weights: weights(heads: 2, key: 3, value: 3, dim: 4, bias: true),
                                  inputShapes: [[3, 4], [3, 4]])
        XCTAssertEqual(r.shape, [3, 4])
        LayerTest.assertClose(r.values, [0.40868625044822693, 0.26778069138526917, -0.009956995956599712, -0.2826067805290222, 0.40862926840782166, 0.2680932879447937, -0.009434547275304794, -0.28214144706726074, 0.4087018370628357, 0.26773813366889954, -0.010035929270088673, -0.28268176317214966, 0.4113229513168335, 0.24867524206638336, -0.041041962802410126, -0.3097873032093048, 0.41284170746803284, 0.24857161939144135, -0.04271505028009415, -0.31217488646507263, 0.41135984659194946, 0.2487708032131195, -0.04093658924102783, -0.30972594022750854])
    }

    func testSeparateKeyNoBiasMatchesKeras() throws {
        let r = try LayerTest.run("MultiHeadAttention", #"{"num_heads": 2, "key_dim": 2, "value_dim": 3, "use_bias": false}"#,
                                  weights: weights(heads: 2, key: 2, value: 3, dim: 4, bias: false), inputShapes: [[3, 4], [2, 4], [2, 4]])
        XCTAssertEqual(r.shape, [3, 4])
        LayerTest.assertClose(r.values, [-0.0048355478793382645, -0.00888911634683609, -0.00840047374367714, -0.0036193104460835457, -0.004699018318206072, -0.009278453886508942, -0.009116731584072113, -0.004296490456908941, -0.004859038162976503, -0.008864253759384155, -0.008339960128068924, -0.0035540680401027203, -0.0033683767542243004, -0.007717994041740894, -0.00812382623553276, -0.004378499463200569, -0.004264843184500933, -0.008050905540585518, -0.007723068352788687, -0.0034488551318645477, -0.0034100967459380627, -0.0077134789898991585, -0.008075381629168987, -0.004310882184654474])
    }

    func testCausalMaskMatchesKeras() throws {
        let r = try LayerTest.run("MultiHeadAttention", #"{"num_heads": 1, "key_dim": 2}"#,
                                  weights: weights(heads: 1, key: 2, value: 2, dim: 4, bias: true), inputShapes: [[3, 4], [3, 4]],
                                  call: CallArguments(args: [nil, nil], kwargs: ["use_causal_mask": .bool(true)]))
        LayerTest.assertClose(r.values, [0.4019189178943634, 0.1323941946029663, -0.20478208363056183, -0.4373176395893097, 0.3838440775871277, 0.13045011460781097, -0.18960198760032654, -0.41277018189430237, 0.40550804138183594, 0.154258131980896, -0.17581546306610107, -0.41604986786842346, 0.32926350831985474, 0.062418073415756226, -0.23632214963436127, -0.4143051207065582, 0.40374085307121277, 0.16086941957473755, -0.16420398652553558, -0.4053714871406555, 0.3797527253627777, 0.1251218020915985, -0.19344457983970642, -0.41316354274749756])
    }

    func testOutputShapeGivesItsOwnWidth() throws {
        var w = weights(heads: 2, key: 3, value: 3, dim: 4, bias: true)
        w[w.count - 2] = ("output_dense", [2, 3, 6])
        w[w.count - 1] = ("output_dense", [6])
        let r = try LayerTest.run("MultiHeadAttention", #"{"num_heads": 2, "key_dim": 3, "output_shape": [6]}"#, weights: w,
                                  inputShapes: [[3, 4], [3, 4]])
        XCTAssertEqual(r.shape, [3, 6])
        XCTAssertFalse(r.values.contains { !$0.isFinite })
    }

    /// Keras (TensorFlow backend) adds a per-head (H, 1) bias along the time axis when T == H (see
    /// `MultiHeadAttentionLayer.biasFollowsTime`); fixture `mha_bias_follows_time` checks it against Keras. Here: with
    /// one head of value_dim 1 per time step, zero kernels but the value kernel, softmax weights are uniform, so the
    /// output is the mean over time of the value projection, whose bias is bias[t], not bias[h].
    func testPerHeadBiasFollowsTimeWhenStepsEqualHeads() throws {
        let h = 2, d = 1
        let zeros = { (n: Int) in [Float](repeating: 0, count: n) }
        func dense(_ name: String, _ k: ([Int], [Float]), _ b: ([Int], [Float])) -> (String, WeightReader.Node) {
            (name, WeightReader.Node(vars: [k, b].enumerated().map {
                WeightReader.Tensor(path: "layers/test/\(name)/vars/\($0.offset)", shape: $0.element.0, values: $0.element.1)
            }, flat: false))
        }
        let children = Dictionary(uniqueKeysWithValues: [
            dense("query_dense", ([d, h, 1], zeros(2)), ([h, 1], zeros(2))),
            dense("key_dense", ([d, h, 1], zeros(2)), ([h, 1], zeros(2))),
            dense("value_dense", ([d, h, 1], zeros(2)), ([h, 1], [10, 20])),  // bias 10 for "head 0", 20 for "head 1"
            dense("output_dense", ([h, 1, d], [1, 1000]), ([d], [0])),        // output: head 0 + 1000·head 1
        ])
        var context = LayerBuildContext(
            config: LayerTest.config("MultiHeadAttention", #"{"num_heads": 2, "key_dim": 1, "value_dim": 1}"#),
            weights: WeightReader(file: "test.keras", location: "layer 'test_layer'",
                                  node: WeightReader.Node(vars: [], children: children, flat: false)))
        let layer = try LayerRegistry.build(&context)
        // T == H == 2: Keras adds 10 at t = 0 and 20 at t = 1 to both heads; attention averages over t → 15 per head.
        let r = try LayerTest.forward(layer, inputShapes: [[2, 1], [2, 1]], batch: 1, inputs: [[0, 0], [0, 0]])
        LayerTest.assertClose(r.values, [15 + 15_000, 15 + 15_000], tolerance: 1e-3)
        XCTAssertTrue(MultiHeadAttentionLayer.biasFollowsTime(heads: 2, perHead: 1, steps: 2))
        XCTAssertFalse(MultiHeadAttentionLayer.biasFollowsTime(heads: 2, perHead: 1, steps: 3))
        XCTAssertFalse(MultiHeadAttentionLayer.biasFollowsTime(heads: 2, perHead: 2, steps: 2))
    }

    func testRefusals() {
        let w = weights(heads: 2, key: 3, value: 3, dim: 4, bias: true)
        // output_shape [8] needs an (H, dv, 8) output kernel; this file's is (2, 3, 4).
        LayerTest.assertRefused("MultiHeadAttention", #"{"num_heads": 2, "key_dim": 3, "output_shape": [8]}"#, weights: w,
                                kind: .badWeights, mention: "expected [2, 3, 8]")
        LayerTest.assertRefused("MultiHeadAttention", #"{"num_heads": 2, "key_dim": 3, "output_shape": [0]}"#, weights: w,
                                kind: .badConfig, mention: "output_shape")
        LayerTest.assertRefused("MultiHeadAttention", #"{"num_heads": 2, "key_dim": 3, "attention_axes": [2]}"#, weights: w,
                                kind: .unsupportedOption, mention: "attention_axes")
        LayerTest.assertRefused("MultiHeadAttention", #"{"num_heads": 2, "key_dim": 3, "use_gate": true}"#, weights: w,
                                kind: .unsupportedOption, mention: "use_gate")
        LayerTest.assertRefused("MultiHeadAttention", #"{"num_heads": 2, "key_dim": 3}"#, weights: w, inputShapes: [[3, 5], [3, 5]],
                                kind: .shapeMismatch, mention: "projection")
        do {
            var c = LayerBuildContext(config: LayerTest.config("MultiHeadAttention", #"{"num_heads": 2, "key_dim": 3}"#),
                                      weights: LayerTest.weights(w), call: CallArguments(kwargs: ["attention_mask": .array([.number(1)])]))
            _ = try LayerRegistry.build(&c)
            XCTFail("attention_mask must be refused")
        } catch {
            XCTAssertTrue("\(error)".contains("attention_mask"), "\(error)")
        }
    }
}
