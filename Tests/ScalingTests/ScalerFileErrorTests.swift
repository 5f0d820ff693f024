import Foundation
import XCTest
@testable import Scaling

/// Every bad file gives a typed error naming the file, in one line.
final class ScalerFileErrorTests: XCTestCase {
    var tmp: URL!

    override func setUpWithError() throws {
        tmp = FileManager.default.temporaryDirectory.appendingPathComponent("scaling-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: tmp)
    }

    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let url = tmp.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    func assertOneLine(_ e: ScalerError?, naming file: String, _ fragment: String, line: UInt = #line) {
        guard let e else { return }
        XCTAssertTrue(e.description.hasPrefix(file + ":") || e.description.contains(file), e.description, line: line)
        XCTAssertTrue(e.description.contains(fragment), "\(e.description) lacks \(fragment)", line: line)
        XCTAssertFalse(e.description.contains("\n"), line: line)
    }

    func testHostileFixtures() throws {
        for (name, global) in [("evil_os_system.pkl", "posix.system"), ("evil_eval.pkl", "builtins.eval"),
                               ("evil_subprocess.pkl", "subprocess.Popen"), ("evil_hidden_in_dict.pkl", "os.system")] {
            let path = try Fixtures.path(name)
            let e = scalerError { try ScalerSet.load(path: path) }
            guard case let .pickle(p)? = e?.kind, case .forbiddenGlobal = p.kind else {
                XCTFail("\(name): \(String(describing: e))")
                continue
            }
            assertOneLine(e, naming: path, global)
        }
    }

    func testTruncatedEmptyDeepAndWrongContent() throws {
        let truncated = try Fixtures.path("truncated_p4.pkl")
        let t = scalerError { try ScalerSet.load(path: truncated) }
        guard case let .pickle(p)? = t?.kind else { return XCTFail("\(String(describing: t))") }
        XCTAssertEqual(p.kind, .truncated)
        assertOneLine(t, naming: truncated, "truncated")

        let empty = try Fixtures.path("empty.pkl")
        let e = scalerError { try ScalerSet.load(path: empty) }
        XCTAssertEqual(e?.kind, .emptyFile)
        assertOneLine(e, naming: empty, "empty")

        let deep = try Fixtures.path("deep_nested.pkl")
        let d = scalerError { try ScalerSet.load(path: deep) }
        guard case let .pickle(dp)? = d?.kind, case .limitExceeded = dp.kind else { return XCTFail("\(String(describing: d))") }
        assertOneLine(d, naming: deep, "nested deeper")

        let notScalers = try Fixtures.path("not_scalers.pkl")
        let n = scalerError { try ScalerSet.load(path: notScalers) }
        XCTAssertEqual(n?.kind, .notScalers("entry 'open' is a list, not a MinMaxScaler"))
        assertOneLine(n, naming: notScalers, "MinMaxScaler")
    }

    func testMissingDirectoryAndUnknownFormat() throws {
        let missing = tmp.appendingPathComponent("nope.pkl").path
        XCTAssertEqual(scalerError { try ScalerSet.load(path: missing) }?.kind, .missingFile)
        assertOneLine(scalerError { try ScalerSet.load(path: missing) }, naming: missing, "no such file")

        XCTAssertEqual(scalerError { try ScalerSet.load(path: self.tmp.path) }?.kind, .isDirectory)

        let csv = try write("scalers.csv", Array("a,b\n1,2\n".utf8))
        let u = scalerError { try ScalerSet.load(path: csv) }
        XCTAssertEqual(u?.kind, .unknownFormat("extension '.csv' and content is neither a pickle nor JSON"))
        assertOneLine(u, naming: csv, ".csv")

        // Content sniffing when the extension says nothing.
        let pickle = try write("scalers.bin", try Fixtures.bytes("scalers_p5.pkl"))
        XCTAssertEqual(try ScalerSet.load(path: pickle).count, 5)
        // A JSON file under a .pkl name is read as a pickle and refused cleanly.
        let lying = try write("s.pkl", Array("{\"format\": 1}".utf8))
        XCTAssertNotNil(scalerError { try ScalerSet.load(path: lying) })
    }

    func testStructuralProblems() throws {
        let good = try PickleReader.read(try Fixtures.bytes("scalers_p4.pkl"), file: "g")
        guard case let .dict(entries) = good, case let .object(cls, state?) = entries[0].value,
              case let .dict(fields) = state else { return XCTFail() }

        func scaler(without field: String) -> PickleValue {
            .object(cls, state: .dict(fields.filter { $0.key != .string(field) }))
        }
        func check(_ root: PickleValue, _ kind: ScalerError.Kind, line: UInt = #line) {
            XCTAssertEqual(scalerError { try ScalerPickleDecoding.columns(from: root, file: "f.pkl") }?.kind, kind, line: line)
        }
        check(.dict([PickleDictEntry(key: .int(0), value: scaler(without: "scale_"))]),
              .badField(field: "entry 0.scale_", problem: "is missing (was the scaler fitted before saving?)"))
        check(.dict([PickleDictEntry(key: .int(1), value: entries[0].value)]),
              .notScalers("dict key 1 is outside 0..<1: column indices must be 0, 1, 2, ... without gaps"))
        check(.list([.int(3)]), .notScalers("item 0 is a int, not a MinMaxScaler"))
        check(.list([]), .notScalers("the pickle holds an empty list"))
        check(.object(cls, state: nil), .notScalers("the scaler has no fitted state (was it fitted before saving?)"))
        check(.string("x"), .notScalers("the pickle holds a str"))

        var nanFields = fields
        if let i = nanFields.firstIndex(where: { $0.key == .string("min_") }) {
            nanFields[i] = PickleDictEntry(key: .string("min_"), value: .array(NumpyArray(
                shape: [1], dtype: NumpyDType(kind: .float, itemSize: 8), elements: .float64([.nan]))))
        }
        check(.object(cls, state: .dict(nanFields)),
              .badField(field: "min_", problem: "holds NaN or infinity (a column with no finite values was fitted)"))

        let multi = try PickleReader.read(try Fixtures.bytes("scaler_multi_p5.pkl"), file: "m")
        check(.list([multi]), .notScalers("item 0 was fitted on 5 features but a per-column scaler needs exactly 1"))
    }

    /// A single flipped bit in a stored float (here the low bit of scale_[0]) is caught, not used.
    func testCorruptedNumberIsRefused() throws {
        var bytes = try Fixtures.bytes("scalers_p4.pkl")
        let set = try ScalerSet(pickle: bytes, file: "ok")
        let pattern = withUnsafeBytes(of: set[0].scale.bitPattern.littleEndian, Array.init)
        guard let at = (0...(bytes.count - 8)).first(where: { Array(bytes[$0..<$0 + 8]) == pattern }) else {
            return XCTFail("scale_[0] bytes not found")
        }
        bytes[at] ^= 1
        XCTAssertEqual(scalerError { try ScalerSet(pickle: bytes, file: "flip.pkl") }?.kind,
                       .badField(field: "entry 0.scale_", problem: "or min_ / data_range_ does not follow from data_min_, data_max_ and feature_range as scikit-learn computes them (corrupt or edited file)"))
    }
}
