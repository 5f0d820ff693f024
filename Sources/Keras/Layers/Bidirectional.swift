/// Keras `Bidirectional` around LSTM, GRU or SimpleRNN: the forward layer reads the sequence in order, the backward
/// layer (saved with `go_backwards` true) reads it reversed; with `return_sequences` the backward outputs are
/// flipped back so step t of both align, then merged by `merge_mode` concat / sum / mul / ave. `merge_mode` None
/// (two separate outputs) is refused.
public final class BidirectionalLayer: Layer {
    enum Merge: String { case concat, sum, mul, ave }

    public let name: String
    public let className = "Bidirectional"
    public var parameterCount: Int { forwardLayer.parameterCount + backwardLayer.parameterCount }
    public var nonTrainableParameterCount: Int { forwardLayer.nonTrainableParameterCount + backwardLayer.nonTrainableParameterCount }
    public private(set) var scratchPerSample = 0
    private let id: LayerIdentity
    private let merge: Merge
    let forwardLayer: RecurrentLayer
    let backwardLayer: RecurrentLayer
    private var steps = 1
    private var units = 0
    private var innerCount = 0

    init(_ context: inout LayerBuildContext) throws {
        id = LayerIdentity(context.config)
        name = id.name
        let mode = context.config.raw("merge_mode")
        guard let m = mode?.stringValue.flatMap(Merge.init(rawValue:)) ?? (mode == nil ? .concat : nil) else {
            throw context.config.error("merge_mode", "value \(mode?.shortDescription ?? "null") is not supported (supported: concat, sum, mul, ave)")
        }
        merge = m
        let forwardConfig = try context.config.object("layer")
        let backwardConfig = context.config.values["backward_layer"].flatMap { $0.isNull ? nil : $0.objectValue }
        context.config.ignore("backward_layer")
        forwardLayer = try BidirectionalLayer.inner(forwardConfig, weights: try context.weights.child("forward_layer"),
                                                    outer: context.config, flip: false)
        backwardLayer = try BidirectionalLayer.inner(backwardConfig ?? forwardConfig, weights: try context.weights.child("backward_layer"),
                                                     outer: context.config, flip: backwardConfig == nil)
        guard forwardLayer.units == backwardLayer.units, forwardLayer.returnSequences == backwardLayer.returnSequences else {
            throw context.config.error("backward_layer", "must match the forward layer in units and return_sequences", kind: .badConfig)
        }
    }

    /// Builds a wrapped recurrent layer from its saved `{"class_name", "config"}`; `flip` derives the backward
    /// layer from the forward config (older files) by inverting `go_backwards`.
    static func inner(_ saved: [String: JSONValue], weights: WeightReader, outer: LayerConfig, flip: Bool) throws -> RecurrentLayer {
        guard let cls = saved["class_name"]?.stringValue, var values = saved["config"]?.objectValue else {
            throw outer.error("layer", "the wrapped layer has no class_name/config", kind: .badConfig)
        }
        if flip { values["go_backwards"] = .bool(!(values["go_backwards"]?.boolValue ?? false)) }
        let name = values["name"]?.stringValue ?? "\(outer.layerName).\(cls)"
        var context = LayerBuildContext(config: LayerConfig(className: cls, layerName: name, file: outer.file, values: values),
                                        weights: weights)
        let layer = try LayerRegistry.buildNested(&context)
        guard let recurrent = layer as? RecurrentLayer else {
            throw outer.error("layer", "wraps \(cls); only LSTM, GRU and SimpleRNN are supported")
        }
        return recurrent
    }

    static func make(_ context: inout LayerBuildContext) throws -> Layer { try BidirectionalLayer(&context) }

    public func build(inputShapes: [Shape]) throws -> Shape {
        let f = try forwardLayer.build(inputShapes: inputShapes)
        let b = try backwardLayer.build(inputShapes: inputShapes)
        guard f == b else { throw id.shapeError("forward and backward outputs differ: \(f) vs \(b)") }
        units = forwardLayer.units
        steps = forwardLayer.returnSequences ? f[0] : 1
        innerCount = f.elementCount
        scratchPerSample = 2 * innerCount + Swift.max(forwardLayer.scratchPerSample, backwardLayer.scratchPerSample)
        var out = f
        if merge == .concat { out[out.count - 1] *= 2 }
        return out
    }

    public func forward(_ inputs: LayerInputs, output: UnsafeMutablePointer<Float>, batch: Int, scratch: UnsafeMutablePointer<Float>) {
        let fw = scratch, bw = scratch + batch * innerCount, inner = bw + batch * innerCount
        forwardLayer.forward(inputs, output: fw, batch: batch, scratch: inner)
        backwardLayer.forward(inputs, output: bw, batch: batch, scratch: inner)
        let u = units, t = steps
        for b in 0..<batch {
            for s in 0..<t {
                let f = fw + (b * t + s) * u
                let r = bw + (b * t + (t - 1 - s)) * u  // backward outputs come in reversed time order
                switch merge {
                case .concat:
                    let y = output + (b * t + s) * 2 * u
                    y.update(from: f, count: u)
                    (y + u).update(from: r, count: u)
                case .sum:
                    let y = output + (b * t + s) * u
                    for j in 0..<u { y[j] = f[j] + r[j] }
                case .mul:
                    let y = output + (b * t + s) * u
                    for j in 0..<u { y[j] = f[j] * r[j] }
                case .ave:
                    let y = output + (b * t + s) * u
                    for j in 0..<u { y[j] = (f[j] + r[j]) / 2 }
                }
            }
        }
    }
}
