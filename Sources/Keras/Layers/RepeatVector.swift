/// Keras `RepeatVector`: a (F) vector becomes (n, F) by repetition (the encoder→decoder bridge).
public final class RepeatVectorLayer: Layer {
    public let name: String
    public let className = "RepeatVector"
    public let parameterCount = 0
    public let scratchPerSample = 0
    private let id: LayerIdentity
    private let n: Int
    private var features = 0

    init(_ context: inout LayerBuildContext) throws {
        id = LayerIdentity(context.config)
        name = id.name
        n = try context.config.int("n")
        guard n > 0 else { throw context.config.error("n", "must be positive, found \(n)", kind: .badConfig) }
    }

    static func make(_ context: inout LayerBuildContext) throws -> Layer { try RepeatVectorLayer(&context) }

    public func build(inputShapes: [Shape]) throws -> Shape {
        try id.expect(inputShapes, rank: 1)
        features = inputShapes[0][0]
        return [n, features]
    }

    public func forward(_ inputs: LayerInputs, output: UnsafeMutablePointer<Float>, batch: Int, scratch: UnsafeMutablePointer<Float>) {
        for b in 0..<batch {
            for r in 0..<n { (output + (b * n + r) * features).update(from: inputs[0] + b * features, count: features) }
        }
    }
}
