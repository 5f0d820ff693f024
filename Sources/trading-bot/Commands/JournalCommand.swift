import ArgumentParser

// Placeholder: owned by the work on issue 4; replaced when that lands.
struct JournalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "journal", abstract: "(not built yet: issue 4)")
    func run() async throws { throw ValidationError("'journal' is not built yet (issue 4)") }
}
