import Foundation

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
    /// A second set of pointer tables so a big batch can run its tiles on two threads at once (nil when the
    /// session is too small to tile, or the process may use only one processor).
    private let secondWorker: (tables: [UnsafeMutableBufferPointer<UnsafePointer<Float>>], inputs: UnsafeMutablePointer<LayerInputs>)?
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
        let tile = min(maxBatch, max(1, requestedTile ?? max(16, (256 * 1024) / max(1, bytesPerSample))))
        self.tile = tile
        if maxBatch >= 2 * tile && InferenceSession.usableProcessors() >= 2 {
            let tables2 = plan.steps.map { step in
                UnsafeMutableBufferPointer<UnsafePointer<Float>>.allocate(capacity: max(1, step.inputSlots.count))
            }
            let inputs2 = UnsafeMutablePointer<LayerInputs>.allocate(capacity: max(1, plan.steps.count))
            for (k, step) in plan.steps.enumerated() {
                for (j, slot) in step.inputSlots.enumerated() { tables2[k][j] = UnsafePointer(buffers[slot]) }
                (inputs2 + k).initialize(to: LayerInputs(UnsafeBufferPointer(rebasing: tables2[k][0..<step.inputSlots.count])))
            }
            secondWorker = (tables2, inputs2)
        } else {
            secondWorker = nil
        }
    }

    /// Processors this process may run on: its affinity mask (`Cpus_allowed` in /proc/self/status on Linux, so that
    /// `taskset -c 0` means one), else the online count.
    static func usableProcessors() -> Int {
        if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
           let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Cpus_allowed:") }) {
            let mask = line.dropFirst("Cpus_allowed:".count).filter { $0.isHexDigit }
            let count = mask.reduce(0) { $0 + (Int(String($1), radix: 16) ?? 0).nonzeroBitCount }
            if count > 0 { return count }
        }
        return ProcessInfo.processInfo.activeProcessorCount
    }

    deinit {
        for b in buffers { b.deallocate() }
        for t in tables { t.deallocate() }
        scratch.deallocate()
        stepOutputs.deallocate()
        stepInputs.deinitialize(count: max(0, plan.steps.count))
        stepInputs.deallocate()
        if let w = secondWorker {
            for t in w.tables { t.deallocate() }
            w.inputs.deinitialize(count: max(0, plan.steps.count))
            w.inputs.deallocate()
        }
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
        // Tiled: point every step at each tile's rows (rewriting preallocated tables, no allocation). Batches of
        // many tiles are split between two threads, each with its own tables and its own part of the scratch.
        let tiles = (batch + tile - 1) / tile
        if let worker = secondWorker, tiles >= 4 {
            let half = (tiles / 2) * tile
            let secondScratch = scratch + tile * plan.scratchPerSample
            DispatchQueue.concurrentPerform(iterations: 2) { w in
                if w == 0 {
                    runTiles(from: 0, to: half, tables: tables, inputs: stepInputs, scratch: scratch)
                } else {
                    runTiles(from: half, to: batch, tables: worker.tables, inputs: worker.inputs, scratch: secondScratch)
                }
            }
        } else {
            runTiles(from: 0, to: batch, tables: tables, inputs: stepInputs, scratch: scratch)
        }
    }

    /// Runs samples `from..<to` tile by tile with one set of pointer tables, then points the tables back at row 0
    /// for the untiled path.
    private func runTiles(from first: Int, to end: Int, tables: [UnsafeMutableBufferPointer<UnsafePointer<Float>>],
                          inputs: UnsafeMutablePointer<LayerInputs>, scratch: UnsafeMutablePointer<Float>) {
        var start = first
        while start < end {
            let n = min(tile, end - start)
            stepLayers.withUnsafeBufferPointer { layers in
                for k in 0..<layers.count {
                    let table = tables[k]
                    for j in stepInputStart[k]..<stepInputStart[k + 1] {
                        let slot = stepInputSlots[j]
                        table[j - stepInputStart[k]] = UnsafePointer(buffers[slot] + start * slotElements[slot])
                    }
                    let out = stepOutputSlot[k]
                    layers[k].forward(inputs[k], output: buffers[out] + start * slotElements[out], batch: n, scratch: scratch)
                }
            }
            start += n
        }
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
