/// Keras `InputLayer`: the model's entry point; passes its input through unchanged.
///
/// `declaredShape` is the shape the file declares (batch excluded) so the graph can size its input.
public final class InputLayer: Layer {
    public let name: String
    public let className = "InputLayer"
    public let parameterCount = 0
    public let scratchPerSample = 0
    /// `batch_shape` (Keras 3) or `batch_input_shape` (Keras 2) without the batch dimension (-1: variable); nil when absent.
    public let declaredShape: Shape?
    private let id: LayerIdentity
    private var count = 0

    init(_ config: inout LayerConfig) throws {
        id = LayerIdentity(config)
        name = config.layerName
        let key = config.values["batch_shape"] != nil ? "batch_shape" : "batch_input_shape"
        if let v = config.raw(key), let a = v.arrayValue, !a.isEmpty {
            var dims: Shape = []
            for d in a.dropFirst() {
                if d.isNull {
                    dims.append(-1)  // a variable dimension: the graph is built for the caller's window length
                    continue
                }
                guard let i = d.intValue, i > 0 else {
                    throw config.error(key, "every dimension but the batch must be a fixed positive size, found \(v.shortDescription)")
                }
                dims.append(i)
            }
            declaredShape = dims
        } else {
            declaredShape = nil
        }
        try config.require("sparse", equals: false)
        try config.require("ragged", equals: false)
        try config.require("optional", equals: false)
        config.ignore("input_tensor")
    }

    static func make(_ context: inout LayerBuildContext) throws -> Layer { try InputLayer(&context.config) }

    public func build(inputShapes: [Shape]) throws -> Shape {
        try id.expect(inputShapes)
        if let declaredShape, declaredShape.count != inputShapes[0].count
            || zip(declaredShape, inputShapes[0]).contains(where: { $0 != -1 && $0 != $1 }) {
            throw id.shapeError("declares input \(declaredShape.batchedDescription) but is fed \(inputShapes[0].batchedDescription)")
        }
        count = inputShapes[0].elementCount
        return inputShapes[0]
    }

    public func forward(_ inputs: LayerInputs, output: UnsafeMutablePointer<Float>, batch: Int, scratch: UnsafeMutablePointer<Float>) {
        output.update(from: inputs[0], count: batch * count)
    }
}
