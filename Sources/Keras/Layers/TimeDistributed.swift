/// Keras `TimeDistributed`: runs the wrapped layer on every time step, as one batch of batch × steps samples
/// (all supported layers are per-sample, so this is exact).
public final class TimeDistributedLayer: Layer {
    public let name: String
    public let className = "TimeDistributed"
    public var parameterCount: Int { inner.parameterCount }
    public var nonTrainableParameterCount: Int { inner.nonTrainableParameterCount }
    public private(set) var scratchPerSample = 0
    private let id: LayerIdentity
    let inner: Layer
    private var steps = 0

    init(_ context: inout LayerBuildContext) throws {
        id = LayerIdentity(context.config)
        name = id.name
        let saved = try context.config.object("layer")
        guard let cls = saved["class_name"]?.stringValue, let values = saved["config"]?.objectValue else {
            throw context.config.error("layer", "the wrapped layer has no class_name/config", kind: .badConfig)
        }
        let innerName = values["name"]?.stringValue ?? "\(id.name).\(cls)"
        var nested = LayerBuildContext(config: LayerConfig(className: cls, layerName: innerName, file: id.file, values: values),
                                       weights: try context.weights.child("layer"))
        inner = try LayerRegistry.buildNested(&nested)
    }

    static func make(_ context: inout LayerBuildContext) throws -> Layer { try TimeDistributedLayer(&context) }

    public func build(inputShapes: [Shape]) throws -> Shape {
        try id.expect(inputShapes)
        let s = inputShapes[0]
        guard s.count >= 2 else { throw id.shapeError("needs a time axis, input is \(s.batchedDescription)") }
        steps = s[0]
        let out = try inner.build(inputShapes: [Array(s.dropFirst())])
        scratchPerSample = steps * inner.scratchPerSample
        return [steps] + out
    }

    public func forward(_ inputs: LayerInputs, output: UnsafeMutablePointer<Float>, batch: Int, scratch: UnsafeMutablePointer<Float>) {
        inner.forward(inputs, output: output, batch: batch * steps, scratch: scratch)
    }
}
