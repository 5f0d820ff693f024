import Foundation

/// Binance USDⓈ-M's margin arithmetic for one asset in single-asset mode, shared by the loopback exchange and
/// dry-run so both answer /fapi/v3/account alike. An isolated position's margin leaves the cross wallet for the
/// position's own isolated wallet when it opens (back when it closes), and its unrealised P&L stays there; the
/// free balance comes from the cross side only. Binance's FAQ "How to check futures wallet balance":
/// Available for Order = max(0, crossWalletBalance + Σ cross unrealised P&L − (Σ cross initial margin + Σ isolated
/// open-order initial margin)). Initial margins are at mark; nothing here is rounded except the isolated wallet,
/// which Binance books (8 decimals).
public enum MarginBook {
    /// One symbol of the account: its position (signed amount, 0 for none) and its open orders' margin.
    public struct Line: Sendable, Equatable {
        public var amount: Decimal
        public var entry: Decimal
        public var mark: Decimal
        public var leverage: Int
        public var isolated: Bool
        /// Margin moved into the position's isolated wallet (0 for a cross position).
        public var isolatedWallet: Decimal
        /// Initial margin of the symbol's open orders that would open exposure.
        public var openOrderInitialMargin: Decimal

        public init(amount: Decimal, entry: Decimal, mark: Decimal, leverage: Int, isolated: Bool,
                    isolatedWallet: Decimal = 0, openOrderInitialMargin: Decimal = 0) {
            self.amount = amount
            self.entry = entry
            self.mark = mark
            self.leverage = leverage
            self.isolated = isolated
            self.isolatedWallet = isolated ? isolatedWallet : 0
            self.openOrderInitialMargin = openOrderInitialMargin
        }

        /// amount × (mark − entry).
        public var unrealizedProfit: Decimal { amount == 0 ? 0 : amount * (mark - entry) }
        /// |amount| × mark / leverage.
        public var positionInitialMargin: Decimal { abs(amount) * mark / Decimal(max(leverage, 1)) }
        public var initialMargin: Decimal { positionInitialMargin + openOrderInitialMargin }
        /// isolatedWallet + unrealised P&L for an isolated position, else 0 (Binance's per-position isolatedMargin).
        public var isolatedMargin: Decimal { isolated && amount != 0 ? isolatedWallet + unrealizedProfit : 0 }
    }

    /// The per-asset fields of /fapi/v3/account and /fapi/v3/balance, unrounded.
    public struct Summary: Sendable, Equatable {
        public var walletBalance: Decimal
        public var crossWalletBalance: Decimal
        public var unrealizedProfit: Decimal
        public var crossUnPnl: Decimal
        public var positionInitialMargin: Decimal
        public var openOrderInitialMargin: Decimal
        public var availableBalance: Decimal
        public var maxWithdrawAmount: Decimal
        /// availableBalance before Binance's clamp at 0: negative when the margin in use exceeds what the cross side
        /// holds, so a check for over-commitment has something to see (the clamped field never goes below 0).
        public var marginHeadroom: Decimal
        public var initialMargin: Decimal { positionInitialMargin + openOrderInitialMargin }
        public var marginBalance: Decimal { walletBalance + unrealizedProfit }
    }

    /// The asset's fields for a total wallet balance (cross and isolated wallets together) and its symbols.
    /// maxWithdrawAmount = max(0, min(availableBalance, crossWalletBalance − Σ isolated open-order initial margin)):
    /// unrealised profit is never withdrawable (the maintenance margin the FAQ also subtracts is 0 here).
    public static func summary(walletBalance: Decimal, lines: [Line]) -> Summary {
        let cross = lines.filter { !$0.isolated }, isolated = lines.filter(\.isolated)
        let crossWallet = walletBalance - isolated.reduce(Decimal(0)) { $0 + $1.isolatedWallet }
        let crossUnPnl = cross.reduce(Decimal(0)) { $0 + $1.unrealizedProfit }
        let crossInitial = cross.reduce(Decimal(0)) { $0 + $1.initialMargin }
        let isolatedOrders = isolated.reduce(Decimal(0)) { $0 + $1.openOrderInitialMargin }
        let headroom = crossWallet + crossUnPnl - crossInitial - isolatedOrders
        let available = max(0, headroom)
        return Summary(walletBalance: walletBalance, crossWalletBalance: crossWallet,
                       unrealizedProfit: lines.reduce(Decimal(0)) { $0 + $1.unrealizedProfit }, crossUnPnl: crossUnPnl,
                       positionInitialMargin: lines.reduce(Decimal(0)) { $0 + $1.positionInitialMargin },
                       openOrderInitialMargin: lines.reduce(Decimal(0)) { $0 + $1.openOrderInitialMargin },
                       availableBalance: available, maxWithdrawAmount: max(0, min(available, crossWallet - isolatedOrders)),
                       marginHeadroom: headroom)
    }

    /// What an order that opens `opening` of `amount` may use: the available balance, plus, when it flips the
    /// position (closes all of it first), the margin the close frees (the isolated wallet, or the cross position's
    /// initial margin). Binance's check: opening × price / leverage + opening × price × taker fee ≤ this.
    public static func availableForOpening(_ summary: Summary, position line: Line?, opening: Decimal, amount: Decimal) -> Decimal {
        guard let line, opening < amount, line.amount != 0 else { return summary.availableBalance }
        return summary.availableBalance + (line.isolated ? line.isolatedWallet : line.positionInitialMargin)
    }

    /// An isolated position's wallet after a fill of `signed` (buy > 0) at `price` on `position`: the part that
    /// opens exposure moves its initial margin at the fill price in; the part that closes takes its share of the
    /// wallet back to the cross wallet (all of it when the position closes). Booked with 8 decimals.
    public static func isolatedWallet(_ wallet: Decimal, position: Decimal, fill signed: Decimal, price: Decimal, leverage: Int) -> Decimal {
        let lev = Decimal(max(leverage, 1))
        if position == 0 || (position > 0) == (signed > 0) {
            return wallet + Precision.booked(abs(signed) * price / lev)
        }
        let closing = min(abs(signed), abs(position))
        var next = closing == abs(position) ? 0 : wallet - Precision.booked(wallet * closing / abs(position))
        let opening = abs(signed) - closing
        if opening > 0 { next += Precision.booked(opening * price / lev) }
        return next
    }
}
