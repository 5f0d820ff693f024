import Foundation
import CCurl

/// HTTP over libcurl: one easy handle per transport (so keep-alive connections are reused),
/// connect + total timeouts, TLS peer and host verification on, proxies from the usual environment
/// variables (libcurl's default), no redirects. Requests run one at a time on a private queue.
public final class CurlTransport: HTTPTransport, @unchecked Sendable {
    public let connectTimeoutMs: Int
    public let totalTimeoutMs: Int
    private let queue = DispatchQueue(label: "binance.curl")
    private var handle: UnsafeMutableRawPointer?
    /// Why libcurl is unusable (library missing, init failed); every request then fails with it, unsent.
    private let unavailable: String?

    /// Hosts never reached through a proxy: loopback, and whatever no_proxy / NO_PROXY names (read once: building
    /// the environment dictionary for each request was a visible part of a Lambda cold start).
    private static let noProxy: String = {
        let env = ProcessInfo.processInfo.environment
        return (["127.0.0.1", "localhost", "::1"] + ((env["no_proxy"] ?? env["NO_PROXY"]).map { [$0] } ?? [])).joined(separator: ",")
    }()

    /// libcurl is loaded (dlopen) and globally initialised once per process, by the first transport made.
    private static let loadFailure: String? = {
        if let failure = ccurl_load() { return String(cString: failure) }
        let code = ccurl_global_init_default()
        return code == CURLE_OK ? nil : "curl_global_init failed (code \(code.rawValue))"
    }()

    /// Loads and initialises libcurl now (a few ms), e.g. on another thread while something else runs; nil when
    /// it is usable, otherwise why not.
    @discardableResult
    public static func preload() -> String? { loadFailure }

    /// Starts loading libcurl on a background thread and returns at once. Loading it is about 6 ms of dynamic
    /// linking (some 30 libraries), so a cold start (`trading-bot lambda`) begins it before anything else: argument
    /// parsing and the configuration then run meanwhile, and the first transport made waits only for what is left.
    ///
    /// It also sets GNUTLS_NO_IMPLICIT_INIT=1 unless the environment already says otherwise. Debian's OpenSSL libcurl
    /// still loads GnuTLS, as a dependency of librtmp, and GnuTLS's library constructor then initialises itself
    /// (about 1 ms of the load) for nothing. Whatever does use GnuTLS calls `gnutls_global_init` itself: libcurl's
    /// GnuTLS flavour in `curl_global_init`, librtmp in its TLS set-up. Set here, before the loading thread exists,
    /// because setenv must not race another thread's getenv.
    public static func preloadInBackground() {
        setenv("GNUTLS_NO_IMPLICIT_INIT", "1", 0)
        loading.begin()
        DispatchQueue.global(qos: .userInitiated).async {
            _ = loadFailure
            loading.end()
        }
    }

    /// The background load in flight: a transport made meanwhile sleeps on it (see `BackgroundJobGate`).
    private static let loading = BackgroundJobGate()

    public init(connectTimeoutMs: Int = 5_000, totalTimeoutMs: Int = 10_000) {
        self.connectTimeoutMs = connectTimeoutMs
        self.totalTimeoutMs = totalTimeoutMs
        CurlTransport.loading.wait()
        if let failure = CurlTransport.loadFailure {
            self.unavailable = failure
            self.handle = nil
        } else {
            self.handle = ccurl_easy_init()
            self.unavailable = handle == nil ? "curl_easy_init failed" : nil
        }
    }

    deinit { if let handle { ccurl_easy_cleanup(handle) } }

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        try await withCheckedThrowingContinuation { (cont: CheckedContinuation<HTTPResponse, Error>) in
            queue.async {
                cont.resume(with: Result { try self.perform(request) })
            }
        }
    }

    /// Collects body bytes and header lines from libcurl's callbacks.
    private final class Sink {
        var body = Data()
        var headers: [String: String] = [:]

        /// Without leading and trailing spaces, tabs, CR and LF.
        static func trimmed(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> Slice<UnsafeBufferPointer<UInt8>> {
            func blank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0d || byte == 0x0a }
            var lower = bytes.startIndex, upper = bytes.endIndex
            while lower < upper && blank(bytes[lower]) { lower += 1 }
            while upper > lower && blank(bytes[upper - 1]) { upper -= 1 }
            return bytes[lower..<upper]
        }
    }

    private func perform(_ request: HTTPRequest) throws -> HTTPResponse {
        guard let h = handle else {
            throw TransportFailure(kind: .unavailable, mayHaveBeenSent: false, message: unavailable ?? "curl_easy_init failed")
        }
        ccurl_easy_reset(h)  // keeps the connection cache, clears options
        let sink = Sink()
        let sinkPtr = Unmanaged.passUnretained(sink).toOpaque()
        var list: UnsafeMutablePointer<curl_slist>? = nil
        defer { ccurl_slist_free_all(list) }

        _ = ccurl_setopt_string(h, CURLOPT_URL, request.url)
        _ = ccurl_setopt_long(h, CURLOPT_NOSIGNAL, 1)
        _ = ccurl_setopt_long(h, CURLOPT_CONNECTTIMEOUT_MS, connectTimeoutMs)
        _ = ccurl_setopt_long(h, CURLOPT_TIMEOUT_MS, totalTimeoutMs)
        _ = ccurl_setopt_long(h, CURLOPT_SSL_VERIFYPEER, 1)
        _ = ccurl_setopt_long(h, CURLOPT_SSL_VERIFYHOST, 2)
        _ = ccurl_setopt_long(h, CURLOPT_FOLLOWLOCATION, 0)
        // libcurl re-sends a request by itself when a reused keep-alive connection turns out dead and
        // nothing came back; for an order that would place it twice. A fresh connection disables that.
        if !request.idempotent { _ = ccurl_setopt_long(h, CURLOPT_FRESH_CONNECT, 1) }
        _ = ccurl_setopt_string(h, CURLOPT_ACCEPT_ENCODING, "")
        // Loopback never goes through a proxy, whatever http_proxy says (tests must stay on 127.0.0.1).
        _ = ccurl_setopt_string(h, CURLOPT_NOPROXY, CurlTransport.noProxy)

        switch request.method {
        case "GET": _ = ccurl_setopt_long(h, CURLOPT_HTTPGET, 1)
        case "POST":
            _ = ccurl_setopt_long(h, CURLOPT_POST, 1)
        default: _ = ccurl_setopt_string(h, CURLOPT_CUSTOMREQUEST, request.method)
        }
        if request.method != "GET" {
            let body = request.body ?? Data()
            _ = ccurl_setopt_long(h, CURLOPT_POSTFIELDSIZE, body.count)
            // COPYPOSTFIELDS copies, so the buffer need not outlive this call.
            var bytes = [UInt8](body)
            bytes.append(0)
            bytes.withUnsafeMutableBytes { raw in
                _ = ccurl_setopt_pointer(h, CURLOPT_COPYPOSTFIELDS, raw.baseAddress)
            }
        }
        for (name, value) in request.headers { list = ccurl_slist_append(list, "\(name): \(value)") }
        list = ccurl_slist_append(list, "Expect:")
        _ = ccurl_setopt_slist(h, CURLOPT_HTTPHEADER, list)

        let onBody: ccurl_write_callback = { ptr, size, count, user in
            guard let ptr, let user else { return 0 }
            let sink = Unmanaged<Sink>.fromOpaque(user).takeUnretainedValue()
            sink.body.append(UnsafeRawPointer(ptr).assumingMemoryBound(to: UInt8.self), count: size * count)
            return size * count
        }
        let onHeader: ccurl_write_callback = { ptr, size, count, user in
            guard let ptr, let user else { return 0 }
            let sink = Unmanaged<Sink>.fromOpaque(user).takeUnretainedValue()
            let bytes = UnsafeBufferPointer(start: UnsafeRawPointer(ptr).assumingMemoryBound(to: UInt8.self), count: size * count)
            if bytes.starts(with: "HTTP/".utf8) { sink.headers = [:] }  // a new response (after 100-continue)
            else if let colon = bytes.firstIndex(of: UInt8(ascii: ":")) {
                let name = String(decoding: Sink.trimmed(bytes[..<colon]), as: UTF8.self).lowercased()
                sink.headers[name] = String(decoding: Sink.trimmed(bytes[(colon + 1)...]), as: UTF8.self)
            }
            return size * count
        }
        _ = ccurl_setopt_write_function(h, CURLOPT_WRITEFUNCTION, onBody)
        _ = ccurl_setopt_pointer(h, CURLOPT_WRITEDATA, sinkPtr)
        _ = ccurl_setopt_write_function(h, CURLOPT_HEADERFUNCTION, onHeader)
        _ = ccurl_setopt_pointer(h, CURLOPT_HEADERDATA, sinkPtr)

        let code = ccurl_easy_perform(h)
        if code != CURLE_OK {
            var sent: Int = 0
            _ = ccurl_getinfo_long(h, CURLINFO_REQUEST_SIZE, &sent)
            let message = String(cString: ccurl_easy_strerror(code))
            let kind: TransportFailure.Kind
            switch code {
            case CURLE_OPERATION_TIMEDOUT: kind = .timeout
            case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY: kind = .connectFailed
            case CURLE_GOT_NOTHING, CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_PARTIAL_FILE: kind = .connectionLost
            default: kind = .other
            }
            throw TransportFailure(kind: kind, mayHaveBeenSent: kind != .connectFailed && sent > 0,
                                   message: "\(message) (\(request.method) \(CurlTransport.hostAndPath(request.url)))")
        }
        var status: Int = 0
        _ = ccurl_getinfo_long(h, CURLINFO_RESPONSE_CODE, &status)
        return HTTPResponse(status: status, headers: sink.headers, body: sink.body)
    }

    /// URL without the query (which carries the signature) for error messages.
    static func hostAndPath(_ url: String) -> String {
        String(url.split(separator: "?", maxSplits: 1).first ?? "")
    }
}
