import ArgumentParser

// Placeholder: owned by the work on issue 2; replaced when that lands.
struct ModelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "model", abstract: "(not built yet: issue 2)")
    func run() async throws { throw ValidationError("'model' is not built yet (issue 2)") }
}
