import Foundation
import HTTPClient
import XCTest

final class BackgroundJobGateTests: XCTestCase {
    func testWaitReturnsAtOnceWhenNoJobWasBegun() {
        let gate = BackgroundJobGate()
        gate.wait()
        XCTAssertFalse(gate.isRunning)
    }

    /// The waiter sleeps until `end`: it must not return while the job is still under way.
    func testWaiterReturnsOnlyAfterTheJobEnds() {
        let gate = BackgroundJobGate()
        gate.begin()
        let finished = Flag()
        let waited = expectation(description: "waiter returned")
        Thread.detachNewThread {
            gate.wait()
            XCTAssertTrue(finished.value, "wait() returned before end()")
            waited.fulfill()
        }
        Thread.sleep(forTimeInterval: 0.05)
        XCTAssertTrue(gate.isRunning)
        finished.value = true
        gate.end()
        wait(for: [waited], timeout: 5)
        XCTAssertFalse(gate.isRunning)
        gate.wait()  // and again, at once
    }

    /// Every waiter is woken, not one of them.
    func testEndWakesEveryWaiter() {
        let gate = BackgroundJobGate()
        gate.begin()
        let woken = (0..<4).map { expectation(description: "waiter \($0)") }
        for expectation in woken { Thread.detachNewThread { gate.wait(); expectation.fulfill() } }
        Thread.sleep(forTimeInterval: 0.05)
        gate.end()
        wait(for: woken, timeout: 5)
    }

    /// A transport made while libcurl loads in the background waits for it and then works (the gate is not left
    /// begun: a second transport is made at once).
    func testTransportMadeDuringTheBackgroundLoadIsUsable() {
        CurlTransport.preloadInBackground()
        let first = CurlTransport(connectTimeoutMs: 1_000, totalTimeoutMs: 2_000)
        let second = CurlTransport(connectTimeoutMs: 1_000, totalTimeoutMs: 2_000)
        XCTAssertEqual(first.connectTimeoutMs, 1_000)
        XCTAssertEqual(second.totalTimeoutMs, 2_000)
        XCTAssertNil(CurlTransport.preload(), "libcurl loaded")
    }

    private final class Flag: @unchecked Sendable {
        private let lock = NSLock()
        private var stored = false
        var value: Bool {
            get { lock.withLock { stored } }
            set { lock.withLock { stored = newValue } }
        }
    }
}
