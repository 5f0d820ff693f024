import Foundation

/// `trading-bot backtest --bench`: evaluate and backtest timed over the same candles, one prediction per candle.
/// Wall-clock and process CPU seconds are both printed: on a shared machine the CPU figure is the steadier one.
public enum BenchRunner {
    static func cpuSeconds() -> Double {
        var u = rusage()
        #if os(Linux)
        getrusage(RUSAGE_SELF.rawValue, &u)
        #else
        getrusage(RUSAGE_SELF, &u)
        #endif
        return Double(u.ru_utime.tv_sec) + Double(u.ru_utime.tv_usec) / 1e6 + Double(u.ru_stime.tv_sec) + Double(u.ru_stime.tv_usec) / 1e6
    }

    public static func run(setup: OfflineSetup, simulation: SimulationSettings, engines: [BacktestPipeline.Engine]) async throws {
        let n = setup.input.candles.count
        print("bench: \(n) \(setup.input.timeframe.name) candles from \(setup.input.path), model \(setup.config.modelPath), window \(setup.config.windowSize)")
        var c0 = cpuSeconds()
        let e = try EvaluationPipeline.run(setup: setup, from: nil, to: nil)
        let evalCPU = cpuSeconds() - c0
        print(String(format: "evaluate: %d windows in %.3f s wall, %.3f s CPU (model %.3f s wall, metrics+lag %.3f s wall)",
                     e.series.times.count, e.totalSeconds, evalCPU, e.predictSeconds, e.totalSeconds - e.predictSeconds))
        for engine in engines {
            c0 = cpuSeconds()
            let b = try await BacktestPipeline.run(setup: setup, from: nil, to: nil, simulation: simulation, engine: engine)
            let cpu = cpuSeconds() - c0
            let cycles = b.result.equity.count
            print(String(format: "backtest (%@ engine): %d decisions in %.3f s wall, %.3f s CPU (model %.3f s wall, engine + simulated exchange %.3f s wall, %.1f µs/decision)",
                         engine.rawValue, cycles, b.predictSeconds + b.simulateSeconds, cpu, b.predictSeconds, b.simulateSeconds,
                         b.simulateSeconds / Double(max(1, cycles)) * 1e6))
            print("  result: \(b.result.metrics.trades) trades, final balance \(Fmt.money(b.result.metrics.finalBalance)) USDT")
        }
    }
}
