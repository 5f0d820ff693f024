/// Keras `LSTM`: gates i, f, c, o (Keras order); `c = f·c + i·act(z_c)`, `h = o·act(c)`.
///
/// Speed: the input projection x·W for every time step (and every sample) is one matrix product before the
/// recurrence; each step then adds h·R for the whole batch in one product. Columns of W, R and b are reordered at
/// load time to i, f, o, c so the recurrent activation runs over one contiguous run of 3·units.
public final class LSTMLayer: RecurrentLayer {
    public let name: String
    public let className = "LSTM"
    public let units: Int
    public let returnSequences: Bool
    let goBackwards: Bool
    let activation: Activation
    let recurrentActivation: Activation
    public var parameterCount: Int { kernel.count + recurrent.count + (bias?.count ?? 0) }
    public private(set) var scratchPerSample = 0
    private let id: LayerIdentity
    private let inputDim: Int
    /// (in, 4u), (u, 4u), (4u), columns reordered to i, f, o, c.
    private let kernel: FloatBuffer
    private let recurrent: FloatBuffer
    private let bias: FloatBuffer?
    private var steps = 0

    init(_ context: inout LayerBuildContext) throws {
        id = LayerIdentity(context.config)
        name = context.config.layerName
        let options = try RecurrentOptions(&context.config)
        units = options.units
        returnSequences = options.returnSequences
        goBackwards = options.goBackwards
        activation = options.activation
        recurrentActivation = try Activation.readElementwise(&context.config, "recurrent_activation", default: .sigmoid)
        // Initializer-only: it sets the initial forget bias; the saved bias already holds the trained values.
        _ = try context.config.bool("unit_forget_bias", default: true)
        let cell = try context.weights.child("cell")
        inputDim = try RecurrentOptions.inputDim(of: cell, context.config)
        let u = units
        kernel = FloatBuffer(LSTMLayer.reorder(try cell.take("kernel", shape: [inputDim, 4 * u]), units: u))
        recurrent = FloatBuffer(LSTMLayer.reorder(try cell.take("recurrent_kernel", shape: [u, 4 * u]), units: u))
        bias = options.useBias ? FloatBuffer(LSTMLayer.reorder(try cell.take("bias", shape: [4 * u]), units: u)) : nil
    }

    static func make(_ context: inout LayerBuildContext) throws -> Layer { try LSTMLayer(&context) }

    /// Keras column order i, f, c, o → i, f, o, c in every row of a (rows, 4u) matrix.
    static func reorder(_ w: [Float], units u: Int) -> [Float] {
        var out = w
        let rows = w.count / (4 * u)
        for r in 0..<rows {
            let base = r * 4 * u
            for j in 0..<u {
                out[base + 2 * u + j] = w[base + 3 * u + j]
                out[base + 3 * u + j] = w[base + 2 * u + j]
            }
        }
        return out
    }

    /// One LSTM cell update from pre-activations `z` (gates ordered i, f, o, c): `c = f·c + i·act(z_c)`,
    /// `h = o·act(c)`. Shared with ConvLSTM1D.
    @inline(__always)
    static func cellUpdate(z: UnsafeMutablePointer<Float>, c: UnsafeMutablePointer<Float>, h: UnsafeMutablePointer<Float>,
                           units u: Int, activation: Activation, recurrentActivation: Activation) {
        recurrentActivation.apply(z, count: 3 * u, lastAxis: 3 * u)
        activation.apply(z + 3 * u, count: u, lastAxis: u)
        for j in 0..<u { c[j] = z[u + j] * c[j] + z[j] * z[3 * u + j] }
        // h = o · act(c): act(c) computed in place in h, then scaled.
        h.update(from: c, count: u)
        activation.apply(h, count: u, lastAxis: u)
        for j in 0..<u { h[j] = z[2 * u + j] * h[j] }
    }

    public func build(inputShapes: [Shape]) throws -> Shape {
        try id.expect(inputShapes, rank: 2)
        let s = inputShapes[0]
        guard s[1] == inputDim else { throw id.shapeError("kernel expects \(inputDim) features, input is \(s.batchedDescription)") }
        steps = s[0]
        // x·W for all steps, then h, c and the per-step product h·R.
        scratchPerSample = steps * 4 * units + units + units + 4 * units
        return returnSequences ? [steps, units] : [units]
    }

    /// Samples run through the recurrence together: enough to fill the 4-row GEMM blocks, few enough that the
    /// projections and states stay in L1/L2 for big batches.
    static let chunk = 64

    public func forward(_ inputs: LayerInputs, output: UnsafeMutablePointer<Float>, batch: Int, scratch: UnsafeMutablePointer<Float>) {
        let inCount = steps * inputDim, outCount = returnSequences ? steps * units : units
        var start = 0
        while start < batch {
            let n = Swift.min(LSTMLayer.chunk, batch - start)
            run(x: inputs[0] + start * inCount, output: output + start * outCount, batch: n, scratch: scratch)
            start += n
        }
    }

    private func run(x: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, batch: Int, scratch: UnsafeMutablePointer<Float>) {
        let u = units, g = 4 * units, t = steps
        let xw = scratch
        let h = xw + batch * t * g
        let c = h + batch * u
        let z = c + batch * u
        // Input projection for every (sample, step): rows of x are contiguous.
        Gemm.gemm(m: batch * t, n: g, k: inputDim, a: x, lda: inputDim, b: kernel.pointer, c: xw, ldc: g, accumulate: false)
        h.update(repeating: 0, count: 2 * batch * u)
        for s in 0..<t {
            let step = goBackwards ? t - 1 - s : s
            // h·R for the whole batch (h is zero before the first step, so that product is skipped).
            if s > 0 { Gemm.gemm(m: batch, n: g, k: u, a: h, lda: u, b: recurrent.pointer, c: z, ldc: g, accumulate: false) }
            for b in 0..<batch {
                let zr = z + b * g
                let xr = xw + (b * t + step) * g
                // Keras: (x·W + h·R) + b
                if s > 0 { for j in 0..<g { zr[j] = xr[j] + zr[j] } } else { zr.update(from: xr, count: g) }
                if let bias { for j in 0..<g { zr[j] += bias.pointer[j] } }
                LSTMLayer.cellUpdate(z: zr, c: c + b * u, h: h + b * u, units: u,
                                     activation: activation, recurrentActivation: recurrentActivation)
                if returnSequences { (output + (b * t + s) * u).update(from: h + b * u, count: u) }
            }
        }
        if !returnSequences { output.update(from: h, count: batch * u) }
    }
}
