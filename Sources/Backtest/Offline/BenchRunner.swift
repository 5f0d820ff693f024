import Foundation

/// `trading-bot backtest --bench`: evaluate and backtest timed over the same candles, one prediction per candle.
public enum BenchRunner {
    public static func run(setup: OfflineSetup, simulation: SimulationSettings) async throws {
        let n = setup.input.candles.count
        print("bench: \(n) \(setup.input.timeframe.name) candles from \(setup.input.path), model \(setup.config.modelPath), window \(setup.config.windowSize)")
        let e = try EvaluationPipeline.run(setup: setup, from: nil, to: nil)
        let evalRate = Double(e.series.times.count) / e.totalSeconds
        print(String(format: "evaluate: %d windows in %.3f s (model %.3f s, metrics+lag %.3f s) — %.0f windows/s",
                     e.series.times.count, e.totalSeconds, e.predictSeconds, e.totalSeconds - e.predictSeconds, evalRate))
        let b = try await BacktestPipeline.run(setup: setup, from: nil, to: nil, simulation: simulation)
        let cycles = b.result.equity.count
        print(String(format: "backtest: %d Trader cycles in %.3f s (model %.3f s, Trader + simulated exchange + journal %.3f s) — %.0f cycles/s",
                     cycles, b.predictSeconds + b.simulateSeconds, b.predictSeconds, b.simulateSeconds,
                     Double(cycles) / max(1e-9, b.simulateSeconds)))
        print("backtest result: \(b.result.metrics.trades) trades, final balance \(b.result.metrics.finalBalance)")
    }
}
