import Foundation

/// `trading-bot backtest --bench --grid SPEC`: one plain backtest (replay engine) and the grid over the same candles in
/// the same process, predictions computed once and shared. Prints wall and CPU seconds and the cost per point.
public enum GridBench {
    public static func run(setup: OfflineSetup, simulation: SimulationSettings, spec: GridSpec, objective: Objective,
                           workers: Int = 2) async throws {
        let candles = setup.input.candles
        let batch = ModelBatchPredictor(setup.predictor)
        let range = try TraderBacktest.decisionRange(candles: candles, windowSize: batch.windowSize, from: nil, to: nil)
        print("grid bench: \(candles.count) \(setup.input.timeframe.name) candles from \(setup.input.path), \(spec.count) points, \(workers) workers")
        var w0 = Date(), c0 = BenchRunner.cpuSeconds()
        let predictions = try TraderBacktest.precompute(candles: candles, range: range, predictor: batch)
        print(String(format: "predictions (once): %d in %.3f s wall, %.3f s CPU", range.count, Date().timeIntervalSince(w0), BenchRunner.cpuSeconds() - c0))
        let ctx = TuningPipeline.context(setup: setup, simulation: simulation, predictions: predictions, range: range, market: nil)
        w0 = Date(); c0 = BenchRunner.cpuSeconds()
        let plain = try await ctx.replay(GridPoint(values: [:]), range: range)
        let plainWall = Date().timeIntervalSince(w0), plainCPU = BenchRunner.cpuSeconds() - c0
        print(String(format: "one plain backtest (replay engine, config settings): %.3f s wall, %.3f s CPU, %d trades",
                     plainWall, plainCPU, plain.metrics.trades))
        w0 = Date(); c0 = BenchRunner.cpuSeconds()
        let trials = try await GridSearch.run(ctx, points: spec.points, range: range, objective: objective, workers: workers)
        let wall = Date().timeIntervalSince(w0), cpu = BenchRunner.cpuSeconds() - c0
        print(String(format: "grid: %d points in %.3f s wall, %.3f s CPU; per point %.3f s wall, %.3f s CPU (plain backtest %.3f s wall)",
                     trials.count, wall, cpu, wall / Double(trials.count), cpu / Double(trials.count), plainWall))
        if let b = GridSearch.best(trials) {
            print("  best by \(objective.rawValue): \(trials[b].point.label), return \(Fmt.pct(trials[b].metrics.totalReturn)), \(trials[b].metrics.trades) trades")
        }
    }
}
