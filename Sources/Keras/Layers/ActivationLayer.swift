/// Keras `Activation`, `ReLU`, `LeakyReLU`, `ELU` and `Softmax` layers: an activation function as a layer.
/// `Softmax` may normalise over any axis or set of axes (not the batch axis), as its `axis` option says.
public final class ActivationLayer: Layer {
    public let name: String
    public let className: String
    public let activation: Activation
    public let parameterCount = 0
    public let scratchPerSample = 0
    private let id: LayerIdentity
    private var count = 0
    private var lastAxis = 1
    /// Softmax axes as saved (counted with the batch axis); `[-1]` for every other activation.
    private let softmaxAxes: [Int]
    /// Set when softmax runs over axes other than just the last one.
    private var groups: AxisGroups?

    init(_ context: inout LayerBuildContext) throws {
        id = LayerIdentity(context.config)
        name = id.name
        className = id.className
        if id.className == "Softmax" {
            softmaxAxes = try context.config.optionalInts("axis") ?? [-1]
            guard !softmaxAxes.isEmpty else { throw context.config.error("axis", "must name at least one axis", kind: .badConfig) }
            activation = .softmax
        } else {
            softmaxAxes = [-1]
            activation = try Activation.fromActivationLayer(&context.config)
        }
    }

    static func make(_ context: inout LayerBuildContext) throws -> Layer { try ActivationLayer(&context) }

    public func build(inputShapes: [Shape]) throws -> Shape {
        try id.expect(inputShapes)
        let s = inputShapes[0]
        count = s.elementCount
        lastAxis = s.last ?? 1
        guard let axes = AxisGroups.resolve(softmaxAxes, rank: s.count) else {
            throw id.shapeError("axis \(softmaxAxes) does not fit input \(s.batchedDescription) (softmax over the batch axis is not supported)")
        }
        groups = axes == [s.count - 1] ? nil : AxisGroups(shape: s, axes: axes)
        return s
    }

    public func forward(_ inputs: LayerInputs, output: UnsafeMutablePointer<Float>, batch: Int, scratch: UnsafeMutablePointer<Float>) {
        output.update(from: inputs[0], count: batch * count)
        guard let groups else {
            activation.apply(output, count: batch * count, lastAxis: lastAxis)
            return
        }
        groups.groupOffsets.withUnsafeBufferPointer { go in
            groups.memberOffsets.withUnsafeBufferPointer { mo in
                for b in 0..<batch {
                    for base in go { Activation.softmaxStrided(output + b * count + base, members: mo) }
                }
            }
        }
    }
}
