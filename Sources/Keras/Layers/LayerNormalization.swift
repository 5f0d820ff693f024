import Foundation

/// Keras `LayerNormalization` over the last axis: `x·inv + (beta − mean·inv)` with `inv = gamma/√(var + ε)`,
/// in the order Keras' TensorFlow backend computes it. `rms_scaling` is refused.
public final class LayerNormalizationLayer: Layer {
    public let name: String
    public let className = "LayerNormalization"
    public var parameterCount: Int { (gamma?.count ?? 0) + (beta?.count ?? 0) }
    public let scratchPerSample = 0
    private let id: LayerIdentity
    private let epsilon: Float
    private let axis: Int
    private var gamma: FloatBuffer?
    private var beta: FloatBuffer?
    private let hasGamma: Bool
    private let hasBeta: Bool
    private var count = 0
    private var width = 0

    init(_ context: inout LayerBuildContext) throws {
        id = LayerIdentity(context.config)
        name = id.name
        let axes = try context.config.optionalInts("axis") ?? [-1]
        guard axes.count == 1 else { throw context.config.error("axis", "only one axis (the last) is supported, found \(axes)") }
        axis = axes[0]
        epsilon = Float(try context.config.double("epsilon", default: 1e-3))
        hasGamma = try context.config.bool("scale", default: true)
        hasBeta = try context.config.bool("center", default: true)
        try context.config.require("rms_scaling", equals: false)
        // Sizes are known from the weights themselves; shapes are checked against the input in build().
        let w = context.weights, location = context.config.location
        func take(_ label: String) throws -> FloatBuffer {
            guard let s = w.peekShape(), s.count == 1 else {
                throw KerasError(.badWeights, file: w.file, location: location, "weight '\(label)' is missing or not 1-D")
            }
            return FloatBuffer(try w.take(label, shape: s))
        }
        if hasGamma { gamma = try take("gamma") }
        if hasBeta { beta = try take("beta") }
    }

    static func make(_ context: inout LayerBuildContext) throws -> Layer { try LayerNormalizationLayer(&context) }

    public func build(inputShapes: [Shape]) throws -> Shape {
        try id.expect(inputShapes)
        let s = inputShapes[0]
        guard axis == -1 || axis == s.count else {
            throw id.shapeError("only the last axis is supported; axis \(axis) of \(s.batchedDescription) is not the last")
        }
        width = s.last ?? 1
        count = s.elementCount
        for (label, w) in [("gamma", gamma), ("beta", beta)] {
            if let w, w.count != width { throw id.shapeError("\(label) has \(w.count) values, the last axis has \(width)") }
        }
        return s
    }

    public func forward(_ inputs: LayerInputs, output: UnsafeMutablePointer<Float>, batch: Int, scratch: UnsafeMutablePointer<Float>) {
        let n = width
        let rows = batch * count / Swift.max(n, 1)
        let fn = Float(n)
        for r in 0..<rows {
            let x = inputs[0] + r * n, y = output + r * n
            var sum: Float = 0
            for j in 0..<n { sum += x[j] }
            let mean = sum / fn
            var sq: Float = 0
            for j in 0..<n { let d = x[j] - mean; sq += d * d }
            let variance = sq / fn
            let inv0 = 1 / (variance + epsilon).squareRoot()
            for j in 0..<n {
                let inv = gamma.map { inv0 * $0.pointer[j] } ?? inv0
                var res = -mean * inv
                if let beta { res = res + beta.pointer[j] }
                y[j] = x[j] * inv + res
            }
        }
    }
}
