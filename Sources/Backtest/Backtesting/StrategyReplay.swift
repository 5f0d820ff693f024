import Bot
import Exchange
import Foundation

/// The fast engine for long backtests: the same `Strategy`, `Orderer` and `SimulatedExchange` as the Trader path,
/// driven directly, without the Trader's per-cycle journal rows, JSON snapshots and fetch round-trips.
///
/// It repeats `Trader.runCycle`'s decision steps in the same order (close → re-read position → open when flat →
/// exchange-side stop), and a test checks it produces the same trades as the Trader over real data. Use the Trader
/// path (`--engine trader`, the default) when the journal is wanted; this one for a year of minutes.
public struct StrategyReplay {
    public static func run(config: BotConfig, candles: [Candle], timeframe: Timeframe, range: Range<Int>,
                           predictions: PrecomputedPredictor, simulation: SimulationSettings, market: Market) async throws -> BacktestResult {
        let exchange = SimulatedExchange(market: market, timeframe: timeframe, candles: candles, settings: simulation,
                                         start: range.lowerBound)
        let symbol = market.symbol
        let strategy = ReferenceStrategy(threshold: config.threshold, stopLoss: config.stopLoss)
        let orderer = Orderer(config: config)
        let w = predictions.windowSize
        var prepared = false
        let marketID = market.id
        func prepare() async throws {
            guard !prepared else { return }
            try await exchange.setMarginMode(config.marginType == "cross" ? .cross : .isolated, symbol: symbol)
            try await exchange.setLeverage(config.leverage, symbol: symbol)
            prepared = true
        }
        func send(_ r: OrderRequest) async -> ExchangeFailure? {
            do {
                _ = try await exchange.createOrder(symbol: symbol, type: r.type, side: r.side, amount: r.amount, price: r.price, params: r.params)
                return nil
            } catch let failure as ExchangeFailure {
                return failure
            } catch {
                return ExchangeFailure(.exchangeError, message: "\(error)")
            }
        }
        let backtester = Backtester(exchange: exchange, start: range.lowerBound, end: range.upperBound)
        return await backtester.run { now in
            let i = exchange.index
            let last = candles[i - 1]
            var outcome = CycleOutcome()
            do {
                if config.orderType == "limit" {
                    for o in try await exchange.fetchOpenOrders(symbol: symbol, params: [:]) where o.type == .limit {
                        _ = try await exchange.cancelOrder(id: o.id, symbol: symbol, params: [:])
                        if !o.reduceOnly { outcome.entriesCancelled += 1 }
                    }
                }
                // Same number as the window lookup (tested), without building the window.
                let predicted: Double
                if let s = predictions.decisionStart, i - s >= 0, i - s < predictions.values.count {
                    predicted = predictions.values[i - s]
                } else {
                    predicted = try predictions.predict(Array(candles[(i - w)..<i]))
                }
                let close = ExactDecimal.from(last.close)
                var position = exchange.positionSnapshot
                let decision = strategy.decide(StrategyInput(currentPrice: close, predictedPrice: predicted, position: position))
                if decision.close, let current = position {
                    try await prepare()
                    if config.stopLossOnExchange {
                        for o in try await exchange.fetchOpenOrders(symbol: symbol, params: ["trigger": true]) where o.type == .stopMarket {
                            _ = try await exchange.cancelOrder(id: o.id, symbol: symbol, params: [:])
                        }
                    }
                    outcome.exitReason = decision.exitReason
                    if let refused = await send(orderer.exit(position: current, price: close, market: market,
                                                             clientOrderID: ClientOrderID.make(marketID: marketID, candleTime: last.timestamp, purpose: .close))) {
                        outcome.notes.append("exit refused: \(refused)")
                    }
                    position = exchange.positionSnapshot
                }
                if let side = decision.open {
                    if position == nil {
                        try await prepare()
                        // The Trader's entry: sized at the price the order meets (the limit: the close), one smaller
                        // order after a margin refusal, every entry not placed counted with why.
                        let price = orderer.orderType == .market ? exchange.marketPrice : close
                        let id = ClientOrderID.make(marketID: marketID, candleTime: last.timestamp, purpose: .open)
                        do {
                            let entry = try orderer.entryOrder(side: side, freeBalance: exchange.freeBalance, price: price,
                                                               market: market, clientOrderID: id)
                            if let capped = entry.capped { outcome.notes.append(capped) }
                            if let refused = await send(entry.request) {
                                if refused.isA(.insufficientFunds) {
                                    let retry = try orderer.resizedEntry(entry.request, freeBalance: exchange.freeBalance,
                                                                         price: orderer.orderType == .market ? exchange.marketPrice : close,
                                                                         market: market)
                                    if let again = await send(retry) {
                                        outcome.notes.append("refused: \(again) (after one smaller order; given up for this candle)")
                                        outcome.entryNotPlaced = true
                                    } else {
                                        outcome.notes.append("resized after a margin refusal: \(Precision.format(entry.request.amount)) → \(Precision.format(retry.amount))")
                                    }
                                } else {
                                    outcome.notes.append("refused: \(refused)")
                                    outcome.entryNotPlaced = true
                                }
                            }
                        } catch let skip as OrderSkip {
                            outcome.notes.append(skip.reason)
                            outcome.entryNotPlaced = true
                        }
                        position = exchange.positionSnapshot
                    } else {
                        outcome.notes.append("not placed: \(side.rawValue) entry, the position is still open")
                        outcome.entryNotPlaced = true
                    }
                }
                if config.stopLossOnExchange, let current = position,
                   try await exchange.fetchOpenOrders(symbol: symbol, params: ["trigger": true]).isEmpty {
                    _ = await send(orderer.stopLossOrder(position: current, market: market,
                                                         clientOrderID: ClientOrderID.make(marketID: marketID, candleTime: last.timestamp, purpose: .stopLoss)))
                }
            } catch {
                outcome.error = String(describing: error)
            }
            return outcome
        }
    }
}

extension SimulatedExchange {
    /// The open position as the strategy sees it (no `Position` struct, no mark price): the replay's fast read.
    public var positionSnapshot: PositionSnapshot? {
        lock.withLock { account.position.map { PositionSnapshot(side: $0.side, amount: $0.amount, entryPrice: $0.entryPrice) } }
    }
    public var freeBalance: Decimal { lock.withLock { account.free } }
    /// The price a market order fills at now (what `fetchTicker` says), without building a Ticker.
    public var marketPrice: Decimal { lock.withLock { currentPrice } }
}
