import CKerasGuard
import Foundation

/// A Keras model loaded from a `.keras` or legacy `.h5` file, ready to run natively (no Python, no TensorFlow).
///
/// Load once, then either call `predict` (convenient, copies) or make an `InferenceSession` and run it on its
/// preallocated buffers (no allocation per prediction; what the trading loop uses).
public final class KerasModel {
    /// The path the model was loaded from.
    public let path: String
    public let format: ModelFormat
    /// `metadata.json` of a `.keras` (keras_version, date_saved) or the root attributes of an `.h5`.
    public let metadata: [String: String]
    /// "Sequential" or "Functional".
    public let modelKind: String
    let plan: ExecutionPlan
    private let lock = NSLock()
    private var cachedSession: InferenceSession?

    private init(path: String, format: ModelFormat, metadata: [String: String], kind: String, plan: ExecutionPlan) {
        self.path = path
        self.format = format
        self.metadata = metadata
        self.modelKind = kind
        self.plan = plan
    }

    /// Loads a model file; the format is detected from its magic bytes. Every failure is a `KerasError` whose
    /// description is one line naming the file and the problem.
    public static func load(path: String) throws -> KerasModel {
        try load(path: path, builders: LayerRegistry.builders)
    }

    /// Loads a model whose inputs may have variable dimensions (saved as `None`, e.g. `keras.Input((None, 5))`):
    /// each such dimension takes its size from `variableDimensions[i]`, the shape (batch excluded) of the windows
    /// that will be fed to input `i`. Fixed dimensions stay as saved (a window that does not fit them is refused later
    /// as usual); nil or a shape of another rank leaves a variable dimension unresolved, which refuses the model.
    public static func load(path: String, variableDimensions: [Shape]?) throws -> KerasModel {
        try guarded(path) { try load(file: try ModelFile.open(path), builders: LayerRegistry.builders, variableDimensions: variableDimensions) }
    }

    /// The summary of a model as Keras prints it, `None` included for dimensions that follow a variable input
    /// dimension (`keras.Input((None, 5))`): such a model is built at two sizes and the dimensions that differ
    /// are the variable ones. A model with fixed inputs is built once.
    public static func inspect(path: String) throws -> ModelSummary {
        try guarded(path) {
            let file = try ModelFile.open(path)
            let graph = try SavedGraph.parse(file.config, file: path, format: file.format)
            guard graph.inputs.contains(where: { $0.shape.contains(-1) }) else { return try load(file: file, graph: graph).summary }
            func sized(_ n: Int) -> [Shape] { graph.inputs.map { $0.shape.map { $0 < 0 ? n : $0 } } }
            let a = try load(file: file, graph: graph, variableDimensions: sized(8)).summary
            let b = try load(file: file, graph: graph, variableDimensions: sized(9)).summary
            return a.markingVariableDimensions(comparedTo: b)
        }
    }

    /// Loads with an explicit layer table (tests use it to add layers; the CLI uses `LayerRegistry.builders`).
    public static func load(path: String, builders: [String: LayerBuilder]) throws -> KerasModel {
        try guarded(path) { try load(file: try ModelFile.open(path), builders: builders) }
    }

    /// Runs a read of `path` under the crash guard and the load time limit (libhdf5 can crash or loop on corrupt
    /// files): either becomes one error line naming the file and exit status 1.
    private static func guarded<T>(_ path: String, _ body: () throws -> T) rethrows -> T {
        let limit = loadTimeLimit
        CrashGuard.begin(crash: "error: \(path): reading the model crashed inside libhdf5 (the HDF5 data is corrupt); re-save the model",
                         timeout: "error: \(path): reading the model did not finish within \(limit) s (libhdf5 loops on some corrupt files); re-save the model",
                         seconds: limit)
        defer { CrashGuard.end() }
        return try body()
    }

    /// Seconds a load may take before the file is declared corrupt: libhdf5 1.10 can loop forever on some corrupt
    /// HDF5 data (found by fuzzing). `TRADINGBOT_MODEL_LOAD_TIMEOUT` overrides the default of 60 s; 0 disables it.
    public static var loadTimeLimit: UInt32 = ProcessInfo.processInfo.environment["TRADINGBOT_MODEL_LOAD_TIMEOUT"]
        .flatMap { UInt32($0) } ?? 60

    static func load(file: ModelFile, builders: [String: LayerBuilder] = LayerRegistry.builders,
                     variableDimensions: [Shape]? = nil) throws -> KerasModel {
        try load(file: file, graph: try SavedGraph.parse(file.config, file: file.path, format: file.format),
                 builders: builders, variableDimensions: variableDimensions)
    }

    /// Builds `graph` (already parsed from `file`) with the file's weights.
    static func load(file: ModelFile, graph saved: SavedGraph, builders: [String: LayerBuilder] = LayerRegistry.builders,
                     variableDimensions: [Shape]? = nil) throws -> KerasModel {
        let path = file.path
        var graph = saved
        for (i, input) in graph.inputs.enumerated() where input.shape.contains(-1) {
            let given = variableDimensions.flatMap { i < $0.count ? $0[i] : nil }
            guard let given, given.count == input.shape.count, given.allSatisfy({ $0 > 0 }) else {
                let saved = "(None" + input.shape.map { $0 < 0 ? ", None" : ", \($0)" }.joined() + ")"
                throw KerasError(.shapeMismatch, file: path, location: "input '\(input.name)'",
                                 "input shape \(saved) has a variable dimension; it is fixed by the windows you feed (model predict --input), or save the model with keras.Input((5, 5))")
            }
            graph.inputs[i].shape = zip(input.shape, given).map { $0 < 0 ? $1 : $0 }
        }
        let plan = try ExecutionPlan(graph: graph, model: file, builders: builders)
        return KerasModel(path: path, format: file.format, metadata: file.metadata, kind: graph.kind, plan: plan)
    }

    /// Shape of each input, batch excluded (e.g. `[5, 5]`).
    public var inputShapes: [Shape] { plan.inputs.map(\.shape) }
    /// Shape of the first input, batch excluded.
    public var inputShape: Shape { plan.inputs[0].shape }
    /// Names of the inputs as saved.
    public var inputNames: [String] { plan.inputs.map(\.name) }
    /// Saved dtype of each input (computation is always float32).
    public var inputDTypes: [String] { plan.inputs.map(\.dtype) }
    /// Shape of each output, batch excluded.
    public var outputShapes: [Shape] { plan.outputSlots.map { plan.slotShapes[$0] } }
    /// Shape of the first output, batch excluded.
    public var outputShape: Shape { outputShapes[0] }
    /// Total number of weights.
    public var parameterCount: Int { plan.parameterCount }

    /// Preallocated buffers for up to `maxBatch` samples per run. `tile` (samples per pass through the layers for
    /// large batches) defaults to what keeps one tile's activations within ~256 KB of cache.
    public func makeSession(maxBatch: Int, tile: Int? = nil) -> InferenceSession {
        InferenceSession(plan: plan, maxBatch: maxBatch, tile: tile)
    }

    /// Predicts `batch` samples of a single-input model; returns the first output, `batch × outputShape` floats.
    public func predict(_ input: [Float], batch: Int) throws -> [Float] {
        try predictAll(inputs: [input], batch: batch)[0]
    }

    /// Predicts `batch` samples; `inputs[i]` holds `batch × inputShapes[i]` floats. Returns the first output.
    public func predict(inputs: [[Float]], batch: Int) throws -> [Float] {
        try predictAll(inputs: inputs, batch: batch)[0]
    }

    /// Predicts `batch` samples and returns every output, each `batch × outputShapes[i]` floats.
    public func predictAll(inputs: [[Float]], batch: Int) throws -> [[Float]] {
        guard batch >= 1 else { throw KerasError(.badInput, file: path, "batch must be at least 1 (got \(batch))") }
        guard inputs.count == plan.inputs.count else {
            throw KerasError(.badInput, file: path, "the model takes \(plan.inputs.count) input(s), got \(inputs.count)")
        }
        for (i, x) in inputs.enumerated() {
            let want = batch * plan.inputs[i].shape.elementCount
            guard x.count == want else {
                throw KerasError(.badInput, file: path, location: "input '\(plan.inputs[i].name)'",
                                 "expected \(batch) × \(plan.inputs[i].shape) = \(want) floats, got \(x.count)")
            }
        }
        lock.lock()
        defer { lock.unlock() }
        let chunk = min(batch, 4096)
        if cachedSession == nil || cachedSession!.maxBatch < chunk {
            cachedSession = makeSession(maxBatch: chunk)
        }
        guard let session = cachedSession else { return [] }
        var outs = outputShapes.map { [Float](repeating: 0, count: batch * $0.elementCount) }
        var done = 0
        while done < batch {
            let n = min(session.maxBatch, batch - done)
            for (i, x) in inputs.enumerated() {
                let per = plan.inputs[i].shape.elementCount
                x.withUnsafeBufferPointer { src in
                    guard let base = src.baseAddress else { return }
                    session.inputs[i].baseAddress?.update(from: base + done * per, count: n * per)
                }
            }
            session.run(batch: n)
            for i in outs.indices {
                let per = outputShapes[i].elementCount
                let src = session.output(i)
                outs[i].withUnsafeMutableBufferPointer { dst in
                    guard let d = dst.baseAddress, let s = src.baseAddress else { return }
                    (d + done * per).update(from: s, count: n * per)
                }
            }
            done += n
        }
        return outs
    }

    /// What `model.summary()` shows: one row per layer, totals, and the saved input description.
    public var summary: ModelSummary { ModelSummary(model: self) }
}

/// Turns a crash inside libhdf5 while a model is read (SIGSEGV/SIGBUS on corrupt HDF5 data) or a read that never
/// ends into one error line and exit status 1 (fuzzing findings; reproducers in tools/fuzz_model/crashes/). Nested or
/// concurrent loads share one installation.
enum CrashGuard {
    private static let lock = NSLock()
    private static var depth = 0

    static func begin(crash: String, timeout: String, seconds: UInt32) {
        lock.lock(); defer { lock.unlock() }
        ckeras_guard_begin(crash, timeout, seconds)
        depth += 1
    }

    static func end() {
        lock.lock(); defer { lock.unlock() }
        depth -= 1
        if depth == 0 { ckeras_guard_end() }
    }
}
