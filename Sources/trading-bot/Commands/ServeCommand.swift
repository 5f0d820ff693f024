import ArgumentParser
import BinanceTestServer
import Foundation

/// `trading-bot serve-test-exchange`: the Binance-compatible loopback server, started by hand or by
/// end-to-end tests that run the real binary against it. Prints `listening on URL` first (flushed),
/// then serves until SIGINT/SIGTERM. Tests drive it through the /_test/ control endpoints.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve-test-exchange",
        abstract: "Run a Binance USDⓈ-M compatible test server on 127.0.0.1 (for tests; no real money).",
        discussion: """
        Example:
          trading-bot serve-test-exchange --port 0 --candles ../shared/data/coin_Bitcoin.csv --symbol BTCUSDT \\
            --interval 1d --api-key K --api-secret S --balance 10000 --start-time 2021-01-01T12:00:00Z
        The first stdout line is `listening on http://127.0.0.1:PORT`. Control endpoints (POST unless noted):
          /_test/clock?ms=|iso=   /_test/advance?ms=   /_test/freeze   /_test/resume
          /_test/fault?kind=latency|http5xx|unknown503|throttled1008|rateLimit429|ban418|acceptThenDrop|clockSkew
                           |marginInsufficient|movePrice   [&seconds=&status=&retryAfter=&ms=&percent=&count=&method=&path=]
          /_test/clear-faults   /_test/reset-limits   /_test/account?apiKey=&secret=&balance=
          /_test/price?symbol=&price=   /_test/clear-requests   GET /_test/state   GET /_test/requests
        The key and secret default to EXCHANGE_API_KEY / EXCHANGE_API_SECRET; the secret is never printed.
        """)

    @Option(name: .long, help: "Port on 127.0.0.1 (0 = pick a free one).") var port: UInt16 = 0
    @Option(name: .long, help: "Candle CSV (timestamp,open,high,low,close,volume or CoinMarketCap Date,High,Low,Open,Close,Volume).")
    var candles: String?
    @Option(name: .long, help: "Symbol the candles belong to.") var symbol = "BTCUSDT"
    @Option(name: .long, help: "Kline interval of the candles (1m ... 1M).") var interval = "1d"
    @Option(name: .long, help: ArgumentHelp("More markets: SYMBOL:INTERVAL:FILE, e.g. ETHUSDT:4h:eth.csv (repeatable; one wallet for all).",
                                            valueName: "symbol:interval:file"))
    var market: [String] = []
    @Option(name: .customLong("api-key"), help: "API key clients send in X-MBX-APIKEY.") var apiKey: String?
    @Option(name: .customLong("api-secret"), help: "Secret clients sign with.") var apiSecret: String?
    @Option(name: .long, help: "Starting USDT balance of the account.") var balance = "10000"
    @Option(name: .customLong("start-time"), help: "Initial server time, ISO-8601 UTC (default: now).") var startTime: String?
    @Option(name: .long, help: "Clock mode: running (moves with wall time) or frozen (moves only via /_test/).") var clock = "running"
    @Option(name: .customLong("weight-limit"), help: "REQUEST_WEIGHT per minute.") var weightLimit = 2400

    func run() async throws {
        let env = ProcessInfo.processInfo.environment
        guard let key = apiKey ?? env["EXCHANGE_API_KEY"], !key.isEmpty else {
            throw ValidationError("no API key: pass --api-key or set EXCHANGE_API_KEY")
        }
        guard let secret = apiSecret ?? env["EXCHANGE_API_SECRET"], !secret.isEmpty else {
            throw ValidationError("no API secret: pass --api-secret or set EXCHANGE_API_SECRET")
        }
        guard let startingBalance = Decimal(string: balance), startingBalance >= 0 else {
            throw ValidationError("--balance '\(balance)' is not a non-negative number, e.g. 10000")
        }
        guard clock == "running" || clock == "frozen" else {
            throw ValidationError("--clock '\(clock)' must be running or frozen")
        }
        var options = BinanceTestServer.Options()
        options.port = port
        options.clockRunning = clock == "running"
        options.weightLimitPerMinute = weightLimit
        if let startTime {
            guard let ms = CandleFile.parseISO(startTime) else {
                throw ValidationError("--start-time '\(startTime)' is not an ISO-8601 UTC time, e.g. 2021-01-01T00:00:00Z")
            }
            options.startTimeMs = ms
        }
        guard options.spec(symbol) != nil else {
            throw ValidationError("--symbol '\(symbol)' is not served; use one of \(options.symbols.map(\.symbol).joined(separator: ", "))")
        }
        let server = BinanceTestServer(options: options)
        if let candles {
            do { try server.loadCandles(symbol: symbol, interval: interval, csvPath: candles) } catch {
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
                throw ExitCode.failure
            }
        }
        for spec in market {
            let parts = spec.split(separator: ":", maxSplits: 2).map(String.init)
            guard parts.count == 3, options.spec(parts[0]) != nil else {
                throw ValidationError("--market '\(spec)': use SYMBOL:INTERVAL:FILE with SYMBOL one of \(options.symbols.map(\.symbol).joined(separator: ", "))")
            }
            do { try server.loadCandles(symbol: parts[0], interval: parts[1], csvPath: parts[2]) } catch {
                FileHandle.standardError.write(Data("error: --market \(parts[0]): \(error)\n".utf8))
                throw ExitCode.failure
            }
        }
        server.addAccount(apiKey: key, secret: secret, balanceUSDT: startingBalance)
        try await server.start()
        FileHandle.standardOutput.write(Data("listening on \(server.baseURL)\n".utf8))
        await Self.waitForTermination()
        await server.stop()
    }

    /// Suspends until SIGINT or SIGTERM arrives.
    static func waitForTermination() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let once = Once(continuation)
            for sig in [SIGINT, SIGTERM] {
                signal(sig, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
                source.setEventHandler { once.fire() }
                source.resume()
                Once.keep(source)
            }
        }
    }

    /// Resumes the continuation exactly once, whichever signal comes first.
    final class Once: @unchecked Sendable {
        private let lock = NSLock()
        private var continuation: CheckedContinuation<Void, Never>?
        nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []

        init(_ c: CheckedContinuation<Void, Never>) { continuation = c }

        func fire() {
            lock.lock(); let c = continuation; continuation = nil; lock.unlock()
            c?.resume()
        }

        static func keep(_ s: DispatchSourceSignal) { sources.append(s) }
    }
}
