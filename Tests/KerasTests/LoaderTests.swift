import Foundation
import XCTest
@testable import Keras

/// The model-file side: zip + HDF5 reading, weight-group naming, config parsing, graph wiring, sessions.
/// Uses small Dense/Add models written by Keras (tools/make_bad_fixtures.py), compared with Keras' own outputs.
final class LoaderTests: XCTestCase {
    func testSnakeCaseMatchesKerasNaming() {
        XCTAssertEqual(ArchiveWeights.snakeCase("Conv1D"), "conv1d")
        XCTAssertEqual(ArchiveWeights.snakeCase("LSTM"), "lstm")
        XCTAssertEqual(ArchiveWeights.snakeCase("MultiHeadAttention"), "multi_head_attention")
        XCTAssertEqual(ArchiveWeights.snakeCase("ConvLSTM1D"), "conv_lstm1d")
        XCTAssertEqual(ArchiveWeights.snakeCase("GlobalAveragePooling1D"), "global_average_pooling1d")
        XCTAssertEqual(ArchiveWeights.snakeCase("LayerNormalization"), "layer_normalization")
        XCTAssertEqual(ArchiveWeights.snakeCase("GRU"), "gru")
        XCTAssertEqual(ArchiveWeights.snakeCase("InputLayer"), "input_layer")
        XCTAssertEqual(ArchiveWeights.groupNames(forClasses: ["Conv1D", "LSTM", "Dense", "Dense", "LSTM", "Dense"]),
                       ["conv1d", "lstm", "dense", "dense_1", "lstm_1", "dense_2"])
    }

    func testVarsAreOrderedNumericallyAndChildrenNested() throws {
        let path = Fixtures.loader("vars_order.weights.h5")
        let h5 = try HDF5File(image: try Data(contentsOf: URL(fileURLWithPath: path)), file: path)
        let node = try ArchiveWeights(h5: h5, file: path).node(at: "layers/thing")
        XCTAssertEqual(node.vars.map { $0.values[0] }, (0..<12).map(Float.init))
        XCTAssertEqual(node.vars.map(\.path).last, "layers/thing/vars/11")
        XCTAssertEqual(node.children["cell"]?.vars.first?.values, [42, 42])
        let reader = WeightReader(file: path, location: "thing", node: node)
        for i in 0..<12 { XCTAssertEqual(try reader.take("v\(i)", shape: [1]), [Float(i)]) }
        XCTAssertEqual(try reader.child("cell").take("c", shape: [2]), [42, 42])
        XCTAssertNoThrow(try reader.finish())
    }

    func testJSONParser() throws {
        let v = try JSONValue.parse(Data(#"{"a": [1, -2.5e3, true, null, "x\"\u00e9\ud83d\ude00"], "b": {}}"#.utf8))
        XCTAssertEqual(v["a"], .array([.number(1), .number(-2500), .bool(true), .null, .string("x\"é😀")]))
        XCTAssertEqual(v["b"], .object([:]))
        XCTAssertEqual(try JSONValue.parse(Data("[NaN, -Infinity]".utf8))[ "x"], nil)
        for bad in ["", "{", "[1,]", "{\"a\" 1}", "tru", "1 2", "\"abc", String(repeating: "[", count: 100_000)] {
            XCTAssertThrowsError(try JSONValue.parse(Data(bad.utf8)), bad.prefix(10) + "")
        }
    }

    private func fixture(_ name: String) throws -> (inputs: [[Float]], outputs: [[Float]], batch: Int) {
        let v = try JSONValue.parse(Data(contentsOf: URL(fileURLWithPath: Fixtures.loader(name + ".json"))))
        let ins = v["inputs"]?.arrayValue ?? [], outs = v["outputs"]?.arrayValue ?? []
        return (ins.map(flatFloats), outs.map(flatFloats), ins.first?.arrayValue?.count ?? 0)
    }

    func testSequentialKerasAndH5MatchKeras() throws {
        let f = try fixture("dense_seq")
        for ext in ["keras", "h5"] {
            let m = try KerasModel.load(path: Fixtures.loader("dense_seq.\(ext)"), builders: loaderBuilders)
            XCTAssertEqual(m.format, ext == "keras" ? .kerasArchive : .legacyHDF5)
            XCTAssertEqual(m.modelKind, "Sequential")
            XCTAssertEqual(m.inputShape, [4])
            XCTAssertEqual(m.outputShape, [1])
            XCTAssertEqual(m.parameterCount, 4 * 3 + 3 + 3 * 2 + 2 + 2 + 1)
            XCTAssertEqual(m.metadata["keras_version"]?.hasPrefix("3."), true)
            let y = try m.predict(f.inputs[0], batch: f.batch)
            XCTAssertLessThanOrEqual(maxAbsDiff(y, f.outputs[0]), 1e-6, ext)
            // Single window equals the first row of the batch.
            let one = try m.predict(Array(f.inputs[0][0..<4]), batch: 1)
            XCTAssertEqual(one, [y[0]])
            let s = m.summary
            XCTAssertEqual(s.rows.map(\.name), ["dense", "dense_1", "dense_2"])
            XCTAssertEqual(s.rows.map(\.parameters), [15, 8, 3])
            XCTAssertTrue(s.description.contains("Total params: 26"))
            XCTAssertTrue(s.description.contains("(None, 4)"))
        }
    }

    func testFunctionalMultiInputOutputNestedSequentialMatchesKeras() throws {
        let f = try fixture("dense_fun")
        for ext in ["keras", "h5"] {
            let m = try KerasModel.load(path: Fixtures.loader("dense_fun.\(ext)"), builders: loaderBuilders)
            XCTAssertEqual(m.modelKind, "Functional")
            XCTAssertEqual(m.inputNames, ["x1", "x2"])
            XCTAssertEqual(m.inputShapes, [[3], [3]])
            XCTAssertEqual(m.outputShapes, [[1], [2]])
            let ys = try m.predictAll(inputs: f.inputs, batch: f.batch)
            XCTAssertEqual(ys.count, 2)
            for k in 0..<2 { XCTAssertLessThanOrEqual(maxAbsDiff(ys[k], f.outputs[k]), 1e-6, "\(ext) output \(k)") }
            XCTAssertEqual(m.summary.rows.map(\.name).prefix(2), ["x1", "x2"])
        }
    }

    func testSessionRunsInPlaceAndMatchesPredict() throws {
        let f = try fixture("dense_seq")
        let m = try KerasModel.load(path: Fixtures.loader("dense_seq.keras"), builders: loaderBuilders)
        let expected = try m.predict(f.inputs[0], batch: f.batch)
        let session = m.makeSession(maxBatch: 8)
        XCTAssertEqual(session.input.count, 8 * 4)
        f.inputs[0].withUnsafeBufferPointer { session.input.baseAddress!.update(from: $0.baseAddress!, count: $0.count) }
        session.run(batch: f.batch)
        XCTAssertEqual(Array(session.output), expected)
        session.run(batch: 1)
        XCTAssertEqual(Array(session.output), [expected[0]])
    }

    func testPredictRefusesWrongInputSize() throws {
        let path = Fixtures.loader("dense_seq.keras")
        let m = try KerasModel.load(path: path, builders: loaderBuilders)
        assertKerasError(.badInput, file: path, contains: "expected 2 × [4] = 8 floats, got 7") { _ = try m.predict([Float](repeating: 0, count: 7), batch: 2) }
        assertKerasError(.badInput, file: path, contains: "batch must be at least 1") { _ = try m.predict([], batch: 0) }
        assertKerasError(.badInput, file: path, contains: "takes 1 input(s), got 2") { _ = try m.predict(inputs: [[], []], batch: 1) }
    }

    /// `keras.Input((None, 3))` (fixture `variable_length`, parity-checked at 6 steps): the time axis takes the length of
    /// the windows the caller feeds; without them the model is refused with one line naming the input.
    func testVariableTimeAxisIsFixedByTheWindows() throws {
        let path = Fixtures.root.appendingPathComponent("variable_length.keras").path
        assertKerasError(.shapeMismatch, file: path, contains: "input shape (None, None, 3) has a variable dimension") { _ = try KerasModel.load(path: path) }
        assertKerasError(.shapeMismatch, file: path, contains: "variable dimension") { _ = try KerasModel.load(path: path, variableDimensions: [[6]]) }
        let six = try KerasModel.load(path: path, variableDimensions: [[6, 3]])
        XCTAssertEqual(six.inputShapes, [[6, 3]])
        let four = try KerasModel.load(path: path, variableDimensions: [[4, 99]])  // fixed dims stay as saved
        XCTAssertEqual(four.inputShapes, [[4, 3]])
        // Causal Conv1D + LSTM: the last 4 of 6 steps alone differ from all 6, and both are finite.
        let x = (0..<18).map { Float($0 % 7) / 7 - 0.4 }
        let y6 = try six.predict(x, batch: 1), y4 = try four.predict(Array(x[6...]), batch: 1)
        XCTAssertEqual(y6.count, 5)
        XCTAssertTrue(y6.allSatisfy(\.isFinite) && y4.allSatisfy(\.isFinite))
        XCTAssertNotEqual(y6, y4)
    }

    func testLargeBatchIsChunked() throws {
        let m = try KerasModel.load(path: Fixtures.loader("dense_seq.h5"), builders: loaderBuilders)
        let n = 5000
        let x = (0..<(n * 4)).map { Float($0 % 13) / 13 }
        let y = try m.predict(x, batch: n)
        XCTAssertEqual(y.count, n)
        XCTAssertEqual(y[n - 1], try m.predict(Array(x[((n - 1) * 4)...]), batch: 1)[0])
    }

    func testTiledLargeBatchMatchesWindowByWindow() throws {
        let path = Fixtures.root.appendingPathComponent("shipped.keras").path
        try XCTSkipUnless(FileManager.default.fileExists(atPath: path), "shipped fixture not generated")
        let m = try KerasModel.load(path: path)
        let big = m.makeSession(maxBatch: 1000)
        XCTAssertLessThan(big.tile, 1000, "the shipped model should run tiled at batch 1000")
        let per = m.inputShape.elementCount
        for i in 0..<big.input.count { big.input[i] = Float((i * 7919) % 1000) / 1000 }
        // Heap growth of tiled runs is measured by `trading-bot bench` (release, quiet process): in the full test
        // suite other suites' server threads move mallinfo by hundreds of KB during a slow debug batch of 1000.
        big.run(batch: 999)
        big.run(batch: 1000)
        let one = m.makeSession(maxBatch: 1)
        // Every window: covers tile edges and the split between the two threads that run big batches.
        for w in 0..<1000 {
            for k in 0..<per { one.input[k] = big.input[w * per + k] }
            one.run(batch: 1)
            XCTAssertEqual(one.output[0], big.output[w], "window \(w)")
        }
        big.run(batch: 3)  // back to the untiled path with restored tables
        for k in 0..<per { one.input[k] = big.input[2 * per + k] }
        one.run(batch: 1)
        XCTAssertEqual(one.output[0], big.output[2])
    }
}

/// Keras 2 configs (legacy .h5 from tf.keras): nested-list inbound_nodes, batch_input_shape on the first layer.
final class Keras2ConfigTests: XCTestCase {
    func testKeras2FunctionalInboundNodes() throws {
        let text = #"""
        {"class_name": "Model", "config": {"name": "model", "layers": [
          {"class_name": "InputLayer", "name": "input_1", "config": {"batch_input_shape": [null, 5, 5], "dtype": "float32", "sparse": false, "ragged": false, "name": "input_1"}, "inbound_nodes": []},
          {"class_name": "LSTM", "name": "lstm", "config": {"name": "lstm", "units": 4}, "inbound_nodes": [[["input_1", 0, 0, {}]]]},
          {"class_name": "Dense", "name": "d1", "config": {"name": "d1", "units": 4}, "inbound_nodes": [[["lstm", 0, 0, {}]]]},
          {"class_name": "Add", "name": "add", "config": {"name": "add"}, "inbound_nodes": [[["lstm", 0, 0, {}], ["d1", 0, 0, {}]]]}
        ], "input_layers": [["input_1", 0, 0]], "output_layers": [["add", 0, 0]]}}
        """#
        let g = try SavedGraph.parse(try JSONValue.parse(Data(text.utf8)), file: "k2.h5", format: .legacyHDF5)
        XCTAssertEqual(g.kind, "Functional")
        XCTAssertEqual(g.inputs.map(\.name), ["input_1"])
        XCTAssertEqual(g.inputs.first?.shape, [5, 5])
        XCTAssertEqual(g.nodes.map(\.name), ["lstm", "d1", "add"])
        XCTAssertEqual(g.nodes.last?.inputs, ["lstm", "d1"])
        XCTAssertEqual(g.outputs, ["add"])
        if case .legacyGroup(let group, let sub) = g.nodes[0].weights { XCTAssertEqual(group, "lstm"); XCTAssertNil(sub) } else { XCTFail("weights") }
    }

    func testKeras2SequentialWithBatchInputShapeOnFirstLayer() throws {
        let text = #"""
        {"class_name": "Sequential", "config": {"name": "sequential", "layers": [
          {"class_name": "Conv1D", "config": {"name": "conv1d", "batch_input_shape": [null, 5, 5], "filters": 64}},
          {"class_name": "LSTM", "config": {"name": "lstm", "units": 20}},
          {"class_name": "Dense", "config": {"name": "dense", "units": 1}}]}}
        """#
        let g = try SavedGraph.parse(try JSONValue.parse(Data(text.utf8)), file: "k2.h5", format: .legacyHDF5)
        XCTAssertEqual(g.kind, "Sequential")
        XCTAssertEqual(g.inputs.first?.shape, [5, 5])
        XCTAssertEqual(g.nodes.map(\.inputs), [["input"], ["conv1d"], ["lstm"]])
        XCTAssertEqual(g.outputs, ["dense"])
    }

    func testKeras3ArchiveGroupsSkipOperations() throws {
        // `x + y` saved as an operation (module keras.src.ops.numpy) gets no weight group, so the Dense after it is
        // still `dense_1` (matches loader/dense_fun.keras, where Keras wrote the groups).
        let text = #"""
        {"class_name": "Functional", "config": {"layers": [
          {"module": "keras.layers", "class_name": "InputLayer", "name": "x", "config": {"name": "x", "batch_shape": [null, 3]}, "inbound_nodes": []},
          {"module": "keras.layers", "class_name": "Dense", "name": "a", "config": {"name": "a"}, "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"keras_history": ["x", 0, 0]}}], "kwargs": {}}]},
          {"module": "keras.src.ops.numpy", "class_name": "Add", "name": "add", "config": {"name": "add"}, "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"keras_history": ["a", 0, 0]}}, {"class_name": "__keras_tensor__", "config": {"keras_history": ["a", 0, 0]}}], "kwargs": {}}]},
          {"module": "keras.layers", "class_name": "Dense", "name": "b", "config": {"name": "b"}, "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"keras_history": ["add", 0, 0]}}], "kwargs": {"training": false}}]}
        ], "input_layers": [["x", 0, 0]], "output_layers": ["b", 0, 0]}}
        """#
        let g = try SavedGraph.parse(try JSONValue.parse(Data(text.utf8)), file: "m.keras", format: .kerasArchive)
        let groups = g.nodes.map { n -> String in if case .archiveGroup(let p) = n.weights { return p }; return "-" }
        XCTAssertEqual(groups, ["layers/dense", "-", "layers/dense_1"])
        XCTAssertEqual(g.nodes[1].inputs, ["a", "a"])
        XCTAssertEqual(g.nodes[1].call.args.count, 2)
        XCTAssertEqual(g.nodes[2].call.kwargs["training"], .bool(false))
        XCTAssertEqual(g.outputs, ["b"])
    }
}
