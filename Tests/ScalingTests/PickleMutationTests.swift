import XCTest
@testable import Scaling

/// A small, seeded, always-on version of the fuzzing run (tools/fuzz): mutated fixture pickles must decode or
/// throw a typed one-line error, never crash or hang.
final class PickleMutationTests: XCTestCase {
    /// SplitMix64: deterministic, so a failure reproduces.
    struct Rng {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }
    }

    func testSeededMutationsNeverCrash() throws {
        let seeds = try ["scalers_p2.pkl", "scalers_p5.pkl", "scaler_multi_p2.pkl", "legacy_numpy1_p4.pkl", "arrays_p4.pkl",
                         "scalers_npkeys_p4.pkl", "scaler_names_p4.pkl", "scalers_joblib.pkl",
                         "scalers_joblib_dataframe.pkl", "scalers_by_name_p4.pkl"].map { try Fixtures.bytes($0) }
        var rng = Rng(state: 20261121)
        var decoded = 0, refused = 0
        for i in 0..<1500 {
            var b = seeds[i % seeds.count]
            for _ in 0...rng.below(4) {
                switch rng.below(5) {
                case 0: if !b.isEmpty { b[rng.below(b.count)] ^= UInt8(1 << rng.below(8)) }
                case 1: if !b.isEmpty { b[rng.below(b.count)] = UInt8(truncatingIfNeeded: rng.next()) }
                case 2: b.removeLast(rng.below(b.count))
                case 3: b.insert(UInt8(truncatingIfNeeded: rng.next()), at: rng.below(b.count + 1))
                default:
                    let from = rng.below(b.count), n = Swift.min(rng.below(16), b.count - from)
                    b.insert(contentsOf: b[from..<from + n], at: rng.below(b.count + 1))
                }
            }
            do {
                _ = try ScalerSet(pickle: b, file: "m.pkl")
                decoded += 1
            } catch let e as ScalerError {
                XCTAssertFalse(e.description.contains("\n"))
                refused += 1
            }
        }
        XCTAssertGreaterThan(refused, 500)
        XCTAssertGreaterThan(decoded, 10, "some mutations (e.g. in float payloads) still decode")
    }
}
