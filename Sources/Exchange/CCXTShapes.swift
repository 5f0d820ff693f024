import Foundation

/// A unified structure printed the way CCXT returns it: every key CCXT has, `null` where CCXT gives null,
/// numbers as numbers, `datetime` as ISO 8601, `info` the raw exchange object.
public protocol CCXTShaped {
    var ccxt: JSONValue { get }
}

extension Fee {
    var ccxtFee: JSONValue {
        var o: [(String, JSONValue)] = [("cost", .number(cost)), ("currency", .str(currency))]
        if let rate { o.append(("rate", .number(rate))) }
        return .object(o)
    }
}

extension Order: CCXTShaped {
    /// CCXT's `safeOrder` over Binance's `parseOrder`: GTX shows as "PO", contract stop types as their
    /// unified "limit"/"market", a market order's missing price is its average, remaining = amount - filled.
    public var ccxt: JSONValue {
        let unifiedType = type.unifiedName
        let rawTif = timeInForce == "GTX" ? "PO" : timeInForce
        let isTrigger = triggerPrice != nil || stopLossPrice != nil || takeProfitPrice != nil
        var tif = rawTif
        let post = postOnly ?? (rawTif == "PO")
        if tif == nil {
            if !isTrigger && unifiedType == "market" { tif = "IOC" }
            if post { tif = "PO" }
        }
        let amountOut: Decimal? = amount == 0 ? nil : amount
        var avg = average
        if avg == nil, let cost, filled > 0 { avg = cost / filled }
        var costOut = cost
        if costOut == nil, let p = avg ?? price { costOut = filled * p }
        var priceOut = price
        if (priceOut == nil || priceOut == 0) && unifiedType == "market" { priceOut = avg }
        let reduce: JSONValue
        if let info {
            switch info["reduceOnly"] {
            case .bool(let b)?: reduce = .bool(b)
            case .string(let s)?: reduce = s == "true" ? .bool(true) : (s == "false" ? .bool(false) : .null)
            default: reduce = .null
            }
        } else { reduce = .bool(reduceOnly) }
        let fees: JSONValue = fee.map { .array([$0.ccxtFee]) } ?? .array([])
        return .object([
            ("info", info ?? .object([])),
            ("id", .string(id)),
            ("clientOrderId", .str(clientOrderId)),
            ("timestamp", .int(timestamp)),
            ("datetime", .datetime(timestamp)),
            ("lastTradeTimestamp", .int(lastTradeTimestamp)),
            ("lastUpdateTimestamp", .int(lastUpdateTimestamp)),
            ("symbol", .string(symbol)),
            ("type", .string(unifiedType)),
            ("timeInForce", .str(tif)),
            ("postOnly", .bool(post)),
            ("reduceOnly", reduce),
            ("side", .string(side.rawValue)),
            ("price", .num(priceOut)),
            ("triggerPrice", .num(triggerPrice)),
            ("amount", .num(amountOut)),
            ("cost", .num(costOut)),
            ("average", .num(avg)),
            ("filled", .number(filled)),
            ("remaining", .num(amountOut.map { $0 - filled } ?? (status == .closed ? 0 : nil))),
            ("status", .string(status.rawValue)),
            ("fee", fee?.ccxtFee ?? .null),
            ("trades", .array(trades.map(\.ccxt))),
            ("fees", fees),
            ("stopPrice", .num(triggerPrice)),
            ("takeProfitPrice", .num(takeProfitPrice)),
            ("stopLossPrice", .num(stopLossPrice)),
        ])
    }
}

extension Trade: CCXTShaped {
    public var ccxt: JSONValue {
        let feeJSON = fee?.ccxtFee ?? .object([("cost", .null), ("currency", .null)])
        return .object([
            ("info", info ?? .object([])),
            ("timestamp", .int(timestamp)),
            ("datetime", .datetime(timestamp)),
            ("symbol", .string(symbol)),
            ("id", .string(id)),
            ("order", .str(order)),
            ("type", .null),
            ("side", .string(side.rawValue)),
            ("takerOrMaker", .str(takerOrMaker)),
            ("price", .number(price)),
            ("amount", .number(amount)),
            ("cost", .number(cost)),
            ("fee", feeJSON),
            ("fees", fee == nil ? .array([]) : .array([feeJSON])),
        ])
    }
}

extension Position: CCXTShaped {
    public var ccxt: JSONValue {
        if fromAccount {
            return .object([
                ("info", info ?? .object([])), ("id", .null), ("symbol", .string(symbol)),
                ("timestamp", .int(timestamp)), ("datetime", .datetime(timestamp)),
                ("initialMargin", .num(initialMargin)), ("initialMarginPercentage", .num(initialMarginPercentage)),
                ("maintenanceMargin", .num(maintenanceMargin)), ("maintenanceMarginPercentage", .num(maintenanceMarginPercentage)),
                ("entryPrice", .num(entryPrice)), ("notional", .num(notional)), ("leverage", .num(leverage)),
                ("unrealizedPnl", .num(unrealizedPnl)), ("contracts", .number(contracts)), ("contractSize", .num(contractSize)),
                ("marginRatio", .num(marginRatio)), ("liquidationPrice", .num(liquidationPrice)), ("markPrice", .num(markPrice)),
                ("collateral", .num(collateral)), ("marginMode", .str(marginMode?.rawValue)), ("side", .string(side.rawValue)),
                ("hedged", .bool(hedged ?? false)), ("percentage", .num(percentage)),
            ])
        }
        return .object([
            ("info", info ?? .object([])),
            ("id", .null),
            ("symbol", .string(symbol)),
            ("contracts", .number(contracts)),
            ("contractSize", .num(contractSize)),
            ("unrealizedPnl", .num(unrealizedPnl)),
            ("leverage", .num(leverage)),
            ("liquidationPrice", .num(liquidationPrice)),
            ("collateral", .num(collateral)),
            ("notional", .num(notional)),
            ("markPrice", .num(markPrice)),
            ("entryPrice", .num(entryPrice)),
            ("timestamp", .int(timestamp)),
            ("initialMargin", .num(initialMargin)),
            ("initialMarginPercentage", .num(initialMarginPercentage)),
            ("maintenanceMargin", .num(maintenanceMargin)),
            ("maintenanceMarginPercentage", .num(maintenanceMarginPercentage)),
            ("marginRatio", .num(marginRatio)),
            ("datetime", .datetime(timestamp)),
            ("marginMode", .str(marginMode?.rawValue)),
            ("marginType", .str(marginMode?.rawValue)),
            ("side", .string(side.rawValue)),
            ("hedged", .bool(hedged ?? false)),
            ("percentage", .num(percentage)),
            ("stopLossPrice", .null),
            ("takeProfitPrice", .null),
        ])
    }
}

extension Balance: CCXTShaped {
    public var ccxt: JSONValue {
        let codes = order.isEmpty ? currencies.keys.sorted() : order
        var o: [(String, JSONValue)] = [("info", info ?? .object([]))]
        for c in codes {
            guard let b = currencies[c] else { continue }
            o.append((c, .object([("free", .number(b.free)), ("used", .number(b.used)), ("total", .number(b.total))])))
        }
        o.append(("timestamp", .int(timestamp)))
        o.append(("datetime", .datetime(timestamp)))
        for (name, pick) in [("free", \CurrencyBalance.free), ("used", \CurrencyBalance.used), ("total", \CurrencyBalance.total)] {
            o.append((name, .object(codes.compactMap { c in currencies[c].map { (c, JSONValue.number($0[keyPath: pick])) } })))
        }
        return .object(o)
    }
}

extension Ticker: CCXTShaped {
    public var ccxt: JSONValue {
        .object([
            ("symbol", .string(symbol)),
            ("timestamp", .int(timestamp)),
            ("datetime", .datetime(timestamp)),
            ("high", .num(high)), ("low", .num(low)),
            ("bid", .num(bid)), ("bidVolume", .num(bidVolume)),
            ("ask", .num(ask)), ("askVolume", .num(askVolume)),
            ("vwap", .num(vwap)), ("open", .num(open)), ("close", .num(close)), ("last", .num(last)),
            ("previousClose", .num(previousClose)), ("change", .num(change)), ("percentage", .num(percentage)),
            ("average", .num(average)), ("baseVolume", .num(baseVolume)), ("quoteVolume", .num(quoteVolume)),
            ("markPrice", .num(markPrice)), ("indexPrice", .num(indexPrice)),
            ("info", info ?? .object([])),
        ])
    }
}

extension LastPrice: CCXTShaped {
    /// ccxt's LastPrice: `side` is null (Binance's price ticker does not say which side traded).
    public var ccxt: JSONValue {
        .object([
            ("symbol", .string(symbol)), ("timestamp", .int(timestamp)), ("datetime", .datetime(timestamp)),
            ("price", .number(price)), ("side", .null), ("info", info ?? .object([])),
        ])
    }
}

extension OrderBook: CCXTShaped {
    public var ccxt: JSONValue {
        func side(_ levels: [Level]) -> JSONValue { .array(levels.map { .array([.number($0.price), .number($0.amount)]) }) }
        return .object([
            ("symbol", .string(symbol)), ("bids", side(bids)), ("asks", side(asks)),
            ("timestamp", .int(timestamp)), ("datetime", .datetime(timestamp)), ("nonce", .int(nonce)),
        ])
    }
}

extension FundingRate: CCXTShaped {
    public var ccxt: JSONValue {
        .object([
            ("info", info ?? .object([])),
            ("symbol", .string(symbol)),
            ("markPrice", .num(markPrice)), ("indexPrice", .num(indexPrice)),
            ("interestRate", .num(interestRate)), ("estimatedSettlePrice", .num(estimatedSettlePrice)),
            ("timestamp", .int(timestamp)), ("datetime", .datetime(timestamp)),
            ("fundingRate", .num(fundingRate)),
            ("fundingTimestamp", .int(fundingTimestamp)), ("fundingDatetime", .datetime(fundingTimestamp)),
            ("nextFundingRate", .null),
            ("nextFundingTimestamp", .int(nextFundingTimestamp)), ("nextFundingDatetime", .datetime(nextFundingTimestamp)),
            ("previousFundingRate", .null), ("previousFundingTimestamp", .null), ("previousFundingDatetime", .null),
            ("interval", .str(interval)),
        ])
    }
}

extension FundingRateHistoryEntry: CCXTShaped {
    public var ccxt: JSONValue {
        .object([("info", info ?? .object([])), ("symbol", .string(symbol)), ("fundingRate", .num(fundingRate)),
                 ("timestamp", .int(timestamp)), ("datetime", .datetime(timestamp))])
    }
}

extension FundingPayment: CCXTShaped {
    public var ccxt: JSONValue {
        .object([("info", info ?? .object([])), ("symbol", .str(symbol)), ("code", .str(code)),
                 ("timestamp", .int(timestamp)), ("datetime", .datetime(timestamp)), ("id", .str(id)), ("amount", .num(amount))])
    }
}

extension LeverageTier: CCXTShaped {
    public var ccxt: JSONValue {
        .object([("tier", tier.map { .number(Decimal($0)) } ?? .null), ("symbol", .string(symbol)), ("currency", .str(currency)),
                 ("minNotional", .num(minNotional)), ("maxNotional", .num(maxNotional)),
                 ("maintenanceMarginRate", .num(maintenanceMarginRate)), ("maxLeverage", .num(maxLeverage)),
                 ("info", info ?? .object([]))])
    }
}

extension PositionModeInfo: CCXTShaped {
    public var ccxt: JSONValue { .object([("info", info ?? .object([])), ("hedged", .bool(hedged))]) }
}

extension ExchangeStatus: CCXTShaped {
    public var ccxt: JSONValue {
        .object([("status", .string(status)), ("updated", .int(updated)), ("eta", .int(eta)), ("url", .str(url)),
                 ("info", info ?? .object([]))])
    }
}

extension Candle: CCXTShaped {
    /// `[timestamp, open, high, low, close, volume]`.
    public var ccxt: JSONValue {
        func n(_ d: Double) -> JSONValue { .number(ExactDecimal.from(d)) }
        return .array([.number(Decimal(timestamp)), n(open), n(high), n(low), n(close), n(volume)])
    }
}
