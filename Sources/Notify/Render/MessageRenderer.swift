import Foundation

/// Turns an outbox entry into the message a person reads. Pure: the same entry always gives the same message, so a
/// message re-derived after a restart is the one that would have been sent.
public enum MessageRenderer {
    public static func render(_ entry: NotifyEntry) -> NotifyMessage {
        let f = entry.fields
        let symbol = f["symbol"].map { " — \($0)" } ?? ""
        var lines: [NotifyMessage.Line] = []
        func add(_ label: String, _ key: String) { if let value = f[key], !value.isEmpty { lines.append(.init(label, value)) } }
        let title: String
        switch entry.kind {
        case "startup":
            title = "🤖 Bot started\(symbol)"
            add("Mode", "mode"); add("Interval", "interval"); add("Account", "account"); add("Model", "model")
            add("Entries", "paused"); add("Status page", "status_page")
        case "entry", "exit", "stoploss":
            let what = entry.kind == "entry" ? "Entry" : entry.kind == "exit" ? "Exit" : "Stop-loss"
            title = f["stop_loss"] == "true" ? "🛑 Stop-loss triggered: exit order placed\(symbol)" : "🔵 \(what) order placed\(symbol)"
            orderLines(f, &lines)
            add("Status", "status"); add("Reason", "reason"); add("Inputs", "inputs")
        case "entry_fill", "exit_fill", "stoploss_fill":
            title = entry.kind == "entry_fill" ? "🟢 Entry filled\(symbol)"
                : entry.kind == "stoploss_fill" ? "🛑 Stop-loss triggered and filled\(symbol)" : "⚪ Exit filled\(symbol)"
            lines.append(.init("Side", f["side"] ?? "-"))
            add("Amount", "filled"); add("Price", "average")
            if let fee = f["fee"] { lines.append(.init("Fee", fee + (f["fee_currency"].map { " \($0)" } ?? ""))) }
            if entry.kind != "entry_fill", let pnl = realisedPnL(f) { lines.append(.init("Realised P&L", pnl)) }
            add("Entry price", "entry_price"); add("Reason", "reason"); add("Inputs", "inputs"); add("Client id", "client_order_id")
        case "entry_cancel", "exit_cancel", "stoploss_cancel":
            title = "✖️ Order cancelled\(symbol)"
            orderLines(f, &lines)
            add("Status", "status"); add("Reason", "reason")
        case "rejected":
            title = "⛔ Order rejected\(symbol)"
            add("Order", "purpose")
            orderLines(f, &lines)
            add("Exchange code", "code"); add("Error", "error_class"); add("Message", "message")
        case "error":
            title = "⚠️ Error\(symbol)"
            add("Candle", "candle"); add("Message", "message")
        case "warning":
            title = "🚨 Warning\(symbol)"
            add("Candle", "candle"); add("Message", "message")
        case "daily":
            title = "📅 Daily summary \(f["day"] ?? "")\(symbol)"
            add("P&L of the day", "pnl"); add("Balance", "balance"); add("Position", "position")
            add("Cycles", "cycles"); add("Model error (30 candles)", "model_error"); add("Naive error (30 candles)", "naive_error")
        case "status":
            title = "ℹ️ \(f["title"] ?? "Status")\(symbol)"
            add("Message", "message")
        case "reply":
            var note = NotifyMessage(entryID: entry.id, kind: "reply", title: "", lines: [], fields: f)
            note.preparedHTML = f["html"] ?? TelegramHTML.escape(f["text"] ?? "")
            note.replyMarkup = f["reply_markup"]
            note.chatID = f["chat_id"]
            return note
        default:
            title = entry.kind
            for key in f.keys.sorted() { lines.append(.init(key, f[key] ?? "")) }
        }
        return NotifyMessage(entryID: entry.id, kind: entry.kind, title: title, lines: lines, fields: f)
    }

    static func orderLines(_ f: [String: String], _ lines: inout [NotifyMessage.Line]) {
        var text = "\(f["side"] ?? "?") \(f["type"] ?? "?") \(f["amount"] ?? "?")"
        if let price = f["price"] { text += " @ \(price)" }
        if let trigger = f["trigger"] { text += " trigger \(trigger)" }
        if f["reduce_only"] == "true" { text += " reduce-only" }
        lines.append(.init("Order", text))
        if let id = f["client_order_id"] { lines.append(.init("Client id", id)) }
    }

    /// Gross realised P&L of an exit fill, (exit − entry) × amount for a long and the reverse for a short, exact.
    static func realisedPnL(_ f: [String: String]) -> String? {
        guard let entry = f["entry_price"].flatMap(decimal), let exit = f["average"].flatMap(decimal),
              let amount = f["filled"].flatMap(decimal), let side = f["position_side"] else { return nil }
        var pnl = (exit - entry) * amount * (side == "short" ? -1 : 1)
        var rounded = Decimal()
        NSDecimalRound(&rounded, &pnl, 8, .plain)
        let text = "\(rounded)"
        return (rounded > 0 ? "+" : "") + text + (f["fee_currency"].map { " \($0)" } ?? "") + " (before fees)"
    }

    static func decimal(_ text: String) -> Decimal? { Decimal(string: text) }
}
