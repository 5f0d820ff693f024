import ArgumentParser
import Serverless

/// The `trading-bot` command: the only place that wires concrete pieces together.
/// Every command and subcommand names itself (`commandName:`): without one, ArgumentParser derives the name from
/// `String(describing:)` of the type, which reflects on it (about 24 conformance-record scans, 2–3 ms of a cold prediction).
@main
struct TradingBotCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trading-bot",
        abstract: "A crypto-futures bot with native Keras inference.",
        discussion: """
        Default mode is dry-run: no real orders are placed unless MODE=live and --confirm-live are both given.
        """,
        version: "0.1.0",
        subcommands: [
            PredictCommand.self,
            RunCommand.self,
            LambdaCommand.self,
            ScheduleCommand.self,
            JournalCommand.self,
            ModelCommand.self,
            ScalersCommand.self,
            ExchangeCommand.self,
            DownloadCommand.self,
            EvaluateCommand.self,
            BacktestCommand.self,
            BenchCommand.self,
            ServeCommand.self,
            CloseAllCommand.self,
        ]
    )

    /// ArgumentParser's own `main`, with one shortcut: `trading-bot lambda …` (a cold start in every new Lambda
    /// sandbox) reads its three options itself (`LambdaOptions`), without ArgumentParser's reflection. Help, and
    /// anything else it does not know, still goes through the tree, so they read the same.
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        let asksForHelp = arguments.contains { ["-h", "--help", "help", "--version"].contains($0) }
        do {
            if arguments.first == LambdaCommand.configuration.commandName, !asksForHelp,
               let options = LambdaOptions.parse(Array(arguments.dropFirst())) {
                try await LambdaCommand.serve(options)
                return
            }
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
