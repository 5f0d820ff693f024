import Foundation

/// Keras `MultiHeadAttention` on (T, D) sequences: query/key/value projections (EinsumDense kernels (D, H, d) =
/// (D, H·d) matrices), scores q·k scaled by 1/√key_dim, softmax over keys (optionally causal), weighted values,
/// output projection (H, dv, *output_shape), where `output_shape` defaults to the query's feature size. Inputs:
/// query, value[, key] (key defaults to value). Refused: attention masks, attention axes other than time, gated
/// attention, sliding windows.
public final class MultiHeadAttentionLayer: Layer {
    public let name: String
    public let className = "MultiHeadAttention"
    public var parameterCount: Int { [wq, wk, wv, wo].reduce(0) { $0 + $1.count } + [bq, bk, bv, bo].reduce(0) { $0 + ($1?.count ?? 0) } }
    public private(set) var scratchPerSample = 0
    private let id: LayerIdentity
    private let heads: Int
    private let keyDim: Int
    private let valueDim: Int
    private let useBias: Bool
    private let causal: Bool
    private let modelDim: Int
    private let keyInDim: Int
    private let valueInDim: Int
    private let outDim: Int
    /// `output_shape` as saved; nil: the query's feature size.
    private let outputDims: [Int]?
    private let wq: FloatBuffer, bq: FloatBuffer?, wk: FloatBuffer, bk: FloatBuffer?
    private let wv: FloatBuffer, bv: FloatBuffer?, wo: FloatBuffer, bo: FloatBuffer?
    private var tq = 0, tk = 0, inputCount = 2
    /// Query / key / value projections whose (H, 1) bias Keras adds along the time axis (see `biasFollowsTime`).
    private var queryBiasByTime = false, keyBiasByTime = false, valueBiasByTime = false

    init(_ context: inout LayerBuildContext) throws {
        id = LayerIdentity(context.config)
        name = id.name
        var config = context.config
        defer { context.config = config }
        heads = try config.int("num_heads")
        keyDim = try config.int("key_dim")
        valueDim = try config.int("value_dim", default: keyDim)
        useBias = try config.bool("use_bias", default: true)
        guard heads > 0, keyDim > 0, valueDim > 0 else { throw config.error("num_heads", "num_heads, key_dim and value_dim must be positive", kind: .badConfig) }
        // Keras saves an int as a one-element list; several dims give an output of rank > 3.
        outputDims = try config.optionalInts("output_shape")
        if let d = outputDims, d.isEmpty || d.contains(where: { $0 <= 0 }) {
            throw config.error("output_shape", "must hold positive sizes, found \(d)", kind: .badConfig)
        }
        if let axes = try config.optionalInts("attention_axes"), axes != [1], axes != [-2] {
            throw config.error("attention_axes", "only attention over the time axis ([1]) is supported, found \(axes)")
        }
        try config.require("use_gate", equals: false)
        // tf.keras 2 saved the input shapes it was built with; the graph supplies them, so they are only checked there.
        config.ignore("query_shape", "key_shape", "value_shape")
        if let v = config.raw("sliding_window"), !v.isNull { throw config.error("sliding_window", "sliding-window attention is not supported") }
        // Call arguments saved with the node.
        let kw = context.call.kwargs
        if let m = kw["attention_mask"], !m.isNull {
            throw KerasError(.unsupportedOption, file: id.file, location: config.location, "attention_mask inputs are not supported")
        }
        if let r = kw["return_attention_scores"], r.boolValue == true {
            throw KerasError(.unsupportedOption, file: id.file, location: config.location, "return_attention_scores=True is not supported")
        }
        if let m = kw["query_mask"] ?? kw["value_mask"] ?? kw["key_mask"], !m.isNull {
            throw KerasError(.unsupportedOption, file: id.file, location: config.location, "query/value/key masks are not supported")
        }
        causal = kw["use_causal_mask"]?.boolValue ?? false
        // Weights: query, key, value, output dense (EinsumDense) in that order.
        let w = context.weights, h = heads, location = config.location, useBias = self.useBias, outputDims = self.outputDims
        func dense(_ child: String, inner: Int, perHead: Bool) throws -> (FloatBuffer, FloatBuffer?, Int) {
            let r = try w.child(child)
            let rank = perHead ? 3 : 2 + (outputDims?.count ?? 1)
            guard let s = r.peekShape(), s.count == rank else {
                throw KerasError(.badWeights, file: w.file, location: location, "\(child) kernel is missing or not \(rank)-D")
            }
            let kernel: [Float], bias: [Float]?, inDim: Int
            if perHead {
                inDim = s[0]
                kernel = try r.take("\(child)/kernel", shape: [inDim, h, inner])
                bias = useBias ? try r.take("\(child)/bias", shape: [h, inner]) : nil
            } else {
                // The output projection: (H, dv, *dims); dims = output_shape, or the query width read from the kernel.
                let dims = outputDims ?? Array(s.dropFirst(2))
                inDim = dims.elementCount
                kernel = try r.take("\(child)/kernel", shape: [h, inner] + dims)
                bias = useBias ? try r.take("\(child)/bias", shape: dims) : nil
            }
            return (FloatBuffer(kernel), bias.map(FloatBuffer.init), inDim)
        }
        let q = try dense("query_dense", inner: keyDim, perHead: true)
        let k = try dense("key_dense", inner: keyDim, perHead: true)
        let v = try dense("value_dense", inner: valueDim, perHead: true)
        let o = try dense("output_dense", inner: valueDim, perHead: false)
        wq = q.0; bq = q.1; modelDim = q.2
        wk = k.0; bk = k.1; keyInDim = k.2
        wv = v.0; bv = v.1; valueInDim = v.2
        wo = o.0; bo = o.1; outDim = o.2
    }

    static func make(_ context: inout LayerBuildContext) throws -> Layer { try MultiHeadAttentionLayer(&context) }

    public func build(inputShapes: [Shape]) throws -> Shape {
        guard inputShapes.count == 2 || inputShapes.count == 3 else {
            throw id.shapeError("expects query, value and optionally key, got \(inputShapes.count) input(s)")
        }
        try id.expect(inputShapes, count: inputShapes.count, rank: 2)
        let q = inputShapes[0], v = inputShapes[1], k = inputShapes.count == 3 ? inputShapes[2] : v
        guard q[1] == modelDim, k[1] == keyInDim, v[1] == valueInDim, k[0] == v[0] else {
            throw id.shapeError("inputs \(inputShapes.map(\.batchedDescription)) do not fit the projection kernels (\(modelDim), \(keyInDim), \(valueInDim))")
        }
        guard outputDims != nil || outDim == q[1] else { throw id.shapeError("output kernel gives \(outDim) features, query has \(q[1])") }
        tq = q[0]
        tk = k[0]
        inputCount = inputShapes.count
        queryBiasByTime = bq != nil && Self.biasFollowsTime(heads: heads, perHead: keyDim, steps: tq)
        keyBiasByTime = bk != nil && Self.biasFollowsTime(heads: heads, perHead: keyDim, steps: tk)
        valueBiasByTime = bv != nil && Self.biasFollowsTime(heads: heads, perHead: valueDim, steps: tk)
        let hk = heads * keyDim, hv = heads * valueDim
        scratchPerSample = tq * hk + tk * hk + tk * hv + tq * hv + tk
        return [tq] + (outputDims ?? [outDim])
    }

    public func forward(_ inputs: LayerInputs, output: UnsafeMutablePointer<Float>, batch: Int, scratch: UnsafeMutablePointer<Float>) {
        let hk = heads * keyDim, hv = heads * valueDim
        let q = scratch, k = q + batch * tq * hk, v = k + batch * tk * hk, att = v + batch * tk * hv, p = att + batch * tq * hv
        let query = inputs[0], value = inputs[1], key = inputCount == 3 ? inputs[2] : inputs[1]
        project(query, rows: tq, inDim: modelDim, width: hk, w: wq, bias: bq, byTime: queryBiasByTime, batch: batch, into: q)
        project(key, rows: tk, inDim: keyInDim, width: hk, w: wk, bias: bk, byTime: keyBiasByTime, batch: batch, into: k)
        project(value, rows: tk, inDim: valueInDim, width: hv, w: wv, bias: bv, byTime: valueBiasByTime, batch: batch, into: v)
        let scale = Float(1 / Double(keyDim).squareRoot())
        for i in 0..<(batch * tq * hk) { q[i] *= scale }
        for b in 0..<batch {
            for h in 0..<heads {
                for i in 0..<tq {
                    let qi = q + (b * tq + i) * hk + h * keyDim
                    let visible = causal ? Swift.min(i + 1, tk) : tk
                    for j in 0..<visible {
                        let kj = k + (b * tk + j) * hk + h * keyDim
                        var s: Float = 0
                        for d in 0..<keyDim { s += kj[d] * qi[d] }
                        p[j] = s
                    }
                    Activation.softmaxRows(p, count: visible, lastAxis: visible)
                    let out = att + (b * tq + i) * hv + h * valueDim
                    out.update(repeating: 0, count: valueDim)
                    for j in 0..<visible {
                        let vj = v + (b * tk + j) * hv + h * valueDim
                        let pj = p[j]
                        for d in 0..<valueDim { out[d] += pj * vj[d] }
                    }
                }
            }
        }
        Gemm.gemmBias(m: batch * tq, n: outDim, k: hv, a: att, lda: hv, b: wo.pointer, bias: bo?.pointer, c: output, ldc: outDim)
    }

    /// Keras' TensorFlow backend adds an EinsumDense bias with `tf.nn.bias_add` whenever the bias squeezes to one
    /// vector whose length matches the projection's axis 1 or last axis (`keras.src.backend.tensorflow.numpy.add`).
    /// For a per-head (H, 1) bias (key_dim or value_dim 1, H > 1) on a (T, H, 1) projection with T == H it picks
    /// axis 1, so head bias j lands on time step j for every head. We reproduce that, since Keras' numbers are the
    /// reference; in every other case the bias is added per head as the formula says.
    static func biasFollowsTime(heads: Int, perHead: Int, steps: Int) -> Bool {
        perHead == 1 && heads > 1 && steps == heads
    }

    /// One input projection (batch·rows × inDim)·(inDim × width) + bias, written to `into` (rows of `width`).
    private func project(_ x: UnsafePointer<Float>, rows: Int, inDim: Int, width: Int, w: FloatBuffer, bias: FloatBuffer?,
                         byTime: Bool, batch: Int, into out: UnsafeMutablePointer<Float>) {
        guard byTime, let bias else {
            Gemm.gemmBias(m: batch * rows, n: width, k: inDim, a: x, lda: inDim, b: w.pointer, bias: bias?.pointer, c: out, ldc: width)
            return
        }
        Gemm.gemmBias(m: batch * rows, n: width, k: inDim, a: x, lda: inDim, b: w.pointer, bias: nil, c: out, ldc: width)
        for r in 0..<(batch * rows) {
            let row = out + r * width, add = bias.pointer[r % rows]
            for j in 0..<width { row[j] += add }
        }
    }
}
