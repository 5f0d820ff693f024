import Foundation
import XCTest
@testable import Keras

/// Deterministic mutation fuzzing of the model loader: mutated whole files (.keras and .h5), mutated config.json
/// and mutated model.weights.h5 (fed past the zip CRC through `ModelFile.fromArchiveParts`). Every input must
/// either load (and then predict without trapping) or throw a one-line KerasError; a crash fails the run, and an
/// input taking over 2 s counts as a hang. Iterations: KERAS_FUZZ_ITERATIONS (default 150 per target, to keep the
/// suite fast); see tools/fuzz_model/README.md for the long run.
final class FuzzTests: XCTestCase {
    struct Rng {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { n <= 0 ? 0 : Int(next() % UInt64(n)) }
    }

    static var iterations: Int { Int(ProcessInfo.processInfo.environment["KERAS_FUZZ_ITERATIONS"] ?? "") ?? 150 }
    static var seed: UInt64 { UInt64(ProcessInfo.processInfo.environment["KERAS_FUZZ_SEED"] ?? "") ?? 20_261_121 }

    /// One random edit: flips, interesting bytes, truncation, chunk duplication/insertion/removal, digit edits.
    static func mutate(_ input: [UInt8], _ r: inout Rng) -> [UInt8] {
        var b = input
        let edits = 1 + r.below(4)
        for _ in 0..<edits where !b.isEmpty {
            switch r.below(8) {
            case 0: b[r.below(b.count)] ^= UInt8(1 << r.below(8))
            case 1: b[r.below(b.count)] = [0, 0xFF, 0x7F, 0x80, 0x01, 0x20][r.below(6)]
            case 2: b.removeLast(r.below(b.count))
            case 3:
                let i = r.below(b.count), n = min(b.count - i, 1 + r.below(64))
                b.insert(contentsOf: b[i..<(i + n)], at: r.below(b.count))
            case 4:
                let i = r.below(b.count), n = min(b.count - i, 1 + r.below(64))
                b.removeSubrange(i..<(i + n))
            case 5:
                let i = r.below(b.count)
                for k in i..<min(b.count, i + 8) { b[k] = UInt8(truncatingIfNeeded: r.next()) }
            case 6:  // numbers in JSON: change a digit
                for _ in 0..<20 {
                    let i = r.below(b.count)
                    if (48...57).contains(b[i]) { b[i] = UInt8(48 + r.below(10)); break }
                }
            default:  // structural JSON characters
                let structural = Array("[]{}\",:-0e".utf8)
                b[r.below(b.count)] = structural[r.below(structural.count)]
            }
        }
        return b
    }

    /// KERAS_FUZZ_LAST=path: each input is written there before it is tried, so a crash leaves its reproducer.
    static let lastInputPath = ProcessInfo.processInfo.environment["KERAS_FUZZ_LAST"]

    static func record(_ bytes: [UInt8], kind: String, seed: String = "") {
        guard let p = lastInputPath else { return }
        FileManager.default.createFile(atPath: p, contents: Data(bytes))
        FileManager.default.createFile(atPath: p + ".kind", contents: Data("\(kind)\n\(seed)".utf8))
    }

    /// Replays one saved input (KERAS_FUZZ_REPLAY=path, with path.kind = kind and seed model as recorded) — for debugging a crash found by a long run.
    func testReplay() throws {
        let env = ProcessInfo.processInfo.environment
        guard let path = env["KERAS_FUZZ_REPLAY"] else { throw XCTSkip("set KERAS_FUZZ_REPLAY to replay a saved fuzz input") }
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let meta = ((try? String(contentsOfFile: path + ".kind", encoding: .utf8)) ?? "whole").split(separator: "\n").map(String.init)
        let kind = meta.first ?? "whole"
        let seed = meta.count > 1 && !meta[1].isEmpty ? meta[1] : Fixtures.loader("dense_seq.keras")
        let p = try ModelFile.archiveMembers(seed, Data(contentsOf: URL(fileURLWithPath: seed)))
        runOne("replay \(kind)") {
            switch kind {
            case "config": return try KerasModel.load(file: ModelFile.fromArchiveParts("replay.keras", config: bytes, metadata: nil, weights: p.weights))
            case "weights": return try KerasModel.load(file: ModelFile.fromArchiveParts("replay.keras", config: p.config, metadata: nil, weights: bytes))
            default: return try KerasModel.load(path: path)
            }
        }
    }

    private func runOne(_ what: String, _ body: () throws -> KerasModel) {
        let t0 = Date()
        do {
            let m = try body()
            // Whatever loaded must also run.
            let inputs = m.inputShapes.map { [Float](repeating: 0.5, count: 2 * $0.elementCount) }
            _ = try m.predictAll(inputs: inputs, batch: 2)
        } catch let e as KerasError {
            XCTAssertFalse(e.description.contains("\n"), "\(what): multi-line error \(e)")
        } catch {
            XCTFail("\(what): not a KerasError: \(error)")
        }
        XCTAssertLessThan(Date().timeIntervalSince(t0), 2, "\(what): took too long (hang?)")
    }

    private func seeds(_ ext: String) -> [String] {
        var paths = [Fixtures.loader("dense_seq.\(ext)"), Fixtures.loader("dense_fun.\(ext)")]
        for name in ["shipped", "transformer", "bidirectional_concat"] {
            let p = Fixtures.root.appendingPathComponent("\(name).\(ext)").path
            if FileManager.default.fileExists(atPath: p) { paths.append(p) }
        }
        return paths
    }

    func testFuzzWholeFiles() throws {
        var r = Rng(state: Self.seed)
        let dir = try Fixtures.tempDir(self)
        let seeds = (seeds("keras") + seeds("h5")).map { [UInt8]((try? Data(contentsOf: URL(fileURLWithPath: $0))) ?? Data()) }
        for i in 0..<Self.iterations {
            let bytes = Self.mutate(seeds[i % seeds.count], &r)
            Self.record(bytes, kind: "whole")
            let path = dir.appendingPathComponent("m\(i % 4)").path
            FileManager.default.createFile(atPath: path, contents: Data(bytes))
            runOne("whole file #\(i)") { try KerasModel.load(path: path, builders: loaderBuilders) }
        }
    }

    func testFuzzConfigJSON() throws {
        var r = Rng(state: Self.seed &+ 1)
        let seedPaths = seeds("keras")
        let parts = try seedPaths.map { try ModelFile.archiveMembers($0, Data(contentsOf: URL(fileURLWithPath: $0))) }
        for i in 0..<Self.iterations {
            let p = parts[i % parts.count]
            let config = Self.mutate([UInt8](p.config), &r)
            Self.record(config, kind: "config", seed: seedPaths[i % parts.count])
            runOne("config.json #\(i)") {
                try KerasModel.load(file: ModelFile.fromArchiveParts("fuzz.keras", config: Data(config), metadata: p.metadata, weights: p.weights),
                                    builders: loaderBuilders)
            }
        }
    }

    func testFuzzWeightsHDF5() throws {
        var r = Rng(state: Self.seed &+ 2)
        let seedPaths = seeds("keras")
        let parts = try seedPaths.map { try ModelFile.archiveMembers($0, Data(contentsOf: URL(fileURLWithPath: $0))) }
        for i in 0..<Self.iterations {
            let p = parts[i % parts.count]
            let weights = Self.mutate([UInt8](p.weights), &r)
            Self.record(weights, kind: "weights", seed: seedPaths[i % parts.count])
            runOne("model.weights.h5 #\(i)") {
                try KerasModel.load(file: ModelFile.fromArchiveParts("fuzz.keras", config: p.config, metadata: p.metadata, weights: Data(weights)),
                                    builders: loaderBuilders)
            }
        }
    }
}
