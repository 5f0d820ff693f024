import Foundation
import XCTest
@testable import HTTPServer

/// The HTTP/1.1 layer on its own, over real sockets: framing, keep-alive, limits, shutdown.
/// The handler echoes what it was given, so every assertion checks what the server parsed.
final class HTTP1ServerTests: XCTestCase {
    var server: HTTP1Server?

    /// Counts handler calls, so tests can tell "answered" from "never reached the handler".
    final class Calls: @unchecked Sendable {
        private let lock = NSLock()
        private var count = 0
        func add() { lock.lock(); count += 1; lock.unlock() }
        var value: Int { lock.lock(); defer { lock.unlock() }; return count }
    }
    let calls = Calls()

    func start(_ limits: HTTP1Server.Limits = .init(),
               reply: (@Sendable (WireRequest) -> WireReply)? = nil) throws -> UInt16 {
        let calls = self.calls
        let s = HTTP1Server(port: 0, limits: limits) { request in
            calls.add()
            if let reply { return reply(request) }
            let echo = "\(request.method) \(request.path) ?\(request.rawQuery) |\(String(decoding: request.body, as: UTF8.self))|"
                + " x-test=\(request.header("X-TEST") ?? "-")"
            return .send(WireResponse(status: 200, headers: [("Content-Type", "text/plain")], body: Data(echo.utf8)))
        }
        server = s
        return try s.start()
    }

    override func tearDown() {
        server?.stop()
        server = nil
    }

    func testKeepAliveServesSeveralRequestsOnOneConnection() throws {
        let client = try SocketClient(port: try start())
        for i in 1...5 {
            try client.send("GET /fapi/v1/ping?n=\(i)&sym=BTC%2FUSDT HTTP/1.1\r\nHost: x\r\nx-Test: v\(i)\r\n\r\n")
            let r = try client.readResponse()
            XCTAssertEqual(r.status, 200)
            XCTAssertEqual(r.body, "GET /fapi/v1/ping ?n=\(i)&sym=BTC%2FUSDT || x-test=v\(i)", "raw query kept, headers case-insensitive")
            XCTAssertEqual(r.header("connection"), "keep-alive")
        }
        XCTAssertEqual(calls.value, 5)
    }

    /// Sequential requests on one reused connection (what libcurl does): all answered on that connection.
    func testFiftySequentialRequestsReuseOneConnection() throws {
        let client = try SocketClient(port: try start())
        for i in 0..<50 {
            try client.send("POST /o HTTP/1.1\r\nContent-Length: \(String(i).count)\r\n\r\n\(i)")
            XCTAssertEqual(try client.readResponse().body, "POST /o ? |\(i)| x-test=-")
        }
    }

    func testPipelinedRequestsAreAnsweredInOrder() throws {
        let client = try SocketClient(port: try start())
        try client.send("POST /a HTTP/1.1\r\nContent-Length: 3\r\n\r\nabcGET /b HTTP/1.1\r\n\r\n")
        XCTAssertEqual(try client.readResponse().body, "POST /a ? |abc| x-test=-")
        XCTAssertEqual(try client.readResponse().body, "GET /b ? || x-test=-")
    }

    func testMalformedRequestLineIsAnswered400AndClosed() throws {
        for garbage in ["HELLO\r\n\r\n", "GET /x\r\n\r\n", "GET  /x HTTP/1.1\r\n\r\n", "G(T /x HTTP/1.1\r\n\r\n",
                        "GET x HTTP/1.1\r\n\r\n", "GET /x HTTP/1.1\r\nno colon here\r\n\r\n", "\u{1}\u{2}\u{ff}\r\n\r\n"] {
            let client = try SocketClient(port: server?.port ?? start())
            try client.send(garbage)
            let r = try client.readResponse()
            XCTAssertEqual(r.status, 400, garbage.debugDescription)
            XCTAssertTrue(r.body.hasPrefix("malformed request"), r.body)
            XCTAssertEqual(r.header("Connection"), "close")
            XCTAssertTrue(client.seesEndOfStream(), garbage.debugDescription)
        }
        XCTAssertEqual(calls.value, 0, "garbage never reaches the handler")
        // And the server still serves well-formed requests afterwards.
        let client = try SocketClient(port: try XCTUnwrap(server?.port))
        try client.send("GET /ok HTTP/1.1\r\n\r\n")
        XCTAssertEqual(try client.readResponse().status, 200)
    }

    func testUnsupportedHTTPVersionIs505() throws {
        let client = try SocketClient(port: try start())
        try client.send("GET /x HTTP/2.0\r\n\r\n")
        XCTAssertEqual(try client.readResponse().status, 505)
    }

    func testOversizedHeaderIs431() throws {
        let client = try SocketClient(port: try start(.init(maxHeaderBytes: 4096)))
        try client.send("GET /x HTTP/1.1\r\nX-Big: " + String(repeating: "a", count: 5000) + "\r\n\r\n")
        let r = try client.readResponse()
        XCTAssertEqual(r.status, 431)
        XCTAssertTrue(client.seesEndOfStream())
        XCTAssertEqual(calls.value, 0)
    }

    func testHeaderJustUnderTheLimitIsServed() throws {
        let client = try SocketClient(port: try start(.init(maxHeaderBytes: 4096)))
        let head = "GET /x HTTP/1.1\r\nX-Big: " + String(repeating: "a", count: 3000) + "\r\n\r\n"
        try client.send(head)
        XCTAssertEqual(try client.readResponse().status, 200)
    }

    func testOversizedBodyIs413WithoutReadingIt() throws {
        let client = try SocketClient(port: try start(.init(maxBodyBytes: 1000)))
        try client.send("POST /x HTTP/1.1\r\nContent-Length: 1001\r\n\r\n")
        XCTAssertEqual(try client.readResponse().status, 413)
        XCTAssertEqual(calls.value, 0)
    }

    func testChunkedBodyIsRefusedWith411() throws {
        let client = try SocketClient(port: try start())
        try client.send("POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n")
        let r = try client.readResponse()
        XCTAssertEqual(r.status, 411)
        XCTAssertTrue(client.seesEndOfStream())
        XCTAssertEqual(calls.value, 0)
    }

    func testConflictingContentLengthsAre400() throws {
        let client = try SocketClient(port: try start())
        try client.send("POST /x HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd")
        XCTAssertEqual(try client.readResponse().status, 400)
    }

    func testBodySplitAcrossSeveralWritesIsReassembled() throws {
        let client = try SocketClient(port: try start())
        try client.send("POST /fapi/v1/order HTTP/1.1\r\nContent-")
        Thread.sleep(forTimeInterval: 0.05)
        try client.send("Length: 26\r\n\r\nsymbol=BTC")
        Thread.sleep(forTimeInterval: 0.05)
        try client.send("USDT&side=")
        Thread.sleep(forTimeInterval: 0.05)
        try client.send("BUY!!")
        Thread.sleep(forTimeInterval: 0.05)
        try client.send("!")
        XCTAssertEqual(try client.readResponse().body, "POST /fapi/v1/order ? |symbol=BTCUSDT&side=BUY!!!| x-test=-")
    }

    func testExpectContinueGets100BeforeTheBody() throws {
        let client = try SocketClient(port: try start())
        try client.send("PUT /x HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n")
        XCTAssertEqual(try client.readResponse().status, 100)
        try client.send("hi")
        XCTAssertEqual(try client.readResponse().body, "PUT /x ? |hi| x-test=-")
    }

    func testConnectionCloseIsHonoured() throws {
        let client = try SocketClient(port: try start())
        try client.send("GET /x HTTP/1.1\r\nConnection: Close\r\n\r\n")
        let r = try client.readResponse()
        XCTAssertEqual(r.status, 200)
        XCTAssertEqual(r.header("Connection"), "close")
        XCTAssertTrue(client.seesEndOfStream())
    }

    func testHTTP10ClosesUnlessKeepAliveIsAsked() throws {
        let port = try start()
        let plain = try SocketClient(port: port)
        try plain.send("GET /x HTTP/1.0\r\n\r\n")
        XCTAssertEqual(try plain.readResponse().status, 200)
        XCTAssertTrue(plain.seesEndOfStream())

        let kept = try SocketClient(port: port)
        for _ in 0..<2 {
            try kept.send("GET /x HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            XCTAssertEqual(try kept.readResponse().header("Connection"), "keep-alive")
        }
    }

    func testDropConnectionEndsItWithoutAByte() throws {
        let client = try SocketClient(port: try start { _ in .dropConnection })
        try client.send("POST /fapi/v1/order HTTP/1.1\r\nContent-Length: 0\r\n\r\n")
        XCTAssertTrue(client.seesEndOfStream())
        XCTAssertEqual(calls.value, 1, "the request was handled before the drop")
    }

    func testStopClosesAnIdleOpenConnectionAndTheListener() throws {
        let port = try start()
        let client = try SocketClient(port: port)
        try client.send("GET /x HTTP/1.1\r\n\r\n")
        XCTAssertEqual(try client.readResponse().status, 200)
        server?.stop()
        XCTAssertTrue(client.seesEndOfStream(), "stop() must end idle keep-alive connections")
        XCTAssertThrowsError(try SocketClient(port: port), "nothing listens after stop()")
    }

    func testIdleConnectionTimesOut() throws {
        let client = try SocketClient(port: try start(.init(idleTimeoutSeconds: 0.2)))
        try client.send("GET /x HTTP/1.1\r\n\r\n")
        XCTAssertEqual(try client.readResponse().status, 200)
        XCTAssertTrue(client.seesEndOfStream(), "closed after 0.2 s without a request (the client waits up to 5 s)")
    }

    func testBusyPortIsAOneLineErrorNamingIt() throws {
        let port = try start()
        let second = HTTP1Server(port: port) { _ in .dropConnection }
        XCTAssertThrowsError(try second.start()) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("127.0.0.1:\(port)") && text.contains("bind"), text)
            XCTAssertFalse(text.contains("\n"))
        }
    }

    /// Random bytes, and valid requests cut or corrupted at every position: the parser answers
    /// with a value or a WireRequestError, never a trap.
    func testParserNeverTrapsOnGarbage() {
        var rng = SplitMix(seed: 42)
        let valid = Array("POST /fapi/v1/order?a=1 HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nExpect: 100-continue".utf8)
        var inputs: [[UInt8]] = (0..<2000).map { _ in (0..<Int(rng.next() % 200)).map { _ in UInt8(truncatingIfNeeded: rng.next()) } }
        for i in 0..<valid.count {
            inputs.append(Array(valid[..<i]))
            var corrupt = valid
            corrupt[i] = UInt8(truncatingIfNeeded: rng.next())
            inputs.append(corrupt)
        }
        var parsed = 0
        for input in inputs {
            do {
                let head = try RequestHead.parse(input)
                _ = try? head.bodyLength(limit: 100)
                _ = try? head.pathAndQuery()
                parsed += 1
            } catch {
                XCTAssertTrue(error is WireRequestError, "\(error)")
            }
        }
        XCTAssertGreaterThan(parsed, 0, "some corrupted inputs are still valid requests")
        XCTAssertEqual(try RequestHead.parse(valid).bodyLength(limit: 100), 5)
    }
}

/// A tiny deterministic generator so the garbage test is reproducible.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
