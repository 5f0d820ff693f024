import ArgumentParser
import Bot
import Cloud
import Foundation
import HTTPClient
import Keras
import Logging
import Serverless

/// `trading-bot lambda`: the AWS Lambda custom runtime (`provided.al2023`; the `bootstrap` runs this). Init loads
/// the configuration, model and scalers once (from S3 when MODEL_PATH/SCALERS_PATH are s3:// locations) and reports
/// an init error on a bad one; each invocation runs one `run --once` cycle with the journal and the candle claims in S3.
struct LambdaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lambda",
        abstract: "Serve AWS Lambda invocations: one trading cycle per scheduled event, journal and claims in S3.",
        discussion: """
        Needs AWS_LAMBDA_RUNTIME_API (Lambda sets it), JOURNAL_PATH=s3://bucket/key, and the usual configuration
        (config file and/or environment). MODEL_PATH / SCALERS_PATH may be s3:// locations: downloaded once per cold
        start into DOWNLOAD_DIR (default /tmp/trading-bot) and kept by ETag. STRATEGY_NAME names the claims
        (default reference); LAMBDA_SAFETY_MARGIN_MS (default 5000) is the least time left for an order to be started.
        SNS_PHONE_NUMBER or SNS_TOPIC_ARN send text alerts on trades and errors.
        """)

    @Option(name: .long, help: "Configuration file (default: ./config.yaml, or CONFIG_PATH).") var config: String?
    @Flag(name: .customLong("confirm-live"), help: "Required, with MODE=live, to trade real money.") var confirmLive = false
    @Option(name: .customLong("max-invocations"), help: ArgumentHelp("Exit after this many invocations.", visibility: .hidden))
    var maxInvocations: Int?

    func run() async throws {
        try await Self.serve(LambdaOptions(config: config, confirmLive: confirmLive, maxInvocations: maxInvocations))
    }

    /// The runtime: init, then invocations until Lambda stops the sandbox (or `maxInvocations`).
    static func serve(_ options: LambdaOptions) async throws {
        // One malloc arena for every thread: the runtime's few threads barely contend, and each extra arena they
        // would get keeps its own touched pages (about 1 MB of the cold start's peak RSS each). Set before libcurl's
        // loading thread allocates.
        #if os(Linux)
        _ = glibcMallopt(-8 /* M_ARENA_MAX, <malloc.h> */, 1)
        #endif
        // libcurl is about 6 ms of dynamic linking: it loads on another thread while the environment, the logger,
        // the settings and the configuration are read. Not earlier: glibc holds up the creation of every thread
        // during a dlopen, and the async runtime starts its first worker thread on the way here.
        CurlTransport.preloadInBackground()
        let env = ProcessInfo.processInfo.environment
        BotLogHandler.bootstrap(format: .json)
        let logger = Logger(label: "trading-bot.lambda")
        guard let api = env["AWS_LAMBDA_RUNTIME_API"], !api.isEmpty else {
            BotCommandSupport.printError("trading-bot lambda: AWS_LAMBDA_RUNTIME_API is not set: this command is the Lambda runtime (the function's bootstrap); use `trading-bot run --once` elsewhere")
            throw ExitCode(2)
        }
        let handler: LambdaHandler
        do {
            handler = try await Self.initialise(env: env, configPath: options.config ?? env["CONFIG_PATH"], confirmLive: options.confirmLive, logger: logger)
        } catch {
            let message = String(describing: error)
            BotCommandSupport.printError("trading-bot lambda: init failed: \(message)")
            try? await LambdaRuntimeClient(api: api).initError(type: "TradingBot.InitError", message: message)
            throw ExitCode(1)
        }
        // Made after init: its transports would otherwise wait for libcurl before the configuration is read.
        let runtime = LambdaRuntimeClient(api: api)

        var served = 0
        while options.maxInvocations.map({ served < $0 }) ?? true {
            let invocation = try await runtime.next()
            if let trace = invocation.traceID { setenv("_X_AMZN_TRACE_ID", trace, 1) } else { unsetenv("_X_AMZN_TRACE_ID") }
            do {
                let handled = try await handler.handle(requestID: invocation.requestID, deadlineMs: invocation.deadlineMs)
                let body = handled.summary.json()
                print(String(decoding: body, as: UTF8.self))
                try await runtime.respond(invocation.requestID, body: body)
                // SNS alerts go after the answer: they are in the S3 journal's outbox already, and their markers keep
                // them to one message each, whether they are sent now or by the next invocation.
                await handled.afterResponse?()
            } catch let error as LambdaRuntimeClient.RuntimeAPIError {
                throw error
            } catch {
                let message = String(describing: error)
                logger.error("invocation \(invocation.requestID) failed before anything was recorded: \(message)", metadata: ["event": "lambda"])
                try await runtime.fail(invocation.requestID, type: "TradingBot.InvocationError", message: message)
            }
            served += 1
        }
    }

    /// Init: settings, S3, configuration (read once), model and scalers (downloaded when in S3, all at once, each
    /// loaded as soon as it is here), predictor, the cycle closure. libcurl has been loading on another thread since
    /// the process started (`TradingBotCommand.main`), so settings and configuration cost nothing on the way to the
    /// first download.
    static func initialise(env: [String: String], configPath: String?, confirmLive: Bool, logger: Logger) async throws -> LambdaHandler {
        let settings = try LambdaSettings(environment: env)
        // The journal's working copy is per invocation (S3Journal); the configuration only needs a valid local path.
        // Model and scalers are checked once they are local (below): they may be s3:// locations.
        var loaded: BotConfig
        do {
            loaded = try ConfigLoader(path: configPath, environment: env,
                                      overrides: ["JOURNAL_PATH": settings.downloadDirectory.appendingPathComponent("journal.sqlite").path],
                                      requireCredentials: true, requireModelFiles: false).load().config
        } catch let error as ConfigError {
            throw InitFailure(message: "configuration: " + error.issues.map(\.description).joined(separator: "; "))
        }
        let s3 = try S3Client.fromEnvironment(env, transport: CurlTransport(connectTimeoutMs: 3_000, totalTimeoutMs: 30_000))
        // MODEL_PATH / SCALERS_PATH from the configuration file or the environment; the reference bot's
        // S3_BUCKET + MODEL_KEY / SCALERS_KEY name the same objects.
        func located(_ key: String, _ legacy: String, _ configured: String) -> String {
            env[key] == nil ? env["S3_BUCKET"].flatMap { bucket in env[legacy].map { "s3://\(bucket)/\($0)" } } ?? configured : configured
        }
        let modelValue = located("MODEL_PATH", "MODEL_KEY", loaded.modelPath)
        let scalersValue = located("SCALERS_PATH", "SCALERS_KEY", loaded.scalersPath)
        // Each download has a connection of its own, so they run at once, asked for in the order they are needed
        // (S3 here answers them about in that order): the model, parsed on its own task as soon as it is here; the
        // scalers; the journal, read and opened on a task the first invocation waits for (it is usually ready before
        // the event is). That invocation's lease (If-Match on the ETag read here) finds out if it went stale.
        let scalersS3 = try S3Client.fromEnvironment(env, transport: CurlTransport(connectTimeoutMs: 3_000, totalTimeoutMs: 30_000))
        let journalS3 = try S3Client.fromEnvironment(env, transport: CurlTransport(connectTimeoutMs: 3_000, totalTimeoutMs: 30_000))
        async let model = Self.loaded("MODEL_PATH", modelValue, cache: S3FileCache(s3: s3, directory: settings.downloadDirectory), logger: logger) {
            try UncheckedSendable(KerasModel.load(path: $0))
        }
        async let scalers = Self.loaded("SCALERS_PATH", scalersValue, cache: S3FileCache(s3: scalersS3, directory: settings.downloadDirectory), logger: logger) {
            try Predictor.loadScalers(path: $0)
        }
        let journal = Task { try? await S3Journal(s3: journalS3, location: settings.journal, directory: settings.downloadDirectory).prepare() }
        let modelFile = try await model
        let scalerSet = try await scalers
        loaded.modelPath = modelFile.path
        loaded.scalersPath = scalerSet.path
        let config = loaded
        if config.mode == .live && !confirmLive {
            throw InitFailure(message: "MODE is live; add --confirm-live to the bootstrap's command line to trade real money (nothing was sent)")
        }
        let predictor: Predictor
        do {
            predictor = try Predictor(model: modelFile.value.value, scalers: scalerSet.value, windowSize: config.windowSize, targetColumn: config.targetColumnIndex,
                                      modelPath: config.modelPath, scalersPath: config.scalersPath)
        } catch {
            throw InitFailure(message: "model or scalers: \(error)")
        }
        let sns = try settings.sns.map { _ in try SNSClient.fromEnvironment(env, transport: CurlTransport(connectTimeoutMs: 3_000, totalTimeoutMs: 10_000)) }
        let claims = CandleClaims(s3: s3, prefix: settings.claims, strategy: settings.strategy, symbol: config.symbol, interval: config.interval)
        logger.info("ready: \(config.mode.rawValue) \(config.symbol) \(config.interval), journal \(settings.journal), claims \(settings.claims)/\(settings.strategy)",
                    metadata: ["event": "init"])
        return LambdaHandler(settings: settings, s3: s3, claims: claims, sns: sns, cycle: { journal, hooks in
            let wired: TraderWiring.Wired
            do {
                wired = try TraderWiring.make(config: config, predictor: predictor, journal: journal, clockResyncMilliseconds: 60_000)
            } catch {
                var report = CycleReport(status: .failed)
                report.error = "cannot reach the exchange: \(error)"
                return report
            }
            wired.trader.candleClaim = hooks.candleClaim
            wired.trader.orderGate = hooks.orderGate
            if let report = await TraderWiring.once(wired, logger: logger) { return report }
            var report = CycleReport(status: .failed)
            report.error = "the cycle did not run"
            return report
        }, log: { logger.info("\($0)", metadata: ["event": "lambda"]) }, prepared: journal)
    }

    /// MODEL_PATH / SCALERS_PATH made local (`localFile`) and parsed by `parse`; a parse failure is an init error
    /// naming the file.
    static func loaded<Value: Sendable>(_ key: String, _ value: String, cache: S3FileCache, logger: Logger,
                                 parse: (String) throws -> Value) async throws -> (path: String, value: Value) {
        let path = try await localFile(key, value, cache: cache, logger: logger)
        do { return (path, try parse(path)) } catch {
            throw InitFailure(message: "model or scalers: \(error)")
        }
    }

    /// The local file for MODEL_PATH / SCALERS_PATH: downloaded (or kept by ETag) when it is an s3:// location,
    /// otherwise the configured path, which must exist.
    static func localFile(_ key: String, _ value: String, cache: S3FileCache, logger: Logger) async throws -> String {
        guard let location = try S3Location.parse(value) else {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: value, isDirectory: &isDirectory), !isDirectory.boolValue else {
                throw InitFailure(message: "configuration: \(key) = \(value): no such file")
            }
            return value
        }
        let fetched = try await cache.fetch(location)
        logger.info("\(key) \(location): \(fetched.outcome.rawValue) to \(fetched.url.path)", metadata: ["event": "init"])
        return fetched.url.path
    }

    /// A model parsed on a child task of init and handed to the predictor once; nothing else touches it meanwhile.
    struct UncheckedSendable<Value>: @unchecked Sendable {
        let value: Value
        init(_ value: Value) { self.value = value }
    }

    struct InitFailure: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}

#if os(Linux)
/// glibc's mallopt(3); <malloc.h> is not part of the Glibc module.
@_silgen_name("mallopt") private func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
#endif
