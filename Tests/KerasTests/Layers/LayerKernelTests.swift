import XCTest
@testable import Keras

/// Fast kernels against their plain references (llm.c style): every shape class of the blocked GEMM
/// (4-row blocks and row tails, 16/8/1-column blocks, strided A rows).
final class LayerKernelTests: XCTestCase {
    func testGemmAgreesWithReference() {
        for (m, n, k, extra) in [(1, 1, 1, 0), (4, 16, 3, 0), (5, 80, 20, 0), (7, 25, 9, 3), (3, 64, 10, 5), (9, 1, 64, 0), (13, 41, 7, 2)] {
            let lda = k + extra
            let a = LayerTest.det(m * lda, 3), b = LayerTest.det(k * n, 4), c0 = LayerTest.det(m * n, 5)
            var fast = c0, ref = c0
            a.withUnsafeBufferPointer { ap in b.withUnsafeBufferPointer { bp in
                fast.withUnsafeMutableBufferPointer { cp in
                    Gemm.gemmAccumulate(m: m, n: n, k: k, a: ap.baseAddress!, lda: lda, b: bp.baseAddress!, c: cp.baseAddress!, ldc: n)
                }
                ref.withUnsafeMutableBufferPointer { cp in
                    Gemm.gemmAccumulateReference(m: m, n: n, k: k, a: ap.baseAddress!, lda: lda, b: bp.baseAddress!, c: cp.baseAddress!, ldc: n)
                }
            } }
            LayerTest.assertClose(fast, ref, tolerance: 1e-6)
            XCTAssertNotEqual(fast, c0, "m=\(m) n=\(n) k=\(k) must change C")
        }
    }
}
