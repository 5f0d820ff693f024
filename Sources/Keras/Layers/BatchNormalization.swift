/// Keras `BatchNormalization` at inference, on its `axis` (any one axis but the batch): `x·inv + (beta − moving_mean·inv)`
/// with `inv = gamma/√(moving_variance + ε)`, as TensorFlow's `batch_normalization` computes it. The per-channel
/// `inv` and offset are folded at build time.
public final class BatchNormalizationLayer: Layer {
    public let name: String
    public let className = "BatchNormalization"
    public let parameterCount: Int
    public var nonTrainableParameterCount: Int { 2 * channels }  // moving_mean, moving_variance
    public let scratchPerSample = 0
    private let id: LayerIdentity
    private let axis: Int
    private let channels: Int
    private let scale: FloatBuffer
    private let offset: FloatBuffer
    private var count = 0
    /// Floats per channel step: the product of the dims after `axis` (1 for the last axis).
    private var inner = 1

    init(_ context: inout LayerBuildContext) throws {
        id = LayerIdentity(context.config)
        name = id.name
        let axes = try context.config.ints("axis")
        guard axes.count == 1 else { throw context.config.error("axis", "only one axis is supported, found \(axes)") }
        axis = axes[0]
        let epsilon = Float(try context.config.double("epsilon", default: 1e-3))
        let hasGamma = try context.config.bool("scale", default: true)
        let hasBeta = try context.config.bool("center", default: true)
        let w = context.weights
        guard let s = w.peekShape(), s.count == 1 else {
            throw KerasError(.badWeights, file: id.file, location: context.config.location, "weights are missing or not 1-D")
        }
        channels = s[0]
        let gamma = hasGamma ? try w.take("gamma", shape: s) : [Float](repeating: 1, count: channels)
        let beta = hasBeta ? try w.take("beta", shape: s) : [Float](repeating: 0, count: channels)
        let mean = try w.take("moving_mean", shape: s)
        let variance = try w.take("moving_variance", shape: s)
        parameterCount = (hasGamma ? channels : 0) + (hasBeta ? channels : 0) + 2 * channels
        var inv = [Float](repeating: 0, count: channels), off = inv
        for j in 0..<channels {
            var i = 1 / (variance[j] + epsilon).squareRoot()
            if hasGamma { i = i * gamma[j] }
            inv[j] = i
            off[j] = hasBeta ? beta[j] - mean[j] * i : -mean[j] * i
        }
        scale = FloatBuffer(inv)
        offset = FloatBuffer(off)
    }

    static func make(_ context: inout LayerBuildContext) throws -> Layer { try BatchNormalizationLayer(&context) }

    public func build(inputShapes: [Shape]) throws -> Shape {
        try id.expect(inputShapes)
        let s = inputShapes[0]
        guard let a = AxisGroups.resolve([axis], rank: s.count)?.first else {
            throw id.shapeError("axis \(axis) does not fit input \(s.batchedDescription) (the batch axis cannot be normalised)")
        }
        guard s[a] == channels else { throw id.shapeError("weights have \(channels) channels, axis \(axis) of \(s.batchedDescription) has \(s[a])") }
        count = s.elementCount
        inner = Array(s[(a + 1)...]).elementCount
        return s
    }

    public func forward(_ inputs: LayerInputs, output: UnsafeMutablePointer<Float>, batch: Int, scratch: UnsafeMutablePointer<Float>) {
        let rows = batch * count / channels
        let a = scale.pointer, c = offset.pointer
        if inner > 1 {
            // A channel axis before the last: runs of `inner` floats share one channel.
            let n = inner
            for r in 0..<(rows / n) {
                for j in 0..<channels {
                    let x = inputs[0] + (r * channels + j) * n, y = output + (r * channels + j) * n
                    for k in 0..<n { y[k] = x[k] * a[j] + c[j] }
                }
            }
            return
        }
        for r in 0..<rows {
            let x = inputs[0] + r * channels, y = output + r * channels
            for j in 0..<channels { y[j] = x[j] * a[j] + c[j] }
        }
    }
}
