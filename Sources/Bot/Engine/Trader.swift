import Exchange
import Foundation

/// One decision cycle — fetch, predict, decide, order, record — the same code for live, testnet, dry-run and
/// backtests. It never reads the wall clock: the caller passes the exchange time, and waits between retries go
/// through `pause`, so a simulated exchange and clock can drive it through years of candles in seconds.
public final class Trader: @unchecked Sendable {
    public struct Settings: Sendable {
        public var symbol: String
        public var marketID: String
        public var timeframe: Timeframe
        public var mode: String
        public var leverage: Int
        public var marginMode: MarginMode
        public var stopLossOnExchange: Bool
        public var cancelStaleEntries: Bool
        public var maxRetries: Int
        public var retryDelay: Double

        public init(config: BotConfig) throws {
            symbol = config.symbol
            marketID = config.marketID
            timeframe = try Timeframe(config.interval)
            mode = config.mode.rawValue
            leverage = config.leverage
            marginMode = config.marginType == "cross" ? .cross : .isolated
            // Dry-run has no exchange-side orders: its stop loss is the strategy's, at candle close.
            stopLossOnExchange = config.stopLossOnExchange && config.mode != .dryRun
            cancelStaleEntries = config.orderType == "limit"
            maxRetries = config.maxRetries
            retryDelay = config.retryDelay
        }
    }

    public let settings: Settings
    public let exchange: any Exchange
    public let journal: Journal
    public let predictor: any PricePredicting
    public let strategy: any Strategy
    public let orderer: Orderer
    public let fetcher: Fetcher
    public let sender: OrderSender
    /// Waits `seconds` between retries; a no-op in backtests.
    public var pause: @Sendable (Double) async -> Void
    /// Asked before each entry when several symbols share one account (`MultiSymbolLoop`): the margin this entry
    /// may commit given the free balance just read, or why it must not happen. Nil: size from the free balance.
    public var entryGate: (@Sendable (_ symbol: String, _ freeBalance: Decimal) async -> EntryVerdict)?
    /// Claims the candle (open time) before anything is decided, for schedulers that deliver at least once (Lambda):
    /// nil = claimed here, go on; a note = another delivery already has it, so this one records "duplicate" and stops.
    public var candleClaim: (@Sendable (Int64) async throws -> String?)?
    /// Asked just before each order is sent: a reason means there is no time left to send and record it (the
    /// invocation's deadline), so the order is skipped and the reason recorded instead.
    public var orderGate: (@Sendable () -> String?)?
    /// Margin mode and leverage have been seen to (once per process).
    private(set) var prepared = false
    /// The last cycle's window was outside the scalers' fitted range (one `warning` notification per such stretch).
    private var inputsOutside = false
    private var cachedMarket: Market?
    /// Held for the whole of each cycle; a close-all takes it too, so the two never interleave.
    public let gate = TradeGate()

    public init(settings: Settings, exchange: any Exchange, journal: Journal, predictor: any PricePredicting,
                strategy: any Strategy, orderer: Orderer,
                pause: @escaping @Sendable (Double) async -> Void = { seconds in
                    try? await Task.sleep(nanoseconds: UInt64(max(0, seconds) * 1_000_000_000))
                }) {
        self.settings = settings
        self.exchange = exchange
        self.journal = journal
        self.predictor = predictor
        self.strategy = strategy
        self.orderer = orderer
        self.pause = pause
        self.fetcher = Fetcher(exchange: exchange, symbol: settings.symbol, timeframe: settings.timeframe, windowSize: predictor.windowSize)
        self.sender = OrderSender(exchange: exchange, journal: journal, symbol: settings.symbol)
    }

    // MARK: start-up

    /// Sets margin mode and leverage on the exchange (once per process, before the first order), sending only what
    /// `fetchLeverages` does not already show in effect: a Lambda cold start that trades would otherwise send both
    /// every time. Without an answer (not supported, a failure) both are sent, as before; sending one already in
    /// effect is harmless (-4046 / the same leverage), so the read only saves requests, never decides anything else.
    public func prepare() async throws {
        guard !prepared else { return }
        let symbol = settings.symbol
        let current = try? await exchange.fetchLeverages(symbols: [symbol], params: [:])[symbol]
        if current?.marginMode != settings.marginMode {
            try await retrying("setMarginMode") { try await self.exchange.setMarginMode(self.settings.marginMode, symbol: symbol) }
        }
        if current?.longLeverage != settings.leverage || current?.shortLeverage != settings.leverage {
            try await retrying("setLeverage") { try await self.exchange.setLeverage(self.settings.leverage, symbol: symbol) }
        }
        prepared = true
    }

    /// Brings the journal in line with the exchange after a restart: resolves orders left pending by a crash, marks
    /// interrupted cycles, and notes the position and open orders the exchange reports. Returns notes for the log.
    /// With `onlyOwnSymbol` (several symbols share the journal) it touches only this Trader's symbol and tags its
    /// events with it, so each symbol is reconciled on its own.
    public func reconcile(now: Int64, onlyOwnSymbol: Bool = false) async throws -> [String] {
        var notes = try await sender.reconcilePending(now: now, onlyOwnSymbol: onlyOwnSymbol)
        for cycle in try onlyOwnSymbol ? journal.unfinishedCycles(symbol: settings.symbol) : journal.unfinishedCycles() {
            var failed = cycle
            failed.status = .failed
            failed.finishedAt = now
            failed.error = "interrupted: the process stopped during this cycle"
            try journal.updateCycle(failed)
            notes.append("cycle for candle \(UTCTime.iso(cycle.candleTime)) was interrupted; it will be re-run if still current")
        }
        let position = try await retrying("fetchPositions") { try await self.fetcher.position() }
        let open = try await retrying("fetchOpenOrders") { try await self.exchange.fetchOpenOrders(symbol: self.settings.symbol, params: [:]) }
        if let position {
            notes.append("exchange position: \(position.side.rawValue) \(Precision.format(position.amount)) @ \(Precision.format(position.entryPrice))")
        } else {
            notes.append("exchange position: flat")
        }
        if !open.isEmpty { notes.append("open orders on the exchange: \(open.map { $0.clientOrderId ?? $0.id }.joined(separator: ", "))") }
        if let last = try journal.lastCompletedCycle(symbol: settings.symbol) {
            let journalSide = last.positionSide ?? "flat"
            let exchangeSide = position?.side.rawValue ?? "flat"
            notes.append("last journaled cycle: candle \(UTCTime.iso(last.candleTime)), \(last.decision ?? "-"), \(journalSide)")
            if journalSide != exchangeSide {
                notes.append("position changed outside the last cycle (journal \(journalSide), exchange \(exchangeSide)): trusting the exchange")
            }
        }
        for note in notes { try journal.recordEvent(kind: "reconcile", message: note, symbol: settings.symbol, at: now) }
        return notes
    }

    // MARK: the cycle

    /// Runs one cycle at exchange time `now` (milliseconds). Never throws: every failure ends up in the report and
    /// the journal, and the loop goes on.
    public func runCycle(now: Int64) async -> CycleReport {
        await gate.acquire()
        let report = await cycleHoldingGate(now: now)
        await gate.release()
        return report
    }

    private func cycleHoldingGate(now: Int64) async -> CycleReport {
        var report = CycleReport(status: .failed)
        var cycle: JournalCycle?
        do {
            let candles = try await retrying("fetchOHLCV") { try await self.fetcher.closedCandles(now: now) }
            guard candles.count >= predictor.windowSize, let last = candles.last else {
                report.status = .skipped
                report.error = "only \(candles.count) closed candles available, the model needs \(predictor.windowSize)"
                return report
            }
            report.candleTime = last.timestamp
            if let claim = candleClaim, let note = try await claim(last.timestamp) {
                report.status = .duplicate
                report.error = note
                try journal.recordEvent(kind: "duplicate", message: note, at: now)
                return report
            }
            if let done = try journal.lastCompletedCycle(symbol: settings.symbol), done.candleTime >= last.timestamp {
                report.status = .alreadyDone
                return report
            }
            var row = JournalCycle(candleTime: last.timestamp, startedAt: now, mode: settings.mode, symbol: settings.symbol,
                                   interval: settings.timeframe.name)
            row.id = try journal.beginCycle(row)
            report.cycleID = row.id
            row.candles = Trader.json(candles)
            cycle = row

            let market = try await self.market()
            let close = Trader.decimal(last.close)
            report.close = close
            row.close = close
            _ = try await sender.refreshWorking(now: now)
            var position = try await retrying("fetchPositions") { try await self.fetcher.position() }
            if settings.cancelStaleEntries { report.entriesCancelled = try await cancelStaleEntries(now: now, cycleID: row.id) }

            let predicted = try predictor.predict(candles)
            // Honest inputs: a window outside the scalers' fitted range is in the log line, the journal note and
            // every order notification of this cycle; a `warning` notification when it starts.
            if let warning = predictor.inputWarning(candles) {
                report.notes.append(warning)
                report.inputWarning = warning
                if !inputsOutside {
                    try journal.appendOutbox([OutboxEvent(kind: "warning", fields: [
                        "symbol": settings.symbol, "candle": UTCTime.iso(last.timestamp), "message": warning,
                    ])], at: now)
                }
                inputsOutside = true
            } else {
                inputsOutside = false
            }
            let input = StrategyInput(currentPrice: close, predictedPrice: predicted, position: position)
            let decision = strategy.decide(input)
            report.predicted = predicted
            report.change = input.change
            report.decision = decision
            row.predicted = predicted
            row.change = input.change
            row.decision = decision.label
            row.reason = decision.reason
            cycle = row

            if position == nil, let previous = try journal.lastCompletedCycle(symbol: settings.symbol), previous.positionSide != nil {
                // The position the last cycle left ended between cycles: the exchange's stop, or outside the bot.
                report.exitReason = try await endedOutside()
            }
            if decision.close, let current = position {
                try await prepare()
                try await cancelStopOrders()
                let request = orderer.exit(position: current, price: close, market: market,
                                           clientOrderID: ClientOrderID.make(marketID: settings.marketID, candleTime: last.timestamp, purpose: .close))
                var context = ["entry_price": Precision.format(current.entryPrice), "position_side": current.side.rawValue,
                               "reason": decision.reason, "stop_loss": decision.reason.hasPrefix("stop loss") ? "true" : "false"]
                if let warning = report.inputWarning { context["inputs"] = warning }
                if let reason = try deadlineReason(request, cycleID: row.id, now: now) { throw OrderSkip(reason: reason) }
                let outcome = try await sender.send(request, cycleID: row.id, now: now, context: context)
                report.orders.append(describe(request, outcome))
                if case .rejected(let reason) = outcome { report.notes.append("exit refused: \(reason)") }
                if case .unknown(let reason) = outcome { report.notes.append("exit unconfirmed (looked up next cycle): \(reason)") }
                position = try await retrying("fetchPositions") { try await self.fetcher.position() }
                if position == nil { report.exitReason = decision.exitReason }
            }
            if let side = decision.open, try journal.isPaused() {
                report.notes.append("not placed: \(side.rawValue) entry, entries are paused (/resume to trade again)")
                report.entryNotPlaced = true
            } else if let side = decision.open {
                if position == nil {
                    try await prepare()
                    try await openEntry(side: side, close: close, market: market, candleTime: last.timestamp,
                                        cycleID: row.id, now: now,
                                        context: ["position_side": side.rawValue, "reason": decision.reason].merging(
                                            report.inputWarning.map { ["inputs": $0] } ?? [:]) { a, _ in a },
                                        report: &report)
                    position = try await retrying("fetchPositions") { try await self.fetcher.position() }
                } else {
                    report.notes.append("not placed: \(side.rawValue) entry, the position is still open")
                    report.entryNotPlaced = true
                }
            }
            if settings.stopLossOnExchange, let current = position {
                try await ensureStopLoss(position: current, market: market, candleTime: last.timestamp, cycleID: row.id, now: now, report: &report)
            }

            let balance = try await retrying("fetchBalance") { try await self.fetcher.balance(currency: market.settle ?? market.quote) }
            report.position = position
            report.balance = balance.total
            report.status = .done
            row.balance = balance.total
            row.positionSide = position?.side.rawValue
            row.positionAmount = position?.amount
            row.entryPrice = position?.entryPrice
            row.status = .done
            row.finishedAt = now
            row.note = report.notes.isEmpty ? nil : report.notes.joined(separator: "; ")
            row.exitReason = report.exitReason?.rawValue
            try journal.updateCycle(row)
        } catch {
            report.status = .failed
            report.error = String(describing: error)
            let event = OutboxEvent(kind: "error", fields: ["symbol": settings.symbol, "message": report.error ?? "",
                                                            "candle": report.candleTime.map(UTCTime.iso) ?? ""])
            if var row = cycle {
                row.status = .failed
                row.error = report.error
                row.note = report.notes.isEmpty ? nil : report.notes.joined(separator: "; ")
                row.exitReason = report.exitReason?.rawValue
                row.finishedAt = now
                try? journal.updateCycle(row, notify: [event])
            } else {
                try? journal.appendOutbox([event], at: now)
            }
        }
        return report
    }

    // MARK: helpers

    /// Places the decided entry: sized at the price the order will meet, answered once with a fresh balance and a
    /// smaller order (a derived client order id) when the exchange refuses it for margin, and otherwise recorded with
    /// why nothing was placed.
    private func openEntry(side: PositionSide, close: Decimal, market: Market, candleTime: Int64, cycleID: Int64, now: Int64,
                           context: [String: String], report: inout CycleReport) async throws {
        let id = ClientOrderID.make(marketID: settings.marketID, candleTime: candleTime, purpose: .open)
        var balance = try await retrying("fetchBalance") { try await self.fetcher.balance(currency: market.settle ?? market.quote) }
        // Several symbols on one account: the risk layer may refuse the entry or allot less than the free balance.
        guard let allotted = try await entrySizing(side: side, free: balance.free, cycleID: cycleID, now: now, report: &report) else {
            report.entryNotPlaced = true
            return
        }
        var price = try await fillPrice(side: side, close: close, report: &report)
        let request: OrderRequest
        do {
            let entry = try orderer.entryOrder(side: side, freeBalance: allotted, price: price, market: market, clientOrderID: id)
            request = entry.request
            if let capped = entry.capped { report.notes.append(capped) }
        } catch let skip as OrderSkip {
            report.notes.append(skip.reason)
            report.entryNotPlaced = true
            return
        }
        if let reason = try deadlineReason(request, cycleID: cycleID, now: now) {
            report.notes.append("not placed: \(side.rawValue) entry, \(reason)")
            report.entryNotPlaced = true
            return
        }
        let outcome = try await sender.send(request, cycleID: cycleID, now: now, context: context)
        report.orders.append(describe(request, outcome))
        switch outcome {
        case .placed, .alreadySent: return
        case .unknown(let reason):
            report.notes.append("entry unconfirmed (looked up next cycle): \(reason)")
            return
        case .rejected(let reason) where !OrderSender.isMarginRefusal(reason):
            report.notes.append("refused: \(reason)")
            report.entryNotPlaced = true
            return
        case .rejected(let reason):
            balance = try await retrying("fetchBalance") { try await self.fetcher.balance(currency: market.settle ?? market.quote) }
            price = try await fillPrice(side: side, close: close, report: &report)
            let retry: OrderRequest
            do {
                retry = try orderer.resizedEntry(request, freeBalance: min(allotted, balance.free), price: price, market: market)
            } catch let skip as OrderSkip {
                report.notes.append("refused: \(reason); no smaller order: \(skip.reason)")
                report.entryNotPlaced = true
                return
            }
            let second = try await sender.send(retry, cycleID: cycleID, now: now, context: context)
            report.orders.append(describe(retry, second))
            switch second {
            case .placed, .alreadySent:
                report.notes.append("resized after a margin refusal: \(Precision.format(request.amount)) → \(Precision.format(retry.amount))")
            case .unknown(let again):
                report.notes.append("resized entry unconfirmed (looked up next cycle): \(again)")
            case .rejected(let again):
                report.notes.append("refused: \(again) (after one smaller order; given up for this candle)")
                report.entryNotPlaced = true
            }
        }
    }

    /// The price a new order will meet: the limit price (the close) for limit orders; for market orders the exchange's
    /// current price (ask for a buy, bid for a sell, else the last trade), not the close the decision was made on.
    /// Without a ticker the close is used and the cycle says so.
    private func fillPrice(side: PositionSide, close: Decimal, report: inout CycleReport) async throws -> Decimal {
        guard orderer.orderType == .market else { return close }
        do {
            let ticker = try await retrying("fetchTicker") { try await self.exchange.fetchTicker(symbol: self.settings.symbol) }
            let quoted = side == .long ? (ticker.ask ?? ticker.last) : (ticker.bid ?? ticker.last)
            if let price = quoted ?? ticker.close, price > 0 { return price }
            report.notes.append("sized at the last close: the ticker has no price")
        } catch let failure as ExchangeFailure {
            report.notes.append("sized at the last close: fetchTicker failed (\(failure.kind.name))")
        }
        return close
    }

    /// Why the position the last cycle left is gone: our exchange-side stop filled, or it ended outside the bot
    /// (a liquidation or a manual close: Binance's positionRisk does not say which).
    private func endedOutside() async throws -> ExitReason {
        guard let stop = try journal.lastOrder(symbol: settings.symbol, purpose: .stopLoss), stop.state == .sent else { return .order }
        let params: Params = ["clientOrderId": .string(stop.clientOrderID), "trigger": true]
        guard let found = try? await exchange.fetchOrder(id: nil, symbol: settings.symbol, params: params) else { return .order }
        return found.status == .closed || found.filled > 0 ? .exchangeStop : .order
    }

    /// The balance an entry is sized from: the free balance, or what `entryGate` allows; nil when it refuses
    /// (the reason is reported and journaled).
    private func entrySizing(side: PositionSide, free: Decimal, cycleID: Int64, now: Int64, report: inout CycleReport) async throws -> Decimal? {
        guard let gate = entryGate else { return free }
        switch await gate(settings.symbol, free) {
        case .allow(let margin): return min(margin, free)
        case .refuse(let reason):
            report.notes.append("no \(side.rawValue) entry: \(reason)")
            try journal.recordEvent(kind: "risk", message: "\(settings.symbol): no \(side.rawValue) entry: \(reason)", cycleID: cycleID,
                                    symbol: settings.symbol, at: now)
            return nil
        }
    }

    /// The reason `orderGate` gives for not starting `request` (no time left to send and record it), journaled as a
    /// `skip` event; nil = go ahead.
    private func deadlineReason(_ request: OrderRequest, cycleID: Int64, now: Int64) throws -> String? {
        guard let reason = orderGate?() else { return nil }
        try journal.recordEvent(kind: "skip", message: "\(request.clientOrderID) not sent: \(reason)", cycleID: cycleID, at: now)
        return reason
    }

    private func market() async throws -> Market {
        if let cachedMarket { return cachedMarket }
        let market = try await retrying("loadMarkets") { try await self.fetcher.market() }
        cachedMarket = market
        return market
    }

    /// Entry limit orders left unfilled by an earlier cycle are cancelled: a decision is only valid for its candle.
    private func cancelStaleEntries(now: Int64, cycleID: Int64) async throws -> Int {
        let open = try await retrying("fetchOpenOrders") { try await self.exchange.fetchOpenOrders(symbol: self.settings.symbol, params: [:]) }
        var cancelled = 0
        for order in open where order.type == .limit {
            if !order.reduceOnly { cancelled += 1 }
            _ = try await retrying("cancelOrder") { try await self.exchange.cancelOrder(id: order.id, symbol: self.settings.symbol, params: [:]) }
            let fields = ["symbol": settings.symbol, "side": order.side.rawValue, "type": order.type.rawValue,
                          "amount": Precision.format(order.amount), "client_order_id": order.clientOrderId ?? order.id,
                          "reason": "unfilled when its candle ended"]
            try journal.recordEvent(kind: "cancel", message: "cancelled unfilled \(order.side.rawValue) limit \(order.clientOrderId ?? order.id)",
                                    cycleID: cycleID, at: now,
                                    notify: [OutboxEvent(kind: order.reduceOnly ? "exit_cancel" : "entry_cancel", fields: fields)])
        }
        return cancelled
    }

    private func cancelStopOrders() async throws {
        guard settings.stopLossOnExchange else { return }
        for order in try await openStopOrders() {
            _ = try await retrying("cancelOrder") {
                try await self.exchange.cancelOrder(id: order.id, symbol: self.settings.symbol, params: ["trigger": true])
            }
        }
    }

    private func ensureStopLoss(position: PositionSnapshot, market: Market, candleTime: Int64, cycleID: Int64, now: Int64,
                                report: inout CycleReport) async throws {
        guard try await openStopOrders().isEmpty else { return }
        let request = orderer.stopLossOrder(position: position, market: market,
                                            clientOrderID: ClientOrderID.make(marketID: settings.marketID, candleTime: candleTime, purpose: .stopLoss))
        report.orders.append(describe(request, try await sender.send(request, cycleID: cycleID, now: now)))
    }

    /// Conditional (algo) orders live in their own list on Binance: asked for with `trigger: true`.
    private func openStopOrders() async throws -> [Order] {
        let open = try await retrying("fetchOpenOrders") {
            try await self.exchange.fetchOpenOrders(symbol: self.settings.symbol, params: ["trigger": true])
        }
        return open.filter { $0.type == .stopMarket }
    }

    /// Retries an idempotent call on network errors, MAX_RETRIES times with RETRY_DELAY doubling; other errors pass.
    func retrying<T>(_ what: String, _ body: @Sendable () async throws -> T) async throws -> T {
        var delay = settings.retryDelay
        var attempt = 0
        while true {
            do { return try await body() } catch let failure as ExchangeFailure where failure.isNetworkError && attempt < settings.maxRetries {
                attempt += 1
                let wait = max(delay, Double(failure.retryAfterMs ?? 0) / 1000)
                await pause(wait)
                delay *= 2
            }
        }
    }

    private func describe(_ request: OrderRequest, _ outcome: PlacementOutcome) -> String {
        var text = "\(request.side.rawValue) \(request.type.rawValue) \(Precision.format(request.amount))"
        if let price = request.price { text += " @ \(Precision.format(price))" }
        if let trigger = request.triggerPrice { text += " trigger \(Precision.format(trigger))" }
        if request.reduceOnly { text += " reduce-only" }
        switch outcome {
        case .placed(let order):
            text += " → \(order.status.rawValue)"
            if order.filled > 0 { text += " \(Precision.format(order.filled))" + (order.average.map { " @ \(Precision.format($0))" } ?? "") }
        case .alreadySent: text += " → already sent"
        case .rejected(let reason): text += " → rejected: \(reason)"
        case .unknown(let reason): text += " → unknown (will be looked up): \(reason)"
        }
        return text
    }

    /// A Double price from a candle as the shortest Decimal that prints the same (no 0.1 + 0.2 artefacts).
    static func decimal(_ value: Double) -> Decimal {
        ExactDecimal.from(value)
    }

    static func json(_ candles: [Candle]) -> String {
        "[" + candles.map { c in
            "[\(c.timestamp),\(c.open),\(c.high),\(c.low),\(c.close),\(c.volume)]"
        }.joined(separator: ",") + "]"
    }
}
