import ArgumentParser

// Placeholder: owned by the work on issue 4; replaced when that lands.
struct PredictCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "predict", abstract: "(not built yet: issue 4)")
    func run() async throws { throw ValidationError("'predict' is not built yet (issue 4)") }
}
