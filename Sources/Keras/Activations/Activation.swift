import Foundation

/// An activation function as Keras 3 saves it (a name such as `"relu"`, a serialized function, or an activation layer
/// config), applied in place on float32 buffers.
///
/// Formulas follow the TensorFlow backend of Keras 3 (e.g. `hard_sigmoid` is relu6(x+3)/6, `gelu` is exact erf GELU
/// unless `approximate`, `leaky_relu` uses slope 0.2). Unknown names refuse the file at load time.
public enum Activation: Equatable, Sendable {
    case linear
    case relu
    /// The ReLU layer's general form: `max_value`, `negative_slope`, `threshold`.
    case reluGeneral(negativeSlope: Float, maxValue: Float?, threshold: Float)
    case relu6
    case leakyRelu(negativeSlope: Float)
    case sigmoid
    case hardSigmoid
    case hardSilu
    case tanh
    case softmax
    case elu(alpha: Float)
    case selu
    case gelu(approximate: Bool)
    case silu
    case softplus
    case softsign
    case exponential
    case mish
    // Keras 3 extras (not in issue 2's list; formulas of the TensorFlow backend, default parameters as the names give).
    case celu
    case hardTanh
    case hardShrink
    case softShrink
    case tanhShrink
    case logSigmoid
    case logSoftmax
    case sparsePlus
    case squarePlus
    case sparseSigmoid

    /// Names accepted as strings (Keras' `activations.get` table, including aliases).
    public static let names: [String: Activation] = [
        "linear": .linear, "relu": .relu, "relu6": .relu6, "leaky_relu": .leakyRelu(negativeSlope: 0.2),
        "sigmoid": .sigmoid, "hard_sigmoid": .hardSigmoid, "hard_silu": .hardSilu, "hard_swish": .hardSilu,
        "tanh": .tanh, "softmax": .softmax, "elu": .elu(alpha: 1), "selu": .selu, "gelu": .gelu(approximate: false),
        "silu": .silu, "swish": .silu, "softplus": .softplus, "softsign": .softsign, "exponential": .exponential,
        "mish": .mish, "celu": .celu, "hard_tanh": .hardTanh, "hard_shrink": .hardShrink, "soft_shrink": .softShrink,
        "tanh_shrink": .tanhShrink, "log_sigmoid": .logSigmoid, "log_softmax": .logSoftmax, "sparse_plus": .sparsePlus,
        "squareplus": .squarePlus, "sparse_sigmoid": .sparseSigmoid,
    ]

    /// False for softmax and log_softmax, which normalise over an axis and so cannot run on a slice of gates.
    public var isElementwise: Bool { self != .softmax && self != .logSoftmax }

    /// Like `read`, but refuses activations that are not elementwise (recurrent gates are slices of one vector).
    static func readElementwise(_ config: inout LayerConfig, _ key: String, default def: Activation) throws -> Activation {
        let a = try read(&config, key, default: def)
        guard a.isElementwise else { throw config.error(key, "softmax and log_softmax are not supported as recurrent activations") }
        return a
    }

    /// Reads option `key` (e.g. `activation`, `recurrent_activation`) of a layer config; absent or null means `def`.
    public static func read(_ config: inout LayerConfig, _ key: String, default def: Activation = .linear) throws -> Activation {
        guard let value = config.raw(key), !value.isNull else { return def }
        return try parse(value, config: config, key: key)
    }

    static func parse(_ value: JSONValue, config: LayerConfig, key: String) throws -> Activation {
        if let name = value.stringValue {
            guard let a = names[name] else {
                throw config.error(key, "activation \"\(name)\" is not supported (supported: \(names.keys.sorted().joined(separator: ", ")))")
            }
            return a
        }
        // {"module": "builtins", "class_name": "function", "config": "relu", ...}
        if let cls = value["class_name"]?.stringValue {
            if cls == "function", let inner = value["config"], inner.stringValue != nil {
                return try parse(inner, config: config, key: key)
            }
            // An activation layer object used as `activation=`: build it through its own layer config reader.
            if let layerConfig = value["config"]?.objectValue {
                var nested = LayerConfig(className: cls, layerName: config.layerName + "." + key, file: config.file,
                                         values: layerConfig)
                let a = try fromActivationLayer(&nested)
                try nested.finish()
                return a
            }
        }
        throw config.error(key, "activation \(value.shortDescription) is not supported; use a built-in Keras activation name")
    }

    /// The activation computed by an activation layer (`Activation`, `ReLU`, `LeakyReLU`, `ELU`, `Softmax`).
    static func fromActivationLayer(_ config: inout LayerConfig) throws -> Activation {
        switch config.className {
        case "Activation":
            return try read(&config, "activation")
        case "ReLU":
            let slope = Float(try config.double("negative_slope", default: 0))
            let threshold = Float(try config.double("threshold", default: 0))
            let maxValue: Float? = try config.raw("max_value").flatMap { v in
                if v.isNull { return nil }
                guard let d = v.doubleValue else { throw config.error("max_value", "expected a number, found \(v.shortDescription)", kind: .badConfig) }
                return Float(d)
            }
            if slope == 0, threshold == 0, maxValue == nil { return .relu }
            if slope == 0, threshold == 0, maxValue == 6 { return .relu6 }
            if threshold == 0, maxValue == nil { return .leakyRelu(negativeSlope: slope) }
            return .reluGeneral(negativeSlope: slope, maxValue: maxValue, threshold: threshold)
        case "LeakyReLU":
            // Keras 3 saves `negative_slope`; Keras 2 saved `alpha` (default 0.3).
            if config.values["negative_slope"] != nil {
                return .leakyRelu(negativeSlope: Float(try config.double("negative_slope")))
            }
            return .leakyRelu(negativeSlope: Float(try config.double("alpha", default: 0.3)))
        case "ELU":
            return .elu(alpha: Float(try config.double("alpha", default: 1)))
        case "Softmax":
            let axis = try config.optionalInts("axis") ?? [-1]
            guard axis == [-1] else { throw config.error("axis", "only the last axis (-1) is supported, found \(axis)") }
            return .softmax
        default:
            throw config.error("activation", "activation layer \(config.className) is not supported")
        }
    }

    /// Applies the function in place to `count` floats; `softmax` normalises each run of `lastAxis` floats.
    public func apply(_ p: UnsafeMutablePointer<Float>, count: Int, lastAxis: Int) {
        typealias V = SIMD8<Float>
        switch self {
        case .linear:
            return
        case .relu:
            for i in 0..<count { p[i] = p[i] < 0 ? 0 : p[i] }
        case .relu6:
            for i in 0..<count { p[i] = Swift.min(Swift.max(p[i], 0), 6) }
        case .leakyRelu(let s):
            for i in 0..<count { p[i] = p[i] < 0 ? p[i] * s : p[i] }
        case .reluGeneral(let slope, let maxValue, let threshold):
            for i in 0..<count {
                let x = p[i]
                var y = threshold != 0 ? (x > threshold ? x : 0) : Swift.max(x, 0)
                if let m = maxValue { y = Swift.min(Swift.max(y, 0), m) }
                if slope != 0 { y -= slope * Swift.max(threshold - x, 0) }
                p[i] = y
            }
        case .sigmoid:
            VectorMath.map(p, count) { VectorMath.sigmoid($0) }
        case .hardSigmoid:
            for i in 0..<count { p[i] = Swift.min(Swift.max(p[i] + 3, 0), 6) / 6 }
        case .hardSilu:
            for i in 0..<count { p[i] = p[i] * (Swift.min(Swift.max(p[i] + 3, 0), 6) / 6) }
        case .tanh:
            VectorMath.map(p, count) { VectorMath.tanh($0) }
        case .softmax:
            Activation.softmaxRows(p, count: count, lastAxis: lastAxis)
        case .elu(let alpha):
            for i in 0..<count where p[i] <= 0 { p[i] = alpha * Foundation.expm1(p[i]) }
        case .selu:
            let alpha: Float = 1.673_263_2, scale: Float = 1.050_701
            for i in 0..<count { p[i] = p[i] > 0 ? scale * p[i] : scale * alpha * Foundation.expm1(p[i]) }
        case .gelu(let approximate):
            if approximate {
                let c: Float = 0.797_884_56  // sqrt(2/pi)
                for i in 0..<count {
                    let x = p[i]
                    p[i] = 0.5 * x * (1 + Foundation.tanh(c * (x + 0.044_715 * x * x * x)))
                }
            } else {
                for i in 0..<count { p[i] = 0.5 * p[i] * (1 + Foundation.erf(p[i] * 0.707_106_77)) }
            }
        case .silu:
            VectorMath.map(p, count) { $0 * VectorMath.sigmoid($0) }
        case .softplus:
            for i in 0..<count { p[i] = Activation.softplus(p[i]) }
        case .softsign:
            for i in 0..<count { p[i] = p[i] / (1 + Swift.abs(p[i])) }
        case .exponential:
            for i in 0..<count { p[i] = Foundation.exp(p[i]) }
        case .mish:
            for i in 0..<count { p[i] = p[i] * Foundation.tanh(Activation.softplus(p[i])) }
        case .celu:  // max(x, 0) + α·expm1(min(x, 0)/α), α = 1
            for i in 0..<count { p[i] = Swift.max(p[i], 0) + Foundation.expm1(Swift.min(p[i], 0)) }
        case .hardTanh:
            for i in 0..<count { p[i] = Swift.min(Swift.max(p[i], -1), 1) }
        case .hardShrink:  // threshold 0.5
            for i in 0..<count where Swift.abs(p[i]) <= 0.5 { p[i] = 0 }
        case .softShrink:
            for i in 0..<count { p[i] = p[i] > 0.5 ? p[i] - 0.5 : (p[i] < -0.5 ? p[i] + 0.5 : 0) }
        case .tanhShrink:
            for i in 0..<count { p[i] = p[i] - Foundation.tanh(p[i]) }
        case .logSigmoid:
            for i in 0..<count { p[i] = -Activation.softplus(-p[i]) }
        case .logSoftmax:
            Activation.logSoftmaxRows(p, count: count, lastAxis: lastAxis)
        case .sparsePlus:
            for i in 0..<count { let x = p[i]; p[i] = x <= -1 ? 0 : (x < 1 ? 0.25 * (x + 1) * (x + 1) : x) }
        case .squarePlus:  // b = 4
            for i in 0..<count { let x = p[i]; p[i] = (x + (x * x + 4).squareRoot()) / 2 }
        case .sparseSigmoid:
            for i in 0..<count { let x = p[i]; p[i] = x <= -1 ? 0 : (x >= 1 ? 1 : 0.5 * (x + 1)) }
        }
    }

    /// log(1 + e^x) without overflow, as TensorFlow computes it.
    static func softplus(_ x: Float) -> Float {
        if x > 15 { return x }
        if x < -15 { return Foundation.exp(x) }
        return Foundation.log1p(Foundation.exp(x))
    }

    /// Softmax over the floats at `members` offsets from `p` (an axis other than the last, or several axes).
    static func softmaxStrided(_ p: UnsafeMutablePointer<Float>, members: UnsafeBufferPointer<Int>) {
        guard let first = members.first else { return }
        var m = p[first]
        for o in members { m = Swift.max(m, p[o]) }
        var s: Float = 0
        for o in members {
            let e = Foundation.exp(p[o] - m)
            p[o] = e
            s += e
        }
        for o in members { p[o] /= s }
    }

    /// log_softmax over each run of `lastAxis` floats: x − max − log Σ exp(x − max), as `tf.nn.log_softmax`.
    static func logSoftmaxRows(_ p: UnsafeMutablePointer<Float>, count: Int, lastAxis: Int) {
        guard lastAxis > 0 else { return }
        var row = p
        let end = p + count
        while row < end {
            var m = row[0]
            for j in 1..<lastAxis { m = Swift.max(m, row[j]) }
            var s: Float = 0
            for j in 0..<lastAxis { s += Foundation.exp(row[j] - m) }
            let l = Foundation.log(s)
            for j in 0..<lastAxis { row[j] = row[j] - m - l }
            row += lastAxis
        }
    }

    /// Softmax over each run of `lastAxis` floats: subtract the max, exponentiate, divide by the sum.
    static func softmaxRows(_ p: UnsafeMutablePointer<Float>, count: Int, lastAxis: Int) {
        guard lastAxis > 0 else { return }
        var row = p
        let end = p + count
        while row < end {
            var m = row[0]
            for j in 1..<lastAxis { m = Swift.max(m, row[j]) }
            for j in 0..<lastAxis { row[j] -= m }
            VectorMath.map(row, lastAxis) { VectorMath.exp($0) }
            var s: Float = 0
            for j in 0..<lastAxis { s += row[j] }
            for j in 0..<lastAxis { row[j] /= s }
            row += lastAxis
        }
    }
}
