import Foundation
import XCTest
@testable import Keras

/// Helpers for the layer unit tests.
///
/// Reference numbers come from real Keras 3.15 / TensorFlow 2.21 through the script quoted in each test file: weights
/// are `det(n, 1 + k)` for the k-th entry of `layer.weights` and inputs are `det(n, 100 + i)`, with
/// `det(n, seed)[i] = float32(sin(i·0.731 + seed)·0.5)`, the same numbers in Python and Swift.
enum LayerTest {
    static func det(_ n: Int, _ seed: Double) -> [Float] {
        (0..<n).map { Float(sin(Double($0) * 0.731 + seed) * 0.5) }
    }

    /// A config dictionary from JSON text (the way it appears in config.json).
    static func config(_ className: String, _ json: String, name: String = "test_layer") -> LayerConfig {
        let data = Data(json.utf8)
        let values = (try? JSONValue.parse(data))?.objectValue ?? [:]
        precondition(!values.isEmpty || json.trimmingCharacters(in: .whitespaces) == "{}", "bad test JSON: \(json)")
        return LayerConfig(className: className, layerName: name, file: "test.keras", values: values)
    }

    /// Weights as a `.keras` file holds them: each `(child path, shape)` in `layer.weights` order gets
    /// `det(count, 1 + k)`. A child path like "forward_layer/cell" nests groups.
    static func weights(_ entries: [(String, [Int])], flat: Bool = false) -> WeightReader {
        let root = WeightReader.Node(vars: [], flat: flat)
        for (k, (path, shape)) in entries.enumerated() {
            let t = WeightReader.Tensor(path: "layers/test/\(path.isEmpty ? "" : path + "/")vars/\(k)", shape: shape,
                                        values: det(shape.reduce(1, *), 1 + Double(k)))
            if flat || path.isEmpty { root.vars.append(t); continue }
            var node = root
            for part in path.split(separator: "/").map(String.init) {
                if let c = node.children[part] { node = c } else {
                    let c = WeightReader.Node(vars: [], flat: false)
                    node.children[part] = c
                    node = c
                }
            }
            node.vars.append(t)
        }
        return WeightReader(file: "test.keras", location: "layer 'test_layer'", node: root)
    }

    /// Weights with explicit values (hand-computed cases), all at the top level.
    static func explicit(_ entries: [([Int], [Float])], child: String? = nil) -> WeightReader {
        let tensors = entries.enumerated().map { WeightReader.Tensor(path: "layers/test/vars/\($0.offset)", shape: $0.element.0, values: $0.element.1) }
        let root = child == nil ? WeightReader.Node(vars: tensors, flat: false)
            : WeightReader.Node(vars: [], children: [child!: WeightReader.Node(vars: tensors, flat: false)], flat: false)
        return WeightReader(file: "test.keras", location: "layer 'test_layer'", node: root)
    }

    /// Builds a layer from explicit weights through the registry.
    static func build(_ className: String, _ json: String, explicit entries: [([Int], [Float])], child: String? = nil) throws -> Layer {
        var context = LayerBuildContext(config: config(className, json), weights: explicit(entries, child: child))
        return try LayerRegistry.build(&context)
    }

    /// Builds through the registry (options and weights fully checked), then runs one batch.
    static func run(_ className: String, _ json: String, weights: [(String, [Int])] = [], flat: Bool = false,
                    inputShapes: [Shape], batch: Int = 2, call: CallArguments = CallArguments(),
                    inputs: [[Float]]? = nil) throws -> (shape: Shape, values: [Float]) {
        var context = LayerBuildContext(config: config(className, json), weights: self.weights(weights, flat: flat), call: call)
        let layer = try LayerRegistry.build(&context)
        return try forward(layer, inputShapes: inputShapes, batch: batch, inputs: inputs)
    }

    static func forward(_ layer: Layer, inputShapes: [Shape], batch: Int, inputs: [[Float]]? = nil) throws -> (shape: Shape, values: [Float]) {
        let out = try layer.build(inputShapes: inputShapes)
        let xs = inputs ?? inputShapes.enumerated().map { det(batch * $0.element.elementCount, 100 + Double($0.offset)) }
        var result = [Float](repeating: .nan, count: batch * out.elementCount)
        var scratch = [Float](repeating: .nan, count: batch * layer.scratchPerSample + 1)
        let pointers = xs.map { x -> UnsafeMutablePointer<Float> in
            let p = UnsafeMutablePointer<Float>.allocate(capacity: max(x.count, 1))
            p.initialize(from: x, count: x.count)
            return p
        }
        defer { pointers.forEach { $0.deallocate() } }
        let ptrs = pointers.map { UnsafePointer($0) }
        ptrs.withUnsafeBufferPointer { pb in
            result.withUnsafeMutableBufferPointer { r in
                scratch.withUnsafeMutableBufferPointer { s in
                    layer.forward(LayerInputs(pb), output: r.baseAddress!, batch: batch, scratch: s.baseAddress!)
                }
            }
        }
        return (out, result)
    }

    static func assertClose(_ a: [Float], _ b: [Float], tolerance: Float = 2e-6, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, "count", file: file, line: line)
        var worst: Float = 0
        for (x, y) in zip(a, b) { worst = max(worst, abs(x - y)) }
        XCTAssertFalse(a.contains { $0.isNaN }, "output holds NaN: \(a)", file: file, line: line)
        XCTAssertLessThanOrEqual(worst, tolerance, "max |Δ| \(worst)\n got \(a)\n want \(b)", file: file, line: line)
    }

    /// Asserts that building the layer fails with an error of `kind` whose text mentions `mention`.
    static func assertRefused(_ className: String, _ json: String, weights: [(String, [Int])] = [],
                              inputShapes: [Shape]? = nil, kind: KerasError.Kind, mention: String,
                              file: StaticString = #filePath, line: UInt = #line) {
        do {
            var context = LayerBuildContext(config: config(className, json), weights: self.weights(weights))
            let layer = try LayerRegistry.build(&context)
            if let inputShapes { _ = try layer.build(inputShapes: inputShapes) }
            XCTFail("expected refusal mentioning \(mention)", file: file, line: line)
        } catch let e as KerasError {
            XCTAssertEqual(e.kind, kind, "\(e)", file: file, line: line)
            XCTAssertTrue(e.description.contains(mention), "\(e) should mention \(mention)", file: file, line: line)
            XCTAssertTrue(e.description.contains("test.keras"), "\(e) should name the file", file: file, line: line)
            XCTAssertFalse(e.description.contains("\n"), "one line: \(e)", file: file, line: line)
        } catch {
            XCTFail("unexpected error \(error)", file: file, line: line)
        }
    }
}
