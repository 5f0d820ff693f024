import Bot
import Foundation

/// The candle files `backtest` reads when no `--candles` is given: CANDLES_PATH from the configuration — the
/// top-level key for a single SYMBOL, each symbol's own (its `symbols:` section, else the top-level one) for SYMBOLS.
public enum ConfiguredCandles: Equatable {
    /// One file: the single-symbol backtest.
    case single(path: String)
    /// One file per symbol, in SYMBOLS order: the portfolio backtest.
    case portfolio([SymbolFile])

    public struct SymbolFile: Equatable {
        public var symbol: String
        public var path: String
        public init(symbol: String, path: String) { self.symbol = symbol; self.path = path }
    }

    /// Reads CANDLES_PATH for every traded symbol of `config`; every missing key or file is named with its symbol.
    public static func resolve(_ config: BotConfig) throws -> ConfiguredCandles {
        var problems: [Problem] = []
        var files: [SymbolFile] = []
        for c in config.traded {
            guard let path = c.candlesPath, !path.isEmpty else { problems.append(.missingKey(symbol: c.symbol, multi: config.isMultiSymbol)); continue }
            var isDirectory: ObjCBool = false
            if !FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) || isDirectory.boolValue {
                problems.append(.missingFile(symbol: c.symbol, path: path))
                continue
            }
            files.append(SymbolFile(symbol: c.symbol, path: path))
        }
        // One file inherited by every symbol from the top level would backtest one market under several names.
        var firstWith: [String: String] = [:]
        for f in files {
            if let other = firstWith[f.path] { problems.append(.shared(symbol: f.symbol, other: other, path: f.path)) } else { firstWith[f.path] = f.symbol }
        }
        guard problems.isEmpty else { throw ConfiguredCandlesError(problems: problems) }
        return config.isMultiSymbol ? .portfolio(files) : .single(path: files[0].path)
    }

    /// One reason a configured candle file cannot be used.
    public enum Problem: Equatable, CustomStringConvertible {
        case missingKey(symbol: String, multi: Bool)
        case missingFile(symbol: String, path: String)
        case shared(symbol: String, other: String, path: String)

        public var description: String {
            switch self {
            case .missingKey(let symbol, true):
                return "\(symbol): CANDLES_PATH is not set; add it to the symbol's section (symbols: \(symbol): CANDLES_PATH: FILE) or give --candles \(symbol)=FILE"
            case .missingKey(let symbol, false):
                return "\(symbol): no candle file; give --candles FILE, or set CANDLES_PATH in the config"
            case .missingFile(let symbol, let path):
                return "\(symbol): CANDLES_PATH \(path): no such file"
            case .shared(let symbol, let other, let path):
                return "\(symbol): CANDLES_PATH \(path) is also \(other)'s; set CANDLES_PATH in each symbol's section"
            }
        }
    }
}

/// Every problem with the configured candle files, one per line.
public struct ConfiguredCandlesError: Error, CustomStringConvertible, Equatable {
    public var problems: [ConfiguredCandles.Problem]
    public var description: String { problems.map(\.description).joined(separator: "\n") }
}
