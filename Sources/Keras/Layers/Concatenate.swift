/// Keras `Concatenate` along `axis` (counted with the batch axis, negative from the end; the batch axis itself
/// cannot be joined).
public final class ConcatenateLayer: Layer {
    public let name: String
    public let className = "Concatenate"
    public let parameterCount = 0
    public let scratchPerSample = 0
    private let id: LayerIdentity
    private let axis: Int
    /// Per input: floats per sample, and the contiguous run copied per outer index.
    private var sampleCounts: [Int] = []
    private var runs: [Int] = []
    private var outer = 0
    private var outCount = 0

    init(_ context: inout LayerBuildContext) throws {
        id = LayerIdentity(context.config)
        name = id.name
        axis = try context.config.int("axis", default: -1)
    }

    static func make(_ context: inout LayerBuildContext) throws -> Layer { try ConcatenateLayer(&context) }

    public func build(inputShapes: [Shape]) throws -> Shape {
        guard inputShapes.count >= 2 else { throw id.shapeError("expects at least 2 inputs, got \(inputShapes.count)") }
        let rank = inputShapes[0].count
        let a = axis < 0 ? rank + axis : axis - 1  // index in the batch-free shape
        guard a >= 0, a < rank else { throw id.shapeError("axis \(axis) is out of range for \(inputShapes[0].batchedDescription)") }
        var out = inputShapes[0]
        out[a] = 0
        for s in inputShapes {
            guard s.count == rank, Array(s[..<a]) == Array(out[..<a]), Array(s[(a + 1)...]) == Array(out[(a + 1)...]) else {
                throw id.shapeError("inputs do not match outside axis \(axis): \(inputShapes.map(\.batchedDescription).joined(separator: ", "))")
            }
            out[a] += s[a]
        }
        outer = Array(out[..<a]).elementCount
        sampleCounts = inputShapes.map(\.elementCount)
        runs = inputShapes.map { Array($0[a...]).elementCount }
        outCount = out.elementCount
        return out
    }

    public func forward(_ inputs: LayerInputs, output: UnsafeMutablePointer<Float>, batch: Int, scratch: UnsafeMutablePointer<Float>) {
        var dst = output
        for b in 0..<batch {
            for o in 0..<outer {
                for k in 0..<inputs.count {
                    let run = runs[k]
                    dst.update(from: inputs[k] + b * sampleCounts[k] + o * run, count: run)
                    dst += run
                }
            }
        }
    }
}
