import ArgumentParser
import Bot
import Cloud
import Foundation
import HTTPClient
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
        let env = ProcessInfo.processInfo.environment
        BotLogHandler.bootstrap(format: .json)
        let logger = Logger(label: "trading-bot.lambda")
        guard let api = env["AWS_LAMBDA_RUNTIME_API"], !api.isEmpty else {
            BotCommandSupport.printError("trading-bot lambda: AWS_LAMBDA_RUNTIME_API is not set: this command is the Lambda runtime (the function's bootstrap); use `trading-bot run --once` elsewhere")
            throw ExitCode(2)
        }
        let runtime = LambdaRuntimeClient(api: api)
        let handler: LambdaHandler
        do {
            handler = try await Self.initialise(env: env, configPath: config ?? env["CONFIG_PATH"], confirmLive: confirmLive, logger: logger)
        } catch {
            let message = String(describing: error)
            BotCommandSupport.printError("trading-bot lambda: init failed: \(message)")
            try? await runtime.initError(type: "TradingBot.InitError", message: message)
            throw ExitCode(1)
        }

        var served = 0
        while maxInvocations.map({ served < $0 }) ?? true {
            let invocation = try await runtime.next()
            if let trace = invocation.traceID { setenv("_X_AMZN_TRACE_ID", trace, 1) } else { unsetenv("_X_AMZN_TRACE_ID") }
            do {
                let summary = try await handler.handle(requestID: invocation.requestID, deadlineMs: invocation.deadlineMs)
                let body = summary.json()
                print(String(decoding: body, as: UTF8.self))
                try await runtime.respond(invocation.requestID, body: body)
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

    /// Init: settings, S3, model and scalers (downloaded when in S3), configuration, predictor, the cycle closure.
    static func initialise(env: [String: String], configPath: String?, confirmLive: Bool, logger: Logger) async throws -> LambdaHandler {
        let settings = try LambdaSettings(environment: env)
        let s3 = try S3Client.fromEnvironment(env, transport: CurlTransport(connectTimeoutMs: 3_000, totalTimeoutMs: 30_000))
        let cache = S3FileCache(s3: s3, directory: settings.downloadDirectory)
        // MODEL_PATH / SCALERS_PATH from the configuration file or the environment; the reference bot's
        // S3_BUCKET + MODEL_KEY / SCALERS_KEY name the same objects.
        let located: BotConfig
        do {
            located = try ConfigLoader(path: configPath, environment: env, requireCredentials: false, requireModelFiles: false).load().config
        } catch let error as ConfigError {
            throw InitFailure(message: "configuration: " + error.issues.map(\.description).joined(separator: "; "))
        }
        var overrides: [String: String] = [:]
        for (key, legacy, configured) in [("MODEL_PATH", "MODEL_KEY", located.modelPath), ("SCALERS_PATH", "SCALERS_KEY", located.scalersPath)] {
            let value = env[key] == nil ? env["S3_BUCKET"].flatMap { bucket in env[legacy].map { "s3://\(bucket)/\($0)" } } ?? configured : configured
            guard let location = try S3Location.parse(value) else { continue }
            let fetched = try await cache.fetch(location)
            logger.info("\(key) \(location): \(fetched.outcome.rawValue) to \(fetched.url.path)", metadata: ["event": "init"])
            overrides[key] = fetched.url.path
        }
        // The journal's working copy is per invocation (S3Journal); the configuration only needs a valid local path.
        overrides["JOURNAL_PATH"] = settings.downloadDirectory.appendingPathComponent("journal.sqlite").path
        let config: BotConfig
        do {
            let result = try ConfigLoader(path: configPath, environment: env, overrides: overrides, requireCredentials: true).load()
            config = result.config
        } catch let error as ConfigError {
            throw InitFailure(message: "configuration: " + error.issues.map(\.description).joined(separator: "; "))
        }
        if config.mode == .live && !confirmLive {
            throw InitFailure(message: "MODE is live; add --confirm-live to the bootstrap's command line to trade real money (nothing was sent)")
        }
        let predictor: Predictor
        do { predictor = try Predictor.load(config: config) } catch {
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
        }, log: { logger.info("\($0)", metadata: ["event": "lambda"]) })
    }

    struct InitFailure: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}
