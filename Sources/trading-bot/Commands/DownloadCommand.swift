import ArgumentParser

// Placeholder: owned by the work on issue 5; replaced when that lands.
struct DownloadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "download", abstract: "(not built yet: issue 5)")
    func run() async throws { throw ValidationError("'download' is not built yet (issue 5)") }
}
