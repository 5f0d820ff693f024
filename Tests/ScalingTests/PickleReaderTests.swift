import XCTest
@testable import Scaling

/// The restricted pickle reader on real numpy/sklearn pickles and on hand-written opcode sequences.
final class PickleReaderTests: XCTestCase {
    let scalerFixtures = ["scalers_p2.pkl", "scalers_p3.pkl", "scalers_p4.pkl", "scalers_p5.pkl", "scalers_list_p4.pkl",
                          "scalers_npkeys_p4.pkl", "scaler_clip_p4.pkl", "scaler_multi_p2.pkl", "scaler_multi_p5.pkl",
                          "scaler_bigendian_p4.pkl", "scaler_float32_p5.pkl", "scaler_names_p4.pkl",
                          "legacy_numpy1_p2.pkl", "legacy_numpy1_p4.pkl", "legacy_numpy1_p5.pkl"]

    func testEveryScalerFixtureParses() throws {
        for name in scalerFixtures {
            let set = try ScalerSet.load(path: try Fixtures.path(name))
            XCTAssertGreaterThan(set.count, 0, name)
            for c in set.columns {
                XCTAssertTrue(c.scale.isFinite && c.scale != 0, name)
                if name.contains("float32") {
                    XCTAssertEqual(Float(c.dataRange), Float(c.dataMax) - Float(c.dataMin), name)
                } else {
                    XCTAssertEqual(c.dataRange, c.dataMax - c.dataMin, name)
                }
                XCTAssertEqual(c.samplesSeen, 2991, name)
            }
        }
    }

    func testAllProtocolsAndNumpyVersionsGiveTheSameScalers() throws {
        let reference = try ScalerSet.load(path: try Fixtures.path("scalers_p4.pkl"))
        for name in ["scalers_p2.pkl", "scalers_p3.pkl", "scalers_p5.pkl", "scalers_list_p4.pkl", "scalers_npkeys_p4.pkl",
                     "scaler_bigendian_p4.pkl", "legacy_numpy1_p2.pkl", "legacy_numpy1_p4.pkl", "legacy_numpy1_p5.pkl"] {
            XCTAssertEqual(try ScalerSet.load(path: try Fixtures.path(name)), reference, name)
        }
        XCTAssertEqual(reference[3].dataMin, 68.43099975585938, "BTC close minimum in coin_Bitcoin.csv")
    }

    func testScalerStateFieldsAreRead() throws {
        let value = try PickleReader.read(try Fixtures.bytes("scaler_clip_p4.pkl"), file: "clip")
        guard case let .object(.minMaxScaler, state?) = value else { return XCTFail("not a scaler: \(value)") }
        XCTAssertEqual(state["clip"], .bool(true))
        XCTAssertEqual(state["feature_range"], .tuple([.int(-1), .int(1)]))
        XCTAssertEqual(state["n_features_in_"], .int(1))
        XCTAssertEqual(state["_sklearn_version"], .string("1.9.1"))
        let named = try ScalerSet.load(path: try Fixtures.path("scaler_names_p4.pkl"))
        XCTAssertEqual(named[0].featureName, "close")
        let f32 = try PickleReader.read(try Fixtures.bytes("scaler_float32_p5.pkl"), file: "f32")
        guard case let .object(_, s?) = f32, case let .array(a)? = s["scale_"] else { return XCTFail() }
        XCTAssertEqual(a.dtype.kind, .float)
        XCTAssertEqual(a.dtype.itemSize, 4)
    }

    func testNumpyArraysAllProtocols() throws {
        let expected = try Fixtures.expected().arrays
        for name in ["arrays_p2.pkl", "arrays_p4.pkl", "arrays_p5.pkl"] {
            let value = try PickleReader.read(try Fixtures.bytes(name), file: name)
            for (key, want) in expected {
                guard case let .array(a)? = value[key] else { XCTFail("\(name): \(key) missing"); continue }
                XCTAssertEqual(a.shape, want.shape, "\(name) \(key)")
                let got: [String]
                switch a.elements {
                case let .float64(v): got = v.map { $0.description }
                case let .float32(v): got = v.map { Double($0).description }
                case let .int(v): got = v.map { String($0) }
                case let .uint(v): got = v.map { String($0) }
                case let .bool(v): got = v.map { $0 ? "True" : "False" }
                case .object: got = []
                }
                if case .float64 = a.elements {
                    XCTAssertEqual(got.map { Double($0) }, want.values.map { Double($0) }, "\(name) \(key)")
                } else if case .float32 = a.elements {
                    XCTAssertEqual(got.map { Double($0) }, want.values.map { Double($0) }, "\(name) \(key)")
                } else {
                    XCTAssertEqual(got, want.values, "\(name) \(key)")
                }
            }
            guard case let .array(be)? = value["f4_big"] else { return XCTFail() }
            XCTAssertFalse(be.dtype.littleEndian, name)
        }
    }

    // MARK: hand-written opcode sequences

    func testBasicOpcodes() throws {
        // PROTO 2, MARK, BININT1 1, BININT2 513, BININT -2, LONG1 2^40, NONE, TRUE, FALSE, BINFLOAT 1.5, TUPLE, STOP
        var p: [UInt8] = [0x80, 2, 0x28, 0x4B, 1, 0x4D, 0x01, 0x02, 0x4A, 0xFE, 0xFF, 0xFF, 0xFF]
        p += [0x8A, 6, 0, 0, 0, 0, 0, 1]
        p += [0x4E, 0x88, 0x89, 0x47, 0x3F, 0xF8, 0, 0, 0, 0, 0, 0]
        p += [0x74, 0x2E]
        XCTAssertEqual(try PickleReader.read(p, file: "t"),
                       .tuple([.int(1), .int(513), .int(-2), .int(1 << 40), .none, .bool(true), .bool(false), .float(1.5)]))
    }

    func testLongNegativeAndMemo() throws {
        // LONG1 -1 (1 byte 0xff), BINPUT 0, BINGET 0, TUPLE2, STOP
        let p: [UInt8] = [0x80, 2, 0x8A, 1, 0xFF, 0x71, 0, 0x68, 0, 0x86, 0x2E]
        XCTAssertEqual(try PickleReader.read(p, file: "t"), .tuple([.int(-1), .int(-1)]))
        let wide: [UInt8] = [0x80, 2, 0x8A, 9, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0x2E]
        XCTAssertEqual(pickleError { try PickleReader.read(wide, file: "w") }?.kind,
                       .malformed("integer wider than 64 bits"))
    }

    func testListDictAndSharedMutation() throws {
        // [] BINPUT 0, MARK, K1, K2, APPENDS, } 'a' -> BINGET 0, SETITEM, then APPEND K3 to list via BINGET 0 ... STOP
        let p: [UInt8] = [0x80, 4, 0x5D, 0x71, 0, 0x28, 0x4B, 1, 0x4B, 2, 0x65, 0x30,
                          0x7D, 0x8C, 1, 0x61, 0x68, 0, 0x73,
                          0x68, 0, 0x4B, 3, 0x61, 0x30, 0x2E]
        XCTAssertEqual(try PickleReader.read(p, file: "t"),
                       .dict([PickleDictEntry(key: .string("a"), value: .list([.int(1), .int(2), .int(3)]))]))
    }

    func testForbiddenGlobalsAreRefusedWithTheirName() throws {
        let cases: [(String, String, String)] = [
            ("evil_os_system.pkl", "posix", "system"), ("evil_eval.pkl", "builtins", "eval"),
            ("evil_subprocess.pkl", "subprocess", "Popen"), ("evil_hidden_in_dict.pkl", "os", "system"),
        ]
        for (name, module, global) in cases {
            let e = pickleError { try PickleReader.read(try Fixtures.bytes(name), file: name) }
            XCTAssertEqual(e?.kind, .forbiddenGlobal(module: module, name: global), name)
            let text = e?.description ?? ""
            XCTAssertTrue(text.contains(name) && text.contains("\(module).\(global)") && text.contains("could run code"), text)
            XCTAssertFalse(text.contains("\n"))
        }
        // Whitelisted names in a wrong role are refused too, never "called".
        for (m, n) in [("builtins", "getattr"), ("numpy", "load"), ("copyreg", "__newobj__"), ("numpy.core.multiarray", "empty")] {
            XCTAssertNil(SafeGlobal.resolve(module: m, name: n))
        }
    }

    /// Found by the fuzzer: STACK_GLOBAL names may hold newlines; the description must stay one line.
    func testHostileNamesStayOnOneLine() {
        let module = "os\nsystem" + String(repeating: "x", count: 5000)
        let p: [UInt8] = [0x80, 4, 0x8D] + withUnsafeBytes(of: UInt64(module.utf8.count).littleEndian, Array.init)
            + Array(module.utf8) + [0x8C, 5] + Array("ev\ril".utf8) + [0x93, 0x2E]
        let e = pickleError { try PickleReader.read(p, file: "bad\nname.pkl") }
        XCTAssertEqual(e?.kind, .forbiddenGlobal(module: module, name: "ev\ril"))
        let text = e?.description ?? ""
        XCTAssertFalse(text.contains("\n") || text.contains("\r"), text)
        XCTAssertTrue(text.contains("os\\nsystem") && text.contains("ev\\ril") && text.contains("bad\\nname.pkl"), text)
        XCTAssertLessThan(text.count, 600)
    }

    func testWhitelistedGlobalInWrongRoleIsRefused() {
        // GLOBAL numpy ndarray, EMPTY_TUPLE, REDUCE -> would call ndarray(): refused.
        let p: [UInt8] = [0x80, 2, 0x63] + Array("numpy\nndarray\n".utf8) + [0x29, 0x52, 0x2E]
        XCTAssertEqual(pickleError { try PickleReader.read(p, file: "r") }?.kind,
                       .malformed("numpy.ndarray cannot be called by REDUCE"))
    }

    func testTruncatedAtEveryLengthIsACleanError() throws {
        let good = try Fixtures.bytes("scalers_p4.pkl")
        for n in 0..<good.count {
            do {
                _ = try ScalerSet(pickle: Array(good[0..<n]), file: "cut")
                XCTFail("prefix \(n) accepted")
            } catch let e as ScalerError {
                XCTAssertEqual(e.file, "cut")
            }
        }
        for name in ["scalers_p2.pkl", "scalers_p5.pkl", "legacy_numpy1_p2.pkl"] {
            let bytes = try Fixtures.bytes(name)
            for n in stride(from: 0, to: bytes.count, by: 7) {
                XCTAssertThrowsError(try ScalerSet(pickle: Array(bytes[0..<n]), file: name))
            }
        }
    }

    func testLimits() {
        let deep: [UInt8] = [0x80, 4] + [UInt8](repeating: 0x5D, count: 100_000) + [UInt8](repeating: 0x61, count: 99_999) + [0x2E]
        XCTAssertEqual(pickleError { try PickleReader.read(deep, file: "d") }?.kind,
                       .limitExceeded("values nested deeper than 64 levels"))
        // A self-containing list (cycle) is refused by depth, not looped over.
        let cycle: [UInt8] = [0x80, 2, 0x5D, 0x71, 0, 0x68, 0, 0x61, 0x2E]
        XCTAssertNotNil(pickleError { try PickleReader.read(cycle, file: "c") })
        // Exponential sharing: each list holds the previous one twice.
        var share: [UInt8] = [0x80, 2, 0x5D, 0x71, 0]
        for _ in 0..<40 { share += [0x5D, 0x68, 0, 0x68, 0, 0x86, 0x61, 0x71, 0] }
        share += [0x2E]
        var limits = PickleLimits()
        limits.maxDepth = 100
        XCTAssertEqual(pickleError { try PickleReader.read(share, file: "s", limits: limits) }?.kind,
                       .limitExceeded("more than \(limits.maxNodes) values in the result"))
        var small = PickleLimits()
        small.maxMemo = 3
        let memo: [UInt8] = [0x80, 2, 0x4E, 0x71, 0, 0x71, 1, 0x71, 2, 0x71, 3, 0x2E]
        XCTAssertEqual(pickleError { try PickleReader.read(memo, file: "m", limits: small) }?.kind,
                       .limitExceeded("more than 3 memo entries"))
        small.maxInputBytes = 4
        XCTAssertEqual(pickleError { try PickleReader.read(memo, file: "m", limits: small) }?.kind,
                       .limitExceeded("the file has 12 bytes (limit 4)"))
        // A length prefix larger than the input is truncation, not an allocation.
        let huge: [UInt8] = [0x80, 4, 0x8E, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F, 0x2E]
        XCTAssertEqual(pickleError { try PickleReader.read(huge, file: "h") }?.kind, .truncated)
    }

    func testArrayShapeMismatchAndBadDtypes() {
        // _frombuffer(b'\0'*8, dtype('f8'), (2,), 'C'): 8 bytes for 2 float64 -> refused.
        var p: [UInt8] = [0x80, 4, 0x8C, 19] + Array("numpy._core.numeric".utf8) + [0x8C, 11] + Array("_frombuffer".utf8) + [0x93]
        p += [0x28, 0x43, 8] + [UInt8](repeating: 0, count: 8)
        p += [0x8C, 5] + Array("numpy".utf8) + [0x8C, 5] + Array("dtype".utf8) + [0x93]
        p += [0x8C, 2] + Array("f8".utf8) + [0x89, 0x88, 0x87, 0x52]
        p += [0x4B, 2, 0x85, 0x8C, 1, 0x43, 0x74, 0x52, 0x2E]
        XCTAssertEqual(pickleError { try PickleReader.read(p, file: "a") }?.kind,
                       .malformed("array data has 8 bytes but shape [2] of <f8 needs 16"))
        // 65 dimensions: more than numpy allows, refused before any per-element work.
        var q: [UInt8] = [0x80, 4, 0x8C, 19] + Array("numpy._core.numeric".utf8) + [0x8C, 11] + Array("_frombuffer".utf8) + [0x93]
        q += [0x28, 0x43, 8] + [UInt8](repeating: 0, count: 8)
        q += [0x8C, 5] + Array("numpy".utf8) + [0x8C, 5] + Array("dtype".utf8) + [0x93]
        q += [0x8C, 2] + Array("f8".utf8) + [0x89, 0x88, 0x87, 0x52]
        q += [0x28] + [UInt8](repeating: 0, count: 65).flatMap { _ in [UInt8(0x4B), 1] } + [0x74, 0x8C, 1, 0x43, 0x74, 0x52, 0x2E]
        XCTAssertEqual(pickleError { try PickleReader.read(q, file: "a") }?.kind,
                       .malformed("array with 65 dimensions (numpy allows 64)"))
        XCTAssertNil(NumpyDType(code: "c16"))
        XCTAssertNil(NumpyDType(code: "U5"))
        XCTAssertEqual(NumpyDType(code: ">f4"), NumpyDType(kind: .float, itemSize: 4, littleEndian: false))
    }

    func testFortranOrderPermutation() {
        XCTAssertEqual(NumpyReconstruction.fortranToC(shape: [2, 3]), [0, 2, 4, 1, 3, 5])
        XCTAssertEqual(NumpyReconstruction.fortranToC(shape: [2, 2, 2]), [0, 4, 2, 6, 1, 5, 3, 7])
    }
}

/// The scalers.pkl shipped in the repository (written by tools/train.py) loads with the native reader.
final class ShippedScalersTests: XCTestCase {
    func testShippedScalersLoad() throws {
        var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while dir.path != "/" && !FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path) {
            dir.deleteLastPathComponent()
        }
        let path = dir.appendingPathComponent("scalers/scalers.pkl").path
        guard FileManager.default.fileExists(atPath: path) else { throw XCTSkip("no shipped scalers/scalers.pkl") }
        let set = try ScalerSet.load(path: path)
        XCTAssertEqual(set.count, 5)
        XCTAssertTrue(set.columns.allSatisfy { $0.dataMin < $0.dataMax && $0.scale > 0 })
    }
}
