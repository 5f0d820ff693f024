import Bot
import Foundation

/// `backtest --json` for a portfolio: the single backtest's report.json fields per symbol (candles_file, model,
/// from, to, metrics, failed_cycles, first_failure, not_placed) plus the pair-table figures, the account's metrics,
/// the correlation matrix and the risk events.
struct PortfolioJSON: Encodable {
    struct Symbol: Encodable {
        var symbol: String
        var candlesFile: String
        var model: String
        var interval: String
        var from: String
        var to: String
        var marketFilters: String
        var trades: Int
        var winRate: Double?
        var profit: Decimal
        var profitPercent: Double?
        var averageDurationSeconds: Double?
        var rejectedByCaps: Int
        var maxDrawdown: Double
        var failedCycles: Int
        var firstFailure: String?
        var notPlaced: [BacktestReport.NotPlaced]
        var metrics: BacktestMetrics
    }

    struct Correlation: Encodable {
        var symbols: [String]
        /// Pearson correlation of daily close-to-close returns; null where two symbols share too few days.
        var matrix: [[Double?]]
        var commonDays: [[Int]]
    }

    struct Event: Encodable {
        var time: String
        var message: String
    }

    var kind = "portfolio"
    var passes: Int
    var metrics: BacktestMetrics
    var symbols: [Symbol]
    var correlation: Correlation
    var riskEvents: [Event]
    var warnings: [String]
}

extension PortfolioReport {
    /// What one symbol was backtested with (for --json and report headers).
    public struct Input: Sendable, Equatable {
        public var symbol: String
        public var candlesFile: String
        public var model: String
        public var interval: String
        public init(symbol: String, candlesFile: String, model: String, interval: String) {
            self.symbol = symbol; self.candlesFile = candlesFile; self.model = model; self.interval = interval
        }
    }

    /// The report as JSON (snake_case keys, like the single backtest's report.json).
    public func json() throws -> String {
        let symbols = result.symbols.map { s -> PortfolioJSON.Symbol in
            let input = inputs.first { $0.symbol == s.symbol }
            let profit = s.trades.reduce(Decimal(0)) { $0 + $1.netPnl }
            let wins = s.trades.filter { $0.netPnl > 0 }.count
            let duration = s.trades.isEmpty ? nil
                : Double(s.trades.reduce(Int64(0)) { $0 + ($1.exitTime - $1.entryTime) }) / Double(s.trades.count) / 1000
            return PortfolioJSON.Symbol(
                symbol: s.symbol, candlesFile: input?.candlesFile ?? "", model: input?.model ?? "", interval: input?.interval ?? "",
                from: UTCTime.iso(s.from), to: UTCTime.iso(s.to), marketFilters: s.marketFilters, trades: s.trades.count,
                winRate: s.trades.isEmpty ? nil : Double(wins) / Double(s.trades.count), profit: profit,
                profitPercent: initialBalance == 0 ? nil : NSDecimalNumber(decimal: profit / initialBalance).doubleValue * 100,
                averageDurationSeconds: duration, rejectedByCaps: s.rejectedByCaps, maxDrawdown: s.metrics.maxDrawdown,
                failedCycles: s.failedCycles.count, firstFailure: s.failedCycles.first.map { "\(UTCTime.iso($0.time)): \($0.message)" },
                notPlaced: s.notPlaced.map { BacktestReport.NotPlaced(time: UTCTime.iso($0.time), message: $0.message) }, metrics: s.metrics)
        }
        let c = result.priceCorrelation
        let object = PortfolioJSON(passes: result.passes, metrics: result.metrics, symbols: symbols,
                                   correlation: .init(symbols: c.symbols, matrix: c.matrix, commonDays: c.days),
                                   riskEvents: result.riskEvents.map { .init(time: UTCTime.iso($0.time), message: $0.message) },
                                   warnings: warnings)
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        e.keyEncodingStrategy = .convertToSnakeCase
        return String(decoding: try e.encode(object), as: UTF8.self) + "\n"
    }
}
