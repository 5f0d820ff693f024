import MallocCounter
import XCTest
@testable import Keras

/// "No heap allocation per prediction after warm-up", counted call by call: the test executable interposes glibc's
/// allocator (Tests/MallocCounter) and counts only this thread's calls, so other suites' threads cannot disturb it.
final class AllocationTests: XCTestCase {
    private func allocations(during body: () -> Void) -> UInt64 {
        let before = malloc_counter_thread_allocations()
        body()
        return malloc_counter_thread_allocations() - before
    }

    func testTheCounterSeesAnAllocation() {
        // Guards the guard: if interposition silently stopped working, the zero-allocation tests would pass vacuously.
        var keep: [[Float]] = []
        let n = allocations { keep.append([Float](repeating: 1, count: 64)) }
        XCTAssertGreaterThan(n, 0)
        XCTAssertEqual(keep.count, 1)
    }

    func testShippedModelRunsWithoutAllocating() throws {
        let path = Fixtures.root.appendingPathComponent("shipped.keras").path
        let model = try KerasModel.load(path: path)
        let session = model.makeSession(maxBatch: 8)
        for i in 0..<session.input.count { session.input[i] = Float(i % 11) / 11 }
        session.run(batch: 8)
        session.run(batch: 1)
        var sink: Float = 0
        let n = allocations {
            for k in 0..<1000 {
                session.run(batch: 1 + k % 8)
                sink += session.output[0]
            }
        }
        XCTAssertEqual(n, 0, "heap allocations in 1000 runs of the shipped model")
        XCTAssertTrue(sink.isFinite)
    }

    func testFunctionalGraphRunsWithoutAllocating() throws {
        let model = try KerasModel.load(path: Fixtures.loader("dense_fun.keras"), builders: loaderBuilders)
        let session = model.makeSession(maxBatch: 16)
        for i in 0..<session.inputs[0].count { session.inputs[0][i] = Float(i % 7) / 7; session.inputs[1][i] = 0.5 }
        session.run(batch: 16)
        var sink: Float = 0
        let n = allocations {
            for k in 0..<1000 {
                session.run(batch: 1 + k % 16)
                sink += session.output(0)[0] + session.output(1)[0]
            }
        }
        XCTAssertEqual(n, 0, "heap allocations in 1000 runs of a two-input, two-output functional model")
        XCTAssertFalse(sink.isNaN)
    }
}
