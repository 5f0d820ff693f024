import Foundation
import XCTest
@testable import Keras

/// Every way a model file can be wrong gives one typed KerasError line naming the file and the problem.
final class BadInputTests: XCTestCase {
    private func load(_ path: String) throws { _ = try KerasModel.load(path: path, builders: loaderBuilders) }

    private func write(_ bytes: [UInt8], _ name: String) throws -> String {
        let url = try Fixtures.tempDir(self).appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    private func prefix(of fixture: String, fraction: Double, name: String) throws -> String {
        let data = try Data(contentsOf: URL(fileURLWithPath: fixture))
        return try write(Array(data.prefix(Int(Double(data.count) * fraction))), name)
    }

    func testMissingFile() {
        assertKerasError(.unreadableFile, file: "/nonexistent/model.keras", contains: "no such file") { try load("/nonexistent/model.keras") }
    }

    func testDirectory() throws {
        let dir = try Fixtures.tempDir(self).path
        assertKerasError(.unreadableFile, file: dir, contains: "is a directory") { try load(dir) }
    }

    func testEmptyFile() throws {
        let p = try write([], "empty.keras")
        assertKerasError(.unreadableFile, file: p, contains: "is empty") { try load(p) }
    }

    func testGarbageAndUnknownFormat() throws {
        let p = try write(Array("hello, this is not a model".utf8), "model.keras")
        assertKerasError(.corruptContainer, file: p, contains: "not a zip archive") { try load(p) }
        let q = try write(Array("hello".utf8), "model.onnx")
        assertKerasError(.corruptContainer, file: q, contains: "neither a Keras 3 .keras archive nor a legacy Keras .h5") { try load(q) }
        let r = try write([0x50, 0x4B, 0x03, 0x04] + [UInt8](repeating: 7, count: 300), "pk.keras")
        assertKerasError(.corruptContainer, file: r, contains: "zip") { try load(r) }
        let s = try write(HDF5File.signature + [UInt8](repeating: 0, count: 300), "sig.h5")
        assertKerasError(.corruptContainer, file: s, contains: "HDF5 data is corrupt or truncated") { try load(s) }
    }

    func testTruncatedZipAtManyLengths() throws {
        let good = Fixtures.loader("dense_seq.keras")
        for fraction in [0.001, 0.1, 0.5, 0.9, 0.99, 0.9995] {
            let p = try prefix(of: good, fraction: fraction, name: "cut\(fraction).keras")
            assertKerasError(.corruptContainer, file: p, contains: "corrupt or truncated zip") { try load(p) }
        }
    }

    func testTruncatedH5AtManyLengths() throws {
        let good = Fixtures.loader("dense_seq.h5")
        for fraction in [0.01, 0.1, 0.5, 0.9, 0.99] {
            let p = try prefix(of: good, fraction: fraction, name: "cut\(fraction).h5")
            do { try load(p); XCTFail("truncated file \(fraction) loaded") } catch let e as KerasError {
                XCTAssertTrue(e.description.hasPrefix(p), "\(e)")
                XCTAssertFalse(e.description.contains("\n"))
            }
        }
    }

    func testArchiveWithoutConfigOrWeights() {
        let a = Fixtures.bad("no_config.keras"), b = Fixtures.bad("no_weights.keras")
        assertKerasError(.corruptContainer, file: a, contains: "the archive has no 'config.json'") { try load(a) }
        assertKerasError(.corruptContainer, file: b, contains: "the archive has no 'model.weights.h5'") { try load(b) }
    }

    func testConfigNotJSON() {
        let p = Fixtures.bad("not_json.keras")
        assertKerasError(.badConfig, file: p, contains: "config.json: is not valid JSON") { try load(p) }
    }

    func testMissingWeight() {
        let k = Fixtures.bad("missing_weight.keras"), h = Fixtures.bad("missing_weight.h5")
        assertKerasError(.badWeights, file: k, contains: "layer 'dense_1' (Dense): weight 'bias' [2] is missing from the file") { try load(k) }
        assertKerasError(.badWeights, file: h, contains: "dataset is missing") { try load(h) }
    }

    func testWrongShapedWeight() {
        let k = Fixtures.bad("wrong_shape.keras"), h = Fixtures.bad("wrong_shape.h5")
        assertKerasError(.badWeights, file: k, contains: "layer 'dense_1' (Dense): weight 'kernel' at 'layers/dense_1/vars/0' has shape [3, 5], expected [3, 2]") { try load(k) }
        assertKerasError(.badWeights, file: h, contains: "has shape [3, 5], expected [3, 2]") { try load(h) }
    }

    func testWeightsNoLayerClaims() {
        let k = Fixtures.bad("extra_weights.keras")
        assertKerasError(.badWeights, file: k, contains: "HDF5 'layers/dense_9': holds weights that no layer of config.json claims") { try load(k) }
    }

    func testUnknownLayerOptionAndActivation() {
        let a = Fixtures.bad("unknown_layer.keras"), b = Fixtures.bad("unknown_option.keras"), c = Fixtures.bad("unknown_activation.keras")
        assertKerasError(.unknownLayer, file: a, contains: "layer 'dense_1' (FancyDense): layer class 'FancyDense' is not supported") { try load(a) }
        assertKerasError(.unsupportedOption, file: b, contains: "layer 'dense_1' (Dense) option 'frobnicate'") { try load(b) }
        do { try load(c); XCTFail("unknown activation accepted") } catch let e as KerasError {
            XCTAssertTrue(e.description.hasPrefix(c) && e.description.contains("mish_v9"), "\(e)")
        } catch { XCTFail("\(error)") }
    }

    func testWeightsOnlyH5() {
        let p = Fixtures.bad("weights_only.weights.h5")
        assertKerasError(.badConfig, file: p, contains: "no 'model_config' attribute") { try load(p) }
    }

    func testBadConfigsInsideGoodContainers() throws {
        // Configs hand-written into a zip would need a zip writer; the graph parser is exercised directly instead.
        let cases: [(String, String)] = [
            (#"{"config": {}}"#, "has no 'class_name'"),
            (#"{"class_name": "MyModel", "config": {}}"#, "model class 'MyModel' is not supported"),
            (#"{"class_name": "Sequential", "config": {"layers": [{"class_name": "Dense", "config": {"name": "d", "units": 1}}]}}"#, "no input shape"),
            (#"{"class_name": "Sequential", "config": {"layers": [{"class_name": "InputLayer", "config": {"name": "i", "batch_shape": [null, 0, 5]}}]}}"#, "variable or invalid dimension"),
            (#"{"class_name": "Functional", "config": {"layers": [{"class_name": "InputLayer", "name": "i", "config": {"name": "i", "batch_shape": [null, 3]}, "inbound_nodes": []}, {"class_name": "Dense", "name": "d", "config": {"name": "d"}, "inbound_nodes": [[["nope", 0, 0, {}]]]}], "input_layers": [["i", 0, 0]], "output_layers": [["d", 0, 0]]}}"#, "refers to unknown layer 'nope'"),
            (#"{"class_name": "Functional", "config": {"layers": [{"class_name": "InputLayer", "name": "i", "config": {"name": "i", "batch_shape": [null, 3]}, "inbound_nodes": []}, {"class_name": "Dense", "name": "d", "config": {"name": "d"}, "inbound_nodes": [[["i", 0, 0, {}]], [["i", 0, 0, {}]]]}], "input_layers": [["i", 0, 0]], "output_layers": [["d", 0, 0]]}}"#, "shared layer"),
            (#"{"class_name": "Functional", "config": {"layers": [{"class_name": "InputLayer", "name": "i", "config": {"name": "i", "batch_shape": [null, 3]}, "inbound_nodes": []}, {"class_name": "Dense", "name": "a", "config": {"name": "a"}, "inbound_nodes": [[["b", 0, 0, {}]]]}, {"class_name": "Dense", "name": "b", "config": {"name": "b"}, "inbound_nodes": [[["a", 0, 0, {}]]]}], "input_layers": [["i", 0, 0]], "output_layers": [["b", 0, 0]]}}"#, "cycle"),
            (#"{"class_name": "Functional", "config": {"layers": [{"class_name": "InputLayer", "name": "i", "config": {"name": "i", "batch_shape": [null, 3]}, "inbound_nodes": []}, {"class_name": "LSTM", "name": "a", "config": {"name": "a"}, "inbound_nodes": [[["i", 0, 0, {}]]]}, {"class_name": "Dense", "name": "b", "config": {"name": "b"}, "inbound_nodes": [[["a", 0, 1, {}]]]}], "input_layers": [["i", 0, 0]], "output_layers": [["b", 0, 0]]}}"#, "several outputs"),
        ]
        for (text, phrase) in cases {
            do {
                _ = try SavedGraph.parse(try JSONValue.parse(Data(text.utf8)), file: "m.keras", format: .kerasArchive)
                XCTFail("accepted: \(text)")
            } catch let e as KerasError {
                XCTAssertTrue(e.description.hasPrefix("m.keras: ") && e.description.contains(phrase), "\(phrase) not in \(e)")
            }
        }
    }
}
