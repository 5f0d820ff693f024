import Bot
import Exchange
import Foundation

/// Everything `trading-bot backtest` shows and writes.
public struct BacktestReport: Encodable {
    public struct Settings: Encodable {
        public var symbol: String
        public var interval: String
        public var leverage: Int
        public var marginMode: String
        public var orderType: String
        public var threshold: Double
        public var stopLoss: Double
        public var stopLossOnExchange: Bool
        public var takerFee: Decimal
        public var makerFee: Decimal
        public var fundingRatePer8h: Decimal?
        /// The simulated market's filters, as the report header prints them (tick, step, quantity caps, min notional).
        public var marketFilters: String = ""
        enum CodingKeys: String, CodingKey {
            case symbol, interval, leverage, marginMode = "margin_mode", orderType = "order_type", threshold
            case stopLoss = "stop_loss", stopLossOnExchange = "stop_loss_on_exchange", takerFee = "taker_fee"
            case makerFee = "maker_fee", fundingRatePer8h = "funding_rate_per_8h", marketFilters = "market_filters"
        }
    }

    public var candlesFile: String
    public var model: String
    public var from: String
    public var to: String
    public var settings: Settings
    public var metrics: BacktestMetrics
    public var failedCycles: Int
    public var firstFailure: String?
    public var warnings: [String]
    public var seconds: Double?
    /// Decided orders not placed as decided (refused, too small, capped), with the candle time.
    public var notPlaced: [NotPlaced]

    public struct NotPlaced: Encodable {
        public var time: String
        public var message: String
    }

    enum CodingKeys: String, CodingKey {
        case candlesFile = "candles_file", model, from, to, settings, metrics, failedCycles = "failed_cycles"
        case firstFailure = "first_failure", warnings, seconds, notPlaced = "not_placed"
    }

    public init(candlesFile: String, model: String, settings: Settings, result: BacktestResult, intervalMs: Int64,
                warnings: [String], seconds: Double? = nil) {
        self.candlesFile = candlesFile; self.model = model; self.settings = settings
        self.from = result.equity.first.map { UTCTime.iso($0.time - intervalMs) } ?? ""
        self.to = result.equity.last.map { UTCTime.iso($0.time - intervalMs) } ?? ""
        self.metrics = result.metrics
        self.failedCycles = result.failedCycles.count
        self.firstFailure = result.failedCycles.first.map { "\(UTCTime.iso($0.time)): \($0.message)" }
        self.warnings = warnings; self.seconds = seconds
        self.notPlaced = result.notPlaced.map { NotPlaced(time: UTCTime.iso($0.time), message: $0.message) }
    }

    public func json() throws -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        e.keyEncodingStrategy = .convertToSnakeCase
        return String(decoding: try e.encode(self), as: UTF8.self) + "\n"
    }

    /// The table: the reference simulator's rows first, then the risk figures and the yardstick.
    public var rows: [(String, String)] {
        let m = metrics
        return [
            ("number of trades", "\(m.trades)"),
            ("win rate", Fmt.pct(m.winRate)),
            ("P&L ratio (avg win / avg loss)", Fmt.num(m.profitLossRatio, 3)),
            ("max profit rate per trade", Fmt.pct(m.maxProfitRate)),
            ("max loss rate per trade", Fmt.pct(m.maxLossRate)),
            ("final balance", Fmt.money(m.finalBalance) + " USDT (from " + Fmt.money(m.initialBalance) + ")"),
            ("total return", Fmt.pct(m.totalReturn)),
            ("max drawdown", Fmt.pct(m.maxDrawdown)),
            ("Sharpe (annualised)", Fmt.num(m.sharpe, 3)),
            ("Sortino (annualised)", Fmt.num(m.sortino, 3)),
            ("exposure time", Fmt.pct(m.exposure) + " of \(m.candles) candles"),
            ("fees paid", Fmt.money(m.feesPaid) + " USDT"),
            ("funding paid", Fmt.money(m.fundingPaid) + " USDT"),
            ("liquidations", "\(m.liquidations)"),
            ("buy-and-hold return", Fmt.pct(m.buyAndHoldReturn)),
            ("rejected entry signals", "\(m.rejectedEntrySignals)"),
            ("canceled trade entries", "\(m.canceledTradeEntries)"),
            ("exit reasons", m.exitReasons.isEmpty ? "-" : m.exitReasons.sorted { ($1.value, $0.key) < ($0.value, $1.key) }
                .map { "\($0.key) \($0.value)" }.joined(separator: ", ")),
        ]
    }

    public func text() -> String {
        var o = "Backtest of \(model) on \(candlesFile): \(settings.symbol) \(settings.interval), decisions from \(from) to \(to)\n"
        o += "leverage \(settings.leverage)× \(settings.marginMode), \(settings.orderType) orders, threshold \(Fmt.pct(settings.threshold)), stop loss \(Fmt.pct(settings.stopLoss))"
        o += settings.stopLossOnExchange ? " (on the exchange)\n" : " (at candle close)\n"
        o += "simulated market: \(settings.marketFilters)\n\n"
        o += Fmt.table(rows) + "\n"
        if failedCycles > 0 { o += "\n\(failedCycles) cycles failed; first: \(firstFailure ?? "")\n" }
        if !notPlaced.isEmpty {
            o += "\n\(notPlaced.count) notes on decided orders not placed as decided (all in report.json), first:\n"
            for n in notPlaced.prefix(5) { o += "  \(n.time): \(n.message)\n" }
        }
        for w in warnings { o += "warning: " + w + "\n" }
        return o
    }

    public static func tradesCSV(_ trades: [RoundTrip]) -> String {
        var o = "entry_time,exit_time,side,amount,entry_price,exit_price,gross_pnl,fees,funding,net_pnl,margin,return_on_margin,exit_reason\n"
        for t in trades {
            o += "\(UTCTime.iso(t.entryTime)),\(UTCTime.iso(t.exitTime)),\(t.side.rawValue),\(Precision.format(t.amount)),"
            o += "\(Precision.format(t.entryPrice.rounded(8))),\(Precision.format(t.exitPrice.rounded(8))),\(Precision.format(t.grossPnl.rounded(8))),"
            o += "\(Precision.format(t.fees.rounded(8))),\(Precision.format(t.funding.rounded(8))),\(Precision.format(t.netPnl.rounded(8))),"
            o += "\(Precision.format(t.margin.rounded(8))),\(String(format: "%.6f", t.returnOnMargin)),\(t.exit.rawValue)\n"
        }
        return o
    }

    public static func equityCSV(_ equity: [EquityPoint]) -> String {
        var o = "timestamp,equity,close,in_position\n"
        o.reserveCapacity(equity.count * 40)
        for p in equity { o += "\(p.time),\(String(format: "%.4f", p.equity)),\(p.price),\(p.inPosition ? 1 : 0)\n" }
        return o
    }

    public static func chart(_ equity: [EquityPoint], symbol: String) -> String {
        let xs = equity.map { Double($0.time) }
        let bal = ChartSeries(name: "equity (USDT)", color: "#1f4e9c", xs: xs, ys: equity.map(\.equity), width: 1.8)
        let price = ChartSeries(name: "\(symbol) close", color: "#b0b0b0", xs: xs, ys: equity.map(\.price), axis: .right, width: 1.2)
        return LineChart(title: "Backtest equity with the price overlaid", xLabel: "time (UTC)", yLabel: "equity (USDT)",
                         yRightLabel: "price", xAxis: .time, series: [bal, price]).svg()
    }

    public func write(to dir: String, result: BacktestResult) throws -> [String] {
        try writeFiles([("trades.csv", Self.tradesCSV(result.trades)), ("equity.csv", Self.equityCSV(result.equity)),
                        ("report.json", try json()), ("equity.svg", Self.chart(result.equity, symbol: settings.symbol))], into: dir)
    }
}

extension Decimal {
    func rounded(_ scale: Int) -> Decimal {
        var v = self, r = Decimal()
        NSDecimalRound(&r, &v, scale, .plain)
        return r
    }
}
