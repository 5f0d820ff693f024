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
    /// Samples computed by the last `run`.
    public private(set) var batch = 0

    /// Input buffers, one per model input, each with room for `maxBatch` samples (batch-first, row-major).
    public let inputs: [UnsafeMutableBufferPointer<Float>]
    /// The first (usually only) input buffer.
    public var input: UnsafeMutableBufferPointer<Float> { inputs[0] }

    init(plan: ExecutionPlan, maxBatch: Int) {
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
        stepLayers.withUnsafeBufferPointer { layers in
            for k in 0..<layers.count {
                layers[k].forward(stepInputs[k], output: stepOutputs[k], batch: batch, scratch: scratch)
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
