import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// `trading-bot run` under a systemd-style supervisor: the test binds the NOTIFY_SOCKET datagram socket, as systemd
/// does for Type=notify services, and reads what the loop sends (sd_notify(3) protocol: `READY=1`, `WATCHDOG=1`,
/// `STOPPING=1`, newline-separated assignments per datagram).
final class SystemdNotifyTests: XCTestCase {
    final class NotifySocket {
        let path: String
        let fd: Int32
        init(directory: URL) throws {
            path = directory.appendingPathComponent("notify.sock").path
            fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
            var addr = sockaddr_un()
            addr.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &addr.sun_path) { $0.copyBytes(from: Array(path.utf8) + [0]) }
            let bound = withUnsafePointer(to: &addr) { p in
                p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            guard bound == 0 else { throw NSError(domain: "notify", code: Int(errno)) }
            var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        }
        deinit { close(fd); unlink(path) }
        /// Datagrams received until `until` or until `stop` says enough.
        func receive(until deadline: Date, stop: ([String]) -> Bool) -> [String] {
            var messages: [String] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            while Date() < deadline && !stop(messages) {
                let n = recv(fd, &buffer, buffer.count, 0)
                if n > 0 { messages.append(String(decoding: buffer[0..<n], as: UTF8.self)) }
            }
            return messages
        }
    }

    func testLoopSendsReadyThenWatchdogWhileWaitingThenStopping() throws {
        guard FileManager.default.fileExists(atPath: Scenario.modelPath) else { throw XCTSkip("shipped model missing") }
        let scenario = try Scenario(self)
        let exchange = try scenario.startExchange()
        try exchange.setClock(scenario.after(5))
        try scenario.writeConfig(mode: "testnet")
        let notify = try NotifySocket(directory: scenario.directory)
        // WatchdogSec=0.4 s: the loop must ping at least every 0.2 s, also while it sleeps until the next candle.
        let running = try Harness.start(["run"], environment: scenario.credentials.merging(["NOTIFY_SOCKET": notify.path, "WATCHDOG_USEC": "400000"]) { a, _ in a },
                                        directory: scenario.directory)
        let started = Date()
        var messages = notify.receive(until: started.addingTimeInterval(30)) { $0.contains { $0.hasPrefix("READY=1") } }
        XCTAssertTrue(messages.first?.hasPrefix("READY=1") == true, "\(messages) \(running.stderr())")
        XCTAssertTrue(messages.first?.contains("STATUS=testnet BTC/USDT:USDT 1d") == true, "\(messages)")
        // The first cycle runs, then the loop sleeps a simulated day: pings keep coming.
        let window = Date()
        messages = notify.receive(until: window.addingTimeInterval(2)) { _ in false }
        let pings = messages.filter { $0 == "WATCHDOG=1" }.count
        XCTAssertGreaterThanOrEqual(pings, 6, "\(messages)")  // ≥ one per 0.2 s over 2 s, give or take scheduling
        XCTAssertTrue(running.stdout().contains("[done]"), running.stdout())
        kill(running.process.processIdentifier, SIGTERM)
        messages = notify.receive(until: Date().addingTimeInterval(10)) { $0.contains("STOPPING=1") }
        XCTAssertTrue(messages.contains("STOPPING=1"), "\(messages)")
        running.process.waitUntilExit()
        XCTAssertEqual(running.process.terminationStatus, 0, running.stderr())
    }

}
