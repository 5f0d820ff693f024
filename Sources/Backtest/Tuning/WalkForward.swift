import Bot
import Exchange
import Foundation

/// A train (choose) window and the test (report) window after it, as candle index ranges of decisions.
public struct TuningWindow: Sendable, Equatable {
    public var train: Range<Int>
    public var test: Range<Int>
}

public struct TuningWindowError: Error, CustomStringConvertible, Equatable {
    public var description: String
}

/// How decision candles are split into train/test windows.
public enum WalkForward {
    /// `--tune-until DATE`: decisions on candles opening before `until` are the train window, the rest the test window.
    public static func split(range: Range<Int>, candles: [Candle], until: Int64) throws -> TuningWindow {
        var cut = range.lowerBound
        while cut < range.upperBound && candles[cut].timestamp < until { cut += 1 }
        guard cut - range.lowerBound >= 2, range.upperBound - cut >= 2 else {
            throw TuningWindowError(description: "--tune-until \(UTCTime.iso(until)) leaves \(cut - range.lowerBound) decision candles before and \(range.upperBound - cut) after; each side needs at least 2 (candles \(UTCTime.iso(candles[range.lowerBound].timestamp)) … \(UTCTime.iso(candles[range.upperBound - 1].timestamp)))")
        }
        return TuningWindow(train: range.lowerBound..<cut, test: cut..<range.upperBound)
    }

    /// `--walk-forward N`: the decisions are cut into N + 1 equal consecutive blocks (the last takes the remainder);
    /// fold k chooses on block k and is tested on block k + 1, so every test block is unseen by its choice and the
    /// N test blocks together cover everything after the first block. Not combined with `--tune-until`.
    public static func rolling(range: Range<Int>, folds: Int) throws -> [TuningWindow] {
        guard folds >= 1 else { throw TuningWindowError(description: "--walk-forward \(folds): use 1 or more folds") }
        let size = range.count / (folds + 1)
        guard size >= 2 else {
            throw TuningWindowError(description: "--walk-forward \(folds): \(range.count) decision candles make blocks of \(size); each needs at least 2")
        }
        let starts = (0...folds).map { range.lowerBound + $0 * size }
        func block(_ k: Int) -> Range<Int> { starts[k]..<(k == folds ? range.upperBound : starts[k + 1]) }
        return (0..<folds).map { TuningWindow(train: block($0), test: block($0 + 1)) }
    }
}
