import ArgumentParser

// Placeholder: owned by the work on issue 3; replaced when that lands.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve-test-exchange", abstract: "(not built yet: issue 3)")
    func run() async throws { throw ValidationError("'serve-test-exchange' is not built yet (issue 3)") }
}
