import Foundation

/// CCXT's leverage structure (`fetchLeverages`): the leverage and margin mode in effect for one market, so a caller
/// can leave alone what is already set instead of sending the change again.
public struct Leverage: Sendable, Hashable, Codable {
    public var symbol: String
    public var marginMode: MarginMode?
    public var longLeverage: Int?
    public var shortLeverage: Int?
    public var info: JSONValue?
    public init(symbol: String, marginMode: MarginMode?, longLeverage: Int?, shortLeverage: Int?, info: JSONValue? = nil) {
        self.symbol = symbol; self.marginMode = marginMode
        self.longLeverage = longLeverage; self.shortLeverage = shortLeverage; self.info = info
    }
}
