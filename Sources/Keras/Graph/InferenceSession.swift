/// Preallocated buffers for running a model on up to `maxBatch` samples at a time.
///
/// Everything `run` touches (one buffer per layer output, scratch, the pointer tables handed to each layer) is
/// allocated here, once, so a prediction on the trading hot path performs no heap allocation. A session is not
/// thread-safe; make one per thread (they share the model's weights).
public final class InferenceSession {
    public let maxBatch: Int
    private let plan: ExecutionPlan
    private let buffers: [UnsafeMutablePointer<Float>]
    private let tables: [UnsafeMutableBufferPointer<UnsafePointer<Float>>]
    private let scratch: UnsafeMutablePointer<Float>
    /// Layer and pointers of each step, flattened into one allocation for the run loop.
    private let stepLayers: ContiguousArray<Layer>
    private let stepOutputs: UnsafeMutablePointer<UnsafeMutablePointer<Float>>
    private let stepInputs: UnsafeMutablePointer<LayerInputs>
    private let outputCounts: [Int]
    /// Samples per pass through the layers: large batches run in tiles so that one tile's activations stay in
    /// cache across all layers (a layer-by-layer sweep over 65536 samples would stream every buffer from memory).
    public let tile: Int
    /// Per step: input slots (flattened), their offsets into `stepInputSlots`, and each slot's floats per sample.
    private let stepInputSlots: [Int]
    private let stepInputStart: [Int]
    private let stepOutputSlot: [Int]
    private let slotElements: [Int]
    /// Samples computed by the last `run`.
    public private(set) var batch = 0

    /// Input buffers, one per model input, each with room for `maxBatch` samples (batch-first, row-major).
    public let inputs: [UnsafeMutableBufferPointer<Float>]
    /// The first (usually only) input buffer.
    public var input: UnsafeMutableBufferPointer<Float> { inputs[0] }

    init(plan: ExecutionPlan, maxBatch: Int, tile requestedTile: Int? = nil) {
        let maxBatch = max(1, maxBatch)
        self.maxBatch = maxBatch
        self.plan = plan
        let buffers = plan.slotShapes.map { shape in
            let n = maxBatch * shape.elementCount
            let p = UnsafeMutablePointer<Float>.allocate(capacity: n)
            p.initialize(repeating: 0, count: n)
            return p
        }
        self.buffers = buffers
        let scratchCount = max(1, maxBatch * plan.scratchPerSample)
        scratch = UnsafeMutablePointer<Float>.allocate(capacity: scratchCount)
        scratch.initialize(repeating: 0, count: scratchCount)
        let tables = plan.steps.map { step in
            let t = UnsafeMutableBufferPointer<UnsafePointer<Float>>.allocate(capacity: max(1, step.inputSlots.count))
            for (k, s) in step.inputSlots.enumerated() { t[k] = UnsafePointer(buffers[s]) }
            return t
        }
        self.tables = tables
        stepLayers = ContiguousArray(plan.steps.map(\.layer))
        stepOutputs = .allocate(capacity: max(1, plan.steps.count))
        stepInputs = .allocate(capacity: max(1, plan.steps.count))
        for (k, step) in plan.steps.enumerated() {
            stepOutputs[k] = buffers[step.outputSlot]
            (stepInputs + k).initialize(to: LayerInputs(UnsafeBufferPointer(rebasing: tables[k][0..<step.inputSlots.count])))
        }
        self.inputs = plan.inputs.indices.map { i in
            UnsafeMutableBufferPointer(start: buffers[i], count: maxBatch * plan.slotShapes[i].elementCount)
        }
        outputCounts = plan.outputSlots.map { plan.slotShapes[$0].elementCount }
        slotElements = plan.slotShapes.map(\.elementCount)
        var flat: [Int] = [], starts: [Int] = []
        for step in plan.steps { starts.append(flat.count); flat += step.inputSlots }
        starts.append(flat.count)
        stepInputSlots = flat
        stepInputStart = starts
        stepOutputSlot = plan.steps.map(\.outputSlot)
        let bytesPerSample = 4 * (slotElements.reduce(0, +) + plan.scratchPerSample)
        tile = min(maxBatch, max(1, requestedTile ?? max(16, (256 * 1024) / max(1, bytesPerSample))))
    }

    deinit {
        for b in buffers { b.deallocate() }
        for t in tables { t.deallocate() }
        scratch.deallocate()
        stepOutputs.deallocate()
        stepInputs.deinitialize(count: max(0, plan.steps.count))
        stepInputs.deallocate()
    }

    /// Runs the network on the first `batch` samples of the input buffers (1 ≤ batch ≤ maxBatch).
    public func run(batch: Int) {
        precondition(batch >= 1 && batch <= maxBatch, "InferenceSession.run: batch \(batch) outside 1...\(maxBatch)")
        self.batch = batch
        if batch <= tile {
            stepLayers.withUnsafeBufferPointer { layers in
                for k in 0..<layers.count {
                    layers[k].forward(stepInputs[k], output: stepOutputs[k], batch: batch, scratch: scratch)
                }
            }
            return
        }
        // Tiled: point every step at this tile's rows (rewriting the preallocated tables, no allocation).
        var start = 0
        while start < batch {
            let n = min(tile, batch - start)
            stepLayers.withUnsafeBufferPointer { layers in
                for k in 0..<layers.count {
                    let table = tables[k]
                    for j in stepInputStart[k]..<stepInputStart[k + 1] {
                        let slot = stepInputSlots[j]
                        table[j - stepInputStart[k]] = UnsafePointer(buffers[slot] + start * slotElements[slot])
                    }
                    let out = stepOutputSlot[k]
                    layers[k].forward(stepInputs[k], output: buffers[out] + start * slotElements[out], batch: n, scratch: scratch)
                }
            }
            start += n
        }
        // Restore the tables to the first row for the untiled path.
        for k in 0..<stepOutputSlot.count {
            for j in stepInputStart[k]..<stepInputStart[k + 1] {
                tables[k][j - stepInputStart[k]] = UnsafePointer(buffers[stepInputSlots[j]])
            }
        }
    }

    /// Output `i` of the last run: `batch × outputShapes[i].elementCount` floats.
    public func output(_ i: Int) -> UnsafeBufferPointer<Float> {
        UnsafeBufferPointer(start: buffers[plan.outputSlots[i]], count: batch * outputCounts[i])
    }

    /// The first output of the last run.
    public var output: UnsafeBufferPointer<Float> { output(0) }

    /// Number of model outputs.
    public var outputCount: Int { outputCounts.count }
}
