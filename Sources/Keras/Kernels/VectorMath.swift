import Foundation

/// Vectorised transcendental functions for the activations on the hot path (LSTM gates run hundreds of sigmoids per
/// window). Each has a scalar reference built on the C library beside it; `KernelAgreementTests` checks they agree.
enum VectorMath {
    typealias V = SIMD8<Float>

    /// e^x for 8 lanes: Cephes-style range reduction x = n·ln2 + r, degree-6 polynomial in r, then scale by 2^n.
    /// Inputs are clamped to [-87.3, 88.7] (results stay normal floats); relative error ≈ 1e-7.
    /// n is rounded with the 1.5·2^23 "magic number" trick so every step stays a plain vector instruction
    /// (Swift's generic float→int SIMD conversions and `rounded` go lane by lane through libm).
    @inline(__always)
    static func exp(_ xIn: V) -> V {
        let lo = V(repeating: -87.3), hi = V(repeating: 88.7)
        var x = xIn.replacing(with: lo, where: xIn .< lo)
        x = x.replacing(with: hi, where: x .> hi)
        let magic = V(repeating: 12_582_912)  // 1.5 · 2^23: adding it rounds to an integer held in the low mantissa bits
        let t = x * 1.442_695_040_888_963_4 + magic
        let n = t - magic
        var r = x - n * 0.693_359_375
        r = r - n * -2.121_944_4e-4
        var p = V(repeating: 1.987_569_150_0e-4)
        p = p * r + 1.398_199_950_7e-3
        p = p * r + 8.333_451_907_3e-3
        p = p * r + 4.166_579_589_4e-2
        p = p * r + 1.666_666_545_9e-1
        p = p * r + 5.000_000_120_1e-1
        let y = p * (r * r) + r + 1
        let ni = unsafeBitCast(t, to: SIMD8<Int32>.self) &- unsafeBitCast(magic, to: SIMD8<Int32>.self)
        let scale = (ni &+ 127) &<< 23
        return y * unsafeBitCast(scale, to: V.self)
    }

    @inline(__always) static func sigmoid(_ x: V) -> V { 1 / (1 + exp(-x)) }

    /// tanh as 1 − 2/(e^{2x}+1): absolute error ≈ 1e-7 everywhere, saturates cleanly to ±1.
    @inline(__always) static func tanh(_ x: V) -> V { 1 - 2 / (exp(x + x) + 1) }

    @inline(__always) static func load(_ p: UnsafePointer<Float>) -> V { UnsafeRawPointer(p).loadUnaligned(as: V.self) }
    @inline(__always) static func store(_ v: V, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: V.self)
    }

    /// Applies `f` to `count` floats in place, 8 at a time. A ragged tail is handled by computing the last 8
    /// elements from their original values before the main loop and storing them after it (the overlap gets the same
    /// values twice); fewer than 8 elements go through a padded vector. Every element takes the same arithmetic path.
    @inline(__always)
    static func map(_ p: UnsafeMutablePointer<Float>, _ count: Int, _ f: (V) -> V) {
        if count >= 8 {
            let tailStart = count - 8
            let tail = f(load(p + tailStart))
            var i = 0
            while i + 8 <= count {
                store(f(load(p + i)), p + i)
                i += 8
            }
            if i < count { store(tail, p + tailStart) }
        } else if count > 0 {
            var v = V(repeating: 0)
            for j in 0..<count { v[j] = p[j] }
            let r = f(v)
            for j in 0..<count { p[j] = r[j] }
        }
    }

    // MARK: reference (scalar, C library)

    static func expReference(_ x: Float) -> Float { Foundation.exp(x) }
    static func sigmoidReference(_ x: Float) -> Float { 1 / (1 + Foundation.exp(-x)) }
    static func tanhReference(_ x: Float) -> Float { Foundation.tanh(x) }
}
