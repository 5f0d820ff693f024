/// The options every Keras recurrent layer (LSTM, GRU, SimpleRNN, ConvLSTM1D) saves, read once for all of them.
struct RecurrentOptions {
    let units: Int
    let activation: Activation
    let useBias: Bool
    let returnSequences: Bool
    let goBackwards: Bool

    init(_ config: inout LayerConfig, unitsKey: String = "units", defaultActivation: Activation = .tanh) throws {
        units = try config.int(unitsKey)
        guard units > 0 else { throw config.error(unitsKey, "must be positive, found \(units)", kind: .badConfig) }
        activation = try Activation.readElementwise(&config, "activation", default: defaultActivation)
        useBias = try config.bool("use_bias", default: true)
        returnSequences = try config.bool("return_sequences", default: false)
        goBackwards = try config.bool("go_backwards", default: false)
        try config.require("return_state", equals: false)
        try config.require("stateful", equals: false)
        // Masks only come from Masking/Embedding layers, which this build refuses, so this flag never applies.
        config.ignore("zero_output_for_mask")
    }

    /// The input feature count, read from the cell's (input, k·units) kernel before it is taken.
    static func inputDim(of cell: WeightReader, _ config: LayerConfig) throws -> Int {
        guard let shape = cell.peekShape(), shape.count == 2 else {
            throw KerasError(.badWeights, file: config.file, location: config.location, "kernel is missing or not 2-D")
        }
        return shape[0]
    }
}

/// Recurrent layers that Bidirectional can wrap: they run the sequence in either direction and report their units.
protocol RecurrentLayer: Layer {
    var units: Int { get }
    var returnSequences: Bool { get }
}
