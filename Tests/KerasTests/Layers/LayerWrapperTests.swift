import XCTest
@testable import Keras

/// TimeDistributed, GetItem, RepeatVector, Flatten, Reshape, merges, Concatenate, identity and activation layers.
/// Keras numbers from the ref script (see LayerTestSupport): run("tdDense", L.TimeDistributed(L.Dense(2, activation="relu")), [(3,4)])
final class LayerWrapperTests: XCTestCase {
    func testTimeDistributedDenseMatchesKeras() throws {
        let json = #"{"layer": {"module": "keras.layers", "class_name": "Dense", "config": {"name": "dense", "units": 2, "activation": "relu", "use_bias": true}}}"#
        let r = try LayerTest.run("TimeDistributed", json, weights: [("layer", [4, 2]), ("layer", [2])], inputShapes: [[3, 4]])
        XCTAssertEqual(r.shape, [3, 2])
        LayerTest.assertClose(r.values, [0.0433727502822876, 0.0, 0.909758985042572, 0.5716842412948608, 0.0, 0.0, 0.9319835901260376, 0.5260605812072754, 0.0, 0.0, 0.8652251958847046, 0.4195750057697296])
        let flat = try LayerTest.run("TimeDistributed", json, weights: [("layer", [4, 2]), ("layer", [2])], flat: true, inputShapes: [[3, 4]])
        LayerTest.assertClose(flat.values, [0.0433727502822876, 0.0, 0.909758985042572, 0.5716842412948608, 0.0, 0.0, 0.9319835901260376, 0.5260605812072754, 0.0, 0.0, 0.8652251958847046, 0.4195750057697296])
        LayerTest.assertRefused("TimeDistributed", #"{"layer": {"class_name": "Dense", "config": {"units": 2, "kernel_quantizer": 1}}}"#,
                                weights: [("layer", [4, 2]), ("layer", [2])], kind: .unsupportedOption, mention: "kernel_quantizer")
    }

    func getItem(_ index: JSONValue, shape: Shape, input: [Float]) throws -> (Shape, [Float]) {
        var c = LayerBuildContext(config: LayerTest.config("GetItem", #"{"name": "get_item"}"#), weights: LayerTest.weights([]),
                                  call: CallArguments(args: [nil, index], kwargs: [:]))
        let layer = try LayerRegistry.build(&c)
        let r = try LayerTest.forward(layer, inputShapes: [shape], batch: 1, inputs: [input])
        return (r.shape, r.values)
    }

    func testGetItemLastStepAndSlices() throws {
        let all = JSONValue.object(["class_name": .string("__slice__"), "config": .object(["start": .null, "stop": .null, "step": .null])])
        // x[:, -1, :] on (3, 2) = [[0,1],[2,3],[4,5]] → [4, 5]
        let x: [Float] = [0, 1, 2, 3, 4, 5]
        var r = try getItem(.array([all, .number(-1), all]), shape: [3, 2], input: x)
        XCTAssertEqual(r.0, [2]); XCTAssertEqual(r.1, [4, 5])
        // x[:, 0] (tuple form, trailing axis implied)
        r = try getItem(.object(["class_name": .string("__tuple__"), "config": .object(["value": .array([all, .number(0)])])]), shape: [3, 2], input: x)
        XCTAssertEqual(r.1, [0, 1])
        // x[:, 1:, ::-1] is refused; x[:, ::2, 1] → [1, 5]
        let step2 = JSONValue.object(["class_name": .string("__slice__"), "config": .object(["start": .null, "stop": .null, "step": .number(2)])])
        r = try getItem(.array([all, step2, .number(1)]), shape: [3, 2], input: x)
        XCTAssertEqual(r.0, [2]); XCTAssertEqual(r.1, [1, 5])
        let back = JSONValue.object(["class_name": .string("__slice__"), "config": .object(["start": .null, "stop": .null, "step": .number(-1)])])
        XCTAssertThrowsError(try getItem(.array([all, back]), shape: [3, 2], input: x))
        XCTAssertThrowsError(try getItem(.array([.number(0), all]), shape: [3, 2], input: x)) { XCTAssertTrue("\($0)".contains("batch axis"), "\($0)") }
        XCTAssertThrowsError(try getItem(.array([all, .number(5)]), shape: [3, 2], input: x)) { XCTAssertTrue("\($0)".contains("out of range"), "\($0)") }
    }

    func testShapeLayers() throws {
        let x: [Float] = [1, 2, 3, 4, 5, 6]
        var r = try LayerTest.run("Flatten", #"{"data_format": "channels_last"}"#, inputShapes: [[3, 2]], batch: 1, inputs: [x])
        XCTAssertEqual(r.shape, [6]); XCTAssertEqual(r.values, x)
        r = try LayerTest.run("Reshape", #"{"target_shape": [-1, 3]}"#, inputShapes: [[3, 2]], batch: 1, inputs: [x])
        XCTAssertEqual(r.shape, [2, 3]); XCTAssertEqual(r.values, x)
        r = try LayerTest.run("RepeatVector", #"{"n": 2}"#, inputShapes: [[3]], batch: 2, inputs: [x])
        XCTAssertEqual(r.shape, [2, 3]); XCTAssertEqual(r.values, [1, 2, 3, 1, 2, 3, 4, 5, 6, 4, 5, 6])
        r = try LayerTest.run("Dropout", #"{"rate": 0.5, "seed": null, "noise_shape": null}"#, inputShapes: [[3, 2]], batch: 1, inputs: [x])
        XCTAssertEqual(r.values, x)
        r = try LayerTest.run("GaussianNoise", #"{"stddev": 0.1, "seed": null}"#, inputShapes: [[6]], batch: 1, inputs: [x])
        XCTAssertEqual(r.values, x)
        LayerTest.assertRefused("Reshape", #"{"target_shape": [4, -1]}"#, inputShapes: [[3, 2]], kind: .shapeMismatch, mention: "reshape")
    }

    func testMergeAndConcatenate() throws {
        let a: [Float] = [1, 2, 3, 4], b: [Float] = [10, -20, 30, -40]
        func merge(_ cls: String) throws -> [Float] {
            try LayerTest.run(cls, "{}", inputShapes: [[2], [2]], batch: 2, inputs: [a, b]).values
        }
        XCTAssertEqual(try merge("Add"), [11, -18, 33, -36])
        XCTAssertEqual(try merge("Subtract"), [-9, 22, -27, 44])
        XCTAssertEqual(try merge("Multiply"), [10, -40, 90, -160])
        XCTAssertEqual(try merge("Average"), [5.5, -9, 16.5, -18])
        XCTAssertEqual(try merge("Maximum"), [10, 2, 30, 4])
        XCTAssertEqual(try merge("Minimum"), [1, -20, 3, -40])
        // Concatenate (1, 2) and (1, 2) per sample on axis 1 (time) and -1 (features).
        let t = try LayerTest.run("Concatenate", #"{"axis": 1}"#, inputShapes: [[1, 2], [1, 2]], batch: 2, inputs: [a, b])
        XCTAssertEqual(t.shape, [2, 2]); XCTAssertEqual(t.values, [1, 2, 10, -20, 3, 4, 30, -40])
        let f = try LayerTest.run("Concatenate", #"{"axis": -1}"#, inputShapes: [[2], [2]], batch: 2, inputs: [a, b])
        XCTAssertEqual(f.shape, [4]); XCTAssertEqual(f.values, [1, 2, 10, -20, 3, 4, 30, -40])
        LayerTest.assertRefused("Add", "{}", inputShapes: [[2], [3]], kind: .shapeMismatch, mention: "broadcasting")
    }

    func testActivationLayers() throws {
        let x: [Float] = [-2, 0.5]
        XCTAssertEqual(try LayerTest.run("Activation", #"{"activation": "relu"}"#, inputShapes: [[2]], batch: 1, inputs: [x]).values, [0, 0.5])
        XCTAssertEqual(try LayerTest.run("LeakyReLU", #"{"negative_slope": 0.1}"#, inputShapes: [[2]], batch: 1, inputs: [x]).values, [-0.2, 0.5])
        XCTAssertEqual(try LayerTest.run("ReLU", #"{"max_value": 0.25, "negative_slope": 0.0, "threshold": 0.0}"#, inputShapes: [[2]], batch: 1, inputs: [x]).values, [0, 0.25])
        let s = try LayerTest.run("Softmax", #"{"axis": -1}"#, inputShapes: [[2]], batch: 1, inputs: [[0, 0]]).values
        XCTAssertEqual(s, [0.5, 0.5])
        // Softmax over time (axis 1) of (2, 2) [[0, 0], [0, ln 3]]: columns → [0.5, 0.5] and [0.25, 0.75].
        let t = try LayerTest.run("Softmax", #"{"axis": 1}"#, inputShapes: [[2, 2]], batch: 1, inputs: [[0, 0, 0, Float(log(3.0))]])
        LayerTest.assertClose(t.values, [0.5, 0.25, 0.5, 0.75])
        let all = try LayerTest.run("Softmax", #"{"axis": [1, 2]}"#, inputShapes: [[2, 2]], batch: 1, inputs: [[0, 0, 0, 0]])
        LayerTest.assertClose(all.values, [0.25, 0.25, 0.25, 0.25])
        LayerTest.assertRefused("Softmax", #"{"axis": 0}"#, inputShapes: [[2, 2]], kind: .shapeMismatch, mention: "batch axis")
    }
}
