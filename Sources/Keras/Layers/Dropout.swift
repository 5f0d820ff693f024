/// Layers that only act during training and pass their input through at inference: `Dropout`, `SpatialDropout1D`,
/// `GaussianNoise`, `GaussianDropout`, `AlphaDropout`. Their options (rate, stddev, noise_shape, seed) change
/// nothing at inference and are accepted as such.
public final class InferenceIdentityLayer: Layer {
    public let name: String
    public let className: String
    public let parameterCount = 0
    public let scratchPerSample = 0
    private let id: LayerIdentity
    private var count = 0

    init(_ context: inout LayerBuildContext) throws {
        id = LayerIdentity(context.config)
        name = id.name
        className = id.className
        context.config.ignore("rate", "noise_shape", "seed", "stddev")
    }

    static func make(_ context: inout LayerBuildContext) throws -> Layer { try InferenceIdentityLayer(&context) }

    public func build(inputShapes: [Shape]) throws -> Shape {
        try id.expect(inputShapes)
        count = inputShapes[0].elementCount
        return inputShapes[0]
    }

    public func forward(_ inputs: LayerInputs, output: UnsafeMutablePointer<Float>, batch: Int, scratch: UnsafeMutablePointer<Float>) {
        output.update(from: inputs[0], count: batch * count)
    }
}
