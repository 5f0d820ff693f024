import Foundation
import Exchange

/// Account reads and settings with ccxt's requests: balance and positions with params, funding payments
/// (income), leverage brackets, position mode (dual side), leverage and margin type with params.
extension BinanceUSDM {
    public func fetchBalance(params: Params) async throws -> Balance {
        var q = QueryString()
        q.items += try remaining(params, "fetchBalance")
        return WireParsers.balance(try JSON.object(try await client.call(.account, q, method: "fetchBalance"), method: "fetchBalance"))
    }

    public func fetchPositions(symbols: [String]?) async throws -> [Position] {
        try await fetchPositions(symbols: symbols, params: [:])
    }

    /// GET /fapi/v3/positionRisk (ccxt never sends `symbol`; the symbols filter the answer). `params.method:
    /// "account"` reads the positions of /fapi/v3/account instead, `params.useV2` /fapi/v2/positionRisk.
    public func fetchPositions(symbols: [String]?, params: Params) async throws -> [Position] {
        // The brackets (read once) are asked for alongside the positions, not before them.
        async let bracketsRead = leverageBracketsCached()
        let wanted = try await wantedIds(symbols, "fetchPositions")
        let method = params["method"]?.stringValue ?? "positionRisk"
        let useV2 = params["useV2"]?.boolValue ?? false
        let extra = try remaining(params, "fetchPositions", consumed: ["method", "useV2"])
        var q = QueryString()
        q.items += extra
        let rows: [Any]
        switch method {
        case "positionRisk":
            rows = try JSON.array(try await client.call(useV2 ? .positionRiskV2 : .positionRisk, q, method: "fetchPositions"), method: "fetchPositions")
        case "account":
            let account = try JSON.object(try await client.call(.account, q, method: "fetchPositions"), method: "fetchPositions")
            let brackets = await bracketsRead
            let byId = marketsById
            return WireParsers.accountPositions(account, symbol: { byId[$0]?.symbol ?? $0 }, brackets: brackets)
                .filter { p in wanted.map { w in byId.values.contains { $0.symbol == p.symbol && w.contains($0.id) } } ?? true }
        default:
            throw ExchangeFailure(.notSupported, exchange: id, message: "fetchPositions: params.method '\(method)' is not one of positionRisk, account", method: "fetchPositions")
        }
        let brackets = await bracketsRead
        return rows.compactMap { row in
            guard let o = row as? [String: Any], let mid = JSON.string(o, "symbol") else { return nil }
            if let wanted, !wanted.contains(mid) { return nil }
            let unified = marketsById[mid]?.symbol ?? mid
            return WireParsers.position(o, symbol: unified, brackets: brackets[unified] ?? [])
        }
    }

    /// ccxt's `loadLeverageBrackets`: [notional floor, maintenance margin rate] per symbol, read once.
    /// Without it the maintenance figures come from the position row; a failure is not fatal.
    /// Concurrent first calls share one request (`bracketsLoading`).
    func leverageBracketsCached() async -> [String: [(Decimal, Decimal)]] {
        if let brackets { return brackets }
        let loading = bracketsLoading ?? Task {
            try? JSON.array(try await self.client.call(.leverageBracket, QueryString(), method: "fetchPositions"), method: "fetchPositions")
        }
        bracketsLoading = loading
        let answer = await loading.value
        if bracketsLoading == loading { bracketsLoading = nil }
        if let brackets { return brackets }
        // Keyed by unified symbol: the markets are needed for that (fetchPositions loads them anyway).
        _ = try? await loadMarkets(reload: false)
        guard let rows = answer else { return [:] }
        var out: [String: [(Decimal, Decimal)]] = [:]
        for case let o as [String: Any] in rows {
            guard let mid = JSON.string(o, "symbol") else { continue }
            let tiers = ((o["brackets"] as? [Any]) ?? []).compactMap { $0 as? [String: Any] }.compactMap { b -> (Decimal, Decimal)? in
                guard let floor = JSON.decimal(b, "notionalFloor"), let rate = JSON.decimal(b, "maintMarginRatio") else { return nil }
                return (floor, rate)
            }
            out[marketsById[mid]?.symbol ?? mid] = tiers
        }
        if !marketsById.isEmpty { brackets = out }  // without markets the keys are ids: asked again next time
        return out
    }

    /// GET /fapi/v1/income with incomeType=FUNDING_FEE (ccxt fetchFundingHistory).
    public func fetchFundingHistory(symbol: String?, since: Int64?, limit: Int?, params: Params) async throws -> [FundingPayment] {
        var q = QueryString([("incomeType", "FUNDING_FEE")])
        if let symbol { q.append("symbol", try await resolve(symbol, method: "fetchFundingHistory").id) }
        else { _ = try await loadMarkets(reload: false) }
        q.append("startTime", since.map(String.init))
        q.append("limit", limit.map(String.init))
        q.append("endTime", params["until"]?.stringValue)
        q.items += try remaining(params, "fetchFundingHistory", consumed: ["until"])
        let rows = try JSON.array(try await client.call(.income, q, method: "fetchFundingHistory"), method: "fetchFundingHistory")
        return rows.compactMap { $0 as? [String: Any] }.map { o in
            WireParsers.income(o, symbol: JSON.string(o, "symbol").flatMap { $0.isEmpty ? nil : self.symbol(forId: $0) })
        }
    }

    /// GET /fapi/v1/leverageBracket (every symbol, as ccxt), keyed by unified symbol.
    public func fetchLeverageTiers(symbols: [String]?, params: Params) async throws -> [String: [LeverageTier]] {
        let wanted = try await wantedIds(symbols, "fetchLeverageTiers")
        var q = QueryString()
        q.items += try remaining(params, "fetchLeverageTiers")
        let rows = try JSON.array(try await client.call(.leverageBracket, q, method: "fetchLeverageTiers"), method: "fetchLeverageTiers")
        var out: [String: [LeverageTier]] = [:]
        for case let o as [String: Any] in rows {
            guard let mid = JSON.string(o, "symbol"), let m = marketsById[mid] else { continue }
            if let wanted, !wanted.contains(mid) { continue }
            out[m.symbol] = WireParsers.leverageTiers(o, symbol: m.symbol, quote: m.quote)
        }
        return out
    }

    /// GET /fapi/v1/symbolConfig, as ccxt's fetchLeverages for linear markets: no `symbol` sent (every symbol comes
    /// back), the answer filtered to `symbols`. Each row: `marginType` CROSSED/ISOLATED and one `leverage` (one-way
    /// mode: the same for long and short).
    public func fetchLeverages(symbols: [String]?, params: Params) async throws -> [String: Leverage] {
        let wanted = try await wantedIds(symbols, "fetchLeverages")
        var q = QueryString()
        q.items += try remaining(params, "fetchLeverages")
        let rows = try JSON.array(try await client.call(.symbolConfig, q, method: "fetchLeverages"), method: "fetchLeverages")
        var out: [String: Leverage] = [:]
        for case let o as [String: Any] in rows {
            guard let mid = JSON.string(o, "symbol"), let m = marketsById[mid] else { continue }
            if let wanted, !wanted.contains(mid) { continue }
            let mode: MarginMode? = JSON.string(o, "marginType").map { $0.lowercased() == "crossed" ? .cross : .isolated }
            let leverage = JSON.int64(o, "leverage").map(Int.init)
            out[m.symbol] = Leverage(symbol: m.symbol, marginMode: mode, longLeverage: leverage, shortLeverage: leverage,
                                     info: JSONValue(foundation: o))
        }
        return out
    }

    /// POST /fapi/v1/positionSide/dual dualSidePosition=true|false; returns Binance's answer.
    public func setPositionMode(hedged: Bool, symbol: String?, params: Params) async throws -> JSONValue {
        var q = QueryString([("dualSidePosition", hedged ? "true" : "false")])
        q.items += try remaining(params, "setPositionMode")
        do { return JSONValue(foundation: try await client.call(.setPositionSideDual, q, method: "setPositionMode", benign: [-4059])) }
        catch let f as ExchangeFailure where f.code == -4059 {
            // "No need to change position side.": already in that mode, which is what was asked.
            return .object([("code", .number(200)), ("msg", .string("success"))])
        }
    }

    public func fetchPositionMode(symbol: String?, params: Params) async throws -> PositionModeInfo {
        var q = QueryString()
        q.items += try remaining(params, "fetchPositionMode")
        let o = try JSON.object(try await client.call(.positionSideDual, q, method: "fetchPositionMode"), method: "fetchPositionMode")
        return PositionModeInfo(hedged: JSON.bool(o, "dualSidePosition") ?? false, info: JSONValue(foundation: o))
    }

    public func setLeverage(_ leverage: Int, symbol: String, params: Params) async throws -> JSONValue {
        let m = try await resolve(symbol, method: "setLeverage")
        var q = QueryString([("symbol", m.id), ("leverage", String(leverage))])
        q.items += try remaining(params, "setLeverage")
        return JSONValue(foundation: try await client.call(.leverage, q, method: "setLeverage"))
    }

    public func setMarginMode(_ mode: MarginMode, symbol: String, params: Params) async throws -> JSONValue {
        let m = try await resolve(symbol, method: "setMarginMode")
        var q = QueryString([("symbol", m.id), ("marginType", mode == .isolated ? "ISOLATED" : "CROSSED")])
        q.items += try remaining(params, "setMarginMode")
        do { return JSONValue(foundation: try await client.call(.marginType, q, method: "setMarginMode", benign: [-4046])) }
        catch let f as ExchangeFailure where f.code == -4046 {
            // "No need to change margin type.": already in that mode, which is what was asked.
            return .object([("code", .number(-4046)), ("msg", .string("No need to change margin type."))])
        }
    }
}
