import Bot
import Exchange
import Foundation

/// What a portfolio backtest shows: Freqtrade's per-pair table (trades, win rate, profit, average duration, plus
/// entries refused by the account caps), the account's totals (equity, drawdown, Sharpe/Sortino), the correlation
/// of the symbols' daily returns, trades.csv with a symbol column, and an HTML page with a per-symbol equity chart.
public struct PortfolioReport {
    public var result: PortfolioResult
    public var initialBalance: Decimal
    public var warnings: [String]
    /// Each symbol's candle file, model and interval (shown by --json).
    public var inputs: [Input]

    public init(result: PortfolioResult, initialBalance: Decimal, warnings: [String] = [], inputs: [Input] = []) {
        self.result = result; self.initialBalance = initialBalance; self.warnings = warnings; self.inputs = inputs
    }

    static let header = ["pair", "trades", "win %", "profit USDT", "profit %", "avg duration", "rejected (caps)", "max drawdown"]

    /// One row per symbol and a TOTAL row.
    public func rows() -> [[String]] {
        var out: [[String]] = []
        for s in result.symbols {
            out.append(row(name: s.symbol, trades: s.trades, rejected: s.rejectedByCaps, drawdown: s.metrics.maxDrawdown))
        }
        out.append(row(name: "TOTAL", trades: result.symbols.flatMap(\.trades),
                       rejected: result.symbols.reduce(0) { $0 + $1.rejectedByCaps }, drawdown: result.metrics.maxDrawdown))
        return out
    }

    private func row(name: String, trades: [RoundTrip], rejected: Int, drawdown: Double) -> [String] {
        let profit = trades.reduce(Decimal(0)) { $0 + $1.netPnl }
        let wins = trades.filter { $0.netPnl > 0 }.count
        let avg = trades.isEmpty ? nil : Double(trades.reduce(Int64(0)) { $0 + ($1.exitTime - $1.entryTime) }) / Double(trades.count)
        let pct = initialBalance == 0 ? nil : NSDecimalNumber(decimal: profit / initialBalance).doubleValue
        return [name, "\(trades.count)", trades.isEmpty ? "n/a" : Fmt.pct(Double(wins) / Double(trades.count), 1),
                Fmt.money(profit), Fmt.pct(pct), avg.map(Self.duration) ?? "n/a", "\(rejected)", Fmt.pct(drawdown)]
    }

    /// "3d 04:00" from milliseconds.
    static func duration(_ ms: Double) -> String {
        let minutes = Int((ms / 60_000).rounded())
        let d = minutes / 1440, h = (minutes % 1440) / 60, m = minutes % 60
        return String(format: "%dd %02d:%02d", d, h, m)
    }

    static func textTable(_ header: [String], _ rows: [[String]]) -> String {
        let all = [header] + rows
        let widths = header.indices.map { j in all.map { $0[j].count }.max() ?? 0 }
        func line(_ r: [String]) -> String {
            r.enumerated().map { j, c in j == 0 ? c.padding(toLength: widths[j], withPad: " ", startingAt: 0)
                                               : String(repeating: " ", count: widths[j] - c.count) + c }.joined(separator: "  ")
        }
        return ([line(header), String(repeating: "-", count: widths.reduce(0, +) + 2 * (widths.count - 1))] + rows.map(line))
            .joined(separator: "\n")
    }

    func totals() -> [(String, String)] {
        let m = result.metrics
        return [("starting balance", Fmt.money(m.initialBalance) + " USDT"), ("final balance", Fmt.money(m.finalBalance) + " USDT"),
                ("total return", Fmt.pct(m.totalReturn)), ("max drawdown", Fmt.pct(m.maxDrawdown)),
                ("Sharpe (annualized)", Fmt.num(m.sharpe)), ("Sortino (annualized)", Fmt.num(m.sortino)),
                ("fees paid", Fmt.money(m.feesPaid) + " USDT"), ("passes", "\(result.passes)"),
                ("risk events", "\(result.riskEvents.count)")]
    }

    func correlationRows() -> (header: [String], rows: [[String]]) {
        let c = result.priceCorrelation
        let header = ["daily returns"] + c.symbols
        let rows = c.symbols.indices.map { i in [c.symbols[i]] + c.symbols.indices.map { Fmt.num(c.matrix[i][$0], 2) } }
        return (header, rows)
    }

    /// The terminal report.
    public func text() -> String {
        var o = "Portfolio backtest: \(result.symbols.count) symbols on one account\n\n"
        o += Self.textTable(Self.header, rows()) + "\n\n"
        o += Fmt.table(totals()) + "\n\n"
        o += "Simulated markets:\n" + result.symbols.map { "  \($0.symbol): \($0.marketFilters)" }.joined(separator: "\n") + "\n\n"
        let c = correlationRows()
        o += "Correlation of the symbols' daily close-to-close returns (common days):\n" + Self.textTable(c.header, c.rows) + "\n"
        for e in result.riskEvents { o += "risk: \(UTCTime.iso(e.time)) \(e.message)\n" }
        for w in warnings { o += "warning: \(w)\n" }
        return o
    }

    /// Every symbol's round trips, by entry time, with a leading `symbol` column.
    public func tradesCSV() -> String {
        var rows: [(symbol: String, trade: RoundTrip)] = []
        for s in result.symbols { rows += s.trades.map { (s.symbol, $0) } }
        rows.sort { ($0.trade.entryTime, $0.symbol) < ($1.trade.entryTime, $1.symbol) }
        let lines = BacktestReport.tradesCSV(rows.map(\.trade)).split(separator: "\n", omittingEmptySubsequences: false)
        var o = "symbol," + lines[0] + "\n"
        for (i, r) in rows.enumerated() { o += "\(r.symbol)," + lines[i + 1] + "\n" }
        return o
    }

    static let palette = ["#1f4e9c", "#c0392b", "#27ae60", "#8e44ad", "#d68910", "#16a085", "#7f8c8d", "#2c3e50"]

    /// The account's equity, and one line per symbol of its P&L (realized + unrealized) over time.
    public func charts() -> (total: String, perSymbol: String) {
        let total = ChartSeries(name: "account equity (USDT)", color: Self.palette[0], xs: result.equity.map { Double($0.time) },
                                ys: result.equity.map(\.equity), width: 1.8)
        let start = NSDecimalNumber(decimal: initialBalance).doubleValue
        let series = result.symbols.enumerated().map { i, s in
            ChartSeries(name: s.symbol, color: Self.palette[i % Self.palette.count], xs: s.equity.map { Double($0.time) },
                        ys: s.equity.map { $0.equity - start }, width: 1.4)
        }
        return (LineChart(title: "Account equity", xLabel: "time (UTC)", yLabel: "equity (USDT)", xAxis: .time, series: [total]).svg(),
                LineChart(title: "P&L per symbol", xLabel: "time (UTC)", yLabel: "P&L (USDT)", xAxis: .time, series: series).svg())
    }

    /// A self-contained HTML page.
    public func html() -> String {
        var page = HTMLPage(title: "Portfolio backtest")
        page.warnings(warnings)
        page.heading("Per pair")
        page.table(header: Self.header, rows: rows(), numeric: Set(1..<Self.header.count), highlight: [result.symbols.count])
        page.heading("Account")
        page.table(header: ["", ""], rows: totals().map { [$0.0, $0.1] }, numeric: [1])
        let c = charts()
        page.svg(c.total, caption: "Equity of the one account after each pass.")
        page.svg(c.perSymbol, caption: "Each symbol's P&L (realized + unrealized) at its candle closes.")
        page.heading("Correlation of daily returns")
        let cr = correlationRows()
        page.table(header: cr.header, rows: cr.rows, numeric: Set(1..<cr.header.count))
        if !result.riskEvents.isEmpty {
            page.heading("Risk events")
            page.table(header: ["time", "event"], rows: result.riskEvents.map { [UTCTime.iso($0.time), $0.message] })
        }
        return page.html()
    }

    /// Writes trades.csv (with a symbol column), equity.csv (the account), report.json and report.html into `dir`.
    public func write(to dir: String) throws -> [String] {
        try writeFiles([("trades.csv", tradesCSV()), ("equity.csv", BacktestReport.equityCSV(result.equity)),
                        ("report.json", try json()), ("report.html", html())], into: dir)
    }
}
