/// The `GetItem` operation layer a functional model saves for indexing such as `x[:, -1, :]`.
///
/// The index comes from the node's call arguments: an int, a `__slice__` object, or a list / `__tuple__` of them,
/// one per axis starting with the batch axis (which must be a full slice); missing trailing axes are taken whole.
/// Ints drop their axis (negative counts from the end); slices may have start/stop/step (step > 0).
/// Ellipsis, None (new axes) and tensor indices are refused.
public final class GetItemLayer: Layer {
    enum Index: Equatable {
        case at(Int)
        case slice(start: Int?, stop: Int?, step: Int)
    }

    public let name: String
    public let className = "GetItem"
    public let parameterCount = 0
    public let scratchPerSample = 0
    private let id: LayerIdentity
    private let location: String
    private let indices: [Index]
    /// For each output element of one sample, the input element it copies (built once).
    private var gatherIndices: [Int] = []
    private var inCount = 0
    private var outCount = 0

    init(_ context: inout LayerBuildContext) throws {
        id = LayerIdentity(context.config)
        name = id.name
        location = context.config.location
        let args = context.call.args
        guard args.count == 2, args[0] == nil, let key = args[1] else {
            throw KerasError(.unsupportedOption, file: id.file, location: location,
                             "expects one tensor and one index in its call arguments, found \(args.count) argument(s)")
        }
        var items: [JSONValue]
        if let a = key.arrayValue { items = a }
        else if key["class_name"]?.stringValue == "__tuple__", let a = key["config"]?["value"]?.arrayValue ?? key["config"]?.arrayValue { items = a }
        else { items = [key] }
        var parsed: [Index] = []
        for item in items { parsed.append(try GetItemLayer.parse(item, file: id.file, location: location)) }
        guard let first = parsed.first, first == .slice(start: nil, stop: nil, step: 1) else {
            throw KerasError(.unsupportedOption, file: id.file, location: location,
                             "indexing the batch axis is not supported (index \(key.shortDescription)); use x[:, ...]")
        }
        indices = Array(parsed.dropFirst())
    }

    static func parse(_ v: JSONValue, file: String, location: String) throws -> Index {
        if let i = v.intValue { return .at(i) }
        if v["class_name"]?.stringValue == "__slice__", let c = v["config"] {
            func part(_ k: String) throws -> Int? {
                guard let x = c[k], !x.isNull else { return nil }
                guard let i = x.intValue else {
                    throw KerasError(.unsupportedOption, file: file, location: location, "slice \(k) \(x.shortDescription) is not an integer")
                }
                return i
            }
            let step = try part("step") ?? 1
            guard step > 0 else { throw KerasError(.unsupportedOption, file: file, location: location, "slice step \(step) is not supported (only positive steps)") }
            return .slice(start: try part("start"), stop: try part("stop"), step: step)
        }
        throw KerasError(.unsupportedOption, file: file, location: location,
                         "index \(v.shortDescription) is not supported (only integers and slices)")
    }

    static func make(_ context: inout LayerBuildContext) throws -> Layer { try GetItemLayer(&context) }

    public func build(inputShapes: [Shape]) throws -> Shape {
        try id.expect(inputShapes)
        let s = inputShapes[0]
        guard indices.count <= s.count else { throw id.shapeError("index has \(indices.count + 1) axes, input \(s.batchedDescription) has \(s.count + 1)") }
        // Per axis: the selected positions, and whether the axis is kept.
        var picks: [[Int]] = []
        var outShape: Shape = []
        for (axis, n) in s.enumerated() {
            let index = axis < indices.count ? indices[axis] : .slice(start: nil, stop: nil, step: 1)
            switch index {
            case .at(let i):
                let j = i < 0 ? n + i : i
                guard j >= 0, j < n else { throw id.shapeError("index \(i) is out of range for axis \(axis + 1) of size \(n)") }
                picks.append([j])
            case .slice(let start, let stop, let step):
                // Python slice semantics with clamping.
                func clamp(_ v: Int?, _ def: Int) -> Int {
                    guard let v else { return def }
                    let w = v < 0 ? v + n : v
                    return Swift.min(Swift.max(w, 0), n)
                }
                let lo = clamp(start, 0), hi = clamp(stop, n)
                let sel = Array(stride(from: lo, to: hi, by: step))
                guard !sel.isEmpty else { throw id.shapeError("slice selects nothing on axis \(axis + 1) of size \(n)") }
                picks.append(sel)
                outShape.append(sel.count)
            }
        }
        var strides = [Int](repeating: 1, count: s.count)
        for a in stride(from: s.count - 2, through: 0, by: -1) { strides[a] = strides[a + 1] * s[a + 1] }
        var offsets = [0]
        for (a, sel) in picks.enumerated() {
            offsets = offsets.flatMap { base in sel.map { base + $0 * strides[a] } }
        }
        gatherIndices = offsets
        inCount = s.elementCount
        outCount = offsets.count
        return outShape
    }

    public func forward(_ inputs: LayerInputs, output: UnsafeMutablePointer<Float>, batch: Int, scratch: UnsafeMutablePointer<Float>) {
        gatherIndices.withUnsafeBufferPointer { g in
            for b in 0..<batch {
                let x = inputs[0] + b * inCount, y = output + b * outCount
                for i in 0..<outCount { y[i] = x[g[i]] }
            }
        }
    }
}
