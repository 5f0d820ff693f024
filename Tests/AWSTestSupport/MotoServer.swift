import HTTPClient
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A real moto server (`pip install "moto[server]"`) on a free loopback port, started by a test and stopped by it.
/// moto implements S3 (with real 412s for If-Match / If-None-Match) and SNS; it does not check signatures.
public final class MotoServer: @unchecked Sendable {
    public let port: UInt16
    private let process: Process
    public let log: URL

    public struct Missing: Error, CustomStringConvertible {
        public init() {}
        public var description: String { "moto_server is not on PATH: pip install \"moto[server]\" (.ci/run installs it)" }
    }

    public init() throws {
        guard let executable = MotoServer.find("moto_server") else { throw Missing() }
        port = try MotoServer.freePort()
        log = FileManager.default.temporaryDirectory.appendingPathComponent("moto-\(port)-\(UUID().uuidString).log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["-H", "127.0.0.1", "-p", String(port)]
        var env = ProcessInfo.processInfo.environment
        env["MOTO_ALLOW_NONEXISTENT_REGION"] = "true"
        process.environment = env
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if MotoServer.canConnect(port) { return }
            if !process.isRunning { break }
            usleep(50_000)
        }
        stop()
        throw NSError(domain: "MotoServer", code: 1, userInfo: [NSLocalizedDescriptionKey:
            "moto_server did not start on 127.0.0.1:\(port): \((try? String(contentsOf: log, encoding: .utf8)) ?? "")"])
    }

    deinit { stop() }

    public var endpoint: String { "http://127.0.0.1:\(port)" }

    /// The environment a process needs to use this server as S3 and SNS.
    public var environment: [String: String] {
        ["AWS_ENDPOINT_URL": endpoint, "AWS_ACCESS_KEY_ID": "testing-key", "AWS_SECRET_ACCESS_KEY": "testing-secret",
         "AWS_SESSION_TOKEN": "testing-token", "AWS_REGION": "us-east-1"]
    }

    public func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    /// moto's own inspection API (`/moto-api/data.json`): every resource it holds, by service.
    public func data() throws -> [String: Any] {
        let output = try call("GET", "/moto-api/data.json").body
        return (try JSONSerialization.jsonObject(with: output) as? [String: Any]) ?? [:]
    }

    /// An HTTP call to moto through libcurl, waited for synchronously. moto does not check signatures, but it reads
    /// the access key from `Authorization` to apply object ACLs, so the call names the same test key the bot uses.
    public func call(_ method: String, _ path: String, body: Data? = nil) throws -> HTTPResponse {
        let box = ResultBox()
        let request = HTTPRequest(method: method, url: endpoint + path, headers: [
            ("Content-Type", "application/octet-stream"),
            ("Authorization", "AWS4-HMAC-SHA256 Credential=testing-key/20261203/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00"),
        ], body: body)
        let done = DispatchSemaphore(value: 0)
        Task.detached {
            do { box.result = .success(try await CurlTransport().send(request)) } catch { box.result = .failure(error) }
            done.signal()
        }
        done.wait()
        return try box.result?.get() ?? HTTPResponse(status: 0, headers: [:], body: Data())
    }

    private final class ResultBox: @unchecked Sendable { var result: Result<HTTPResponse, Error>? }

    public static func find(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for dir in path.split(separator: ":") {
            let candidate = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    public static func freePort() throws -> UInt16 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &addr) { ptr in
            ptr.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
        }
        guard bound else { throw NSError(domain: "MotoServer", code: 2, userInfo: [NSLocalizedDescriptionKey: "no free loopback port"]) }
        return UInt16(bigEndian: addr.sin_port)
    }

    static func canConnect(_ port: UInt16) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = port.bigEndian
        return withUnsafePointer(to: &addr) { ptr in
            ptr.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    /// Creates a bucket (path-style PUT; moto does not check the signature).
    public func createBucket(_ name: String) throws {
        let response = try call("PUT", "/\(name)", body: Data())
        guard response.status == 200 else {
            throw NSError(domain: "MotoServer", code: 3, userInfo: [NSLocalizedDescriptionKey: "CreateBucket \(name): HTTP \(response.status)"])
        }
    }
}
