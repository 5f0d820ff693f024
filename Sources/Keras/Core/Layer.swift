/// Pointers to a layer's inputs for one call, owned by the execution plan (no allocation per call).
public struct LayerInputs {
    public let pointers: UnsafeBufferPointer<UnsafePointer<Float>>
    public init(_ pointers: UnsafeBufferPointer<UnsafePointer<Float>>) { self.pointers = pointers }
    @inlinable public var count: Int { pointers.count }
    @inlinable public subscript(i: Int) -> UnsafePointer<Float> { pointers[i] }
}

/// One Keras layer, ready to run.
///
/// Layers are built once from the saved config and weights (see `LayerBuildContext`), then `build(inputShapes:)`
/// fixes their shapes so that `forward` can run on raw buffers without checks or allocation: the forward pass
/// is on the trading hot path.
public protocol Layer: AnyObject {
    /// The layer's name in the saved config.
    var name: String { get }
    /// The Keras class name (`Conv1D`, `LSTM`, …).
    var className: String { get }
    /// Number of scalars held as weights (for the summary).
    var parameterCount: Int { get }
    /// How many of them training never updates (BatchNormalization's moving mean and variance), so the summary
    /// splits trainable / non-trainable as Keras does.
    var nonTrainableParameterCount: Int { get }
    /// Checks the input shapes (batch excluded) against options and weights and returns the output shape.
    /// Called exactly once, before any `forward`.
    func build(inputShapes: [Shape]) throws -> Shape
    /// Scratch floats needed per sample by `forward`; valid after `build`.
    var scratchPerSample: Int { get }
    /// Computes `batch` samples: input `i` holds `batch × inputShapes[i].elementCount` floats, row-major, batch first;
    /// writes `batch × outputShape.elementCount` floats to `output`. `scratch` holds `batch × scratchPerSample` floats.
    func forward(_ inputs: LayerInputs, output: UnsafeMutablePointer<Float>, batch: Int, scratch: UnsafeMutablePointer<Float>)
}

/// Non-tensor arguments of the call that created a graph node (functional models save them in `inbound_nodes`),
/// e.g. the index of `x[:, -1, :]` for GetItem or `use_causal_mask` for MultiHeadAttention.
public struct CallArguments {
    /// Positional arguments; tensor arguments appear as `nil` (they are wired by the graph).
    public var args: [JSONValue?]
    /// Keyword arguments that are not tensors.
    public var kwargs: [String: JSONValue]
    public init(args: [JSONValue?] = [], kwargs: [String: JSONValue] = [:]) {
        self.args = args
        self.kwargs = kwargs
    }
}

/// Everything a builder needs to turn one saved layer into a `Layer`.
public struct LayerBuildContext {
    public var config: LayerConfig
    public var weights: WeightReader
    public var call: CallArguments
    public init(config: LayerConfig, weights: WeightReader, call: CallArguments = CallArguments()) {
        self.config = config
        self.weights = weights
        self.call = call
    }
}

/// Builds a layer from its context. Must consume the options it honours (the registry calls `config.finish()`
/// and `weights.finish()` afterwards).
public typealias LayerBuilder = (inout LayerBuildContext) throws -> Layer

extension Layer {
    public var nonTrainableParameterCount: Int { 0 }
}
