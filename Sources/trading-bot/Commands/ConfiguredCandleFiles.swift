import ArgumentParser
import Backtest
import Bot

/// CANDLES_PATH of every traded symbol, for `backtest` and `evaluate` run without `--candles`; a missing key or file
/// ends the command with one line per symbol, prefixed by the command's name.
func configuredCandles(command: String, config: String?, model: String?, scalers: String?) throws -> ConfiguredCandles {
    do {
        var overrides: [String: String] = [:]
        if let model { overrides["MODEL_PATH"] = model }
        if let scalers { overrides["SCALERS_PATH"] = scalers }
        return try ConfiguredCandles.resolve(try ConfigLoader(path: config, overrides: overrides).load().config)
    } catch let error as ConfiguredCandlesError {
        for problem in error.problems { Console.error("\(command): \(problem)") }
        throw ExitCode(2)
    } catch {
        Console.error("\(command): \(String(describing: error).replacingOccurrences(of: "\n", with: "; "))")
        throw ExitCode(2)
    }
}
