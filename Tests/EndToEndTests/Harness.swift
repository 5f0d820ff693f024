import BinanceTestServer
import Bot
import Exchange
import Foundation
import XCTest
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Runs the built `trading-bot` binary and the loopback Binance server as subprocesses, the way users run them.
enum Harness {
    /// The repository root (holds Package.swift).
    static let root: URL = {
        var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while url.path != "/" {
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
            url.deleteLastPathComponent()
        }
        return URL(fileURLWithPath: #filePath)
    }()

    /// The `trading-bot` executable built next to the test bundle (`swift build --build-tests` builds every product),
    /// or TRADINGBOT_TEST_BINARY: the end-to-end tests against another build, e.g. the release binary, whose flags
    /// (`-Ounchecked`, the metadata-accessor and link-order settings) the debug build does not have.
    static func binary() throws -> URL {
        if let path = ProcessInfo.processInfo.environment["TRADINGBOT_TEST_BINARY"], !path.isEmpty {
            guard FileManager.default.isExecutableFile(atPath: path) else {
                throw BinaryNotFound(message: "TRADINGBOT_TEST_BINARY=\(path) is not an executable file; unset it to test the build next to the tests")
            }
            return URL(fileURLWithPath: path)
        }
        var candidates: [URL] = []
        var url = Bundle.main.bundleURL
        for _ in 0..<3 {
            candidates.append(url.appendingPathComponent("trading-bot"))
            url.deleteLastPathComponent()
        }
        for configuration in ["debug", "release"] {
            candidates.append(root.appendingPathComponent(".build/\(configuration)/trading-bot"))
        }
        if let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) { return found }
        throw XCTSkip("trading-bot binary not found next to the tests (looked in \(candidates.map(\.path))); run swift build --build-tests")
    }

    /// TRADINGBOT_TEST_BINARY names no executable: a failure, not a skip, so a release check cannot pass vacuously.
    struct BinaryNotFound: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs the binary to completion (with a timeout) and captures its output.
    static func run(_ arguments: [String], environment: [String: String], directory: URL, timeout: TimeInterval = 60) throws -> Output {
        let process = try start(arguments, environment: environment, directory: directory)
        let deadline = Date().addingTimeInterval(timeout)
        while process.process.isRunning && Date() < deadline { usleep(10_000) }
        if process.process.isRunning {
            process.process.terminate()
            throw XCTSkip("trading-bot \(arguments.joined(separator: " ")) did not finish in \(timeout) s")
        }
        process.process.waitUntilExit()
        return Output(status: process.process.terminationStatus, stdout: process.stdout(), stderr: process.stderr())
    }

    final class Running {
        let process: Process
        private let out: URL
        private let err: URL
        init(process: Process, out: URL, err: URL) {
            self.process = process
            self.out = out
            self.err = err
        }
        var stdoutURL: URL { out }
        func stdout() -> String { (try? String(contentsOf: out, encoding: .utf8)) ?? "" }
        func stderr() -> String { (try? String(contentsOf: err, encoding: .utf8)) ?? "" }
    }

    /// Starts the binary; output goes to files (no pipe buffers to fill up and block the child).
    static func start(_ arguments: [String], environment: [String: String], directory: URL) throws -> Running {
        let process = Process()
        process.executableURL = try binary()
        process.arguments = arguments
        var env = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": directory.path]
        env.merge(environment) { _, new in new }
        process.environment = env
        process.currentDirectoryURL = directory
        let id = UUID().uuidString
        let out = directory.appendingPathComponent("out-\(id).txt"), err = directory.appendingPathComponent("err-\(id).txt")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        FileManager.default.createFile(atPath: err.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        try process.run()
        return Running(process: process, out: out, err: err)
    }
}

/// The loopback Binance server, in this test process (the bot under test is the separate `trading-bot` process,
/// talking to it over real HTTP). Controlled through its /_test/ HTTP endpoints, as any other process would.
final class TestExchange {
    let server: BinanceTestServer
    let baseURL: String
    static let apiKey = "e2e-key-0123456789"
    static let apiSecret = "e2e-CANARY-secret-9876543210"

    init(candles: URL, interval: String, startMs: Int64, balance: Decimal = 10_000, generousLimits: Bool = false) throws {
        var options = BinanceTestServer.Options()
        options.startTimeMs = startMs
        options.clockRunning = false
        if generousLimits {
            options.weightLimitPerMinute = 1_000_000
            options.orderLimitPerMinute = 1_000_000
            options.orderLimitPer10s = 1_000_000
        }
        let server = BinanceTestServer(options: options)
        try server.loadCandles(symbol: "BTCUSDT", interval: interval, csvPath: candles.path)
        server.addAccount(apiKey: TestExchange.apiKey, secret: TestExchange.apiSecret, balanceUSDT: balance)
        try TestExchange.blocking { try await server.start() }
        self.server = server
        baseURL = server.baseURL
    }

    deinit { stop() }

    private var stopped = false
    func stop() {
        guard !stopped else { return }
        stopped = true
        let server = self.server
        try? TestExchange.blocking { await server.stop() }
    }

    /// Runs async work from a synchronous test (the server's tasks run on the cooperative pool, never blocked here).
    static func blocking<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
        let semaphore = DispatchSemaphore(value: 0)
        let box = ResultBox<T>()
        Task.detached {
            do { box.result = .success(try await body()) } catch { box.result = .failure(error) }
            semaphore.signal()
        }
        semaphore.wait()
        guard let result = box.result else { throw NSError(domain: "blocking", code: -1) }
        return try result.get()
    }

    final class ResultBox<T>: @unchecked Sendable { var result: Result<T, Error>? }

    /// Calls a /_test/ control endpoint and returns its JSON.
    @discardableResult
    func control(_ method: String, _ path: String, _ query: [String: String] = [:]) throws -> [String: Any] {
        var components = URLComponents(string: baseURL + path)
        if !query.isEmpty { components?.queryItems = query.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) } }
        guard let url = components?.url else { throw XCTSkip("bad control URL") }
        var request = URLRequest(url: url)
        request.httpMethod = method
        let (data, status) = try TestExchange.send(request)
        guard status == 200 else { throw NSError(domain: "control", code: status, userInfo: [NSLocalizedDescriptionKey: String(decoding: data, as: UTF8.self)]) }
        return (try JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
    }

    func requests() throws -> [[String: Any]] {
        guard let url = URL(string: baseURL + "/_test/requests") else { return [] }
        let (data, _) = try TestExchange.send(URLRequest(url: url))
        return (try JSONSerialization.jsonObject(with: data) as? [[String: Any]]) ?? []
    }

    func state() throws -> [String: Any] { try control("GET", "/_test/state") }

    func setClock(_ ms: Int64) throws { try control("POST", "/_test/clock", ["ms": String(ms)]) }

    private static func send(_ request: URLRequest) throws -> (Data, Int) {
        let semaphore = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var result: (Data, Int)?
        nonisolated(unsafe) var failure: Error?
        URLSession.shared.dataTask(with: request) { data, response, error in
            if let data, let http = response as? HTTPURLResponse { result = (data, http.statusCode) } else { failure = error }
            semaphore.signal()
        }.resume()
        _ = semaphore.wait(timeout: .now() + 30)
        if let result { return result }
        throw failure ?? NSError(domain: "control", code: -1)
    }
}
