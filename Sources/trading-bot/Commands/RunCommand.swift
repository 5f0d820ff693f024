import ArgumentParser
import Backtest
import Bot
import Dispatch
import Exchange
import Foundation
import Logging
import Serverless
import Operate

/// `trading-bot run`: the candle loop (or one cycle with --once) in dry-run, testnet/demo or live mode.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Trade on every candle close: fetch, predict, decide, order, journal.",
        discussion: """
        MODE dry-run (default) simulates orders locally at the candle price with Binance's fees and needs no keys;
        testnet/demo trade on Binance's paper venues; live trades real money and also needs --confirm-live.
        Wakes about one second after each candle closes by the exchange's clock. SIGINT/SIGTERM stop it between steps.
        """)

    @Option(name: .long, help: "Configuration file (default: ./config.yaml).") var config: String?
    @Flag(name: .long, help: "Run one cycle and exit (for cron, systemd timers, Lambda-style schedulers).") var once = false
    @Flag(name: .customLong("confirm-live"), help: "Required, with MODE=live, to trade real money.") var confirmLive = false
    @Option(name: .customLong("log-format"), help: "text (default) or json.") var logFormat: BotLogHandler.Format = .text
    @Option(name: .customLong("max-cycles"), help: ArgumentHelp("Stop after this many cycles.", visibility: .hidden)) var maxCycles: Int?
    @Option(name: .customLong("max-nap-ms"), help: ArgumentHelp("Longest sleep before re-reading the exchange clock.", visibility: .hidden))
    var maxNapMilliseconds: Int64 = 15_000
    @Option(name: .customLong("clock-resync-ms"), help: ArgumentHelp("How often to re-measure the exchange clock.", visibility: .hidden))
    var clockResyncMilliseconds: Int64 = 60_000
    @Option(name: .customLong("watch-every-ms"), help: ArgumentHelp("How often the dead-man watch looks.", visibility: .hidden))
    var watchEveryMilliseconds: Int64 = 30_000

    func run() async throws {
        let config = try BotCommandSupport.loadConfig(path: self.config, overrides: [:], requireCredentials: true)
        if config.mode == .live && !confirmLive {
            BotCommandSupport.printError("trading-bot run: MODE is live; add --confirm-live to trade real money (nothing was sent)")
            throw ExitCode(2)
        }
        if config.isMultiSymbol {
            try await MultiSymbolRun.run(config: config, options: .init(once: once, maxPasses: maxCycles, maxNapMilliseconds: maxNapMilliseconds,
                                                                        clockResyncMilliseconds: clockResyncMilliseconds, logFormat: logFormat))
            return
        }
        let predictor = try BotCommandSupport.loadPredictor(config: config)
        BotLogHandler.bootstrap(format: logFormat)
        let logger = Logger(label: "trading-bot.run")

        let journal: Journal
        do { journal = try Journal(path: config.journalPath) } catch {
            BotCommandSupport.printError("trading-bot run: \(error)")
            throw ExitCode(2)
        }
        let wired: TraderWiring.Wired
        do {
            wired = try TraderWiring.make(config: config, predictor: predictor, journal: journal, clockResyncMilliseconds: clockResyncMilliseconds)
        } catch {
            BotCommandSupport.printError("trading-bot run: \(error)")
            throw ExitCode(2)
        }
        let trader = wired.trader, clock = wired.clock, exchange = wired.trader.exchange

        let banner = config.mode == .live
            ? "LIVE TRADING with real money — account key \(Self.mask(config.apiKey)) — \(config.symbol) \(config.interval) leverage \(config.leverage)x"
            : "\(config.mode.rawValue) — \(config.symbol) \(config.interval) leverage \(config.leverage)x \(config.marginType) \(config.orderType) orders"
        logger.info("\(banner); journal \(config.journalPath)", metadata: ["mode": .string(config.mode.rawValue), "symbol": .string(config.symbol)])

        // Honest inputs: the configured market and interval against the model's training record.
        if let record = try? ModelMetadata.near(modelPath: config.modelPath) {
            let identity = DataIdentity.resolve(file: "the exchange", fileSymbol: nil, interval: config.interval,
                                                configSymbol: config.symbol, metadata: record)
            for warning in identity.warnings { logger.warning("\(warning)", metadata: ["event": "model"]) }
        }
        // --once is one cycle: its reads start together, as in `lambda` (TraderWiring.once); the window closes after it.
        if once, let ahead = wired.readAhead { await TraderWiring.startReads(ahead, wired) }
        await TraderWiring.reconcile(wired, logger: logger)

        let operate: Operator
        do {
            operate = try Operator(config: config, journal: journal, exchange: exchange, gate: trader.gate,
                                   exchangeNow: { try? await clock.now() },
                                   log: { logger.warning("\($0)", metadata: ["event": "operate"]) })
            let now = (try? await clock.now()) ?? Int64(Date().timeIntervalSince1970 * 1000)
            var startup = ["symbol": config.symbol, "mode": config.mode.rawValue, "interval": config.interval,
                           "model": (config.modelPath as NSString).lastPathComponent]
            if config.mode.needsCredentials { startup["account"] = "key " + Self.mask(config.apiKey) }
            if let paused = try journal.stateValue(Journal.pausedKey) { startup["paused"] = "paused (\(paused))" }
            if let port = try operate.startAPI(), let api = operate.settings.api {
                startup["status_page"] = "http://\(api.host):\(port)/"
                logger.info("status page and REST API on http://\(api.host):\(port)/", metadata: ["event": "api", "port": .string(String(port))])
            }
            try operate.prepare(startup: OutboxEvent(kind: "startup", fields: startup), at: now)
        } catch {
            BotCommandSupport.printError("trading-bot run: \(error)")
            throw ExitCode(2)
        }
        operate.start(poll: !once, watch: !once, watchEveryMilliseconds: watchEveryMilliseconds)
        if once { await operate.pollOnce() }

        let loop = CandleLoop(trader: trader, clock: clock)
        loop.maxNapMilliseconds = max(1, maxNapMilliseconds)
        let lastStatus = StatusBox()
        loop.onCycle = { report in
            lastStatus.set(report.status)
            let level: Logger.Level = report.status == .failed ? .error : report.inputWarning != nil ? .warning : .info
            logger.log(level: level, "\(report.line)", metadata: report.metadata)
        }
        let signals = Self.installSignalHandlers { signal in
            logger.info("received \(signal); stopping after the current step", metadata: ["event": "signal"])
            loop.stop()
        }
        // Under systemd (Type=notify): READY once the loop starts, WATCHDOG from the loop's own turns.
        let systemd = SystemdNotifier()
        if systemd.isActive {
            loop.onTick = { systemd.watchdogIfDue() }
            if let every = systemd.watchdogInterval {  // the loop turns at least twice per ping period
                loop.stopCheckMilliseconds = max(10, min(loop.stopCheckMilliseconds, Int64(every * 500)))
            }
            systemd.ready(status: "\(config.mode.rawValue) \(config.symbol) \(config.interval)")
        }
        let cycles = await loop.run(maxCycles: once ? 1 : maxCycles)
        wired.readAhead?.close()
        systemd.stopping()
        signals.forEach { $0.cancel() }
        // What the last cycle wrote goes out before the process ends (at most 10 s; the rest waits in the outbox).
        await operate.drain(timeout: 10)
        operate.stop()
        logger.info("stopped after \(cycles) cycle\(cycles == 1 ? "" : "s")", metadata: ["event": "stop"])
        // For schedulers: a single cycle that failed is a failed run.
        if once && lastStatus.get() == .failed { throw ExitCode(1) }
    }

    /// The status of the last cycle, written from the loop's callback.
    final class StatusBox: @unchecked Sendable {
        private let lock = NSLock()
        private var status: CycleReport.Status?
        func set(_ value: CycleReport.Status) { lock.withLock { status = value } }
        func get() -> CycleReport.Status? { lock.withLock { status } }
    }

    static func mask(_ key: String?) -> String {
        guard let key, key.count > 8 else { return "****" }
        return String(key.prefix(4)) + "…" + String(key.suffix(4))
    }

    /// SIGINT/SIGTERM ask the loop to stop between steps instead of killing it mid-order.
    static func installSignalHandlers(_ handler: @escaping @Sendable (String) -> Void) -> [DispatchSourceSignal] {
        [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM")].map { number, name in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { handler(name) }
            source.resume()
            return source
        }
    }
}

extension BotLogHandler.Format: ExpressibleByArgument {}
