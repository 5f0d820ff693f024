import Exchange
import Foundation

/// The `run` loop: wakes shortly after each candle closes by the exchange clock, runs one Trader cycle, repeats.
/// Errors never end it (the Trader turns them into failed cycles); a stop request is honoured between steps.
public final class CandleLoop: @unchecked Sendable {
    public let trader: Trader
    public let clock: any TradingClock
    /// How long after the candle close to wake (Freqtrade-style), so the exchange has closed the candle.
    public var wakeDelayMilliseconds: Int64 = 1_000
    /// Longest single nap: the clock is re-read after it, so a jump of the exchange clock is noticed.
    public var maxNapMilliseconds: Int64 = 15_000
    /// Longest uninterrupted sleep: how quickly a stop request is noticed while waiting for the next candle.
    public var stopCheckMilliseconds: Int64 = 500
    /// Called on every turn of the loop and every sleep slice (at most `stopCheckMilliseconds` apart, and after each
    /// cycle): the systemd watchdog ping, so it stops when the loop itself stops turning.
    public var onTick: @Sendable () -> Void = {}
    /// Called after each cycle (logging).
    public var onCycle: @Sendable (CycleReport) -> Void = { _ in }
    private let lock = NSLock()
    private var stopRequested = false

    public init(trader: Trader, clock: any TradingClock) {
        self.trader = trader
        self.clock = clock
    }

    /// Asks the loop to stop after the current step (signal handlers call this).
    public func stop() { lock.withLock { stopRequested = true } }
    public var isStopping: Bool { lock.withLock { stopRequested } }

    /// Open time of the candle containing `time`.
    public static func candleOpen(_ time: Int64, _ interval: Int64) -> Int64 { time - ((time % interval) + interval) % interval }

    /// Runs cycles until stopped, or until `maxCycles` cycles have run. The first cycle runs at once (catching up on
    /// the last closed candle if the journal has not seen it), then one each time a new candle has closed and
    /// `wakeDelayMilliseconds` have passed on the exchange clock.
    @discardableResult
    public func run(maxCycles: Int? = nil) async -> Int {
        var cycles = 0
        var lastRunOpen: Int64?
        let interval = trader.settings.timeframe.milliseconds
        while !isStopping {
            onTick()
            if let maxCycles, cycles >= maxCycles { break }
            let now: Int64
            do { now = try await clock.now() } catch {
                // Counts as a (failed) cycle, so `--once` ends instead of waiting for the network to come back.
                cycles += 1
                onCycle(failure("cannot read the exchange clock: \(error)"))
                if let maxCycles, cycles >= maxCycles { break }
                do { try await clock.sleep(milliseconds: min(maxNapMilliseconds, stopCheckMilliseconds, 5_000)) } catch { break }
                continue
            }
            let open = CandleLoop.candleOpen(now, interval)
            let due: Bool
            if let lastRunOpen { due = open > lastRunOpen && now >= open + wakeDelayMilliseconds } else { due = true }
            if due {
                let report = await trader.runCycle(now: now)
                cycles += 1
                lastRunOpen = open
                onCycle(report)
                continue
            }
            let nextWake = (lastRunOpen.map { max($0 + interval, open) } ?? open) + wakeDelayMilliseconds
            let target = nextWake > now ? nextWake : open + interval + wakeDelayMilliseconds
            var nap = max(1, min(target - now, maxNapMilliseconds))
            // Sleep in short slices so a stop request (SIGINT/SIGTERM) is honoured within half a second.
            do {
                while nap > 0 && !isStopping {
                    let slice = min(nap, stopCheckMilliseconds)
                    try await clock.sleep(milliseconds: slice)
                    nap -= slice
                    onTick()
                }
            } catch { break }
        }
        return cycles
    }

    private func failure(_ message: String) -> CycleReport {
        var report = CycleReport(status: .failed)
        report.error = message
        return report
    }
}
