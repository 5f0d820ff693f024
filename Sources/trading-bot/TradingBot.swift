import ArgumentParser

/// The `trading-bot` command: the only place that wires concrete pieces together.
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
}
