import Bot
import Exchange
import Foundation
import Logging

/// The exchange, clock and Trader for a configuration: shared by `run` (loop and --once) and `lambda`, so every
/// deployment shape runs the same cycle code.
enum TraderWiring {
    struct Wired {
        var trader: Trader
        var clock: ExchangeClock
        /// The live exchange's read-ahead (nil in dry-run, whose paper exchange answers from memory).
        var readAhead: ReadAheadExchange?
    }

    static func make(config: BotConfig, predictor: any PricePredicting, journal: Journal, clockResyncMilliseconds: Int64) throws -> Wired {
        let timeframe = try Timeframe(config.interval)
        let exchange: any Exchange
        let clock: ExchangeClock
        var readAhead: ReadAheadExchange?
        if config.mode == .dryRun {
            let market = try BotCommandSupport.marketDataExchange(config: config)
            let marketClock = ExchangeClock(exchange: market, resyncEveryMilliseconds: clockResyncMilliseconds)
            exchange = try PaperExchange(market: market, journal: journal, symbol: config.symbol, timeframe: timeframe,
                                         startingBalance: config.dryRunBalance, now: { try await marketClock.now() })
            clock = marketClock
        } else {
            let ahead = ReadAheadExchange(base: try BotCommandSupport.tradingExchange(config: config))
            readAhead = ahead
            exchange = ahead
            clock = ExchangeClock(exchange: exchange, resyncEveryMilliseconds: clockResyncMilliseconds)
        }
        let trader = Trader(settings: try Trader.Settings(config: config), exchange: exchange, journal: journal, predictor: predictor,
                            strategy: ReferenceStrategy(threshold: config.threshold, stopLoss: config.stopLoss),
                            orderer: Orderer(config: config))
        return Wired(trader: trader, clock: clock, readAhead: readAhead)
    }

    /// Start-up reconciliation with the exchange; a failure is logged and the cycle goes on (orders stay guarded by
    /// the journal).
    static func reconcile(_ wired: Wired, logger: Logger) async {
        do {
            let now = try await wired.clock.now()
            for note in try await wired.trader.reconcile(now: now) { logger.info("reconcile: \(note)", metadata: ["event": "reconcile"]) }
        } catch {
            logger.error("reconcile failed: \(error); continuing, orders stay guarded by the journal", metadata: ["event": "reconcile"])
        }
    }

    /// `run --once` and each Lambda invocation: reconcile, then one cycle of the candle loop, inside one read-ahead
    /// window (`startReads`). Returns its report.
    static func once(_ wired: Wired, logger: Logger) async -> CycleReport? {
        if let ahead = wired.readAhead { await startReads(ahead, wired) }
        defer { wired.readAhead?.close() }
        await reconcile(wired, logger: logger)
        let loop = CandleLoop(trader: wired.trader, clock: wired.clock)
        let box = ReportBox()
        loop.onCycle = { report in box.set(report) }
        await loop.run(maxCycles: 1)
        return box.get()
    }

    /// Opens the read-ahead window and starts at once, side by side, the reads every cycle makes
    /// (`Trader.cycleReads`) and the exchange time (which primes the clock, so reconcile's and the loop's `now()` are
    /// free); once that time is known, the cycle's klines. Reconcile and the cycle then run unchanged and join them,
    /// instead of asking one after another. A failed read is met again, fresh, by the call that needs it.
    static func startReads(_ ahead: ReadAheadExchange, _ wired: Wired) async {
        ahead.open()
        for read in wired.trader.cycleReads() { ahead.prime(read) }
        if let now = try? await wired.clock.now() { ahead.prime(wired.trader.candleRead(now: now)) }
    }

    final class ReportBox: @unchecked Sendable {
        private let lock = NSLock()
        private var report: CycleReport?
        func set(_ value: CycleReport) { lock.withLock { report = value } }
        func get() -> CycleReport? { lock.withLock { report } }
    }
}
