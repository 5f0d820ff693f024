import ArgumentParser

// Placeholder: owned by the work on issue 3; replaced when that lands.
struct ExchangeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "exchange", abstract: "(not built yet: issue 3)")
    func run() async throws { throw ValidationError("'exchange' is not built yet (issue 3)") }
}
