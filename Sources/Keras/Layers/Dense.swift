/// Keras `Dense`: `activation(x · kernel + bias)` on the last axis, for inputs of any rank ≥ 1
/// (a (T, F) input is T rows of one matrix product).
public final class DenseLayer: Layer {
    public let name: String
    public let className = "Dense"
    public let units: Int
    public let activation: Activation
    public var parameterCount: Int { kernel.count + (bias?.count ?? 0) }
    public let scratchPerSample = 0
    private let id: LayerIdentity
    private let kernel: FloatBuffer
    private let bias: FloatBuffer?
    private let inputDim: Int
    private var rowsPerSample = 0

    init(_ context: inout LayerBuildContext) throws {
        id = LayerIdentity(context.config)
        name = context.config.layerName
        units = try context.config.int("units")
        guard units > 0 else { throw context.config.error("units", "must be positive, found \(units)", kind: .badConfig) }
        activation = try Activation.read(&context.config, "activation")
        let useBias = try context.config.bool("use_bias", default: true)
        _ = try context.config.raw("lora_rank").map { v in
            guard v.isNull || v.intValue == 0 else { throw context.config.error("lora_rank", "LoRA weights are not supported") }
        }
        context.config.ignore("lora_alpha", "quantization_config")
        guard let shape = context.weights.peekShape(), shape.count == 2 else {
            throw KerasError(.badWeights, file: context.config.file, location: context.config.location,
                             "kernel is missing or not 2-D (found \(context.weights.peekShape().map { "\($0)" } ?? "nothing"))")
        }
        inputDim = shape[0]
        kernel = FloatBuffer(try context.weights.take("kernel", shape: [inputDim, units]))
        bias = useBias ? FloatBuffer(try context.weights.take("bias", shape: [units])) : nil
    }

    /// Direct construction (tests, wrappers): kernel (inputDim, units) row-major.
    init(name: String, kernel: [Float], bias: [Float]?, inputDim: Int, units: Int, activation: Activation) {
        self.name = name
        id = LayerIdentity(LayerConfig(className: "Dense", layerName: name, file: "", values: [:]))
        self.units = units
        self.inputDim = inputDim
        self.activation = activation
        self.kernel = FloatBuffer(kernel)
        self.bias = bias.map(FloatBuffer.init)
    }

    static func make(_ context: inout LayerBuildContext) throws -> Layer { try DenseLayer(&context) }

    public func build(inputShapes: [Shape]) throws -> Shape {
        try id.expect(inputShapes)
        let s = inputShapes[0]
        guard s.last == inputDim else {
            throw id.shapeError("kernel expects last axis \(inputDim), input is \(s.batchedDescription)")
        }
        rowsPerSample = s.elementCount / inputDim
        return Array(s.dropLast()) + [units]
    }

    public func forward(_ inputs: LayerInputs, output: UnsafeMutablePointer<Float>, batch: Int, scratch: UnsafeMutablePointer<Float>) {
        let rows = batch * rowsPerSample
        Gemm.gemmBias(m: rows, n: units, k: inputDim, a: inputs[0], lda: inputDim, b: kernel.pointer,
                      bias: bias?.pointer, c: output, ldc: units)
        activation.apply(output, count: rows * units, lastAxis: units)
    }
}
