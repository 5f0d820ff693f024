/// The model config turned into a list of layer calls wired by name, before any layer is built.
///
/// Reads Keras 3 configs (`inbound_nodes` as `{"args": […], "kwargs": {…}}` with `__keras_tensor__` entries) and
/// Keras 2 ones (`inbound_nodes` as `[[["dense", 0, 0, {}]]]`), Sequential and Functional, and inlines a
/// Sequential nested in a Functional model.
struct SavedGraph {
    /// Where a layer's weights live in the file.
    enum WeightSource {
        case none
        /// `.keras`: the HDF5 group path, e.g. `layers/sequential/layers/dense_1`.
        case archiveGroup(String)
        /// legacy `.h5`: the layer group in `model_weights`; `sublayer` filters the weights of one layer of a
        /// nested Sequential (whose weights are saved together under the Sequential's group).
        case legacyGroup(String, sublayer: String?)
    }

    struct Input {
        var name: String
        var shape: Shape
        var dtype: String
    }

    struct Node {
        var name: String
        var className: String
        var config: [String: JSONValue]
        /// Names of the nodes feeding this one, in call order.
        var inputs: [String]
        var call: CallArguments
        var weights: WeightSource
    }

    var inputs: [Input]
    /// Layer calls in a valid execution order.
    var nodes: [Node]
    /// Node (or input) names producing the model outputs.
    var outputs: [String]
    /// "Sequential" or "Functional".
    var kind: String

    private let file: String

    // MARK: parsing

    static func parse(_ root: JSONValue, file: String, format: ModelFormat) throws -> SavedGraph {
        var g = SavedGraph(inputs: [], nodes: [], outputs: [], kind: "", file: file)
        guard let cls = root["class_name"]?.stringValue else {
            throw KerasError(.badConfig, file: file, location: "model config", "has no 'class_name'; this is not a saved Keras model")
        }
        let config = root["config"] ?? .null
        let top = format == .kerasArchive ? "layers" : ""
        switch cls {
        case "Sequential":
            g.kind = "Sequential"
            let layers = config.arrayValue ?? config["layers"]?.arrayValue
            guard let layers else { throw g.bad("model config", "Sequential config has no 'layers' list") }
            let fallbackShape = config["build_input_shape"] ?? root["build_config"]?["input_shape"]
            let out = try g.addSequential(layers, prefix: "", input: nil, fallbackShape: fallbackShape,
                                          weightScope: top, format: format, legacyGroup: nil)
            g.outputs = [out]
        case "Functional", "Model":
            g.kind = "Functional"
            try g.addFunctional(config, format: format, weightScope: top)
        default:
            throw g.bad("model config", "model class '\(cls)' is not supported (only Sequential and Functional models); subclassed models cannot be loaded without their Python code")
        }
        try g.sortTopologically()
        return g
    }

    private func bad(_ location: String, _ message: String) -> KerasError {
        KerasError(.badConfig, file: file, location: location, message)
    }

    private static func layerName(_ layer: JSONValue) -> String? {
        layer["config"]?["name"]?.stringValue ?? layer["name"]?.stringValue
    }

    /// A batch shape `[null, 5, 5]` without its batch dimension. A variable dimension (`null`, e.g. a time axis of any
    /// length) becomes `-1`; `KerasModel.load(path:variableDimensions:)` fixes it from the caller's windows.
    private func fixedShape(_ v: JSONValue?, location: String) throws -> Shape? {
        guard let v, !v.isNull else { return nil }
        // Keras 3 Sequential may save build_input_shape as a tuple object.
        let list = v.arrayValue ?? v["config"]?["value"]?.arrayValue
        guard let list, !list.isEmpty else { throw bad(location, "input shape \(v.shortDescription) is not a list") }
        var shape: Shape = []
        for d in list.dropFirst() {
            if d.isNull {
                shape.append(-1)
                continue
            }
            guard let n = d.intValue, n > 0 else {
                throw bad(location, "input shape \(v.shortDescription) has a variable or invalid dimension; save the model with a fixed input shape (e.g. keras.Input((5, 5)))")
            }
            shape.append(n)
        }
        guard shape.map({ Swift.max($0, 1) }).elementCount <= 1 << 24 else { throw bad(location, "input shape \(v.shortDescription) is implausibly large") }
        return shape
    }

    /// Reads an InputLayer, refusing options that would change its meaning.
    private func parseInputLayer(_ layer: JSONValue, name: String) throws -> Input {
        var cfg = LayerConfig(className: "InputLayer", layerName: name, file: file,
                              values: layer["config"]?.objectValue ?? [:])
        let shapeValue = cfg.raw("batch_shape") ?? cfg.raw("batch_input_shape")
        guard let shape = try fixedShape(shapeValue, location: cfg.location) else {
            throw bad(cfg.location, "has no batch_shape; re-save the model with keras.Input(shape)")
        }
        let dtype = cfg.raw("dtype")?.stringValue ?? cfg.raw("dtype")?["config"]?["name"]?.stringValue ?? "float32"
        guard dtype.hasPrefix("float") else {
            throw KerasError(.unsupportedOption, file: file, location: "\(cfg.location) option 'dtype'", "input dtype \(dtype) is not supported (float inputs only)")
        }
        cfg.ignore("optional", "input_tensor")
        try cfg.finish()
        return Input(name: name, shape: shape, dtype: dtype)
    }

    /// Adds the layers of a Sequential list chained one after another; returns the name of the last output.
    /// `input`: the producer feeding the first layer (nil at top level: the list's InputLayer, or a synthesized input).
    private mutating func addSequential(_ layers: [JSONValue], prefix: String, input: String?, fallbackShape: JSONValue?,
                                        weightScope: String, format: ModelFormat, legacyGroup: String?) throws -> String {
        var current = input
        var body = layers
        if let first = body.first, first["class_name"]?.stringValue == "InputLayer" {
            body.removeFirst()
            if input == nil {
                let name = prefix + (Self.layerName(first) ?? "input")
                var parsed = try parseInputLayer(first, name: name)
                parsed.name = name
                inputs.append(parsed)
                current = name
            }
        }
        if current == nil {
            // Keras 2: the first layer carries batch_input_shape; Keras 3: build_input_shape on the model.
            let firstConfig = body.first?["config"]
            let shapeValue = firstConfig?["batch_input_shape"] ?? firstConfig?["batch_shape"] ?? fallbackShape
            guard let shape = try fixedShape(shapeValue, location: "model config") else {
                throw bad("model config", "the Sequential model has no input shape (never built); build it with keras.Input(shape) before saving")
            }
            inputs.append(Input(name: "input", shape: shape, dtype: "float32"))
            current = "input"
        }
        let groups = ArchiveWeights.groupNames(forClasses: body.map { $0["class_name"]?.stringValue ?? "" })
        for (k, layer) in body.enumerated() {
            guard let cls = layer["class_name"]?.stringValue, let local = Self.layerName(layer) else {
                throw bad("layer \(k) of the Sequential model", "has no class_name or name")
            }
            let name = prefix + local
            guard let from = current else { break }
            if cls == "Sequential" {
                // A Sequential used as a layer: its layers join the chain. Weights: `.keras` nests its layer groups
                // under the sub-model's group; legacy `.h5` keeps them in one group named after the outermost
                // nested model (weight names carry the layer names, which `sublayer` picks).
                let sub = layer["config"]?["layers"]?.arrayValue ?? []
                current = try addSequential(sub, prefix: name + "/", input: from, fallbackShape: nil,
                                            weightScope: "\(weightScope)/\(groups[k])/layers", format: format,
                                            legacyGroup: format == .legacyHDF5 ? (legacyGroup ?? local) : nil)
                continue
            }
            if cls == "Functional" || cls == "Model" {
                current = try addNestedFunctional(layer, name: name, inputs: [from], format: format,
                                                  weightScope: "\(weightScope)/\(groups[k])/layers",
                                                  legacyGroup: legacyGroup ?? local)[0]
                continue
            }
            let weights: WeightSource
            switch format {
            case .kerasArchive: weights = .archiveGroup("\(weightScope)/\(groups[k])")
            case .legacyHDF5: weights = legacyGroup.map { .legacyGroup($0, sublayer: local) } ?? .legacyGroup(local, sublayer: nil)
            }
            nodes.append(Node(name: name, className: cls, config: layer["config"]?.objectValue ?? [:],
                              inputs: [from], call: CallArguments(), weights: weights))
            current = name
        }
        guard let last = current else { throw bad("model config", "the Sequential model is empty") }
        return last
    }

    /// A `[layer, node, tensor]` reference (Keras 3 keras_history, or a Keras 2 inbound entry); checks indices.
    private func reference(_ v: JSONValue, location: String, nodeCounts: [String: Int]) throws -> String {
        guard let a = v.arrayValue, a.count >= 3, let name = a[0].stringValue,
              let node = a[1].intValue, let tensor = a[2].intValue else {
            throw bad(location, "malformed tensor reference \(v.shortDescription)")
        }
        guard let count = nodeCounts[name] else { throw bad(location, "refers to unknown layer '\(name)'") }
        guard node >= 0, node < max(count, 1) else { throw bad(location, "refers to call \(node) of layer '\(name)', which does not exist") }
        guard tensor == 0 else {
            throw KerasError(.unsupportedOption, file: file, location: location, "uses output \(tensor) of layer '\(name)'; layers with several outputs (e.g. return_state) are not supported")
        }
        return name
    }

    private static func isTensor(_ v: JSONValue) -> Bool { v["class_name"]?.stringValue == "__keras_tensor__" }

    private static func containsTensor(_ v: JSONValue) -> Bool {
        if isTensor(v) { return true }
        if let a = v.arrayValue { return a.contains(where: containsTensor) }
        return false
    }

    private func collectTensors(_ v: JSONValue, into out: inout [String], location: String, nodeCounts: [String: Int]) throws {
        if Self.isTensor(v) {
            guard let history = v["config"]?["keras_history"] else { throw bad(location, "tensor argument without keras_history") }
            out.append(try reference(history, location: location, nodeCounts: nodeCounts))
        } else if let a = v.arrayValue {
            for e in a { try collectTensors(e, into: &out, location: location, nodeCounts: nodeCounts) }
        }
    }

    /// Order in which tensor keyword arguments become layer inputs (after positional tensors).
    private static let tensorKwargOrder = ["query", "value", "key", "inputs", "initial_state"]

    /// Adds a Functional graph. Top level (`bound` nil): its InputLayers become the model inputs and its outputs the
    /// model outputs. Nested (a Functional model used as a layer): node names get `prefix`, its InputLayers stand for
    /// the outer tensors in `bound` (in `input_layers` order), `legacyGroup` is the outermost nested model's `.h5`
    /// group, and the names producing its outputs are returned.
    @discardableResult
    private mutating func addFunctional(_ config: JSONValue, format: ModelFormat, weightScope: String, prefix: String = "",
                                        bound: [String]? = nil, legacyGroup: String? = nil) throws -> [String] {
        guard let layers = config["layers"]?.arrayValue else { throw bad("model config", "Functional config has no 'layers' list") }
        var nodeCounts: [String: Int] = [:]
        for (k, layer) in layers.enumerated() {
            guard let name = Self.layerName(layer) else { throw bad("layer \(k)", "has no name") }
            guard nodeCounts[name] == nil else { throw bad("layer '\(name)'", "appears twice in the config") }
            let calls = layer["inbound_nodes"]?.arrayValue?.count ?? 0
            // A model used as a layer may be referenced by call index 1 for its one call (Keras numbers the calls of a
            // sub-model after the node that built it), e.g. in `output_layers`; one more index is accepted for it.
            let isModel = ["Functional", "Model", "Sequential"].contains(layer["class_name"]?.stringValue ?? "")
            nodeCounts[name] = isModel ? calls + 1 : calls
        }
        // Weight groups are named over the model's Layer objects; Keras 3 operations (module keras.src.ops.*) such
        // as GetItem or the `+` of two tensors are not layers and get no group.
        let isLayer = layers.map { !($0["module"]?.stringValue ?? "").hasPrefix("keras.src.ops") }
        let layerClasses = zip(layers, isLayer).filter { $0.1 }.map { $0.0["class_name"]?.stringValue ?? "" }
        var groupNames = ArchiveWeights.groupNames(forClasses: layerClasses).makeIterator()
        var outputAlias: [String: String] = [:]  // nested Sequential name → its last layer

        for (k, layer) in layers.enumerated() {
            guard let cls = layer["class_name"]?.stringValue, let name = Self.layerName(layer) else {
                throw bad("layer \(k)", "has no class_name or name")
            }
            let group = isLayer[k] ? groupNames.next() : nil
            let location = "layer '\(name)' (\(cls))"
            if cls == "InputLayer" {
                if bound == nil { inputs.append(try parseInputLayer(layer, name: name)) }
                continue
            }
            let inbound = layer["inbound_nodes"]?.arrayValue ?? []
            guard !inbound.isEmpty else { throw bad(location, "has no inbound_nodes; it is not connected to the model") }
            guard inbound.count == 1 else {
                throw KerasError(.unsupportedOption, file: file, location: location, "is called \(inbound.count) times (a shared layer); shared layers are not supported")
            }
            var tensors: [String] = []
            var call = CallArguments()
            let node = inbound[0]
            if let obj = node.objectValue {  // Keras 3
                for arg in obj["args"]?.arrayValue ?? [] {
                    if Self.containsTensor(arg) {
                        try collectTensors(arg, into: &tensors, location: location, nodeCounts: nodeCounts)
                        call.args.append(nil)
                    } else {
                        call.args.append(arg)
                    }
                }
                let kwargs = obj["kwargs"]?.objectValue ?? [:]
                let tensorKeys = kwargs.keys.filter { Self.containsTensor(kwargs[$0] ?? .null) }.sorted { a, b in
                    let ia = Self.tensorKwargOrder.firstIndex(of: a) ?? Int.max, ib = Self.tensorKwargOrder.firstIndex(of: b) ?? Int.max
                    return ia != ib ? ia < ib : a < b
                }
                for key in tensorKeys {
                    try collectTensors(kwargs[key] ?? .null, into: &tensors, location: location, nodeCounts: nodeCounts)
                }
                for (key, value) in kwargs where !value.isNull && !Self.containsTensor(value) { call.kwargs[key] = value }
            } else if let entries = node.arrayValue {  // Keras 2: [[name, node, tensor, kwargs], …]
                for entry in entries {
                    tensors.append(try reference(entry, location: location, nodeCounts: nodeCounts))
                    if let kw = entry.arrayValue?.dropFirst(3).first?.objectValue {
                        for (key, value) in kw where !value.isNull { call.kwargs[key] = value }
                    }
                }
            } else {
                throw bad(location, "malformed inbound_nodes entry \(node.shortDescription)")
            }
            guard !tensors.isEmpty else { throw bad(location, "is called without any tensor input") }
            tensors = tensors.map { outputAlias[$0] ?? prefix + $0 }

            if cls == "Sequential" {
                guard tensors.count == 1 else { throw bad(location, "a nested Sequential model must have one input") }
                let sub = layer["config"]?["layers"]?.arrayValue ?? []
                let scope = group.map { "\(weightScope)/\($0)/layers" } ?? ""
                let last = try addSequential(sub, prefix: prefix + name + "/", input: tensors[0], fallbackShape: nil,
                                             weightScope: scope, format: format,
                                             legacyGroup: format == .legacyHDF5 ? (legacyGroup ?? name) : nil)
                outputAlias[name] = last
                continue
            }
            if cls == "Functional" || cls == "Model" {
                let outs = try addNestedFunctional(layer, name: prefix + name, inputs: tensors, format: format,
                                                   weightScope: group.map { "\(weightScope)/\($0)/layers" } ?? "",
                                                   legacyGroup: legacyGroup ?? name)
                outputAlias[name] = outs[0]
                continue
            }
            let weights: WeightSource
            switch format {
            case .kerasArchive: weights = group.map { .archiveGroup("\(weightScope)/\($0)") } ?? .none
            case .legacyHDF5: weights = legacyGroup.map { .legacyGroup($0, sublayer: name) } ?? .legacyGroup(name, sublayer: nil)
            }
            nodes.append(Node(name: prefix + name, className: cls, config: layer["config"]?.objectValue ?? [:],
                              inputs: tensors, call: call, weights: weights))
        }
        func refs(_ key: String) throws -> [String] {
            guard let v = config[key], let a = v.arrayValue, !a.isEmpty else { throw bad("model config", "Functional config has no '\(key)'") }
            // One tensor may be saved flat (["dense", 0, 0]) instead of as a list of references.
            let list = a[0].arrayValue == nil ? [v] : a
            return try list.map { ref in
                let name = try reference(ref, location: "model config '\(key)'", nodeCounts: nodeCounts)
                return outputAlias[name] ?? prefix + name
            }
        }
        if let bound {
            // Nested: the sub-model's inputs are the outer tensors it was called on; its outputs go back out.
            let inner = try refs("input_layers")
            guard inner.count == bound.count else {
                throw bad("model config", "nested model '\(prefix)' takes \(inner.count) input(s) but is called on \(bound.count)")
            }
            for (i, outer) in zip(inner, bound) {
                for k in nodes.indices { nodes[k].inputs = nodes[k].inputs.map { $0 == i ? outer : $0 } }
            }
            let outs = try refs("output_layers")
            return outs.map { o in inner.firstIndex(of: o).map { bound[$0] } ?? o }
        }
        let inputOrder = try refs("input_layers")
        var ordered: [Input] = []
        for n in inputOrder {
            guard let i = inputs.first(where: { $0.name == n }) else { throw bad("model config 'input_layers'", "'\(n)' is not an InputLayer") }
            ordered.append(i)
        }
        inputs = ordered
        outputs = try refs("output_layers")
        return outputs
    }

    /// A Functional model used as a layer (in a Functional or Sequential model): its nodes join the graph under
    /// `name/`; it must produce one output.
    private mutating func addNestedFunctional(_ layer: JSONValue, name: String, inputs bound: [String], format: ModelFormat,
                                              weightScope: String, legacyGroup: String) throws -> [String] {
        let outs = try addFunctional(layer["config"] ?? .null, format: format, weightScope: weightScope, prefix: name + "/",
                                     bound: bound, legacyGroup: format == .legacyHDF5 ? legacyGroup : nil)
        guard outs.count == 1 else {
            throw KerasError(.unsupportedOption, file: file, location: "layer '\(name)' (Functional)",
                             "a nested model with \(outs.count) outputs is not supported; give it one output")
        }
        return outs
    }

    /// Orders nodes so every node comes after its inputs; refuses cycles and dangling references.
    private mutating func sortTopologically() throws {
        var produced = Set(inputs.map(\.name))
        var pending = nodes
        var ordered: [Node] = []
        ordered.reserveCapacity(nodes.count)
        while !pending.isEmpty {
            let before = pending.count
            pending.removeAll { n in
                guard n.inputs.allSatisfy(produced.contains) else { return false }
                ordered.append(n)
                produced.insert(n.name)
                return true
            }
            if pending.count == before {
                let n = pending[0]
                throw bad("layer '\(n.name)' (\(n.className))", "its inputs \(n.inputs) are never computed (cycle or dangling reference in the config)")
            }
        }
        nodes = ordered
        for o in outputs where !produced.contains(o) { throw bad("model config 'output_layers'", "output '\(o)' is never computed") }
        guard !inputs.isEmpty else { throw bad("model config", "the model has no input") }
    }
}
