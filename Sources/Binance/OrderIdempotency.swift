import Foundation
import Exchange

/// Client order ids: every order carries one, so an order whose answer was lost can be found again.
public enum ClientOrderId {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
    static let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.:/_-")

    /// `prefix` + random characters, 36 characters at most (Binance's limit).
    public static func generate(prefix: String) -> String {
        var rng = SystemRandomNumberGenerator()
        let n = max(8, min(22, 36 - prefix.count))
        return String(prefix.prefix(36 - n)) + String((0..<n).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] })
    }

    /// Binance: ^[.A-Z:/a-z0-9_-]{1,36}$
    public static func isValid(_ id: String) -> Bool {
        !id.isEmpty && id.count <= 36 && id.allSatisfy { allowed.contains($0) }
    }
}

extension BinanceUSDM {
    /// Places an order without ever doubling it: the request carries a client order id; when the
    /// answer is lost (timeout, dropped connection, 5xx, Binance's 503 "Unknown error") the order is
    /// looked up by that id, and re-sent only if Binance says it does not exist.
    public func createOrder(symbol: String, type: OrderType, side: OrderSide, amount: Decimal, price: Decimal?,
                            params: Params) async throws -> Order {
        let m = try await resolve(symbol, method: "createOrder")
        let built = try OrderTranslation.createOrder(market: m, type: type, side: side, amount: amount, price: price,
                                                     params: params, clientIdPrefix: configuration.clientOrderIdPrefix)
        let request = OrderRequest(query: built.query, clientId: built.clientId, conditional: built.algo)
        let endpoint: Endpoint = request.conditional ? .newAlgoOrder : .newOrder
        var resends = 0
        while true {
            let sentAt = time.now()
            do {
                let json = try await client.call(endpoint, request.query, method: "createOrder")
                let o = json as? [String: Any] ?? [:]
                let order = request.conditional ? WireParsers.algoOrder(o, symbol: m.symbol) : WireParsers.order(o, symbol: m.symbol)
                guard !order.id.isEmpty else {
                    // A 2xx without the order's id tells nothing about what happened: treat it like a lost answer.
                    throw ExchangeFailure(.exchangeNotAvailable, exchange: id,
                                          message: "HTTP 2xx answer without \(request.conditional ? "algoId" : "orderId"); order status unknown",
                                          method: "createOrder")
                }
                return order
            } catch let failure as ExchangeFailure where BinanceErrorTable.executionUnknown(failure) {
                logger.warning("createOrder \(request.clientId): \(failure.kind.name) — execution unknown, looking the order up by client id")
                if let found = try await confirm(request, market: m, sentAt: sentAt, after: failure) {
                    logger.notice("createOrder \(request.clientId): order exists on the exchange (id \(found.id)); not re-sending")
                    return found
                }
                guard resends < configuration.maxOrderResends else { throw failure }
                resends += 1
                logger.notice("createOrder \(request.clientId): exchange says it does not exist; re-sending (\(resends))")
            }
        }
    }

    /// The order as the exchange has it, or nil once the exchange says it does not exist *after* the request's
    /// recvWindow has passed (a request still in flight could otherwise execute after a premature "not found").
    /// Any other failure of the lookup leaves the status unknown: that is reported, never guessed.
    /// A lookup that itself fails on the network is tried once more after recvWindow too, so that when the status
    /// is finally reported UNKNOWN the request can no longer execute: a caller's own later lookup answering
    /// "does not exist" is then the truth, not a race with the request still in flight.
    func confirm(_ request: OrderRequest, market m: Market, sentAt: Int64, after failure: ExchangeFailure) async throws -> Order? {
        let settledAt = sentAt + Int64(configuration.recvWindow) + 1_000
        var waited = false
        while true {
            do {
                return try await lookUp(clientId: request.clientId, market: m, conditional: request.conditional)
            } catch let lookup as ExchangeFailure where lookup.kind == .orderNotFound {
                let now = time.now()
                if waited || now >= settledAt { return nil }
                waited = true
                logger.notice("createOrder \(request.clientId): not found yet; waiting \(settledAt - now) ms (recvWindow) before concluding it does not exist")
                try await time.sleep(settledAt - now)
            } catch let lookup as ExchangeFailure where lookup.isNetworkError && !waited && time.now() < settledAt {
                waited = true
                logger.notice("createOrder \(request.clientId): lookup failed (\(lookup.kind.name)); trying once more after recvWindow")
                try await time.sleep(settledAt - time.now())
            } catch {
                var f = failure
                f.message = "order status UNKNOWN after '\(failure.message)'; looking up clientOrderId \(request.clientId) also failed (\(error)); check fetchOrder with params clientOrderId before placing it again"
                throw f
            }
        }
    }

    func lookUp(clientId: String, market: Market, conditional: Bool) async throws -> Order {
        var params: Params = ["clientOrderId": .string(clientId)]
        if conditional { params["trigger"] = true }
        return try await fetchOrder(id: nil, symbol: market.symbol, params: params)
    }

    struct OrderRequest { var query: QueryString; var clientId: String; var conditional: Bool }
}
