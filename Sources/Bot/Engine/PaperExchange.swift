import Exchange
import Foundation

/// Dry-run: live market data from `market`, orders filled locally where live would fill them — market orders at the
/// price they meet (the market's last price now, not the close they were decided on), limit orders at their
/// price — with Binance's fees (taker 0.05 % for market orders, maker 0.02 % for limit orders) and Binance's margin
/// check (-2019 "Margin is insufficient." when the initial margin plus the fee exceeds the available balance), so
/// dry-run sees the refusals live sees. Its own price reads (fills, balance) use `fetchLastPrices`, never the ticker
/// the bot reads through it, so the market sees the bot's ticker reads exactly as live makes them: a price that moves
/// between the bot's sizing read and its order moves in the same place in both modes. Its balance follows the
/// exchange's margin rule (`MarginBook`) for both margin modes. The simulated account is kept in
/// the journal so it survives restarts. It needs no keys and never sends an order anywhere.
public final class PaperExchange: Exchange, @unchecked Sendable {
    public static let takerFee = Decimal(string: "0.0005") ?? 0
    public static let makerFee = Decimal(string: "0.0002") ?? 0

    private let market: any Exchange
    private let journal: Journal
    private let symbolName: String
    private let timeframe: Timeframe
    private let now: @Sendable () async throws -> Int64
    private let lock = NSLock()

    private var wallet: Decimal
    private var positionSide: PositionSide?
    private var positionAmount: Decimal = 0
    private var entryPrice: Decimal = 0
    private var leverage = 1
    private var marginMode: MarginMode = .isolated
    /// An isolated position's margin, moved out of the cross part of `wallet` (which includes it), as Binance does.
    private var isolatedWallet: Decimal = 0
    private var orders: [String: Order] = [:]
    private var sequence = 0

    public var id: String { market.id }
    public var has: Capabilities { market.has }

    /// - Parameter now: exchange time in milliseconds, to know which candle is closed when filling.
    public init(market: any Exchange, journal: Journal, symbol: String, timeframe: Timeframe, startingBalance: Decimal,
                now: @escaping @Sendable () async throws -> Int64) throws {
        self.market = market
        self.journal = journal
        self.symbolName = symbol
        self.timeframe = timeframe
        self.now = now
        self.wallet = startingBalance
        let saved = try journal.paperAccount()
        if let text = saved["wallet"], let value = Precision.decimal(text) { wallet = value }
        if let side = saved["position_side"].flatMap(PositionSide.init(rawValue:)),
           let amount = saved["position_amount"].flatMap({ Precision.decimal($0) }),
           let entry = saved["entry_price"].flatMap({ Precision.decimal($0) }) {
            positionSide = side
            positionAmount = amount
            entryPrice = entry
        }
        leverage = saved["leverage"].flatMap(Int.init) ?? 1
        marginMode = saved["margin_mode"].flatMap(MarginMode.init(rawValue:)) ?? .isolated
        isolatedWallet = saved["isolated_wallet"].flatMap { Precision.decimal($0) } ?? 0
        sequence = saved["sequence"].flatMap(Int.init) ?? 0
        for (key, value) in saved where key.hasPrefix("order:") {
            let cid = String(key.dropFirst(6))
            if let order = PaperExchange.decodeOrder(value, clientOrderID: cid) { orders[cid] = order }
        }
    }

    private func persist() throws {
        var values: [String: String] = ["wallet": "\(wallet)", "leverage": String(leverage), "sequence": String(sequence),
                                        "margin_mode": marginMode.rawValue, "isolated_wallet": "\(isolatedWallet)"]
        if let positionSide {
            values["position_side"] = positionSide.rawValue
            values["position_amount"] = "\(positionAmount)"
            values["entry_price"] = "\(entryPrice)"
        }
        for (cid, order) in orders { values["order:\(cid)"] = PaperExchange.encodeOrder(order) }
        try journal.savePaperAccount(values)
    }

    // MARK: market data: delegated

    public func loadMarkets(reload: Bool) async throws -> [String: Market] { try await market.loadMarkets(reload: reload) }
    public func fetchMarkets() async throws -> [Market] { try await market.fetchMarkets() }
    public func fetchTime() async throws -> Int64 { try await market.fetchTime() }
    public func fetchOHLCV(symbol: String, timeframe: Timeframe, since: Int64?, limit: Int?) async throws -> [Candle] {
        try await market.fetchOHLCV(symbol: symbol, timeframe: timeframe, since: since, limit: limit)
    }
    public func fetchTicker(symbol: String) async throws -> Ticker { try await market.fetchTicker(symbol: symbol) }
    public func fetchLastPrices(symbols: [String]?, params: Params) async throws -> [String: LastPrice] {
        try await market.fetchLastPrices(symbols: symbols, params: params)
    }

    // MARK: the simulated account

    /// The price a market order meets now, as the exchange fills it: the market's last price (Binance's 24-hour
    /// ticker quotes no bid or ask, so the ticker's price was this one too). Read with `fetchLastPrices`, not
    /// `fetchTicker`: that read is the bot's own, and dry-run must not add to it.
    private func currentPrice(method: String) async throws -> Decimal {
        let prices = try await market.fetchLastPrices(symbols: [symbolName], params: [:])
        guard let price = prices[symbolName]?.price, price > 0 else {
            throw ExchangeFailure(.exchangeNotAvailable, exchange: "dry-run", message: "the market has no last price for \(symbolName) to fill at", method: method)
        }
        return price
    }

    /// The position as Binance's margin arithmetic sees it at `mark`. Call with the lock held.
    private func lineLocked(mark: Decimal) -> MarginBook.Line {
        let signed = positionSide == nil ? 0 : (positionSide == .long ? positionAmount : -positionAmount)
        return MarginBook.Line(amount: signed, entry: entryPrice, mark: mark, leverage: leverage,
                               isolated: marginMode == .isolated, isolatedWallet: isolatedWallet)
    }

    /// Binance's balance fields (the same rule as the exchange's /fapi/v3/account) at `mark`. Call with the lock held.
    private func summaryLocked(mark: Decimal) -> MarginBook.Summary {
        MarginBook.summary(walletBalance: wallet, lines: positionSide == nil ? [] : [lineLocked(mark: mark)])
    }

    public func fetchBalance() async throws -> Balance {
        let quote = try await market.market(symbolName).settle ?? "USDT"
        let mark = locked { positionSide == nil } ? 0 : try await currentPrice(method: "fetchBalance")
        return locked {
            let a = summaryLocked(mark: mark)
            // As /fapi/v3/account answers: availableBalance, initialMargin and marginBalance with 8 decimals.
            return Balance(currencies: [quote: CurrencyBalance(free: Precision.booked(a.availableBalance), used: Precision.booked(a.initialMargin),
                                                               total: Precision.booked(a.marginBalance))])
        }
    }

    public func fetchPositions(symbols: [String]?) async throws -> [Position] {
        locked {
            guard let positionSide else { return [] }
            return [Position(symbol: symbolName, side: positionSide, contracts: positionAmount, entryPrice: entryPrice,
                             leverage: Decimal(leverage), marginMode: marginMode)]
        }
    }

    public func createOrder(symbol: String, type: OrderType, side: OrderSide, amount: Decimal, price: Decimal?,
                            params: Params) async throws -> Order {
        guard symbol == symbolName else {
            throw ExchangeFailure(.badSymbol, exchange: "dry-run", message: "dry-run trades only \(symbolName)", method: "createOrder")
        }
        let conditional = ConditionalParams(type: type, params: params)
        guard conditional.type == .market || conditional.type == .limit else {
            let given = conditional.parameter.map { "params.\($0) makes a \(conditional.type.rawValue) order; " } ?? ""
            throw ExchangeFailure(.notSupported, exchange: "dry-run", message: "\(given)dry-run fills market and limit orders only; the stop loss is applied at candle close", method: "createOrder")
        }
        let cid = params["clientOrderId"]?.stringValue ?? "paper-\(sequence + 1)"
        let mark = try await currentPrice(method: "createOrder")
        let fillPrice: Decimal
        if type == .limit, let price { fillPrice = price } else { fillPrice = mark }
        let timestamp = try await now()
        return try locked {
            if let existing = orders[cid] { return existing }
            let reduceOnly = params["reduceOnly"]?.boolValue ?? false
            let fee = Precision.booked(amount * fillPrice * (type == .market ? PaperExchange.takerFee : PaperExchange.makerFee))
            let signed = side == .buy ? amount : -amount
            let current = positionSide == nil ? 0 : (positionSide == .long ? positionAmount : -positionAmount)
            if reduceOnly && (current == 0 || (current > 0) == (signed > 0) || abs(signed) > abs(current)) {
                throw ExchangeFailure(.invalidOrder, exchange: "dry-run", code: -2022, message: "ReduceOnly Order is rejected.", method: "createOrder")
            }
            // Binance's check: only the part that opens exposure needs margin, plus its taker fee.
            let opening: Decimal = reduceOnly ? 0 : (current == 0 || (current > 0) == (signed > 0)) ? amount : max(0, amount - abs(current))
            if opening > 0 {
                let needed = opening * fillPrice / Decimal(max(leverage, 1)) + opening * fillPrice * PaperExchange.takerFee
                let available = MarginBook.availableForOpening(summaryLocked(mark: mark), position: lineLocked(mark: mark),
                                                               opening: opening, amount: amount)
                if needed > available {
                    throw ExchangeFailure(.insufficientFunds, exchange: "dry-run", code: -2019,
                                          message: "Margin is insufficient. (\(PaperExchange.cents(needed)) needed, \(PaperExchange.cents(available)) available)",
                                          method: "createOrder")
                }
            }
            let next = current + signed
            if current != 0 && (current > 0) != (signed > 0) {
                // Reducing or closing: realise P&L on the closed part.
                let closed = min(abs(signed), abs(current))
                let pnl = Precision.booked((fillPrice - entryPrice) * closed * (current > 0 ? 1 : -1))
                wallet += pnl
                if abs(signed) > abs(current) { entryPrice = fillPrice }
            } else if next != 0 {
                entryPrice = Precision.booked(current == 0 ? fillPrice : (entryPrice * abs(current) + fillPrice * abs(signed)) / abs(next))
            }
            wallet -= fee
            if marginMode == .isolated {
                isolatedWallet = MarginBook.isolatedWallet(isolatedWallet, position: current, fill: signed, price: fillPrice, leverage: leverage)
            }
            positionAmount = abs(next)
            positionSide = next == 0 ? nil : (next > 0 ? .long : .short)
            if next == 0 { entryPrice = 0 }
            sequence += 1
            let order = Order(id: "paper-\(sequence)", clientOrderId: cid, timestamp: timestamp, lastTradeTimestamp: timestamp,
                              symbol: symbol, type: type, side: side, amount: amount, price: price ?? fillPrice,
                              average: fillPrice, filled: amount, remaining: 0, cost: amount * fillPrice, status: .closed,
                              reduceOnly: reduceOnly, fee: Fee(cost: fee, currency: "USDT"))
            orders[cid] = order
            try persist()
            return order
        }
    }

    public func fetchOrder(id: String?, symbol: String, params: Params) async throws -> Order {
        try locked {
            if let cid = params["clientOrderId"]?.stringValue, let order = orders[cid] { return order }
            if let id, let order = orders.values.first(where: { $0.id == id }) { return order }
            throw ExchangeFailure(.orderNotFound, exchange: "dry-run", code: -2013, message: "Order does not exist.", method: "fetchOrder")
        }
    }

    public func fetchOpenOrders(symbol: String?, params: Params) async throws -> [Order] { [] }

    public func cancelOrder(id: String?, symbol: String, params: Params) async throws -> Order {
        throw ExchangeFailure(.orderNotFound, exchange: "dry-run", code: -2011, message: "Unknown order sent.", method: "cancelOrder")
    }

    public func cancelAllOrders(symbol: String, params: Params) async throws -> [Order] { [] }

    public func fetchMyTrades(symbol: String, since: Int64?, limit: Int?, params: Params) async throws -> [Trade] { [] }

    public func setLeverage(_ leverage: Int, symbol: String) async throws {
        try locked {
            self.leverage = leverage
            try persist()
        }
    }

    /// Binance refuses a change while a position is open (-4048); dry-run then keeps the position's mode.
    public func setMarginMode(_ mode: MarginMode, symbol: String) async throws {
        try locked {
            guard positionSide == nil else { return }
            marginMode = mode
            try persist()
        }
    }

    static func cents(_ value: Decimal) -> String {
        Precision.format(Precision.toStep(value, step: Decimal(string: "0.01") ?? 1, rounding: .round))
    }

    private func locked<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    static func encodeOrder(_ order: Order) -> String {
        [order.id, order.side.rawValue, order.type.rawValue, "\(order.amount)", "\(order.average ?? 0)", "\(order.fee?.cost ?? 0)",
         String(order.timestamp ?? 0), order.reduceOnly ? "1" : "0", order.symbol].joined(separator: "|")
    }

    static func decodeOrder(_ text: String, clientOrderID: String) -> Order? {
        let f = text.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        guard f.count == 9, let side = OrderSide(rawValue: f[1]), let type = OrderType(rawValue: f[2]),
              let amount = Decimal(string: f[3]), let average = Decimal(string: f[4]), let fee = Decimal(string: f[5]) else { return nil }
        return Order(id: f[0], clientOrderId: clientOrderID, timestamp: Int64(f[6]), symbol: f[8], type: type, side: side, amount: amount,
                     price: average, average: average, filled: amount, remaining: 0, status: .closed, reduceOnly: f[7] == "1",
                     fee: Fee(cost: fee, currency: "USDT"))
    }
}
