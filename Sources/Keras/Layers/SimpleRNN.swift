/// Keras `SimpleRNN`: `h = act((x·W + b) + h·R)`. The input projection for all steps is one matrix product.
public final class SimpleRNNLayer: RecurrentLayer {
    public let name: String
    public let className = "SimpleRNN"
    public let units: Int
    public let returnSequences: Bool
    let goBackwards: Bool
    let activation: Activation
    public var parameterCount: Int { kernel.count + recurrent.count + (bias?.count ?? 0) }
    public private(set) var scratchPerSample = 0
    private let id: LayerIdentity
    private let inputDim: Int
    private let kernel: FloatBuffer
    private let recurrent: FloatBuffer
    private let bias: FloatBuffer?
    private var steps = 0

    init(_ context: inout LayerBuildContext) throws {
        id = LayerIdentity(context.config)
        name = id.name
        let options = try RecurrentOptions(&context.config)
        units = options.units
        returnSequences = options.returnSequences
        goBackwards = options.goBackwards
        activation = options.activation
        let cell = try context.weights.child("cell")
        inputDim = try RecurrentOptions.inputDim(of: cell, context.config)
        kernel = FloatBuffer(try cell.take("kernel", shape: [inputDim, units]))
        recurrent = FloatBuffer(try cell.take("recurrent_kernel", shape: [units, units]))
        bias = options.useBias ? FloatBuffer(try cell.take("bias", shape: [units])) : nil
    }

    static func make(_ context: inout LayerBuildContext) throws -> Layer { try SimpleRNNLayer(&context) }

    public func build(inputShapes: [Shape]) throws -> Shape {
        try id.expect(inputShapes, rank: 2)
        let s = inputShapes[0]
        guard s[1] == inputDim else { throw id.shapeError("kernel expects \(inputDim) features, input is \(s.batchedDescription)") }
        steps = s[0]
        scratchPerSample = steps * units + 2 * units
        return returnSequences ? [steps, units] : [units]
    }

    public func forward(_ inputs: LayerInputs, output: UnsafeMutablePointer<Float>, batch: Int, scratch: UnsafeMutablePointer<Float>) {
        let u = units, t = steps
        let xw = scratch, h = xw + batch * t * u, z = h + batch * u
        Gemm.gemmBias(m: batch * t, n: u, k: inputDim, a: inputs[0], lda: inputDim, b: kernel.pointer, bias: bias?.pointer, c: xw, ldc: u)
        h.update(repeating: 0, count: batch * u)
        for s in 0..<t {
            let step = goBackwards ? t - 1 - s : s
            if s > 0 { Gemm.gemm(m: batch, n: u, k: u, a: h, lda: u, b: recurrent.pointer, c: z, ldc: u, accumulate: false) }
            for b in 0..<batch {
                let hr = h + b * u, zr = z + b * u, xr = xw + (b * t + step) * u
                if s > 0 { for j in 0..<u { hr[j] = xr[j] + zr[j] } } else { hr.update(from: xr, count: u) }
                activation.apply(hr, count: u, lastAxis: u)
                if returnSequences { (output + (b * t + s) * u).update(from: hr, count: u) }
            }
        }
        if !returnSequences { output.update(from: h, count: batch * u) }
    }
}
