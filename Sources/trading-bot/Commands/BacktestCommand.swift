import ArgumentParser

// Placeholder: owned by the work on issue 5; replaced when that lands.
struct BacktestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "backtest", abstract: "(not built yet: issue 5)")
    func run() async throws { throw ValidationError("'backtest' is not built yet (issue 5)") }
}
