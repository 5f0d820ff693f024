import Foundation

/// A CCXT unified symbol: `BASE/QUOTE` (spot), `BASE/QUOTE:SETTLE` (perpetual swap),
/// `BASE/QUOTE:SETTLE-YYMMDD` (dated future).
public struct UnifiedSymbol: Sendable, Hashable, Codable, CustomStringConvertible {
    public var base: String
    public var quote: String
    public var settle: String?
    public var expiry: String?

    public init(base: String, quote: String, settle: String? = nil, expiry: String? = nil) {
        self.base = base; self.quote = quote; self.settle = settle; self.expiry = expiry
    }

    /// Parses "BTC/USDT:USDT"; throws BadSymbol for anything else.
    public init(parsing text: String) throws {
        let bad = ExchangeFailure(.badSymbol, message: "'\(text)' is not a unified symbol like BTC/USDT:USDT")
        let slash = text.split(separator: "/", omittingEmptySubsequences: false)
        guard slash.count == 2, !slash[0].isEmpty else { throw bad }
        base = String(slash[0])
        let colon = slash[1].split(separator: ":", omittingEmptySubsequences: false)
        guard colon.count <= 2, !colon[0].isEmpty else { throw bad }
        quote = String(colon[0])
        if colon.count == 2 {
            let dash = colon[1].split(separator: "-", omittingEmptySubsequences: false)
            guard dash.count <= 2, !dash[0].isEmpty else { throw bad }
            settle = String(dash[0])
            if dash.count == 2 {
                guard !dash[1].isEmpty else { throw bad }
                expiry = String(dash[1])
            }
        }
        let parts = [base, quote, settle ?? "X", expiry ?? "X"]
        guard parts.allSatisfy({ $0.allSatisfy { $0.isLetter || $0.isNumber } }) else { throw bad }
    }

    public var isSwap: Bool { settle != nil && expiry == nil }
    public var description: String {
        var s = "\(base)/\(quote)"
        if let settle { s += ":\(settle)" }
        if let expiry { s += "-\(expiry)" }
        return s
    }
}
