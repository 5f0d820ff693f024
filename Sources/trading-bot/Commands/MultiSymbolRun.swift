import ArgumentParser
import Bot
import Exchange
import Foundation
import Logging
import Operate

/// `trading-bot run` with SYMBOLS: one process, one exchange client and account, one Trader per symbol
/// (`MultiSymbolLoop`). The single-SYMBOL path in `RunCommand` is unchanged.
enum MultiSymbolRun {
    struct Options {
        var once: Bool
        var maxPasses: Int?
        var maxNapMilliseconds: Int64
        var clockResyncMilliseconds: Int64
        var logFormat: BotLogHandler.Format
    }

    static func run(config: BotConfig, options: Options) async throws {
        let configs = config.traded
        // Models before any network call: a model that does not fit its configuration is a configuration error.
        let models = MultiSymbolSetup.loadModels(configs)
        if !models.problems.isEmpty {
            for line in models.problems { BotCommandSupport.printError("config error: \(line)") }
            BotCommandSupport.printError("trading-bot: fix the configuration above (config.yaml, environment variables or options); nothing was sent")
            throw ExitCode(2)
        }
        guard config.mode != .dryRun else {
            BotCommandSupport.printError("config error: SYMBOLS with MODE dry-run: the dry-run account holds one symbol; use MODE testnet (paper trading on Binance's testnet) for several symbols, or SYMBOL for a dry run")
            throw ExitCode(2)
        }
        BotLogHandler.bootstrap(format: options.logFormat)
        let logger = Logger(label: "trading-bot.run")

        let journal: Journal
        let exchange: PassCachedExchange
        do {
            journal = try Journal(path: config.journalPath)
            exchange = PassCachedExchange(base: try BotCommandSupport.tradingExchange(config: config))
        } catch {
            BotCommandSupport.printError("trading-bot run: \(error)")
            throw ExitCode(2)
        }
        do {
            let unlisted = try await MultiSymbolSetup.unlisted(configs, exchange: exchange)
            if !unlisted.isEmpty {
                for line in unlisted { BotCommandSupport.printError("config error: \(line)") }
                BotCommandSupport.printError("trading-bot: fix the configuration above; nothing was sent")
                throw ExitCode(2)
            }
        } catch let exit as ExitCode { throw exit } catch {
            logger.warning("cannot load the market list yet (\(error)); each symbol checks its market on its first cycle")
        }

        let who = config.mode == .live ? "LIVE TRADING with real money — account key \(RunCommand.mask(config.apiKey))" : config.mode.rawValue
        let list = configs.map { "\($0.symbol) \($0.interval) \($0.leverage)x \($0.marginType)" }.joined(separator: ", ")
        let caps = ["MAX_OPEN_POSITIONS": config.maxOpenPositions.map(String.init), "MAX_MARGIN_RATIO": config.maxMarginRatio.map { "\($0)" },
                    "DAILY_LOSS_LIMIT": config.dailyLossLimit.map { "\($0)" }].compactMap { k, v in v.map { "\(k) \($0)" } }.sorted()
        logger.info("\(who) — \(configs.count) symbols: \(list)\(caps.isEmpty ? "" : "; " + caps.joined(separator: ", ")); journal \(config.journalPath)",
                    metadata: ["mode": .string(config.mode.rawValue), "symbols": .array(configs.map { .string($0.symbol) })])

        let clock = ExchangeClock(exchange: exchange, resyncEveryMilliseconds: options.clockResyncMilliseconds)
        let loop = MultiSymbolLoop(slots: MultiSymbolSetup.slots(configs, exchange: exchange, journal: journal, models: models),
                                   exchange: exchange, journal: journal, clock: clock, limits: AccountLimits(config: config))
        loop.maxNapMilliseconds = max(1, options.maxNapMilliseconds)
        let outcome = Outcome()
        loop.onEvent = { event in log(event, logger: logger, outcome: outcome) }
        let now: Int64
        do { now = try await clock.now() } catch {
            BotCommandSupport.printError("trading-bot run: cannot read the exchange clock: \(error)")
            throw ExitCode(1)
        }
        await loop.start(now: now)
        // Notifications, Telegram control and the status page / API (issue 11), as in the single-symbol run; close-all
        // covers every symbol. The trade gate is per Trader here, so a close-all is not serialised with a pass.
        let operate: Operator
        do {
            operate = try Operator(config: configs.first ?? config, journal: journal, exchange: exchange, gate: nil, symbols: configs,
                                   exchangeNow: { try? await clock.now() },
                                   log: { logger.warning("\($0)", metadata: ["event": "operate"]) })
            var startup = ["symbol": configs.map(\.symbol).joined(separator: ", "), "mode": config.mode.rawValue,
                           "interval": Set(configs.map(\.interval)).sorted().joined(separator: ", "), "account": "key " + RunCommand.mask(config.apiKey)]
            if let paused = try journal.stateValue(Journal.pausedKey) { startup["paused"] = "paused (\(paused))" }
            if let port = try operate.startAPI(), let api = operate.settings.api {
                startup["status_page"] = "http://\(api.host):\(port)/"
                logger.info("status page and REST API on http://\(api.host):\(port)/", metadata: ["event": "api"])
            }
            try operate.prepare(startup: OutboxEvent(kind: "startup", fields: startup), at: now)
        } catch {
            BotCommandSupport.printError("trading-bot run: \(error)")
            throw ExitCode(2)
        }
        operate.start(poll: !options.once, watch: !options.once)
        if options.once { await operate.pollOnce() }
        let signals = RunCommand.installSignalHandlers { signal in
            logger.info("received \(signal); stopping after the current step", metadata: ["event": "signal"])
            loop.stop()
        }
        let passes = await loop.run(maxPasses: options.once ? 1 : options.maxPasses)
        signals.forEach { $0.cancel() }
        await operate.drain(timeout: 10)
        operate.stop()
        logger.info("stopped after \(passes) pass\(passes == 1 ? "" : "es")", metadata: ["event": "stop"])
        // For schedulers: a run in which no symbol completed its cycle is a failed run.
        if options.once && outcome.allFailed(configs.count) { throw ExitCode(1) }
    }

    static func log(_ event: MultiSymbolLoop.Event, logger: Logger, outcome: Outcome) {
        switch event {
        case .cycle(let symbol, let report):
            outcome.record(symbol, report.status)
            var metadata = report.metadata
            metadata["symbol"] = .string(symbol)
            // A failing symbol is told by .isolated (once); its cycle lines stay informational.
            logger.log(level: report.status == .failed ? .notice : .info, "\(symbol) \(report.line)", metadata: metadata)
        case .isolated(let symbol, let reason, let at):
            outcome.record(symbol, .failed)
            logger.error("\(symbol) isolated: \(reason); the other symbols go on; retrying with backoff from \(UTCTime.iso(at))",
                         metadata: ["symbol": .string(symbol), "event": "isolated"])
        case .retryFailed(let symbol, let attempt, _, let at):
            logger.notice("\(symbol) retry \(attempt) failed; still isolated, next try \(UTCTime.iso(at))",
                          metadata: ["symbol": .string(symbol), "event": "retry"])
        case .recovered(let symbol, let n):
            logger.notice("\(symbol) recovered after \(n) failed attempt\(n == 1 ? "" : "s")", metadata: ["symbol": .string(symbol), "event": "recovered"])
        case .risk(let risk):
            logger.warning("\(risk.message)", metadata: ["event": "risk"])
        case .reconcile(let symbol, let note):
            logger.info("\(symbol) reconcile: \(note)", metadata: ["symbol": .string(symbol), "event": "reconcile"])
        case .pass(let time, let symbols, let balances, let positions):
            logger.debug("pass at \(UTCTime.iso(time)): \(symbols.joined(separator: ", ")) (\(balances) balance, \(positions) position fetches)")
        case .warning(let message):
            logger.warning("\(message)")
        }
    }

    /// Which symbols ended their last cycle in failure (for the exit status of `--once`).
    final class Outcome: @unchecked Sendable {
        private let lock = NSLock()
        private var last: [String: CycleReport.Status] = [:]
        func record(_ symbol: String, _ status: CycleReport.Status) { lock.withLock { last[symbol] = status } }
        func allFailed(_ count: Int) -> Bool { lock.withLock { last.count == count && last.values.allSatisfy { $0 == .failed } } }
    }
}
