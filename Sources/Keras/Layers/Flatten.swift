/// Keras `Flatten`: one sample becomes a vector (row-major order, which is Keras' order for channels_last).
public final class FlattenLayer: Layer {
    public let name: String
    public let className = "Flatten"
    public let parameterCount = 0
    public let scratchPerSample = 0
    private let id: LayerIdentity
    private var count = 0

    init(_ context: inout LayerBuildContext) throws {
        id = LayerIdentity(context.config)
        name = id.name
        try context.config.requireChannelsLast()
    }

    static func make(_ context: inout LayerBuildContext) throws -> Layer { try FlattenLayer(&context) }

    public func build(inputShapes: [Shape]) throws -> Shape {
        try id.expect(inputShapes)
        count = inputShapes[0].elementCount
        return [count]
    }

    public func forward(_ inputs: LayerInputs, output: UnsafeMutablePointer<Float>, batch: Int, scratch: UnsafeMutablePointer<Float>) {
        output.update(from: inputs[0], count: batch * count)
    }
}
