/// Small helpers shared by the layer files: shape errors and simple copies.
extension LayerConfig {
    /// A `.shapeMismatch` error naming this layer, raised from `build(inputShapes:)`.
    func shapeError(_ message: String) -> KerasError {
        KerasError(.shapeMismatch, file: file, location: location, message)
    }
}

/// Names, class and file of a built layer, kept for errors raised in `build(inputShapes:)`.
struct LayerIdentity {
    let name: String
    let className: String
    let file: String

    init(_ config: LayerConfig) {
        name = config.layerName
        className = config.className
        file = config.file
    }

    func shapeError(_ message: String) -> KerasError {
        KerasError(.shapeMismatch, file: file, location: "layer '\(name)' (\(className))", message)
    }

    /// Requires exactly `count` inputs, each of rank `rank` (nil: any rank ≥ 1).
    func expect(_ shapes: [Shape], count: Int = 1, rank: Int? = nil) throws {
        guard shapes.count == count else { throw shapeError("expects \(count) input(s), got \(shapes.count)") }
        for s in shapes {
            if let rank, s.count != rank {
                throw shapeError("expects inputs of rank \(rank + 1) (batch included), got \(s.batchedDescription)")
            }
            if s.isEmpty && rank != 0 { throw shapeError("expects a non-scalar input, got \(s.batchedDescription)") }
        }
    }
}

extension LayerConfig {
    /// `data_format` must be `channels_last` (the only layout we run).
    mutating func requireChannelsLast() throws {
        _ = try choice("data_format", ["channels_last"], default: "channels_last")
    }
}
