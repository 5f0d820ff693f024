import ArgumentParser

// Placeholder: owned by the work on issue 2; replaced when that lands.
struct ScalersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "scalers", abstract: "(not built yet: issue 2)")
    func run() async throws { throw ValidationError("'scalers' is not built yet (issue 2)") }
}
