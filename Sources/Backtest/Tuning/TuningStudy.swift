import Bot
import Exchange
import Foundation

/// One train/test window of a tuning run: every point on both sides, the in-sample choice and what became of it.
public struct FoldOutcome: Sendable {
    public var window: TuningWindow
    public var inSample: [TrialResult]
    public var outOfSample: [TrialResult]
    /// Index of the in-sample best (the chosen setting).
    public var chosen: Int
    /// Index of the out-of-sample best (what hindsight would have picked).
    public var outOfSampleBest: Int
    /// Deflated Sharpe ratio of the chosen point in sample, deflated for `inSample.count` trials.
    public var deflatedSharpe: DeflatedSharpe?

    /// The usual bar for the deflated Sharpe ratio.
    public static let dsrBar = 0.95

    /// The chosen setting survives when it makes money out of sample and its in-sample Sharpe is not explained by
    /// the number of trials (DSR ≥ 0.95).
    public var survives: Bool {
        outOfSample[chosen].metrics.totalReturn > 0 && (deflatedSharpe?.probability ?? 0) >= Self.dsrBar
    }

    /// Why it does not survive, as plain sentences (empty when it survives).
    public var failures: [String] {
        var out: [String] = []
        let oos = outOfSample[chosen].metrics.totalReturn
        if oos <= 0 { out.append("it returns \(Fmt.pct(oos)) out of sample") }
        if let d = deflatedSharpe {
            if d.probability < Self.dsrBar {
                out.append("its deflated Sharpe ratio is \(Fmt.num(d.probability, 3)) (< \(Self.dsrBar)): after \(d.trials) trials its in-sample Sharpe is what luck alone would give")
            }
        } else {
            out.append("its deflated Sharpe ratio is undefined (flat equity in sample)")
        }
        return out
    }
}

/// Runs a grid over train/test windows with predictions computed once and shared by all windows and points.
public enum TuningStudy {
    public static func run(_ context: GridSearch.Context, spec: GridSpec, windows: [TuningWindow], objective: Objective,
                           workers: Int = 2) async throws -> [FoldOutcome] {
        let points = spec.points
        var folds: [FoldOutcome] = []
        for w in windows {
            let ins = try await GridSearch.run(context, points: points, range: w.train, objective: objective, workers: workers)
            let oos = try await GridSearch.run(context, points: points, range: w.test, objective: objective, workers: workers)
            let chosen = GridSearch.best(ins) ?? 0
            let hindsight = GridSearch.best(oos) ?? 0
            let dsr = try await deflatedSharpe(context, chosen: points[chosen], range: w.train, trials: ins)
            folds.append(FoldOutcome(window: w, inSample: ins, outOfSample: oos, chosen: chosen, outOfSampleBest: hindsight,
                                     deflatedSharpe: dsr))
        }
        return folds
    }

    /// DSR of `chosen` over `range`: its per-candle returns, against every trial's per-candle Sharpe (flat trials as 0).
    public static func deflatedSharpe(_ context: GridSearch.Context, chosen: GridPoint, range: Range<Int>,
                                      trials: [TrialResult]) async throws -> DeflatedSharpe? {
        let r = try await context.replay(chosen, range: range)
        return DeflatedSharpe.compute(returns: GridSearch.returns(initial: context.simulation.initialBalance, equity: r.equity),
                                      trialSharpes: trials.map { $0.perPeriodSharpe ?? 0 })
    }

    /// Compounded out-of-sample return of the chosen settings over all folds (the walk-forward result).
    public static func compoundedOutOfSample(_ folds: [FoldOutcome]) -> Double {
        folds.reduce(1.0) { $0 * (1 + $1.outOfSample[$1.chosen].metrics.totalReturn) } - 1
    }
}
