/// 1-D convolution over rows as strided matrix products, shared by Conv1D and ConvLSTM1D.
enum Conv1DKernel {
    /// `y = conv(x, kernel)` for `count` samples: x is (inputLength, channels) per sample, kernel
    /// (taps, channels, filters), y is (outputLength, filters) per sample. No bias, no activation.
    static func run(count: Int, x: UnsafePointer<Float>, geometry g: ConvGeometry, channels: Int, filters: Int,
                    kernel: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>) {
        let inStride = g.inputLength * channels
        let outStride = g.outputLength * filters
        // With dilation 1 and no padding, all taps of a window are one contiguous run of k·in inputs: one product.
        let merged = g.dilation == 1 && g.padLeft == 0 && g.validOutputs(tap: g.kernel - 1).hi == g.outputLength
        if !merged { y.update(repeating: 0, count: count * outStride) }
        for b in 0..<count {
            let xs = x + b * inStride
            let ys = y + b * outStride
            if merged {
                Gemm.gemm(m: g.outputLength, n: filters, k: g.kernel * channels, a: xs, lda: g.stride * channels,
                          b: kernel, c: ys, ldc: filters, accumulate: false)
                continue
            }
            for kk in 0..<g.kernel {
                let (lo, hi) = g.validOutputs(tap: kk)
                guard hi > lo else { continue }
                Gemm.gemmAccumulate(m: hi - lo, n: filters, k: channels, a: xs + g.inputRow(output: lo, tap: kk) * channels,
                                    lda: g.stride * channels, b: kernel + kk * channels * filters,
                                    c: ys + lo * filters, ldc: filters)
            }
        }
    }

    /// Plain reference: every output sums taps and channels directly, padded rows read as zero.
    static func runReference(count: Int, x: UnsafePointer<Float>, geometry g: ConvGeometry, channels: Int, filters: Int,
                             kernel: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>) {
        for b in 0..<count {
            for t in 0..<g.outputLength {
                for f in 0..<filters {
                    var s: Float = 0
                    for kk in 0..<g.kernel {
                        let r = g.inputRow(output: t, tap: kk)
                        guard r >= 0, r < g.inputLength else { continue }
                        for c in 0..<channels { s += x[(b * g.inputLength + r) * channels + c] * kernel[(kk * channels + c) * filters + f] }
                    }
                    y[(b * g.outputLength + t) * filters + f] = s
                }
            }
        }
    }
}
