/// The table of Keras class names we implement. A class not listed here refuses the model at load time.
public enum LayerRegistry {
    /// Class name → builder. Layer files add themselves here (one line each).
    public static let builders: [String: LayerBuilder] = [
        "InputLayer": InputLayer.make,
        "Dense": DenseLayer.make,
        "Conv1D": Conv1DLayer.make,
        "LSTM": LSTMLayer.make,
        "GRU": GRULayer.make,
        "SimpleRNN": SimpleRNNLayer.make,
        "ConvLSTM1D": ConvLSTM1DLayer.make,
        "MaxPooling1D": Pooling1DLayer.make,
        "AveragePooling1D": Pooling1DLayer.make,
        "GlobalAveragePooling1D": GlobalPooling1DLayer.make,
        "GlobalMaxPooling1D": GlobalPooling1DLayer.make,
        "Flatten": FlattenLayer.make,
        "Reshape": ReshapeLayer.make,
        "RepeatVector": RepeatVectorLayer.make,
        "Bidirectional": BidirectionalLayer.make,
        "TimeDistributed": TimeDistributedLayer.make,
        "Dropout": InferenceIdentityLayer.make,
        "SpatialDropout1D": InferenceIdentityLayer.make,
        "GaussianNoise": InferenceIdentityLayer.make,
        "GaussianDropout": InferenceIdentityLayer.make,
        "AlphaDropout": InferenceIdentityLayer.make,
        "LayerNormalization": LayerNormalizationLayer.make,
        "BatchNormalization": BatchNormalizationLayer.make,
        "MultiHeadAttention": MultiHeadAttentionLayer.make,
        "GetItem": GetItemLayer.make,
        "Add": MergeLayer.make,
        "Subtract": MergeLayer.make,
        "Multiply": MergeLayer.make,
        "Average": MergeLayer.make,
        "Maximum": MergeLayer.make,
        "Minimum": MergeLayer.make,
        "Concatenate": ConcatenateLayer.make,
        "Activation": ActivationLayer.make,
        "ReLU": ActivationLayer.make,
        "LeakyReLU": ActivationLayer.make,
        "ELU": ActivationLayer.make,
        "Softmax": ActivationLayer.make,
    ]

    /// Builds one layer, then refuses it if the file carries options or weights the builder did not use.
    public static func build(_ context: inout LayerBuildContext) throws -> Layer {
        let layer = try buildNested(&context)
        try context.weights.finish()
        return layer
    }

    /// Builds a layer nested in a wrapper (Bidirectional, TimeDistributed) and checks its options; its weights are
    /// checked by the wrapper's own `finish()` (in legacy `.h5` files nested layers share the wrapper's weight list).
    static func buildNested(_ context: inout LayerBuildContext) throws -> Layer {
        let className = context.config.className
        guard let builder = builders[className] else {
            throw KerasError(.unknownLayer, file: context.config.file, location: context.config.location,
                             "layer class '\(className)' is not supported by this build (supported: \(builders.keys.sorted().joined(separator: ", ")))")
        }
        let layer = try builder(&context)
        try context.config.finish()
        return layer
    }
}
