/// Matrix products on raw float32 buffers: the work of Dense, Conv1D, the recurrent layers and attention.
///
/// `C[m×n] += A[m×k] · B[k×n]`, row-major. B is a Keras kernel laid out (in, out), so its rows are contiguous over
/// output units and the inner loop runs over contiguous memory. A's rows may be strided (`lda`), which lets Conv1D
/// read overlapping input windows without copying. `gemmAccumulateReference` is the plain triple loop the fast
/// kernel is tested against.
enum Gemm {
    typealias V16 = SIMD16<Float>
    typealias V8 = SIMD8<Float>

    @inline(__always) static func load16(_ p: UnsafePointer<Float>) -> V16 { UnsafeRawPointer(p).loadUnaligned(as: V16.self) }
    @inline(__always) static func store16(_ v: V16, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: V16.self)
    }
    @inline(__always) static func load8(_ p: UnsafePointer<Float>) -> V8 { UnsafeRawPointer(p).loadUnaligned(as: V8.self) }
    @inline(__always) static func store8(_ v: V8, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: V8.self)
    }

    /// `s + b·a` per lane: one fused instruction where the build says FMA is native (KERAS_FMA), else mul + add
    /// (a software fma per lane would be far slower than the two plain instructions).
    @inline(__always) static func madd(_ s: V16, _ b: V16, _ a: Float) -> V16 {
        #if KERAS_FMA
        return s.addingProduct(b, V16(repeating: a))
        #else
        return s + b * a
        #endif
    }
    @inline(__always) static func madd(_ s: V8, _ b: V8, _ a: Float) -> V8 {
        #if KERAS_FMA
        return s.addingProduct(b, V8(repeating: a))
        #else
        return s + b * a
        #endif
    }
    @inline(__always) static func madd(_ s: Float, _ b: Float, _ a: Float) -> Float {
        #if KERAS_FMA
        return s.addingProduct(b, a)
        #else
        return s + b * a
        #endif
    }

    /// Plain reference: each output is its old value plus the products summed in order of `p`.
    static func gemmAccumulateReference(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int,
                                        b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>, ldc: Int) {
        for i in 0..<m {
            for j in 0..<n {
                var s: Float = 0
                for p in 0..<k { s += a[i * lda + p] * b[p * n + j] }
                c[i * ldc + j] += s
            }
        }
    }

    /// `C += A·B`.
    @inline(__always)
    static func gemmAccumulate(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int,
                               b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>, ldc: Int) {
        gemm(m: m, n: n, k: k, a: a, lda: lda, b: b, c: c, ldc: ldc, accumulate: true)
    }

    /// Fast kernel: `C = A·B` (or `C += A·B` when `accumulate`). 4 rows of A at a time share each loaded row of B;
    /// columns go 16, then 8, then 1 at a time. Like the reference, each output sums its k products in order of `p`
    /// starting from zero and then adds the old value of C; lanes differ from the reference only by fused rounding.
    static func gemm(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int,
                     b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool) {
        var i = 0
        while i + 4 <= m {
            let a0 = a + i * lda, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda
            let c0 = c + i * ldc, c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc
            var j = 0
            while j + 16 <= n {
                var s0 = V16(repeating: 0), s1 = s0, s2 = s0, s3 = s0
                var bp = b + j
                for p in 0..<k {
                    let bv = load16(bp)
                    s0 = madd(s0, bv, a0[p]); s1 = madd(s1, bv, a1[p]); s2 = madd(s2, bv, a2[p]); s3 = madd(s3, bv, a3[p])
                    bp += n
                }
                if accumulate {
                    s0 += load16(c0 + j); s1 += load16(c1 + j); s2 += load16(c2 + j); s3 += load16(c3 + j)
                }
                store16(s0, c0 + j); store16(s1, c1 + j); store16(s2, c2 + j); store16(s3, c3 + j)
                j += 16
            }
            while j + 8 <= n {
                var s0 = V8(repeating: 0), s1 = s0, s2 = s0, s3 = s0
                var bp = b + j
                for p in 0..<k {
                    let bv = load8(bp)
                    s0 = madd(s0, bv, a0[p]); s1 = madd(s1, bv, a1[p]); s2 = madd(s2, bv, a2[p]); s3 = madd(s3, bv, a3[p])
                    bp += n
                }
                if accumulate {
                    s0 += load8(c0 + j); s1 += load8(c1 + j); s2 += load8(c2 + j); s3 += load8(c3 + j)
                }
                store8(s0, c0 + j); store8(s1, c1 + j); store8(s2, c2 + j); store8(s3, c3 + j)
                j += 8
            }
            while j < n {
                var s0: Float = 0, s1: Float = 0, s2: Float = 0, s3: Float = 0
                var bp = b + j
                for p in 0..<k {
                    let bv = bp.pointee
                    s0 = madd(s0, bv, a0[p]); s1 = madd(s1, bv, a1[p]); s2 = madd(s2, bv, a2[p]); s3 = madd(s3, bv, a3[p])
                    bp += n
                }
                if accumulate { s0 += c0[j]; s1 += c1[j]; s2 += c2[j]; s3 += c3[j] }
                c0[j] = s0; c1[j] = s1; c2[j] = s2; c3[j] = s3
                j += 1
            }
            i += 4
        }
        while i < m {
            gemv(n: n, k: k, x: a + i * lda, b: b, y: c + i * ldc, accumulate: accumulate)
            i += 1
        }
    }

    /// One row: `y[n] (+)= x[k] · B[k×n]`, two 16-column accumulators at a time.
    static func gemv(n: Int, k: Int, x: UnsafePointer<Float>, b: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, accumulate: Bool) {
        var j = 0
        while j + 32 <= n {
            var s0 = V16(repeating: 0), s1 = s0
            var bp = b + j
            for p in 0..<k {
                let xv = x[p]
                s0 = madd(s0, load16(bp), xv); s1 = madd(s1, load16(bp + 16), xv)
                bp += n
            }
            if accumulate { s0 += load16(y + j); s1 += load16(y + j + 16) }
            store16(s0, y + j); store16(s1, y + j + 16)
            j += 32
        }
        while j + 16 <= n {
            var s0 = V16(repeating: 0)
            var bp = b + j
            for p in 0..<k { s0 = madd(s0, load16(bp), x[p]); bp += n }
            if accumulate { s0 += load16(y + j) }
            store16(s0, y + j)
            j += 16
        }
        while j + 8 <= n {
            var s0 = V8(repeating: 0)
            var bp = b + j
            for p in 0..<k { s0 = madd(s0, load8(bp), x[p]); bp += n }
            if accumulate { s0 += load8(y + j) }
            store8(s0, y + j)
            j += 8
        }
        while j < n {
            var s: Float = 0
            var bp = b + j
            for p in 0..<k { s = madd(s, bp.pointee, x[p]); bp += n }
            y[j] = accumulate ? s + y[j] : s
            j += 1
        }
    }

    /// `C[m×n] = A·B + bias` (bias broadcast over rows; nil for none): Dense and the projections.
    static func gemmBias(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>,
                         bias: UnsafePointer<Float>?, c: UnsafeMutablePointer<Float>, ldc: Int) {
        gemm(m: m, n: n, k: k, a: a, lda: lda, b: b, c: c, ldc: ldc, accumulate: false)
        if let bias { addBias(m: m, n: n, bias: bias, c: c, ldc: ldc) }
    }

    /// `C[i, :] += bias` for each of `m` rows.
    static func addBias(m: Int, n: Int, bias: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>, ldc: Int) {
        for i in 0..<m {
            let row = c + i * ldc
            for j in 0..<n { row[j] += bias[j] }
        }
    }
}
