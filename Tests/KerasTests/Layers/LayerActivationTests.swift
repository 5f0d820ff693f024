import XCTest
@testable import Keras

/// Activations against Keras 3.15 (TensorFlow backend), computed once with:
///   x = np.array([-3.5,-1.2,-0.3,0.0,0.4,1.7,4.2], dtype=np.float32)
///   for n in names: print(np.asarray(keras.activations.get(n)(x)))
final class LayerActivationTests: XCTestCase {
    let x: [Float] = [-3.5, -1.2, -0.3, 0.0, 0.4, 1.7, 4.2]
    let keras: [(String, [Float])] = [
        ("relu", [0.0, 0.0, 0.0, 0.0, 0.4000000059604645, 1.7000000476837158, 4.199999809265137]),
        ("sigmoid", [0.02931223064661026, 0.23147520422935486, 0.4255574643611908, 0.5, 0.5986877083778381, 0.8455347418785095, 0.9852259755134583]),
        ("hard_sigmoid", [0.0, 0.29999998211860657, 0.45000001788139343, 0.5, 0.5666666626930237, 0.7833333015441895, 1.0]),
        ("tanh", [-0.9981779456138611, -0.8336547017097473, -0.29131263494491577, 0.0, 0.3799489736557007, 0.9354090690612793, 0.999550461769104]),
        ("elu", [-0.9698026180267334, -0.6988058090209961, -0.25918179750442505, 0.0, 0.4000000059604645, 1.7000000476837158, 4.199999809265137]),
        ("selu", [-1.7050093412399292, -1.2285699844360352, -0.4556673467159271, 0.0, 0.42028042674064636, 1.7861918210983276, 4.412944316864014]),
        ("gelu", [-0.0008142015431076288, -0.13808363676071167, -0.11462657898664474, 0.0, 0.2621687054634094, 1.6242388486862183, 4.199943542480469]),
        ("swish", [-0.10259281098842621, -0.2777702510356903, -0.12766724824905396, 0.0, 0.2394750863313675, 1.4374090433120728, 4.137948989868164]),
        ("softplus", [0.029750417917966843, 0.26328244805336, 0.554355263710022, 0.6931471824645996, 0.9130152463912964, 1.8677860498428345, 4.214884281158447]),
        ("leaky_relu", [-0.699999988079071, -0.24000000953674316, -0.06000000238418579, 0.0, 0.4000000059604645, 1.7000000476837158, 4.199999809265137]),
        ("relu6", [0.0, 0.0, 0.0, 0.0, 0.4000000059604645, 1.7000000476837158, 4.199999809265137]),
        ("exponential", [0.03019738383591175, 0.3011941909790039, 0.740818202495575, 1.0, 1.491824746131897, 5.473947525024414, 66.68631744384766]),
        ("mish", [-0.10409575700759888, -0.3088357746601105, -0.15113317966461182, 0.0, 0.2890305519104004, 1.6207680702209473, 4.1981658935546875]),
        ("softsign", [-0.7777777910232544, -0.5454545617103577, -0.23076924681663513, 0.0, 0.2857142984867096, 0.6296296119689941, 0.807692289352417]),
        ("hard_silu", [-0.0, -0.35999998450279236, -0.13500000536441803, 0.0, 0.2266666740179062, 1.3316667079925537, 4.199999809265137]),
        ("softmax", [0.0003987806267105043, 0.003977511543780565, 0.009783095680177212, 0.013205800205469131, 0.01970074139535427, 0.07228786498308182, 0.8806462287902832]),
        // Keras 3 extras beyond issue 2's list (celu … sparse_sigmoid; log_softmax over the 7 values).
        ("celu", [-0.9698026180267334, -0.6988058090209961, -0.25918179750442505, 0.0, 0.4000000059604645, 1.7000000476837158, 4.199999809265137]),
        ("hard_tanh", [-1.0, -1.0, -0.30000001192092896, 0.0, 0.4000000059604645, 1.0, 1.0]),
        ("hard_shrink", [-3.5, -1.2000000476837158, 0.0, 0.0, 0.0, 1.7000000476837158, 4.199999809265137]),
        ("soft_shrink", [-3.0, -0.7000000476837158, 0.0, 0.0, 0.0, 1.2000000476837158, 3.6999998092651367]),
        ("tanh_shrink", [-2.501821994781494, -0.3663453459739685, -0.008687376976013184, 0.0, 0.020051032304763794, 0.7645909786224365, 3.2004494667053223]),
        ("log_sigmoid", [-3.529750347137451, -1.4632824659347534, -0.8543552756309509, -0.6931471824645996, -0.5130152702331543, -0.16778601706027985, -0.014884257689118385]),
        ("log_softmax", [-7.827099323272705, -5.527099132537842, -4.627099514007568, -4.327099323272705, -3.9270989894866943, -2.62709903717041, -0.12709929049015045]),
        ("sparse_plus", [0.0, 0.0, 0.1224999949336052, 0.25, 0.4899999797344208, 1.7000000476837158, 4.199999809265137]),
        ("squareplus", [0.2655644416809082, 0.5661903619766235, 0.8611874580383301, 1.0, 1.2198039293289185, 2.162440538406372, 4.42594051361084]),
        ("sparse_sigmoid", [0.0, 0.0, 0.3499999940395355, 0.5, 0.699999988079071, 1.0, 1.0]),
    ]

    func testEveryActivationMatchesKeras() throws {
        for (name, want) in keras {
            let a = try XCTUnwrap(Activation.names[name], name)
            var y = x
            y.withUnsafeMutableBufferPointer { a.apply($0.baseAddress!, count: $0.count, lastAxis: $0.count) }
            for (i, (g, w)) in zip(y, want).enumerated() {
                XCTAssertEqual(g, w, accuracy: max(2e-7, abs(w) * 4e-7), "\(name)(\(x[i]))")
            }
        }
    }

    func testSerializedFormsAndLayerForms() throws {
        var c = LayerTest.config("Dense", #"{"activation": {"module": "builtins", "class_name": "function", "config": "swish", "registered_name": "function"}}"#)
        XCTAssertEqual(try Activation.read(&c, "activation"), .silu)
        c = LayerTest.config("Dense", #"{"activation": {"module": "keras.layers", "class_name": "LeakyReLU", "config": {"name": "l", "trainable": true, "dtype": "float32", "negative_slope": 0.1}}}"#)
        XCTAssertEqual(try Activation.read(&c, "activation"), .leakyRelu(negativeSlope: 0.1))
        c = LayerTest.config("Dense", #"{"activation": null}"#)
        XCTAssertEqual(try Activation.read(&c, "activation"), .linear)
        c = LayerTest.config("Dense", #"{"activation": {"module": "my", "class_name": "MyAct", "config": {"k": 1}}}"#)
        XCTAssertThrowsError(try Activation.read(&c, "activation")) { e in
            XCTAssertTrue("\(e)".contains("MyAct"), "\(e)")
        }
    }

    func testReLULayerGeneralForm() throws {
        // keras.layers.ReLU(max_value=1.0, negative_slope=0.5, threshold=0.5)(x)
        var c = LayerTest.config("ReLU", #"{"max_value": 1.0, "negative_slope": 0.5, "threshold": 0.5}"#)
        let a = try Activation.fromActivationLayer(&c)
        var y: [Float] = [-1, 0.25, 0.75, 2]
        y.withUnsafeMutableBufferPointer { a.apply($0.baseAddress!, count: 4, lastAxis: 4) }
        // x <= threshold: −0.5·(0.5 − x); above: min(x, 1)
        XCTAssertEqual(y, [-0.75, -0.125, 0.75, 1])
    }

    /// The vectorised exp/sigmoid/tanh (VectorMath) agree with the C library across the float range that matters.
    func testVectorMathAgreesWithReference() {
        var worstExp: Float = 0, worstSig: Float = 0, worstTanh: Float = 0
        var v = [Float](repeating: 0, count: 8)
        var x: Float = -40
        while x < 40 {
            for j in 0..<8 { v[j] = x + Float(j) * 0.0013 }
            let e = VectorMath.exp(SIMD8(v)), s = VectorMath.sigmoid(SIMD8(v)), t = VectorMath.tanh(SIMD8(v))
            for j in 0..<8 {
                let re = VectorMath.expReference(v[j])
                worstExp = max(worstExp, abs(e[j] - re) / re)
                worstSig = max(worstSig, abs(s[j] - VectorMath.sigmoidReference(v[j])))
                worstTanh = max(worstTanh, abs(t[j] - VectorMath.tanhReference(v[j])))
            }
            x += 0.0173
        }
        XCTAssertLessThan(worstExp, 3e-7)
        XCTAssertLessThan(worstSig, 1.2e-7)
        XCTAssertLessThan(worstTanh, 2.5e-7)
        XCTAssertEqual(VectorMath.sigmoid(SIMD8(repeating: -200))[0], 0, accuracy: 1e-30)
        XCTAssertEqual(VectorMath.sigmoid(SIMD8(repeating: 200))[0], 1)
        XCTAssertEqual(VectorMath.tanh(SIMD8(repeating: -200))[0], -1)
    }
}

/// `VectorMath.map` over every length class (short, exact multiples of 8, ragged tails) equals the per-element result.
final class LayerVectorMapTests: XCTestCase {
    func testMapCoversEveryElementOnce() {
        for n in [1, 3, 7, 8, 9, 15, 16, 20, 60, 61] {
            let x = LayerTest.det(n, 2)
            var y = x
            y.withUnsafeMutableBufferPointer { VectorMath.map($0.baseAddress!, n) { VectorMath.sigmoid($0) } }
            for i in 0..<n {
                XCTAssertEqual(y[i], VectorMath.sigmoid(SIMD8(repeating: x[i]))[0], "n=\(n) i=\(i)")
            }
        }
    }
}
