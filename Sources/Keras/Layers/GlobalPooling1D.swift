/// Keras `GlobalAveragePooling1D` and `GlobalMaxPooling1D` (channels_last): one value per channel over all steps;
/// `keepdims` keeps a time axis of length 1.
public final class GlobalPooling1DLayer: Layer {
    public let name: String
    public let className: String
    public let parameterCount = 0
    public let scratchPerSample = 0
    private let id: LayerIdentity
    private let isMax: Bool
    private let keepDims: Bool
    private var steps = 0
    private var channels = 0

    init(_ context: inout LayerBuildContext) throws {
        id = LayerIdentity(context.config)
        name = id.name
        className = id.className
        isMax = id.className == "GlobalMaxPooling1D"
        keepDims = try context.config.bool("keepdims", default: false)
        try context.config.requireChannelsLast()
    }

    static func make(_ context: inout LayerBuildContext) throws -> Layer { try GlobalPooling1DLayer(&context) }

    public func build(inputShapes: [Shape]) throws -> Shape {
        try id.expect(inputShapes, rank: 2)
        steps = inputShapes[0][0]
        channels = inputShapes[0][1]
        return keepDims ? [1, channels] : [channels]
    }

    public func forward(_ inputs: LayerInputs, output: UnsafeMutablePointer<Float>, batch: Int, scratch: UnsafeMutablePointer<Float>) {
        let c = channels
        for b in 0..<batch {
            let x = inputs[0] + b * steps * c
            let y = output + b * c
            y.update(from: x, count: c)
            for t in 1..<Swift.max(steps, 1) {
                let row = x + t * c
                if isMax { for j in 0..<c { y[j] = Swift.max(y[j], row[j]) } } else { for j in 0..<c { y[j] += row[j] } }
            }
            if !isMax {
                let n = Float(steps)
                for j in 0..<c { y[j] /= n }
            }
        }
    }
}
