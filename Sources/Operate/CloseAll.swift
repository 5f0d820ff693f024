import Bot
import Exchange
import Foundation

/// What a close-all did, step by step, and whether the account ended flat.
public struct CloseAllReport: Sendable, Equatable {
    public var steps: [String] = []
    public var flat = false
    public var failures = 0
    public var summary: String { (flat && failures == 0 ? "flat" : "NOT flat") + ": " + steps.joined(separator: "; ") }
}

/// The square-off button: cancels every open order, the conditional (algo) ones included, closes every position with
/// a reduce-only market order (journaled before it is sent, like every order, so a retry never doubles it and never
/// flips the position), pauses new entries, and checks the account is flat. Behind `trading-bot close-all`,
/// Telegram's `/closeall` + Confirm and the status page's button.
public struct CloseAll: Sendable {
    public let exchange: any Exchange
    public let journal: Journal
    /// Every traded symbol with its exchange market id (several with SYMBOLS).
    public let symbols: [(symbol: String, marketID: String)]
    /// The running bot's trade gate (nil in the CLI, a process of its own).
    public let gate: TradeGate?

    public init(exchange: any Exchange, journal: Journal, symbol: String, marketID: String, gate: TradeGate?) {
        self.init(exchange: exchange, journal: journal, symbols: [(symbol, marketID)], gate: gate)
    }

    public init(exchange: any Exchange, journal: Journal, symbols: [(symbol: String, marketID: String)], gate: TradeGate?) {
        self.exchange = exchange
        self.journal = journal
        self.symbols = symbols
        self.gate = gate
    }

    /// `now` is exchange time (ms); `source` names who asked ("telegram:123", "api", "cli").
    /// `notify` false when the caller answers the person itself (Telegram replies with the report).
    public func run(now: Int64, source: String, notify: Bool = true) async -> CloseAllReport {
        if let gate {
            await gate.acquire()
            let report = await steps(now: now, source: source, notify: notify)
            await gate.release()
            return report
        }
        return await steps(now: now, source: source, notify: notify)
    }

    private func steps(now: Int64, source: String, notify: Bool) async -> CloseAllReport {
        var report = CloseAllReport()
        report.flat = true
        for (symbol, marketID) in symbols {
            await steps(symbol: symbol, marketID: marketID, now: now, source: source, report: &report)
        }
        let event = OutboxEvent(kind: "status", fields: [
            "symbol": symbols.map(\.symbol).joined(separator: ", "),
            "title": report.flat && report.failures == 0 ? "Close-all done" : "Close-all INCOMPLETE",
            "message": report.steps.joined(separator: "\n") + "\n(asked by \(source))",
        ])
        try? journal.recordEvent(kind: "closeall", message: "\(source): \(report.summary)", at: now, notify: notify ? [event] : [])
        return report
    }

    private func steps(symbol: String, marketID: String, now: Int64, source: String, report: inout CloseAllReport) async {
        let prefix = symbols.count > 1 ? "\(symbol): " : ""
        var steps: [String] = []
        var failures = 0
        var flat = false
        func step(_ what: String, _ body: () async throws -> String) async {
            do { steps.append(prefix + (try await body())) } catch {
                failures += 1
                steps.append(prefix + "\(what) failed: \(error)")
            }
        }
        defer {
            report.steps += steps
            report.failures += failures
            report.flat = report.flat && flat
        }
        if symbol == symbols.first?.symbol { await step("pausing entries") {
            try journal.setStateValue(Journal.pausedKey, "close-all by \(source)", at: now)
            return "new entries paused (/resume to trade again)"
        } }
        await step("cancelling open orders") {
            let open = try await exchange.fetchOpenOrders(symbol: symbol, params: [:])
            guard !open.isEmpty else { return "no open orders" }
            _ = try await exchange.cancelAllOrders(symbol: symbol, params: [:])
            return "cancelled \(open.count) open order\(open.count == 1 ? "" : "s") (\(open.map { $0.clientOrderId ?? $0.id }.joined(separator: ", ")))"
        }
        await step("cancelling conditional orders") {
            let open = try await exchange.fetchOpenOrders(symbol: symbol, params: ["trigger": true])
            guard !open.isEmpty else { return "no conditional orders" }
            _ = try await exchange.cancelAllOrders(symbol: symbol, params: ["trigger": true])
            return "cancelled \(open.count) conditional order\(open.count == 1 ? "" : "s") (\(open.map { $0.clientOrderId ?? $0.id }.joined(separator: ", ")))"
        }
        await step("closing positions") {
            let positions = try await exchange.fetchPositions(symbols: [symbol]).filter { $0.symbol == symbol && $0.contracts != 0 }
            guard !positions.isEmpty else { return "no open position" }
            let market = try await exchange.market(symbol)
            let sender = OrderSender(exchange: exchange, journal: journal, symbol: symbol)
            var lines: [String] = []
            for (index, position) in positions.enumerated() {
                let amount = market.amountToPrecision(abs(position.contracts))
                let id = String("tb-\(marketID.prefix(12))-\(now / 1000)-ca\(index)".prefix(36))
                let request = OrderRequest(purpose: .close, side: position.side == .long ? .sell : .buy, type: .market, amount: amount,
                                           price: nil, triggerPrice: nil, reduceOnly: true, clientOrderID: id)
                var context = ["position_side": position.side.rawValue, "reason": "close-all by \(source)"]
                if let entry = position.entryPrice { context["entry_price"] = Precision.format(entry) }
                let outcome = try await sender.send(request, cycleID: nil, now: now, context: context)
                switch outcome {
                case .placed(let order):
                    lines.append("closed \(position.side.rawValue) \(Precision.format(amount)): \(order.status.rawValue)"
                                 + (order.average.map { " @ \(Precision.format($0))" } ?? ""))
                case .alreadySent: lines.append("close order \(id) was already sent")
                case .rejected(let reason):
                    failures += 1
                    lines.append("close of \(position.side.rawValue) \(Precision.format(amount)) rejected: \(reason)")
                case .unknown(let reason):
                    failures += 1
                    lines.append("close of \(position.side.rawValue) \(Precision.format(amount)) unclear (looked up next start): \(reason)")
                }
            }
            return lines.joined(separator: "; ")
        }
        await step("checking the account") {
            let left = try await exchange.fetchPositions(symbols: [symbol]).filter { $0.symbol == symbol && $0.contracts != 0 }
            flat = left.isEmpty
            return left.isEmpty ? "account is flat" : "still open: " + left.map { "\($0.side.rawValue) \(Precision.format(abs($0.contracts)))" }.joined(separator: ", ")
        }
    }
}
