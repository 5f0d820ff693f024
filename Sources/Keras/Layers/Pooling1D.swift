/// Keras `MaxPooling1D` and `AveragePooling1D` (channels_last): windows of `pool_size` rows every `strides` rows,
/// padding valid/same. With `same`, padded rows are ignored: they never win a max and are not counted in a mean
/// (TensorFlow's rule, which Keras follows).
public final class Pooling1DLayer: Layer {
    public let name: String
    public let className: String
    public let parameterCount = 0
    public let scratchPerSample = 0
    private let id: LayerIdentity
    private let isMax: Bool
    private let poolSize: Int
    private let stride: Int
    private let padding: ConvGeometry.Padding
    private var geometry = ConvGeometry(inputLength: 0, kernel: 1, stride: 1, dilation: 1, padding: .valid)
    private var channels = 0

    init(_ context: inout LayerBuildContext) throws {
        id = LayerIdentity(context.config)
        name = id.name
        className = id.className
        isMax = id.className == "MaxPooling1D"
        poolSize = try context.config.int("pool_size", default: 2)
        stride = try context.config.int("strides", default: poolSize)
        guard poolSize > 0 else { throw context.config.error("pool_size", "must be positive", kind: .badConfig) }
        guard stride > 0 else { throw context.config.error("strides", "must be positive", kind: .badConfig) }
        padding = try context.config.choice("padding", ["valid", "same"], default: "valid") == "same" ? .same : .valid
        try context.config.requireChannelsLast()
    }

    static func make(_ context: inout LayerBuildContext) throws -> Layer { try Pooling1DLayer(&context) }

    public func build(inputShapes: [Shape]) throws -> Shape {
        try id.expect(inputShapes, rank: 2)
        channels = inputShapes[0][1]
        geometry = ConvGeometry(inputLength: inputShapes[0][0], kernel: poolSize, stride: stride, dilation: 1, padding: padding)
        guard geometry.outputLength > 0 else { throw id.shapeError("input length \(inputShapes[0][0]) is shorter than pool_size \(poolSize)") }
        return [geometry.outputLength, channels]
    }

    public func forward(_ inputs: LayerInputs, output: UnsafeMutablePointer<Float>, batch: Int, scratch: UnsafeMutablePointer<Float>) {
        let g = geometry, c = channels
        for b in 0..<batch {
            let x = inputs[0] + b * g.inputLength * c
            for t in 0..<g.outputLength {
                let y = output + (b * g.outputLength + t) * c
                let first = Swift.max(g.inputRow(output: t, tap: 0), 0)
                let last = Swift.min(g.inputRow(output: t, tap: poolSize - 1), g.inputLength - 1)
                y.update(from: x + first * c, count: c)
                if first < last {
                    for r in (first + 1)...last {
                        let row = x + r * c
                        if isMax { for j in 0..<c { y[j] = Swift.max(y[j], row[j]) } } else { for j in 0..<c { y[j] += row[j] } }
                    }
                }
                if !isMax {
                    let n = Float(last - first + 1)
                    for j in 0..<c { y[j] /= n }
                }
            }
        }
    }
}
