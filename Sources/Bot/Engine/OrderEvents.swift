import Exchange
import Foundation

/// The outbox rows an order produces, written in the same journal transaction as the order's own record.
enum OrderEvents {
    /// Notification name of an order's purpose (Freqtrade's `entry` / `exit`, plus `stoploss`).
    static func base(_ purpose: JournalOrder.Purpose) -> String? {
        switch purpose {
        case .open: return "entry"
        case .close: return "exit"
        case .stopLoss: return "stoploss"
        case .cancel: return nil
        }
    }

    static func requestFields(_ request: OrderRequest, symbol: String, context: [String: String]) -> [String: String] {
        var fields = context
        fields["symbol"] = symbol
        fields["side"] = request.side.rawValue
        fields["type"] = request.type.rawValue
        fields["amount"] = Precision.format(request.amount)
        fields["client_order_id"] = request.clientOrderID
        if let price = request.price { fields["price"] = Precision.format(price) }
        if let trigger = request.triggerPrice { fields["trigger"] = Precision.format(trigger) }
        if request.reduceOnly { fields["reduce_only"] = "true" }
        return fields
    }

    /// `entry` (placed) and, when the answer already shows the fill, `entry_fill` — likewise for exits and stops.
    static func placed(_ request: OrderRequest, order: Order, symbol: String, context: [String: String]) -> [OutboxEvent] {
        guard let base = base(request.purpose) else { return [] }
        var fields = requestFields(request, symbol: symbol, context: context)
        fields["status"] = order.status.rawValue
        var events = [OutboxEvent(kind: base, fields: fields)]
        if let fill = fill(base: base, fields: fields, order: order) { events.append(fill) }
        return events
    }

    /// The fill row of an order the exchange reports (partly) filled and closed.
    static func fill(base: String, fields: [String: String], order: Order) -> OutboxEvent? {
        guard order.filled > 0, order.status == .closed else { return nil }
        var fill = fields
        fill["status"] = order.status.rawValue
        fill["filled"] = Precision.format(order.filled)
        if let average = order.average { fill["average"] = Precision.format(average) }
        if let fee = order.fee {
            fill["fee"] = Precision.format(fee.cost)
            fill["fee_currency"] = fee.currency
        }
        return OutboxEvent(kind: base + "_fill", fields: fill)
    }

    static func rejected(_ request: OrderRequest, symbol: String, failure: ExchangeFailure?, message: String,
                         context: [String: String]) -> [OutboxEvent] {
        var fields = requestFields(request, symbol: symbol, context: context)
        fields["purpose"] = base(request.purpose) ?? request.purpose.rawValue
        fields["message"] = failure?.message ?? message
        if let code = failure?.code { fields["code"] = String(code) }
        if let kind = failure?.kind { fields["error_class"] = kind.name }
        return [OutboxEvent(kind: "rejected", fields: fields)]
    }

    /// A working order seen again: filled (`*_fill`, the stop loss triggering is `stoploss_fill`) or cancelled.
    static func refreshed(_ row: JournalOrder, order: Order) -> [OutboxEvent] {
        guard let base = base(row.purpose), row.status == "open", order.status != .open else { return [] }
        var fields: [String: String] = [
            "symbol": row.symbol, "side": row.side, "type": row.type, "amount": Precision.format(row.amount),
            "client_order_id": row.clientOrderID, "status": order.status.rawValue,
        ]
        if let price = row.price { fields["price"] = Precision.format(price) }
        if let trigger = row.stopPrice { fields["trigger"] = Precision.format(trigger) }
        if let fill = fill(base: base, fields: fields, order: order) { return [fill] }
        if order.status == .canceled || order.status == .expired || order.status == .rejected {
            return [OutboxEvent(kind: base + "_cancel", fields: fields)]
        }
        return []
    }
}
