import ArgumentParser
import Backtest
import Bot
import Foundation

/// The config overrides `--model` / `--scalers` stand for, shared by the commands that take them.
func modelOverrides(model: String?, scalers: String?) -> [String: String] {
    var overrides: [String: String] = [:]
    if let model { overrides["MODEL_PATH"] = model }
    if let scalers { overrides["SCALERS_PATH"] = scalers }
    return overrides
}

/// `--candles` as `backtest` and `evaluate` read it: one FILE, or SYMBOL=FILE per symbol.
enum CandlesOption {
    /// Several values, or one `SYMBOL=FILE` (a value naming an existing file is that file, `=` or not).
    static func isPerSymbol(_ options: [String]) -> Bool {
        options.count > 1 || options.first.map { $0.contains("=") && !FileManager.default.fileExists(atPath: $0) } == true
    }

    /// `SYMBOL=FILE` values as (symbol, file), in the order given.
    static func symbolFiles(_ options: [String]) throws -> [(symbol: String, path: String)] {
        try options.map { c in
            guard let eq = c.firstIndex(of: "="), eq != c.startIndex, c.index(after: eq) != c.endIndex else {
                throw PortfolioSetupError.badCandlesOption(c)
            }
            return (String(c[..<eq]), String(c[c.index(after: eq)...]))
        }
    }
}

/// CANDLES_PATH of every traded symbol, for `backtest` and `evaluate` run without `--candles`; a missing key or file
/// ends the command with one line per symbol, prefixed by the command's name.
func configuredCandles(command: String, config: String?, model: String?, scalers: String?) throws -> ConfiguredCandles {
    do {
        return try ConfiguredCandles.resolve(try ConfigLoader(path: config, overrides: modelOverrides(model: model, scalers: scalers)).load().config)
    } catch let error as ConfiguredCandlesError {
        for problem in error.problems { Console.error("\(command): \(problem)") }
        throw ExitCode(2)
    } catch {
        Console.error("\(command): \(String(describing: error).replacingOccurrences(of: "\n", with: "; "))")
        throw ExitCode(2)
    }
}
