/// Keras `Reshape`: same data, new shape (`target_shape`, with at most one -1 inferred).
public final class ReshapeLayer: Layer {
    public let name: String
    public let className = "Reshape"
    public let parameterCount = 0
    public let scratchPerSample = 0
    private let id: LayerIdentity
    private let target: [Int]
    private var count = 0

    init(_ context: inout LayerBuildContext) throws {
        id = LayerIdentity(context.config)
        name = id.name
        target = try context.config.ints("target_shape")
        guard target.filter({ $0 == -1 }).count <= 1, target.allSatisfy({ $0 > 0 || $0 == -1 }) else {
            throw context.config.error("target_shape", "must hold positive sizes and at most one -1, found \(target)", kind: .badConfig)
        }
    }

    static func make(_ context: inout LayerBuildContext) throws -> Layer { try ReshapeLayer(&context) }

    public func build(inputShapes: [Shape]) throws -> Shape {
        try id.expect(inputShapes)
        count = inputShapes[0].elementCount
        let known = target.filter { $0 != -1 }.reduce(1, *)
        var shape = target
        if let i = target.firstIndex(of: -1) {
            guard known > 0, count % known == 0 else {
                throw id.shapeError("cannot reshape \(inputShapes[0].batchedDescription) to \(target)")
            }
            shape[i] = count / known
        }
        guard shape.elementCount == count else {
            throw id.shapeError("cannot reshape \(inputShapes[0].batchedDescription) (\(count) values) to \(shape.batchedDescription)")
        }
        return shape
    }

    public func forward(_ inputs: LayerInputs, output: UnsafeMutablePointer<Float>, batch: Int, scratch: UnsafeMutablePointer<Float>) {
        output.update(from: inputs[0], count: batch * count)
    }
}
