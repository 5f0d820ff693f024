/// Keras `ConvLSTM1D` (channels_last): input (time, rows, channels). Each step, the gates are a convolution of the
/// input rows (padding valid/same, strides, dilation; + bias) plus a `same`-padded, stride-1 convolution of the
/// previous hidden rows; then the LSTM cell update of `LSTMLayer.cellUpdate` per row. Gate order i, f, c, o.
public final class ConvLSTM1DLayer: Layer {
    public let name: String
    public let className = "ConvLSTM1D"
    public let filters: Int
    public let returnSequences: Bool
    let goBackwards: Bool
    let activation: Activation
    let recurrentActivation: Activation
    public var parameterCount: Int { kernel.count + recurrent.count + (bias?.count ?? 0) }
    public private(set) var scratchPerSample = 0
    private let id: LayerIdentity
    private let kernelSize: Int
    private let stride: Int
    private let dilation: Int
    private let padding: ConvGeometry.Padding
    private let channels: Int
    /// (k, channels, 4f), (k, f, 4f), (4f) with columns reordered to i, f, o, c.
    private let kernel: FloatBuffer
    private let recurrent: FloatBuffer
    private let bias: FloatBuffer?
    private var steps = 0
    private var inputGeometry = ConvGeometry(inputLength: 0, kernel: 1, stride: 1, dilation: 1, padding: .valid)
    private var stateGeometry = ConvGeometry(inputLength: 0, kernel: 1, stride: 1, dilation: 1, padding: .same)

    init(_ context: inout LayerBuildContext) throws {
        id = LayerIdentity(context.config)
        name = id.name
        let options = try RecurrentOptions(&context.config, unitsKey: "filters")
        filters = options.units
        returnSequences = options.returnSequences
        goBackwards = options.goBackwards
        activation = options.activation
        recurrentActivation = try Activation.readElementwise(&context.config, "recurrent_activation", default: .sigmoid)
        _ = try context.config.bool("unit_forget_bias", default: true)
        kernelSize = try context.config.int("kernel_size")
        stride = try context.config.int("strides", default: 1)
        dilation = try context.config.int("dilation_rate", default: 1)
        guard kernelSize > 0, stride > 0, dilation > 0 else {
            throw context.config.error("kernel_size", "kernel_size, strides and dilation_rate must be positive", kind: .badConfig)
        }
        padding = try context.config.choice("padding", ["valid", "same"], default: "valid") == "same" ? .same : .valid
        try context.config.requireChannelsLast()
        let w = context.weights.child
        let cell = try w("cell")
        guard let shape = cell.peekShape(), shape.count == 3 else {
            throw KerasError(.badWeights, file: id.file, location: context.config.location, "kernel is missing or not 3-D")
        }
        channels = shape[1]
        let f = filters
        kernel = FloatBuffer(LSTMLayer.reorder(try cell.take("kernel", shape: [kernelSize, channels, 4 * f]), units: f))
        recurrent = FloatBuffer(LSTMLayer.reorder(try cell.take("recurrent_kernel", shape: [kernelSize, f, 4 * f]), units: f))
        bias = options.useBias ? FloatBuffer(LSTMLayer.reorder(try cell.take("bias", shape: [4 * f]), units: f)) : nil
    }

    static func make(_ context: inout LayerBuildContext) throws -> Layer { try ConvLSTM1DLayer(&context) }

    public func build(inputShapes: [Shape]) throws -> Shape {
        try id.expect(inputShapes, rank: 3)
        let s = inputShapes[0]
        guard s[2] == channels else { throw id.shapeError("kernel expects \(channels) channels, input is \(s.batchedDescription)") }
        steps = s[0]
        inputGeometry = ConvGeometry(inputLength: s[1], kernel: kernelSize, stride: stride, dilation: dilation, padding: padding)
        let rows = inputGeometry.outputLength
        guard rows > 0 else { throw id.shapeError("input rows \(s[1]) are fewer than the kernel span") }
        stateGeometry = ConvGeometry(inputLength: rows, kernel: kernelSize, stride: 1, dilation: 1, padding: .same)
        let g = 4 * filters
        scratchPerSample = steps * rows * g + rows * g + 2 * rows * filters
        return returnSequences ? [steps, rows, filters] : [rows, filters]
    }

    public func forward(_ inputs: LayerInputs, output: UnsafeMutablePointer<Float>, batch: Int, scratch: UnsafeMutablePointer<Float>) {
        let f = filters, g = 4 * filters, t = steps, rows = inputGeometry.outputLength
        let xw = scratch, z = xw + batch * t * rows * g, h = z + batch * rows * g, c = h + batch * rows * f
        // Input convolution of every (sample, step) at once, plus bias.
        Conv1DKernel.run(count: batch * t, x: inputs[0], geometry: inputGeometry, channels: channels, filters: g,
                         kernel: kernel.pointer, y: xw)
        if let bias { Gemm.addBias(m: batch * t * rows, n: g, bias: bias.pointer, c: xw, ldc: g) }
        h.update(repeating: 0, count: 2 * batch * rows * f)
        for s in 0..<t {
            let step = goBackwards ? t - 1 - s : s
            Conv1DKernel.run(count: batch, x: h, geometry: stateGeometry, channels: f, filters: g, kernel: recurrent.pointer, y: z)
            for b in 0..<batch {
                let xs = xw + (b * t + step) * rows * g
                for r in 0..<rows {
                    let zr = z + (b * rows + r) * g, xr = xs + r * g
                    for j in 0..<g { zr[j] = xr[j] + zr[j] }
                    LSTMLayer.cellUpdate(z: zr, c: c + (b * rows + r) * f, h: h + (b * rows + r) * f, units: f,
                                         activation: activation, recurrentActivation: recurrentActivation)
                }
                if returnSequences { (output + (b * t + s) * rows * f).update(from: h + b * rows * f, count: rows * f) }
            }
        }
        if !returnSequences { output.update(from: h, count: batch * rows * f) }
    }
}
