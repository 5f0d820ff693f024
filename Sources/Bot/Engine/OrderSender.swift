import Exchange
import Foundation

/// What happened to one order request.
public enum PlacementOutcome: Sendable {
    case placed(Order)
    /// The exchange refused it; nothing was placed.
    case rejected(String)
    /// The request may or may not have reached the exchange; it stays `pending` in the journal and is looked up by
    /// client order id before anything else is sent for it.
    case unknown(String)
    /// Sent before (an earlier run of this cycle); not sent again.
    case alreadySent(JournalOrder)
}

/// Sends orders so that none is ever doubled: the request (with its client order id) is journaled before it is
/// sent, an unclear failure is resolved by looking the id up on the exchange, and an id already sent is never
/// sent again.
public struct OrderSender: Sendable {
    public let exchange: any Exchange
    public let journal: Journal
    public let symbol: String

    public init(exchange: any Exchange, journal: Journal, symbol: String) {
        self.exchange = exchange
        self.journal = journal
        self.symbol = symbol
    }

    /// `context` goes into the order's notifications (e.g. the position's entry price and the decision's reason).
    public func send(_ request: OrderRequest, cycleID: Int64?, now: Int64, context: [String: String] = [:]) async throws -> PlacementOutcome {
        if let existing = try journal.order(clientOrderID: request.clientOrderID) {
            switch existing.state {
            case .sent: return .alreadySent(existing)
            case .pending:
                // Unresolved from an earlier attempt: resolve it first, never send blindly.
                switch try await resolve(existing, now: now) {
                case .sent(let order): return .placed(order)
                case .unresolved(let reason): return .unknown(reason)
                case .absent: break
                }
                guard let next = try retry(request) else { return .rejected("no attempts left for \(request.clientOrderID)") }
                return try await send(next, cycleID: cycleID, now: now, context: context)
            case .rejected: return .rejected(existing.error ?? "rejected earlier")
            case .notPlaced:
                guard let next = try retry(request) else { return .rejected("no attempts left for \(request.clientOrderID)") }
                return try await send(next, cycleID: cycleID, now: now, context: context)
            }
        }
        var row = JournalOrder(cycleID: cycleID, clientOrderID: request.clientOrderID, purpose: request.purpose, symbol: symbol,
                               side: request.side.rawValue, type: request.type.rawValue, amount: request.amount,
                               price: request.price, stopPrice: request.triggerPrice, reduceOnly: request.reduceOnly)
        row.id = try journal.recordOrderIntent(row, at: now)
        do {
            let order = try await exchange.createOrder(symbol: symbol, type: request.type, side: request.side,
                                                       amount: request.amount, price: request.price, params: request.params)
            try journal.recordOrderSent(clientOrderID: request.clientOrderID, update: OrderSender.update(order), at: now,
                                        notify: OrderEvents.placed(request, order: order, symbol: symbol, context: context))
            return .placed(order)
        } catch let failure as ExchangeFailure where !failure.isNetworkError {
            try journal.recordOrderNotPlaced(clientOrderID: request.clientOrderID, rejected: true, error: failure.description, at: now,
                                             notify: OrderEvents.rejected(request, symbol: symbol, failure: failure, message: failure.description,
                                                                          context: context))
            return .rejected(failure.description)
        } catch {
            // Timeout, dropped connection, 5xx, 503 "unknown": the order may exist. Ask before doing anything else.
            try journal.recordOrderUnknown(clientOrderID: request.clientOrderID, error: String(describing: error), at: now)
            switch try await resolve(row, now: now) {
            case .sent(let order): return .placed(order)
            case .unresolved(let reason): return .unknown(reason)
            case .absent: return .rejected("not placed: \(error)")
            }
        }
    }

    enum Resolution { case sent(Order), absent, unresolved(String) }

    /// Looks a pending order up by its client order id and records what the exchange says.
    func resolve(_ order: JournalOrder, now: Int64) async throws -> Resolution {
        do {
            var params: Params = ["clientOrderId": .string(order.clientOrderID)]
            if order.purpose == .stopLoss { params["trigger"] = true }
            let found = try await exchange.fetchOrder(id: nil, symbol: order.symbol, params: params)
            try journal.recordOrderSent(clientOrderID: order.clientOrderID, update: OrderSender.update(found), at: now,
                                        notify: OrderEvents.placed(OrderSender.request(of: order), order: found, symbol: order.symbol, context: [:]))
            return .sent(found)
        } catch let failure as ExchangeFailure where failure.isA(.orderNotFound) {
            try journal.recordOrderNotPlaced(clientOrderID: order.clientOrderID, rejected: false,
                                             error: "not found on the exchange after an unclear send", at: now)
            return .absent
        } catch {
            return .unresolved("lookup of \(order.clientOrderID) failed: \(error)")
        }
    }

    /// Resolves every order left pending (the crash window between sending and recording). Returns a note per order.
    /// With `onlyOwnSymbol`, only this sender's symbol (several symbols share one journal).
    public func reconcilePending(now: Int64, onlyOwnSymbol: Bool = false) async throws -> [String] {
        var notes: [String] = []
        for order in try onlyOwnSymbol ? journal.pendingOrders(symbol: symbol) : journal.pendingOrders() {
            switch try await resolve(order, now: now) {
            case .sent(let found):
                notes.append("order \(order.clientOrderID) was placed (status \(found.status.rawValue), filled \(Precision.format(found.filled)))")
            case .absent:
                notes.append("order \(order.clientOrderID) never reached the exchange")
            case .unresolved(let reason):
                notes.append(reason)
            }
        }
        return notes
    }

    /// The next unused id for a request whose earlier id certainly never reached the exchange; nil after 9 tries.
    /// Re-reads orders the journal last saw working and records their current fills and status. Best effort:
    /// a failed look-up leaves the row as it was, to be refreshed next time.
    public func refreshWorking(now: Int64) async throws -> Int {
        var refreshed = 0
        for order in try journal.workingOrders(symbol: symbol) {
            var params: Params = ["clientOrderId": .string(order.clientOrderID)]
            if order.purpose == .stopLoss { params["trigger"] = true }
            guard let found = try? await exchange.fetchOrder(id: nil, symbol: order.symbol, params: params) else { continue }
            try journal.recordOrderSent(clientOrderID: order.clientOrderID, update: OrderSender.update(found), at: now,
                                        notify: OrderEvents.refreshed(order, order: found))
            refreshed += 1
        }
        return refreshed
    }

    private func retry(_ request: OrderRequest) throws -> OrderRequest? {
        var next = request
        let chars = Array(request.clientOrderID)
        let isRetry = chars.count > 2 && chars[chars.count - 2] == "r" && chars[chars.count - 1].isNumber
        let base = isRetry ? String(chars.dropLast(2)) : request.clientOrderID
        for attempt in 1...9 {
            next.clientOrderID = String(base.prefix(34)) + "r\(attempt)"
            let existing = try journal.order(clientOrderID: next.clientOrderID)
            if existing == nil || existing?.state == .pending || existing?.state == .sent { return next }
        }
        return nil
    }

    /// The request a journaled order was made from (for its notifications after a look-up).
    static func request(of order: JournalOrder) -> OrderRequest {
        OrderRequest(purpose: order.purpose, side: OrderSide(rawValue: order.side) ?? .buy, type: OrderType(rawValue: order.type) ?? .market,
                     amount: order.amount, price: order.price, triggerPrice: order.stopPrice, reduceOnly: order.reduceOnly,
                     clientOrderID: order.clientOrderID)
    }

    /// True for a rejection reason that is a margin refusal (CCXT InsufficientFunds; Binance -2018/-2019/-2024):
    /// the reason is `ExchangeFailure.description`, which starts with the error class, fresh or read from the journal.
    public static func isMarginRefusal(_ reason: String) -> Bool {
        reason.hasPrefix(ExchangeFailure.Kind.insufficientFunds.name)
    }

    static func update(_ order: Order) -> JournalOrderUpdate {
        JournalOrderUpdate(exchangeOrderID: order.id, status: order.status.rawValue, filled: order.filled,
                           average: order.average, fee: order.fee?.cost)
    }
}
