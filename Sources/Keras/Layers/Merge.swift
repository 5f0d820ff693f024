/// Keras merge layers on inputs of one shape: `Add`, `Subtract`, `Multiply`, `Average`, `Maximum`, `Minimum`
/// (also what a functional model saves for `x + y`). Inputs of different shapes (broadcasting) are refused.
public final class MergeLayer: Layer {
    enum Op: String { case add = "Add", subtract = "Subtract", multiply = "Multiply", average = "Average", maximum = "Maximum", minimum = "Minimum" }

    public let name: String
    public let className: String
    public let parameterCount = 0
    public let scratchPerSample = 0
    private let id: LayerIdentity
    private let op: Op
    private var count = 0

    init(_ context: inout LayerBuildContext) throws {
        id = LayerIdentity(context.config)
        name = id.name
        className = id.className
        guard let op = Op(rawValue: id.className) else {
            throw KerasError(.unknownLayer, file: id.file, location: context.config.location, "not a merge layer")
        }
        self.op = op
    }

    static func make(_ context: inout LayerBuildContext) throws -> Layer { try MergeLayer(&context) }

    public func build(inputShapes: [Shape]) throws -> Shape {
        guard inputShapes.count >= 2, op != .subtract || inputShapes.count == 2 else {
            throw id.shapeError(op == .subtract ? "expects exactly 2 inputs, got \(inputShapes.count)" : "expects at least 2 inputs, got \(inputShapes.count)")
        }
        for s in inputShapes where s != inputShapes[0] {
            throw id.shapeError("inputs must have one shape (broadcasting is not supported): \(inputShapes.map(\.batchedDescription).joined(separator: " vs "))")
        }
        count = inputShapes[0].elementCount
        return inputShapes[0]
    }

    public func forward(_ inputs: LayerInputs, output: UnsafeMutablePointer<Float>, batch: Int, scratch: UnsafeMutablePointer<Float>) {
        let n = batch * count
        output.update(from: inputs[0], count: n)
        for k in 1..<inputs.count {
            let x = inputs[k]
            switch op {
            case .add, .average: for i in 0..<n { output[i] += x[i] }
            case .subtract: for i in 0..<n { output[i] -= x[i] }
            case .multiply: for i in 0..<n { output[i] *= x[i] }
            case .maximum: for i in 0..<n { output[i] = Swift.max(output[i], x[i]) }
            case .minimum: for i in 0..<n { output[i] = Swift.min(output[i], x[i]) }
            }
        }
        if op == .average {
            let k = Float(inputs.count)
            for i in 0..<n { output[i] /= k }
        }
    }
}
