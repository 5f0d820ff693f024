/// Keras `Conv1D` (channels_last): `activation(conv(x, kernel) + bias)` with padding valid/same/causal, strides and
/// dilation. Kernel (k, in, filters) row-major: each tap is an (in × filters) matrix, so the convolution is one
/// strided matrix product per tap (`Gemm.gemmAccumulate` reading overlapping input rows in place, no im2col copy).
public final class Conv1DLayer: Layer {
    public let name: String
    public let className = "Conv1D"
    public let filters: Int
    public let activation: Activation
    public var parameterCount: Int { kernel.count + (bias?.count ?? 0) }
    public let scratchPerSample = 0
    private let id: LayerIdentity
    private let kernelSize: Int
    private let stride: Int
    private let dilation: Int
    private let padding: ConvGeometry.Padding
    private let channels: Int
    private let kernel: FloatBuffer
    private let bias: FloatBuffer?
    private var geometry = ConvGeometry(inputLength: 0, kernel: 1, stride: 1, dilation: 1, padding: .valid)

    init(_ context: inout LayerBuildContext) throws {
        var config = context.config
        defer { context.config = config }
        id = LayerIdentity(config)
        name = config.layerName
        filters = try config.int("filters")
        kernelSize = try config.int("kernel_size")
        stride = try config.int("strides", default: 1)
        dilation = try config.int("dilation_rate", default: 1)
        guard filters > 0 else { throw config.error("filters", "must be positive, found \(filters)", kind: .badConfig) }
        guard kernelSize > 0 else { throw config.error("kernel_size", "must be positive, found \(kernelSize)", kind: .badConfig) }
        guard stride > 0 else { throw config.error("strides", "must be positive, found \(stride)", kind: .badConfig) }
        guard dilation > 0 else { throw config.error("dilation_rate", "must be positive, found \(dilation)", kind: .badConfig) }
        let p = try config.choice("padding", ["valid", "same", "causal"], default: "valid")
        padding = ConvGeometry.Padding(rawValue: p) ?? .valid
        try config.requireChannelsLast()
        let groups = try config.int("groups", default: 1)
        guard groups == 1 else { throw config.error("groups", "grouped convolution (groups=\(groups)) is not supported") }
        activation = try Activation.read(&config, "activation")
        let useBias = try config.bool("use_bias", default: true)
        guard let shape = context.weights.peekShape(), shape.count == 3 else {
            throw KerasError(.badWeights, file: config.file, location: config.location, "kernel is missing or not 3-D")
        }
        channels = shape[1]
        kernel = FloatBuffer(try context.weights.take("kernel", shape: [kernelSize, channels, filters]))
        bias = useBias ? FloatBuffer(try context.weights.take("bias", shape: [filters])) : nil
    }

    static func make(_ context: inout LayerBuildContext) throws -> Layer { try Conv1DLayer(&context) }

    public func build(inputShapes: [Shape]) throws -> Shape {
        try id.expect(inputShapes, rank: 2)
        let s = inputShapes[0]
        guard s[1] == channels else { throw id.shapeError("kernel expects \(channels) channels, input is \(s.batchedDescription)") }
        geometry = ConvGeometry(inputLength: s[0], kernel: kernelSize, stride: stride, dilation: dilation, padding: padding)
        guard geometry.outputLength > 0 else {
            throw id.shapeError("input length \(s[0]) is shorter than the kernel span \((kernelSize - 1) * dilation + 1)")
        }
        return [geometry.outputLength, filters]
    }

    public func forward(_ inputs: LayerInputs, output: UnsafeMutablePointer<Float>, batch: Int, scratch: UnsafeMutablePointer<Float>) {
        let g = geometry
        Conv1DKernel.run(count: batch, x: inputs[0], geometry: g, channels: channels, filters: filters,
                         kernel: kernel.pointer, y: output)
        let outStride = g.outputLength * filters
        if let bias { Gemm.addBias(m: batch * g.outputLength, n: filters, bias: bias.pointer, c: output, ldc: filters) }
        activation.apply(output, count: batch * outStride, lastAxis: filters)
    }
}
