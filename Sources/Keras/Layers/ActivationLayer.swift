/// Keras `Activation`, `ReLU`, `LeakyReLU`, `ELU` and `Softmax` layers: an activation function as a layer.
public final class ActivationLayer: Layer {
    public let name: String
    public let className: String
    public let activation: Activation
    public let parameterCount = 0
    public let scratchPerSample = 0
    private let id: LayerIdentity
    private var count = 0
    private var lastAxis = 1

    init(_ context: inout LayerBuildContext) throws {
        id = LayerIdentity(context.config)
        name = id.name
        className = id.className
        activation = try Activation.fromActivationLayer(&context.config)
    }

    static func make(_ context: inout LayerBuildContext) throws -> Layer { try ActivationLayer(&context) }

    public func build(inputShapes: [Shape]) throws -> Shape {
        try id.expect(inputShapes)
        count = inputShapes[0].elementCount
        lastAxis = inputShapes[0].last ?? 1
        return inputShapes[0]
    }

    public func forward(_ inputs: LayerInputs, output: UnsafeMutablePointer<Float>, batch: Int, scratch: UnsafeMutablePointer<Float>) {
        output.update(from: inputs[0], count: batch * count)
        activation.apply(output, count: batch * count, lastAxis: lastAxis)
    }
}
