import Foundation
import XCTest
@testable import Keras

/// Locations of the test fixtures (found from this file, so tests run from any working directory).
enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    static func loader(_ name: String) -> String { root.appendingPathComponent("loader/\(name)").path }
    static func bad(_ name: String) -> String { root.appendingPathComponent("bad/\(name)").path }

    /// A fresh temporary directory removed by the test's teardown.
    static func tempDir(_ test: XCTestCase) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kerastests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        test.addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir
    }
}

/// Flattens nested JSON number lists into floats (fixture inputs/outputs).
func flatFloats(_ v: JSONValue) -> [Float] {
    if let d = v.doubleValue { return [Float(d)] }
    return (v.arrayValue ?? []).flatMap(flatFloats)
}

func maxAbsDiff(_ a: [Float], _ b: [Float]) -> Float {
    precondition(a.count == b.count)
    return zip(a, b).map { abs($0 - $1) }.max() ?? 0
}

/// Minimal Dense/Add used by the loader tests only while the real layers (Sources/Keras/Layers) are not in
/// `LayerRegistry.builders`; the real ones always take precedence (see `loaderBuilders`).
final class LoaderTestDense: Layer {
    let name: String
    let className = "Dense"
    let units: Int
    let relu: Bool
    let kernelShape0: Int
    let kernel: [Float]
    let bias: [Float]
    var parameterCount: Int { kernel.count + bias.count }
    let scratchPerSample = 0

    init(_ c: inout LayerBuildContext) throws {
        name = c.config.layerName
        units = try c.config.int("units")
        relu = try c.config.choice("activation", ["linear", "relu"], default: "linear") == "relu"
        let useBias = try c.config.bool("use_bias", default: true)
        c.config.ignore("quantization_config", "lora_rank", "lora_alpha")
        guard let shape = c.weights.peekShape(), shape.count == 2 else {
            throw KerasError(.badWeights, file: c.config.file, location: c.config.location, "kernel missing")
        }
        kernelShape0 = shape[0]
        kernel = try c.weights.take("kernel", shape: [shape[0], units])
        bias = useBias ? try c.weights.take("bias", shape: [units]) : [Float](repeating: 0, count: units)
    }

    func build(inputShapes: [Shape]) throws -> Shape {
        guard inputShapes.count == 1, inputShapes[0] == [kernelShape0] else {
            throw KerasError(.shapeMismatch, file: "", location: name, "bad input \(inputShapes)")
        }
        return [units]
    }

    func forward(_ inputs: LayerInputs, output: UnsafeMutablePointer<Float>, batch: Int, scratch: UnsafeMutablePointer<Float>) {
        let x = inputs[0], n = kernelShape0
        for b in 0..<batch {
            for u in 0..<units {
                var s = bias[u]
                for i in 0..<n { s += x[b * n + i] * kernel[i * units + u] }
                output[b * units + u] = relu ? max(0, s) : s
            }
        }
    }
}

final class LoaderTestAdd: Layer {
    let name: String
    let className = "Add"
    let parameterCount = 0
    let scratchPerSample = 0
    var count = 0
    init(_ c: inout LayerBuildContext) { name = c.config.layerName }
    func build(inputShapes: [Shape]) throws -> Shape {
        guard inputShapes.count >= 2, inputShapes.allSatisfy({ $0 == inputShapes[0] }) else {
            throw KerasError(.shapeMismatch, file: "", location: name, "bad inputs \(inputShapes)")
        }
        count = inputShapes[0].elementCount
        return inputShapes[0]
    }
    func forward(_ inputs: LayerInputs, output: UnsafeMutablePointer<Float>, batch: Int, scratch: UnsafeMutablePointer<Float>) {
        for k in 0..<(batch * count) {
            var s: Float = 0
            for i in 0..<inputs.count { s += inputs[i][k] }
            output[k] = s
        }
    }
}

/// The real layer table, completed with the test Dense/Add where the real ones are not built yet.
let loaderBuilders: [String: LayerBuilder] = {
    var b: [String: LayerBuilder] = ["Dense": { try LoaderTestDense(&$0) }, "Add": { LoaderTestAdd(&$0) }]
    for (k, v) in LayerRegistry.builders { b[k] = v }
    return b
}()

/// Asserts `body` throws a KerasError of `kind` whose one-line description names `file` and contains `phrase`.
func assertKerasError(_ kind: KerasError.Kind, file: String, contains phrase: String,
                      line: UInt = #line, _ body: () throws -> Void) {
    do {
        try body()
        XCTFail("expected \(kind) error for \(file)", line: line)
    } catch let e as KerasError {
        XCTAssertEqual(e.kind, kind, "\(e)", line: line)
        XCTAssertTrue(e.description.hasPrefix(file + ":") || e.description.hasPrefix(file + "!"), "not naming the file: \(e)", line: line)
        XCTAssertTrue(e.description.contains(phrase), "'\(phrase)' not in: \(e)", line: line)
        XCTAssertFalse(e.description.contains("\n"), "not one line: \(e)", line: line)
    } catch {
        XCTFail("not a KerasError: \(error)", line: line)
    }
}
