import Bot
import Exchange
import Foundation

/// A candle file loaded for evaluate/backtest, with its interval inferred from the candle spacing.
public struct CandleInput {
    public var path: String
    public var candles: [Candle]
    public var timeframe: Timeframe
    /// The file's own `Symbol` column ("LTC"), nil when it has none.
    public var symbol: String?

    public init(path: String, candles: [Candle], timeframe: Timeframe, symbol: String? = nil) {
        self.path = path; self.candles = candles; self.timeframe = timeframe; self.symbol = symbol
    }

    public static func load(path: String) throws -> CandleInput {
        let candles = try CandleFile.read(path: path)
        return CandleInput(path: path, candles: candles, timeframe: try infer(candles, file: path),
                           symbol: try DataIdentity.fileSymbol(path: path))
    }

    /// The most common spacing between consecutive candles, which must be a known interval.
    public static func infer(_ candles: [Candle], file: String) throws -> Timeframe {
        guard candles.count >= 2 else {
            throw OptionError(message: "\(file): \(candles.count) candle(s); need at least 2 to know the interval")
        }
        var counts: [Int64: Int] = [:]
        for i in 1..<min(candles.count, 5000) { counts[candles[i].timestamp - candles[i - 1].timestamp, default: 0] += 1 }
        let step = counts.max { $0.value < $1.value }?.key ?? 0
        guard let tf = Timeframe.all.first(where: { $0.milliseconds == step }) else {
            throw OptionError(message: "\(file): candles are \(step) ms apart, which is no known interval (1m … 1w)")
        }
        return tf
    }

    /// Holes in the file (spacing larger than the interval), as warnings: windows across them mix distant candles.
    public func gapWarnings() -> [String] {
        var gaps = 0, missing: Int64 = 0
        for i in 1..<candles.count {
            let d = candles[i].timestamp - candles[i - 1].timestamp
            if d > timeframe.milliseconds { gaps += 1; missing += d / timeframe.milliseconds - 1 }
        }
        return gaps == 0 ? [] : ["\(path) has \(gaps) gap(s), \(missing) candles missing: windows spanning them mix distant candles"]
    }
}

/// Synthetic one-minute candles (a seeded random walk around 30,000) for benchmarks.
public enum SyntheticCandles {
    public static func make(count: Int, start: Int64 = 1_609_459_200_000, intervalMs: Int64 = 60_000, seed: UInt64 = 42) -> [Candle] {
        var state = seed &+ 0x9E37_79B9_7F4A_7C15
        func uniform() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
        var out: [Candle] = []
        out.reserveCapacity(count)
        var price = 30_000.0
        for i in 0..<count {
            let open = price
            let close = max(1, open * (1 + (uniform() - 0.5) * 0.004))
            let high = max(open, close) * (1 + uniform() * 0.001)
            let low = min(open, close) * (1 - uniform() * 0.001)
            out.append(Candle(timestamp: start + Int64(i) * intervalMs, open: (open * 10).rounded() / 10,
                              high: (high * 10).rounded() / 10, low: (low * 10).rounded() / 10,
                              close: (close * 10).rounded() / 10, volume: (uniform() * 100 * 1000).rounded() / 1000))
            price = close
        }
        return out
    }
}
