/// The built network: layers in execution order, each reading numbered buffers ("slots") and writing one.
///
/// Built once at load time; sessions then preallocate one buffer per slot so that running the plan touches no heap.
final class ExecutionPlan {
    struct Step {
        let layer: Layer
        let inputSlots: [Int]
        let outputSlot: Int
        /// The saved `trainable` flag: a frozen layer's weights all count as non-trainable in the summary.
        var trainable = true

        var nonTrainableParameterCount: Int { trainable ? layer.nonTrainableParameterCount : layer.parameterCount }
    }

    struct InputInfo {
        let name: String
        let shape: Shape
        let dtype: String
    }

    let inputs: [InputInfo]
    /// Shape (batch excluded) of every slot; slots `0..<inputs.count` are the model inputs.
    let slotShapes: [Shape]
    let steps: [Step]
    let outputSlots: [Int]
    /// Largest per-sample scratch any step needs.
    let scratchPerSample: Int

    /// Builds every layer of `graph` with weights from `model` and fixes all shapes.
    init(graph: SavedGraph, model: ModelFile, builders: [String: LayerBuilder]) throws {
        let file = model.path
        var slotOf: [String: Int] = [:]
        var shapes: [Shape] = []
        for input in graph.inputs {
            slotOf[input.name] = shapes.count
            shapes.append(input.shape)
        }
        inputs = graph.inputs.map { InputInfo(name: $0.name, shape: $0.shape, dtype: $0.dtype) }

        // Weight sources, checked against what the file holds so that no stored tensor is silently ignored.
        var claimedGroups = Set<String>()
        let archive = model.format == .kerasArchive ? ArchiveWeights(h5: model.weights, file: file) : nil
        let legacy = model.format == .legacyHDF5 ? try LegacyWeights(h5: model.weights, file: file) : nil

        var steps: [Step] = []
        var scratch = 0
        for node in graph.nodes {
            let location = "layer '\(node.name)' (\(node.className))"
            let weightNode: WeightReader.Node
            switch node.weights {
            case .none:
                weightNode = WeightReader.Node(vars: [], flat: true)
            case .archiveGroup(let path):
                claimedGroups.insert(path)
                weightNode = try archive?.node(at: path) ?? WeightReader.Node(vars: [], flat: false)
            case .legacyGroup(let group, let sublayer):
                claimedGroups.insert(group)
                var paths = try legacy?.weightPaths(group) ?? []
                if let sublayer {
                    // Nested Sequential in .h5: names look like `sequential/dense_2/kernel`; keep this layer's.
                    paths = paths.filter { $0.split(separator: "/").contains(Substring(sublayer)) }
                }
                weightNode = try legacy?.node(paths: paths) ?? WeightReader.Node(vars: [], flat: true)
            }
            var context = LayerBuildContext(
                config: LayerConfig(className: node.className, layerName: node.name, file: file, values: node.config),
                weights: WeightReader(file: file, location: location, node: weightNode),
                call: node.call)
            let layer = try LayerRegistry.build(&context, builders: builders)
            var inputSlots: [Int] = []
            for name in node.inputs {
                guard let s = slotOf[name] else {
                    throw KerasError(.badConfig, file: file, location: location, "input '\(name)' is not computed before this layer")
                }
                inputSlots.append(s)
            }
            let outShape: Shape
            do {
                outShape = try layer.build(inputShapes: inputSlots.map { shapes[$0] })
            } catch let e as KerasError {
                throw e
            } catch {
                throw KerasError(.shapeMismatch, file: file, location: location, "cannot be built: \(error)")
            }
            guard outShape.allSatisfy({ $0 > 0 }), outShape.elementCount <= 1 << 26 else {
                throw KerasError(.shapeMismatch, file: file, location: location, "produces an invalid output shape \(outShape.batchedDescription)")
            }
            scratch = max(scratch, layer.scratchPerSample)
            slotOf[node.name] = shapes.count
            shapes.append(outShape)
            var trainable = true
            if case .bool(false)? = node.config["trainable"] { trainable = false }
            steps.append(Step(layer: layer, inputSlots: inputSlots, outputSlot: shapes.count - 1, trainable: trainable))
        }
        try Self.checkAllWeightsClaimed(archive: archive, legacy: legacy, claimed: claimedGroups, file: file)

        var outputSlots: [Int] = []
        for o in graph.outputs {
            guard let s = slotOf[o] else { throw KerasError(.badConfig, file: file, location: "model outputs", "output '\(o)' is never computed") }
            outputSlots.append(s)
        }
        self.slotShapes = shapes
        self.steps = steps
        self.outputSlots = outputSlots
        self.scratchPerSample = scratch
    }

    /// A weight-holding group that no layer claimed means the file and the config disagree (or our naming rule
    /// does): refuse rather than run a network with missing weights.
    private static func checkAllWeightsClaimed(archive: ArchiveWeights?, legacy: LegacyWeights?, claimed: Set<String>, file: String) throws {
        if let archive, archive.h5.kind("layers") == .group {
            for name in try archive.h5.children("layers") {
                let path = "layers/\(name)"
                if claimed.contains(path) { continue }
                // A nested Sequential claims its sublayers, not its own group.
                if claimed.contains(where: { $0.hasPrefix(path + "/") }) { continue }
                if try archive.holdsWeights(path) {
                    throw KerasError(.badWeights, file: file, location: "HDF5 '\(path)'", "holds weights that no layer of config.json claims; the weights file does not match the config")
                }
            }
        }
        if let legacy {
            for name in legacy.layerNames where !claimed.contains(name) {
                if try !legacy.weightPaths(name).isEmpty {
                    throw KerasError(.badWeights, file: file, location: "HDF5 layer group '\(name)'", "holds weights that no layer of model_config claims; the weights do not match the config")
                }
            }
        }
    }

    var parameterCount: Int { steps.reduce(0) { $0 + $1.layer.parameterCount } }
    var nonTrainableParameterCount: Int { steps.reduce(0) { $0 + $1.nonTrainableParameterCount } }
}

extension LayerRegistry {
    /// Builds one layer with a given builder table (the loader passes `builders`; tests may pass extra ones).
    static func build(_ context: inout LayerBuildContext, builders: [String: LayerBuilder]) throws -> Layer {
        let className = context.config.className
        guard let builder = builders[className] else {
            throw KerasError(.unknownLayer, file: context.config.file, location: context.config.location,
                             "layer class '\(className)' is not supported by this build (supported: \(builders.keys.sorted().joined(separator: ", ")))")
        }
        let layer = try builder(&context)
        try context.config.finish()
        try context.weights.finish()
        return layer
    }
}
