/// Keras `GRU` (gate order z, r, h), both `reset_after` forms:
/// - true (Keras 3 default): `inner = h·R + b_rec`, `hh = act(x_h + r·inner_h)`; bias saved as (2, 3u);
/// - false: `hh = act(x_h + (r·h)·R_h)`; bias (3u).
/// Then `h = z·h + (1 − z)·hh`. The input projection x·W + b_in for all steps is one matrix product.
public final class GRULayer: RecurrentLayer {
    public let name: String
    public let className = "GRU"
    public let units: Int
    public let returnSequences: Bool
    let goBackwards: Bool
    let resetAfter: Bool
    let activation: Activation
    let recurrentActivation: Activation
    public let parameterCount: Int
    public private(set) var scratchPerSample = 0
    private let id: LayerIdentity
    private let inputDim: Int
    private let kernel: FloatBuffer
    /// reset_after: the whole (u, 3u) recurrent kernel; otherwise its z|r columns (u, 2u).
    private let recurrent: FloatBuffer
    /// reset_after false: the candidate columns (u, u).
    private let recurrentH: FloatBuffer?
    private let inputBias: FloatBuffer?
    private let recurrentBias: FloatBuffer?
    private var steps = 0

    init(_ context: inout LayerBuildContext) throws {
        id = LayerIdentity(context.config)
        name = id.name
        let options = try RecurrentOptions(&context.config)
        units = options.units
        returnSequences = options.returnSequences
        goBackwards = options.goBackwards
        activation = options.activation
        recurrentActivation = try Activation.readElementwise(&context.config, "recurrent_activation", default: .sigmoid)
        resetAfter = try context.config.bool("reset_after", default: true)
        let cell = try context.weights.child("cell")
        let u = units
        inputDim = try RecurrentOptions.inputDim(of: cell, context.config)
        let k = try cell.take("kernel", shape: [inputDim, 3 * u])
        let r = try cell.take("recurrent_kernel", shape: [u, 3 * u])
        kernel = FloatBuffer(k)
        var count = k.count + r.count
        if resetAfter {
            recurrent = FloatBuffer(r)
            recurrentH = nil
        } else {
            var zr = [Float](), hh = [Float]()
            for row in 0..<u {
                let start: Int = row * 3 * u
                zr.append(contentsOf: r[start..<(start + 2 * u)])
                hh.append(contentsOf: r[(start + 2 * u)..<(start + 3 * u)])
            }
            recurrent = FloatBuffer(zr)
            recurrentH = FloatBuffer(hh)
        }
        if options.useBias {
            if resetAfter {
                let b = try cell.take("bias", shape: [2, 3 * u])
                inputBias = FloatBuffer(Array(b[0..<(3 * u)]))
                recurrentBias = FloatBuffer(Array(b[(3 * u)...]))
                count += b.count
            } else {
                let b = try cell.take("bias", shape: [3 * u])
                inputBias = FloatBuffer(b)
                recurrentBias = nil
                count += b.count
            }
        } else {
            inputBias = nil
            recurrentBias = nil
        }
        parameterCount = count
    }

    static func make(_ context: inout LayerBuildContext) throws -> Layer { try GRULayer(&context) }

    public func build(inputShapes: [Shape]) throws -> Shape {
        try id.expect(inputShapes, rank: 2)
        let s = inputShapes[0]
        guard s[1] == inputDim else { throw id.shapeError("kernel expects \(inputDim) features, input is \(s.batchedDescription)") }
        steps = s[0]
        scratchPerSample = steps * 3 * units + units + 3 * units + 2 * units
        return returnSequences ? [steps, units] : [units]
    }

    public func forward(_ inputs: LayerInputs, output: UnsafeMutablePointer<Float>, batch: Int, scratch: UnsafeMutablePointer<Float>) {
        let u = units, g = 3 * units, t = steps
        let xw = scratch, h = xw + batch * t * g, inner = h + batch * u, rh = inner + batch * g, hhBuf = rh + batch * u
        Gemm.gemmBias(m: batch * t, n: g, k: inputDim, a: inputs[0], lda: inputDim, b: kernel.pointer, bias: inputBias?.pointer, c: xw, ldc: g)
        h.update(repeating: 0, count: batch * u)
        let innerWidth = resetAfter ? g : 2 * u
        for s in 0..<t {
            let step = goBackwards ? t - 1 - s : s
            Gemm.gemm(m: batch, n: innerWidth, k: u, a: h, lda: u, b: recurrent.pointer, c: inner, ldc: innerWidth, accumulate: false)
            if let rb = recurrentBias { Gemm.addBias(m: batch, n: g, bias: rb.pointer, c: inner, ldc: innerWidth) }
            // z and r for the whole batch, in place in `inner`'s first 2u columns.
            for b in 0..<batch {
                let xr = xw + (b * t + step) * g, ir = inner + b * innerWidth
                for j in 0..<(2 * u) { ir[j] = xr[j] + ir[j] }
                recurrentActivation.apply(ir, count: 2 * u, lastAxis: 2 * u)
            }
            if let recurrentH {
                // reset before: hh pre-activation = x_h + (r·h)·R_h
                for b in 0..<batch {
                    let ir = inner + b * innerWidth, hr = h + b * u, rr = rh + b * u
                    for j in 0..<u { rr[j] = ir[u + j] * hr[j] }
                }
                Gemm.gemm(m: batch, n: u, k: u, a: rh, lda: u, b: recurrentH.pointer, c: hhBuf, ldc: u, accumulate: false)
            }
            for b in 0..<batch {
                let xr = xw + (b * t + step) * g, ir = inner + b * innerWidth, hr = h + b * u, hh = hhBuf + b * u
                if resetAfter {
                    for j in 0..<u { hh[j] = xr[2 * u + j] + ir[u + j] * ir[2 * u + j] }
                } else {
                    for j in 0..<u { hh[j] = xr[2 * u + j] + hh[j] }
                }
                activation.apply(hh, count: u, lastAxis: u)
                for j in 0..<u { hr[j] = ir[j] * hr[j] + (1 - ir[j]) * hh[j] }
                if returnSequences { (output + (b * t + s) * u).update(from: hr, count: u) }
            }
        }
        if !returnSequences { output.update(from: h, count: batch * u) }
    }
}
