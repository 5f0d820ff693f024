import Foundation

/// Free / used / total of one currency.
public struct CurrencyBalance: Sendable, Hashable, Codable {
    public var free: Decimal
    public var used: Decimal
    public var total: Decimal
    public init(free: Decimal, used: Decimal, total: Decimal) { self.free = free; self.used = used; self.total = total }
}

/// Account balance keyed by currency code (`balance["USDT"]?.free`), as CCXT's `fetchBalance`.
public struct Balance: Sendable, Hashable, Codable {
    public var currencies: [String: CurrencyBalance]
    public var timestamp: Int64?
    /// Currency codes in the exchange's order (CCXT prints them so); `currencies` keys when empty.
    public var order: [String]
    /// The exchange's raw account object, as CCXT's `info`.
    public var info: JSONValue?
    public init(currencies: [String: CurrencyBalance], timestamp: Int64? = nil, order: [String] = [], info: JSONValue? = nil) {
        self.currencies = currencies; self.timestamp = timestamp; self.order = order; self.info = info
    }
    public subscript(currency: String) -> CurrencyBalance? { currencies[currency] }
    public var free: [String: Decimal] { currencies.mapValues(\.free) }
    public var used: [String: Decimal] { currencies.mapValues(\.used) }
    public var total: [String: Decimal] { currencies.mapValues(\.total) }
}
