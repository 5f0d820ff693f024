import ArgumentParser
import Bot
import Foundation

/// `trading-bot journal`: recent cycles and orders from the SQLite journal.
struct JournalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "journal", abstract: "Show recent cycles and orders from the journal.")

    @Option(name: .long, help: "Configuration file (default: ./config.yaml).") var config: String?
    @Option(name: .long, help: "Journal file; overrides JOURNAL_PATH.") var journal: String?
    @Option(name: .long, help: "How many cycles and orders to show.") var limit = 20
    @Flag(name: .long, help: "Print JSON.") var json = false
    @Option(name: .long, help: "Only this symbol's cycles, orders and events (several symbols share one journal).") var symbol: String?

    func run() async throws {
        var overrides: [String: String] = [:]
        if let journal { overrides["JOURNAL_PATH"] = journal }
        let config = try BotCommandSupport.loadConfig(path: self.config, overrides: overrides, requireCredentials: false,
                                                      requireModelFiles: false)
        guard FileManager.default.fileExists(atPath: config.journalPath) else {
            BotCommandSupport.printError("trading-bot journal: \(config.journalPath) does not exist yet; `trading-bot run` creates it")
            throw ExitCode(1)
        }
        let store: Journal
        let cycles: [JournalCycle]
        let orders: [JournalOrder]
        do {
            store = try Journal(path: config.journalPath)
            if let symbol {
                cycles = try store.recentCycles(limit: max(0, limit), symbol: symbol)
                orders = try store.recentOrders(limit: max(0, limit), symbol: symbol)
            } else {
                cycles = try store.recentCycles(limit: max(0, limit))
                orders = try store.recentOrders(limit: max(0, limit))
            }
        } catch {
            BotCommandSupport.printError("trading-bot journal: \(error)")
            throw ExitCode(1)
        }
        if json {
            var object: [String: Any] = ["journal": config.journalPath, "cycles": cycles.map(Self.json), "orders": orders.map(Self.json)]
            if let symbol {
                object["symbol"] = symbol
                object["events"] = try store.events(limit: max(0, limit), symbol: symbol).map { ["at": UTCTime.iso($0.at), "kind": $0.kind, "message": $0.message] }
            }
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
            print(String(decoding: data, as: UTF8.self))
            return
        }
        print("journal \(config.journalPath): last \(cycles.count) cycles\(symbol.map { " of \($0)" } ?? "")")
        for c in cycles.reversed() {
            var line = "#\(c.id) \(UTCTime.iso(c.candleTime)) \(c.status.rawValue) \(c.mode) \(c.symbol)"
            if let close = c.close { line += " close \(close)" }
            if let predicted = c.predicted { line += String(format: " predicted %.2f", predicted) }
            if let change = c.change { line += String(format: " (%+.2f%%)", change * 100) }
            if let decision = c.decision { line += " → \(decision)" }
            if let exit = c.exitReason { line += " (exit: \(exit))" }
            if let note = c.note { line += " [\(note)]" }
            line += " | " + (c.positionSide.map { "\($0) \(c.positionAmount ?? 0) @ \(c.entryPrice ?? 0)" } ?? "flat")
            if let balance = c.balance { line += " | balance \(balance)" }
            if let error = c.error { line += " | error: \(error)" }
            print(line)
        }
        print("last \(orders.count) orders")
        for o in orders.reversed() {
            var line = "\(o.clientOrderID) cycle \(o.cycleID.map(String.init) ?? "-") \(o.purpose.rawValue) \(o.side) \(o.type) \(o.amount)"
            if let price = o.price { line += " @ \(price)" }
            if let stop = o.stopPrice { line += " trigger \(stop)" }
            if o.reduceOnly { line += " reduce-only" }
            line += " [\(o.state.rawValue)\(o.status.map { "/\($0)" } ?? "")]"
            if let filled = o.filled { line += " filled \(filled)" }
            if let average = o.average { line += " @ \(average)" }
            if let fee = o.fee { line += " fee \(fee)" }
            if let error = o.error { line += " error: \(error)" }
            print(line)
        }
    }

    static func json(_ c: JournalCycle) -> [String: Any] {
        var o: [String: Any] = ["id": c.id, "candle_time": UTCTime.iso(c.candleTime), "started_at": UTCTime.iso(c.startedAt),
                                "status": c.status.rawValue, "mode": c.mode, "symbol": c.symbol, "interval": c.interval]
        o["close"] = c.close.map { "\($0)" }
        o["predicted"] = c.predicted
        o["change"] = c.change
        o["decision"] = c.decision
        o["reason"] = c.reason
        o["balance"] = c.balance.map { "\($0)" }
        o["position_side"] = c.positionSide
        o["position_amount"] = c.positionAmount.map { "\($0)" }
        o["entry_price"] = c.entryPrice.map { "\($0)" }
        o["error"] = c.error
        o["note"] = c.note
        o["exit_reason"] = c.exitReason
        return o
    }

    static func json(_ o: JournalOrder) -> [String: Any] {
        var r: [String: Any] = ["client_order_id": o.clientOrderID, "purpose": o.purpose.rawValue, "symbol": o.symbol, "side": o.side,
                                "type": o.type, "amount": "\(o.amount)", "reduce_only": o.reduceOnly, "state": o.state.rawValue]
        r["cycle_id"] = o.cycleID
        r["price"] = o.price.map { "\($0)" }
        r["stop_price"] = o.stopPrice.map { "\($0)" }
        r["exchange_order_id"] = o.exchangeOrderID
        r["status"] = o.status
        r["filled"] = o.filled.map { "\($0)" }
        r["average"] = o.average.map { "\($0)" }
        r["fee"] = o.fee.map { "\($0)" }
        r["error"] = o.error
        return r
    }
}
