import Foundation

public enum PositionSide: String, Sendable, Codable { case long, short }
public enum MarginMode: String, Sendable, Codable, CaseIterable { case isolated, cross }

/// An open futures position, as CCXT's unified position structure. `contracts` is always >= 0; `side` gives direction.
public struct Position: Sendable, Hashable, Codable {
    public var symbol: String
    public var side: PositionSide
    public var contracts: Decimal
    public var contractSize: Decimal?
    public var entryPrice: Decimal?
    public var markPrice: Decimal?
    public var notional: Decimal?
    public var unrealizedPnl: Decimal?
    public var leverage: Decimal?
    public var marginMode: MarginMode?
    public var liquidationPrice: Decimal?
    public var timestamp: Int64?
    /// CCXT's margin figures (nil when the exchange does not report them).
    public var collateral: Decimal?
    public var initialMargin: Decimal?
    public var initialMarginPercentage: Decimal?
    public var maintenanceMargin: Decimal?
    public var maintenanceMarginPercentage: Decimal?
    public var marginRatio: Decimal?
    /// Unrealised PnL as a percentage of initial margin.
    public var percentage: Decimal?
    /// True for a hedge-mode (LONG/SHORT) position.
    public var hedged: Bool?
    /// The exchange's raw position object, as CCXT's `info`.
    public var info: JSONValue?
    /// Read from the account endpoint (ccxt parseAccountPosition: fewer keys than a position-risk row).
    public var fromAccount: Bool = false

    public init(symbol: String, side: PositionSide, contracts: Decimal, contractSize: Decimal? = 1,
                entryPrice: Decimal? = nil, markPrice: Decimal? = nil, notional: Decimal? = nil,
                unrealizedPnl: Decimal? = nil, leverage: Decimal? = nil, marginMode: MarginMode? = nil,
                liquidationPrice: Decimal? = nil, timestamp: Int64? = nil, info: JSONValue? = nil) {
        self.symbol = symbol; self.side = side; self.contracts = contracts; self.contractSize = contractSize
        self.entryPrice = entryPrice; self.markPrice = markPrice; self.notional = notional
        self.unrealizedPnl = unrealizedPnl; self.leverage = leverage; self.marginMode = marginMode
        self.liquidationPrice = liquidationPrice; self.timestamp = timestamp; self.info = info
    }

    /// Signed size: positive long, negative short.
    public var signedContracts: Decimal { side == .long ? contracts : -contracts }
}
