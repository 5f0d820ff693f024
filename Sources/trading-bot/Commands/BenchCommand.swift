import ArgumentParser

// Placeholder: owned by the work on issue 2; replaced when that lands.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bench", abstract: "(not built yet: issue 2)")
    func run() async throws { throw ValidationError("'bench' is not built yet (issue 2)") }
}
