/// Output length and left padding of a 1-D convolution or pooling window, exactly as Keras computes them.
struct ConvGeometry: Equatable {
    enum Padding: String { case valid, same, causal }

    let inputLength: Int
    let outputLength: Int
    /// Zero rows conceptually added before the first input row.
    let padLeft: Int
    let kernel: Int
    let stride: Int
    let dilation: Int

    /// `valid`: only full windows; `same`: ceil(T/stride) outputs, padding split with the extra row on the right
    /// (TensorFlow's rule); `causal`: (kernel-1)·dilation zero rows on the left, then `valid`.
    init(inputLength t: Int, kernel k: Int, stride s: Int, dilation d: Int, padding: Padding) {
        inputLength = t
        kernel = k
        stride = s
        dilation = d
        let span = (k - 1) * d + 1
        switch padding {
        case .valid:
            outputLength = t >= span ? (t - span) / s + 1 : 0
            padLeft = 0
        case .same:
            let out = (t + s - 1) / s
            outputLength = out
            padLeft = Swift.max((out - 1) * s + span - t, 0) / 2
        case .causal:
            padLeft = (k - 1) * d
            outputLength = t + padLeft >= span ? (t + padLeft - span) / s + 1 : 0
        }
    }

    /// Input row read by output `t` at tap `kk` (may be outside 0..<inputLength: a padded zero).
    @inline(__always) func inputRow(output t: Int, tap kk: Int) -> Int { t * stride + kk * dilation - padLeft }

    /// The outputs whose tap `kk` reads a real input row: `lo..<hi` (empty when none).
    func validOutputs(tap kk: Int) -> (lo: Int, hi: Int) {
        let offset = kk * dilation - padLeft
        // smallest t with t*s + offset >= 0
        let lo = offset >= 0 ? 0 : (-offset + stride - 1) / stride
        // largest t with t*s + offset <= T-1
        let last = inputLength - 1 - offset
        let hi = last < 0 ? 0 : Swift.min(last / stride + 1, outputLength)
        return (lo, Swift.max(hi, lo))
    }
}
