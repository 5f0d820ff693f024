@testable import Bot
import Exchange
import XCTest

/// A clock that jumps forward by the requested nap: hours of candles in milliseconds.
final class SimulatedClock: TradingClock, @unchecked Sendable {
    private let lock = NSLock()
    private var time: Int64
    private var napLog: [Int64] = []
    var naps: [Int64] { lock.withLock { napLog } }
    let onSleep: @Sendable (Int64) -> Void
    init(start: Int64, onSleep: @escaping @Sendable (Int64) -> Void = { _ in }) {
        time = start
        self.onSleep = onSleep
    }
    func now() async throws -> Int64 { lock.withLock { time } }
    func sleep(milliseconds: Int64) async throws {
        let t: Int64 = lock.withLock {
            napLog.append(milliseconds)
            time += milliseconds
            return time
        }
        onSleep(t)
    }
}

final class CandleLoopTests: XCTestCase {
    func testExchangeClockFollowsTheExchangeNotTheLocalClock() async throws {
        let feed = CandleFeed(candles: [], now: 1_577_836_800_000)  // 2020, far from the local clock
        let clock = ExchangeClock(exchange: feed, resyncEveryMilliseconds: 60_000)
        let first = try await clock.now()
        XCTAssertEqual(first, feed.now, accuracy: 1_000)
        feed.now += 86_400_000  // the exchange jumps a day; the cached offset still applies until a resync
        let cached = try await clock.now()
        XCTAssertEqual(cached, first, accuracy: 1_000)
        clock.invalidate()
        let resynced = try await clock.now()
        XCTAssertEqual(resynced, feed.now, accuracy: 1_000)
        let always = ExchangeClock(exchange: feed, resyncEveryMilliseconds: 0)
        feed.now += 5_000
        let fresh = try await always.now()
        XCTAssertEqual(fresh, feed.now, accuracy: 1_000)
    }

    func testCandleOpen() {
        XCTAssertEqual(CandleLoop.candleOpen(1_704_067_200_000 + 5, 60_000), 1_704_067_200_000)
        XCTAssertEqual(CandleLoop.candleOpen(-1, 60_000), -60_000)
    }

    func testLoopRunsOneCyclePerCandleJustAfterTheClose() async throws {
        let dir = try makeTemporaryDirectory(self)
        let closes: [Double] = [100, 100, 100, 100, 100, 103, 104, 101, 95, 96, 96.5, 97, 98]
        let candles = dailyCandles(closes)
        let feed = CandleFeed(candles: candles, now: candles[5].timestamp + 3_600_000)
        let journal = try Journal(path: dir.appendingPathComponent("j.sqlite").path)
        let paper = try PaperExchange(market: feed, journal: journal, symbol: "BTC/USDT:USDT", timeframe: .oneDay,
                                      startingBalance: 10_000, now: { feed.now })
        let config = try ConfigLoader(path: nil, environment: [:], overrides: ["RETRY_DELAY": "0"], requireModelFiles: false).load().config
        let trader = Trader(settings: try Trader.Settings(config: config), exchange: paper, journal: journal,
                            predictor: ForesightPredictor(windowSize: 5, candles: candles),
                            strategy: ReferenceStrategy(threshold: 0.01, stopLoss: 0.05),
                            orderer: Orderer(config: config), pause: { _ in })
        let clock = SimulatedClock(start: feed.now) { t in feed.now = t }
        let loop = CandleLoop(trader: trader, clock: clock)
        loop.maxNapMilliseconds = 6 * 3_600_000
        loop.stopCheckMilliseconds = 6 * 3_600_000
        let times = LockedArray()
        loop.onCycle = { report in times.append(report.candleTime ?? -1) }
        let cycles = await loop.run(maxCycles: 4)
        XCTAssertEqual(cycles, 4)
        // First cycle at once on the last closed candle (index 4), then one per close: 5, 6, 7.
        XCTAssertEqual(times.values, [4, 5, 6, 7].map { candles[$0].timestamp })
        XCTAssertEqual(try journal.cycleCount(), 4)
        // It woke one second after each close, not later.
        let cycleTimes = try journal.recentCycles(limit: 10).map(\.startedAt).reversed().dropFirst()
        XCTAssertEqual(Array(cycleTimes), [6, 7, 8].map { candles[0].timestamp + Int64($0) * day + 1_000 })
        XCTAssertTrue(clock.naps.allSatisfy { $0 <= 6 * 3_600_000 })
    }

    func testStopEndsTheLoopBetweenSteps() async throws {
        let dir = try makeTemporaryDirectory(self)
        let candles = dailyCandles([100, 100, 100, 100, 100, 100, 100])
        let feed = CandleFeed(candles: candles, now: candles[5].timestamp + 1)
        let journal = try Journal(path: dir.appendingPathComponent("j.sqlite").path)
        let config = try ConfigLoader(path: nil, environment: [:], overrides: [:], requireModelFiles: false).load().config
        let paper = try PaperExchange(market: feed, journal: journal, symbol: "BTC/USDT:USDT", timeframe: .oneDay,
                                      startingBalance: 10_000, now: { feed.now })
        let trader = Trader(settings: try Trader.Settings(config: config), exchange: paper, journal: journal,
                            predictor: ForesightPredictor(windowSize: 5, candles: candles),
                            strategy: ReferenceStrategy(threshold: 0.01, stopLoss: 0.05), orderer: Orderer(config: config), pause: { _ in })
        let loop = CandleLoop(trader: trader, clock: SimulatedClock(start: feed.now))
        loop.onCycle = { _ in loop.stop() }
        let cycles = await loop.run()
        XCTAssertEqual(cycles, 1)
        XCTAssertTrue(loop.isStopping)

        // A stop while waiting for the next candle ends the wait within one slice, not at the candle.
        let box = LoopBox()
        let clock = SimulatedClock(start: feed.now + 60_000) { _ in box.sleptOnce() }
        let sleeper = CandleLoop(trader: trader, clock: clock)
        sleeper.maxNapMilliseconds = 3_600_000
        box.set(sleeper)
        let ran = await sleeper.run()
        XCTAssertEqual(ran, 1)
        XCTAssertTrue(clock.naps.allSatisfy { $0 <= 500 }, "\(clock.naps.prefix(5))")
        XCTAssertEqual(clock.naps.count, 3, "stopped at the first slice after the request")
    }
}

final class LockedArray: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [Int64] = []
    func append(_ value: Int64) { lock.withLock { storage.append(value) } }
    var values: [Int64] { lock.withLock { storage } }
}

/// Stops a loop after its third slice of sleep.
final class LoopBox: @unchecked Sendable {
    private let lock = NSLock()
    private var loop: CandleLoop?
    private var slept = 0
    func set(_ loop: CandleLoop) { lock.withLock { self.loop = loop } }
    func sleptOnce() {
        let target: CandleLoop? = lock.withLock {
            slept += 1
            return slept == 3 ? loop : nil
        }
        target?.stop()
    }
}

/// A clock whose exchange cannot be reached.
struct UnreachableClock: TradingClock {
    func now() async throws -> Int64 { throw ExchangeFailure(.requestTimeout, message: "unreachable", method: "fetchTime") }
    func sleep(milliseconds: Int64) async throws {}
}

final class CandleLoopClockFailureTests: XCTestCase {
    func testAnUnreachableClockIsAFailedCycleSoOnceEnds() async throws {
        let dir = try makeTemporaryDirectory(self)
        let candles = dailyCandles([100, 100, 100, 100, 100, 100])
        let feed = CandleFeed(candles: candles, now: candles[5].timestamp + 1)
        let journal = try Journal(path: dir.appendingPathComponent("j.sqlite").path)
        let config = try ConfigLoader(path: nil, environment: [:], overrides: [:], requireModelFiles: false).load().config
        let paper = try PaperExchange(market: feed, journal: journal, symbol: "BTC/USDT:USDT", timeframe: .oneDay,
                                      startingBalance: 10_000, now: { feed.now })
        let trader = Trader(settings: try Trader.Settings(config: config), exchange: paper, journal: journal,
                            predictor: ForesightPredictor(windowSize: 5, candles: candles),
                            strategy: ReferenceStrategy(threshold: 0.01, stopLoss: 0.05), orderer: Orderer(config: config), pause: { _ in })
        let loop = CandleLoop(trader: trader, clock: UnreachableClock())
        let reports = ReportLog()
        loop.onCycle = { reports.append($0) }
        let cycles = await loop.run(maxCycles: 1)
        XCTAssertEqual(cycles, 1)
        XCTAssertEqual(reports.statuses, [.failed])
        XCTAssertTrue(reports.errors.first?.contains("cannot read the exchange clock") == true)
        XCTAssertEqual(try journal.cycleCount(), 0)
    }
}

final class ReportLog: @unchecked Sendable {
    private let lock = NSLock()
    private var reports: [CycleReport] = []
    func append(_ report: CycleReport) { lock.withLock { reports.append(report) } }
    var statuses: [CycleReport.Status] { lock.withLock { reports.map(\.status) } }
    var errors: [String] { lock.withLock { reports.compactMap(\.error) } }
}
