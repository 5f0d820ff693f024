import ArgumentParser

// Placeholder: owned by the work on issue 4; replaced when that lands.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "(not built yet: issue 4)")
    func run() async throws { throw ValidationError("'run' is not built yet (issue 4)") }
}
