import Exchange
import Foundation

/// A market read from a saved Binance USDⓈ-M `exchangeInfo` answer (the whole answer, or one entry of its `symbols`
/// list), parsed exactly as `loadMarkets` parses the live one: for backtests on a real symbol's filters.
public enum MarketFile {
    public struct Failure: Error, CustomStringConvertible, Equatable {
        public let path: String
        public let problem: String
        public var description: String { "\(path): \(problem)" }
    }

    /// The market `marketID` (e.g. BTCUSDT) in the file at `path`.
    public static func load(path: String, marketID: String) throws -> Market {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Failure(path: path, problem: "cannot read the file; save one with: curl 'https://fapi.binance.com/fapi/v1/exchangeInfo' > exchangeInfo.json")
        }
        guard let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw Failure(path: path, problem: "not a JSON object; expected Binance's exchangeInfo answer or one entry of its \"symbols\" list")
        }
        let entries: [[String: Any]]
        if let symbols = json["symbols"] as? [Any] {
            entries = symbols.compactMap { $0 as? [String: Any] }
        } else {
            entries = [json]
        }
        guard let entry = entries.first(where: { JSON.string($0, "symbol") == marketID }) else {
            let found = entries.compactMap { JSON.string($0, "symbol") }.prefix(5).joined(separator: ", ")
            throw Failure(path: path, problem: "no entry for symbol \(marketID) (found: \(found.isEmpty ? "none" : found)); use the file of the traded SYMBOL")
        }
        guard entry["filters"] is [Any] else {
            throw Failure(path: path, problem: "the entry for \(marketID) has no \"filters\" list (PRICE_FILTER, LOT_SIZE, MARKET_LOT_SIZE, MIN_NOTIONAL)")
        }
        guard let market = MarketParser.market(entry) else {
            throw Failure(path: path, problem: "the entry for \(marketID) lacks symbol, baseAsset or quoteAsset")
        }
        return market
    }
}
