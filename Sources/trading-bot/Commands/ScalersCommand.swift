import ArgumentParser
import Foundation
import Scaling

/// `trading-bot scalers`: read the scikit-learn scalers the training code pickles (never executing the pickle)
/// and convert them to the readable JSON form.
struct ScalersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scalers",
        abstract: "Inspect or export the per-column MinMaxScalers (scalers.pkl or its JSON form).",
        subcommands: [Inspect.self, Export.self]
    )

    struct Inspect: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "inspect",
            abstract: "Print a JSON array with one object per column (data_min, data_max, scale, min, ...).")

        @Argument(help: "A scalers pickle (.pkl, .pickle) or its JSON form (.json).")
        var path: String

        func run() async throws {
            let scalers = try ScalersCommand.load(path)
            print(scalers.inspectJSON(), terminator: "")
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Write the JSON form (tradingbot.scalers.v1), exact to the last bit.")

        @Argument(help: "A scalers pickle (.pkl, .pickle) or its JSON form (.json).")
        var path: String

        @Option(name: .long, help: "The JSON file to write.")
        var out: String

        func run() async throws {
            let scalers = try ScalersCommand.load(path)
            do {
                try Data(scalers.jsonString().utf8).write(to: URL(fileURLWithPath: out), options: .atomic)
            } catch {
                throw ScalersCommand.fail("\(out): cannot write (\(error.localizedDescription)); check the directory exists and is writable")
            }
        }
    }

    /// Loads scalers, or fails with exit code 1 after printing the error's one line on stderr.
    static func load(_ path: String) throws -> ScalerSet {
        do {
            return try ScalerSet.load(path: path)
        } catch {
            throw fail("\(error)")
        }
    }

    /// Prints `line` on stderr and returns the exit code to throw (ArgumentParser then exits silently).
    static func fail(_ line: String) -> ExitCode {
        FileHandle.standardError.write(Data("error: \(line)\n".utf8))
        return ExitCode(1)
    }
}
