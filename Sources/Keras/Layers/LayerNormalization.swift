import Foundation

/// Keras `LayerNormalization` over `axis` (one axis or several, any of them, not the batch axis): per sample and per
/// position of the other axes, `x·inv + (beta − mean·inv)` with `inv = gamma/√(var + ε)` over the normalised axes,
/// in the order Keras' TensorFlow backend computes it. `gamma`/`beta` hold one value per position of the normalised
/// axes (row-major in axis order, as Keras reshapes them). `rms_scaling` (deprecated in Keras, kept for old files)
/// computes `x·(1/√(var + ε))·gamma` without centring, exactly like Keras.
public final class LayerNormalizationLayer: Layer {
    public let name: String
    public let className = "LayerNormalization"
    public var parameterCount: Int { (gamma?.count ?? 0) + (beta?.count ?? 0) }
    public let scratchPerSample = 0
    private let id: LayerIdentity
    private let epsilon: Float
    private let axes: [Int]
    private let rmsScaling: Bool
    private var gamma: FloatBuffer?
    private var beta: FloatBuffer?
    private var weightShapes: [(String, [Int])] = []
    private var count = 0
    private var width = 0
    /// Set when the normalised axes are not just the last one.
    private var groups: AxisGroups?

    init(_ context: inout LayerBuildContext) throws {
        id = LayerIdentity(context.config)
        name = id.name
        axes = try context.config.optionalInts("axis") ?? [-1]
        guard !axes.isEmpty else { throw context.config.error("axis", "must name at least one axis", kind: .badConfig) }
        epsilon = Float(try context.config.double("epsilon", default: 1e-3))
        rmsScaling = try context.config.bool("rms_scaling", default: false)
        // Keras creates gamma when `scale` or `rms_scaling`, beta only when `center` and not `rms_scaling`.
        let hasGamma = try context.config.bool("scale", default: true) || rmsScaling
        let hasBeta = try context.config.bool("center", default: true) && !rmsScaling
        // Sizes are known from the weights themselves; shapes are checked against the input in build().
        let w = context.weights, location = context.config.location
        var shapes: [(String, [Int])] = []
        func take(_ label: String) throws -> FloatBuffer {
            guard let s = w.peekShape(), !s.isEmpty else {
                throw KerasError(.badWeights, file: w.file, location: location, "weight '\(label)' is missing")
            }
            shapes.append((label, s))
            return FloatBuffer(try w.take(label, shape: s))
        }
        if hasGamma { gamma = try take("gamma") }
        if hasBeta { beta = try take("beta") }
        weightShapes = shapes
    }

    static func make(_ context: inout LayerBuildContext) throws -> Layer { try LayerNormalizationLayer(&context) }

    public func build(inputShapes: [Shape]) throws -> Shape {
        try id.expect(inputShapes)
        let s = inputShapes[0]
        guard let resolved = AxisGroups.resolve(axes, rank: s.count) else {
            throw id.shapeError("axis \(axes) does not fit input \(s.batchedDescription) (the batch axis cannot be normalised)")
        }
        // Keras sizes gamma/beta as the input dims of the axes in sorted (as saved) order.
        let expected = axes.sorted().map { s[$0 < 0 ? s.count + $0 : $0 - 1] }
        for (label, shape) in weightShapes where shape != expected {
            throw id.shapeError("\(label) has shape \(shape), expected \(expected) for axis \(axes) of \(s.batchedDescription)")
        }
        count = s.elementCount
        if resolved == [s.count - 1] {
            width = s.last ?? 1
            groups = nil
        } else {
            let g = AxisGroups(shape: s, axes: resolved)
            width = g.memberOffsets.count
            groups = g
        }
        return s
    }

    public func forward(_ inputs: LayerInputs, output: UnsafeMutablePointer<Float>, batch: Int, scratch: UnsafeMutablePointer<Float>) {
        if let groups {
            groups.groupOffsets.withUnsafeBufferPointer { go in
                groups.memberOffsets.withUnsafeBufferPointer { mo in
                    for b in 0..<batch {
                        for base in go { normalize(inputs[0] + b * count + base, output + b * count + base, members: mo) }
                    }
                }
            }
            return
        }
        let n = width
        let rows = batch * count / Swift.max(n, 1)
        for r in 0..<rows { normalizeRow(inputs[0] + r * n, output + r * n, n: n) }
    }

    /// The last-axis case: one contiguous row.
    @inline(__always)
    private func normalizeRow(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, n: Int) {
        let fn = Float(n)
        var sum: Float = 0
        for j in 0..<n { sum += x[j] }
        let mean = sum / fn
        var sq: Float = 0
        for j in 0..<n { let d = x[j] - mean; sq += d * d }
        let inv0 = 1 / (sq / fn + epsilon).squareRoot()
        if rmsScaling {
            for j in 0..<n { y[j] = x[j] * inv0 * (gamma?.pointer[j] ?? 1) }
            return
        }
        if n == 1 {
            // One feature: x − mean is exactly 0, so the output is beta. Keras' compiled graph (model.predict) gets
            // exactly that; the expanded x·inv + (beta − mean·inv) would leave rounding of x·inv (≈ x/√ε) instead.
            y[0] = beta?.pointer[0] ?? 0
            return
        }
        for j in 0..<n {
            let inv = gamma.map { inv0 * $0.pointer[j] } ?? inv0
            var res = -mean * inv
            if let beta { res = res + beta.pointer[j] }
            y[j] = x[j] * inv + res
        }
    }

    /// The general case: the members of one group sit at `members` offsets from `x`.
    private func normalize(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, members: UnsafeBufferPointer<Int>) {
        let fn = Float(members.count)
        var sum: Float = 0
        for o in members { sum += x[o] }
        let mean = sum / fn
        var sq: Float = 0
        for o in members { let d = x[o] - mean; sq += d * d }
        let inv0 = 1 / (sq / fn + epsilon).squareRoot()
        for (j, o) in members.enumerated() {
            if rmsScaling {
                y[o] = x[o] * inv0 * (gamma?.pointer[j] ?? 1)
                continue
            }
            let inv = gamma.map { inv0 * $0.pointer[j] } ?? inv0
            var res = -mean * inv
            if let beta { res = res + beta.pointer[j] }
            y[o] = x[o] * inv + res
        }
    }
}
