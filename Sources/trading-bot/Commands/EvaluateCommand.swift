import ArgumentParser

// Placeholder: owned by the work on issue 5; replaced when that lands.
struct EvaluateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "evaluate", abstract: "(not built yet: issue 5)")
    func run() async throws { throw ValidationError("'evaluate' is not built yet (issue 5)") }
}
