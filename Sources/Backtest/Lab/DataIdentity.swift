import Bot
import Foundation

/// Which market and interval a candle file holds, checked against the configuration and the model's training record
/// (`model.json`). The output is labelled with the data's symbol; the training-overlap guard only applies when the
/// data is the market and interval the model was trained on (Litecoin candles cannot be Bitcoin training rows).
public struct DataIdentity: Sendable, Equatable {
    /// What the output is labelled with: the file's own `Symbol` column, else the configuration's SYMBOL.
    public var symbol: String
    /// Where `symbol` comes from, for messages.
    public var symbolSource: String
    public var interval: String
    public var modelSymbol: String?
    public var modelInterval: String?
    /// Same base asset and interval as the training record (or the record does not say): the overlap guard applies.
    public var sameMarketAsModel: Bool
    public var warnings: [String]

    /// - Parameters:
    ///   - fileSymbol: the file's `Symbol` column (`DataIdentity.fileSymbol(path:)`), nil when it has none.
    ///   - metadata: the model's training record and its path.
    public static func resolve(file: String, fileSymbol: String?, interval: String, configSymbol: String,
                               metadata: (path: String, metadata: ModelMetadata)?) -> DataIdentity {
        var warnings: [String] = []
        let symbol = fileSymbol ?? configSymbol
        let source = fileSymbol == nil ? "SYMBOL in the configuration" : "the Symbol column of \(file)"
        if let fileSymbol, baseAsset(fileSymbol) != baseAsset(configSymbol) {
            warnings.append("\(file) holds \(fileSymbol) candles (its Symbol column) but SYMBOL is \(configSymbol): the output is labelled \(fileSymbol)")
        }
        let m = metadata?.metadata
        var same = true
        if let ms = m?.symbol, baseAsset(ms) != baseAsset(symbol) {
            same = false
            warnings.append("the model was trained on \(ms) candles (\(metadata?.path ?? "model.json")) but these are \(symbol) candles (\(source)): its scalers were fitted on \(baseAsset(ms)) prices, so its figures here say nothing about how it does on \(baseAsset(ms)), and the training-overlap check does not apply")
        }
        if let mi = m?.interval, mi != interval {
            same = false
            warnings.append("the model was trained on \(mi) candles (\(metadata?.path ?? "model.json")) but \(file) holds \(interval) candles")
        }
        return DataIdentity(symbol: symbol, symbolSource: source, interval: interval, modelSymbol: m?.symbol,
                            modelInterval: m?.interval, sameMarketAsModel: same, warnings: warnings)
    }

    /// "BTC/USDT:USDT" → "BTC", "BTCUSDT" → "BTC", "ltc" → "LTC": what the comparison looks at (USD, USDT and
    /// USDC quotes of one coin are the same market for a daily-candle model).
    public static func baseAsset(_ text: String) -> String {
        let upper = text.trimmingCharacters(in: .whitespaces).uppercased()
        if let slash = upper.firstIndex(of: "/") { return String(upper[..<slash]) }
        for quote in ["USDT", "USDC", "BUSD", "USD"] where upper.hasSuffix(quote) && upper.count > quote.count {
            return String(upper.dropLast(quote.count))
        }
        return upper
    }

    /// The value of a candle CSV's `Symbol` column (the CoinMarketCap files: "LTC"), nil when there is no such
    /// column. A file whose rows name several symbols is refused: one file, one market.
    public static func fileSymbol(path: String) throws -> String? {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw CandleFileError(file: path, line: 0, problem: "cannot be read")
        }
        var lines = text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }).makeIterator()
        guard let header = lines.next() else { return nil }
        let names = header.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces).lowercased().replacingOccurrences(of: "\u{FEFF}", with: "") }
        guard let column = names.firstIndex(of: "symbol") else { return nil }
        var found: String?
        var lineNumber = 1
        while let line = lines.next() {
            lineNumber += 1
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            guard column < fields.count else { continue }
            let value = fields[column].trimmingCharacters(in: .whitespaces)
            if value.isEmpty { continue }
            if let found, found != value {
                throw CandleFileError(file: path, line: lineNumber, problem: "Symbol '\(value)' differs from '\(found)' in the rows above; one file must hold one market")
            }
            found = value
        }
        return found
    }
}
