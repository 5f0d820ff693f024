import Foundation
import XCTest
@testable import Backtest

/// The built `trading-bot` (debug) run from the repository root, as a user runs it: shared by the tests that check
/// the real command line.
enum TradingBotBinary {
    struct Run {
        var status: Int32
        var stdout: Data
        var stderr: Data
        var text: String { String(decoding: stdout, as: UTF8.self) }
        var errorText: String { String(decoding: stderr, as: UTF8.self) }
        /// stdout as a JSON object.
        func json() throws -> [String: Any] { try XCTUnwrap(try JSONSerialization.jsonObject(with: stdout) as? [String: Any], text) }
    }

    /// Runs the binary with `arguments` in `repo`; skips the test when it has not been built.
    static func run(_ arguments: [String], repo: URL) throws -> Run {
        let binary = repo.appendingPathComponent(".build/debug/trading-bot")
        guard FileManager.default.isExecutableFile(atPath: binary.path) else { throw XCTSkip("no built trading-bot at \(binary.path)") }
        let p = Process()
        p.executableURL = binary
        p.currentDirectoryURL = repo
        p.arguments = arguments
        p.environment = ["PATH": "/usr/bin:/bin"]
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        // Read stderr on its own queue so neither pipe can fill up and stall the child.
        nonisolated(unsafe) var errData = Data()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) { errData = err.fileHandleForReading.readDataToEndOfFile() }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        p.waitUntilExit()
        return Run(status: p.terminationStatus, stdout: data, stderr: errData)
    }
}

/// The lab's fixture models (Tests/LabFixtures, made by tools/lab/make_lab_fixtures.py and make_study_fixtures.py)
/// and the repository's shipped ones, loaded by the leaderboard's convention.
enum LabFixtures {
    static var folder: URL? { ModelAgreementTests.repo?.appendingPathComponent("Tests/LabFixtures") }

    /// The Bitcoin file of the shared data, or a skip.
    static func bitcoin() throws -> CandleInput {
        guard let shared = ModelAgreementTests.shared else { throw XCTSkip("shared/data not found (CI clones it as a sibling)") }
        return try CandleInput.load(path: shared.appendingPathComponent("shared/data/coin_Bitcoin.csv").path)
    }

    /// Paths of fixtures by stem ("lab_mlp5"), or "model" for models/model.keras.
    static func paths(_ stems: [String]) throws -> [String] {
        guard let repo = ModelAgreementTests.repo, let folder else { throw XCTSkip("repository not found") }
        return stems.map { $0 == "model" ? repo.appendingPathComponent("models/model.keras").path : folder.appendingPathComponent("\($0).keras").path }
    }

    /// The models at `paths`, named as the leaderboard names them.
    static func load(paths: [String]) throws -> [LabModel] {
        try zip(paths, LabModel.names(for: paths)).map { try LabModel.load(path: $0, name: $1) }
    }

    static func load(_ stems: [String]) throws -> [LabModel] { try load(paths: try paths(stems)) }
}
