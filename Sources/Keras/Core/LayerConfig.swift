/// A layer's saved `config` object, read key by key.
///
/// Every getter marks its key as understood; `finish()` then refuses the layer if the file sets an option that no
/// getter asked for, so an option we do not implement can never silently change the numbers.
public struct LayerConfig {
    public let className: String
    public let layerName: String
    public let file: String
    public private(set) var values: [String: JSONValue]
    private var consumed: Set<String> = []

    /// Keys that never change inference: training-time settings, bookkeeping, dtype policy (we always compute in float32).
    public static let inferenceIrrelevantKeys: Set<String> = [
        "name", "trainable", "dtype", "batch_input_shape", "batch_shape", "input_shape", "input_dim",
        "kernel_initializer", "bias_initializer", "recurrent_initializer", "beta_initializer", "gamma_initializer",
        "moving_mean_initializer", "moving_variance_initializer", "depthwise_initializer", "pointwise_initializer",
        "kernel_regularizer", "bias_regularizer", "recurrent_regularizer", "activity_regularizer",
        "beta_regularizer", "gamma_regularizer", "depthwise_regularizer", "pointwise_regularizer",
        "kernel_constraint", "bias_constraint", "recurrent_constraint", "beta_constraint", "gamma_constraint",
        "depthwise_constraint", "pointwise_constraint",
        "seed", "dropout", "recurrent_dropout", "rate", "noise_shape", "stddev", "momentum",
        "implementation", "use_cudnn", "unroll", "time_major", "synchronized", "renorm", "renorm_clipping",
        "renorm_momentum", "virtual_batch_size", "adjustment", "fused", "autocast", "sparse", "ragged",
    ]

    public init(className: String, layerName: String, file: String, values: [String: JSONValue]) {
        self.className = className
        self.layerName = layerName
        self.file = file
        self.values = values
    }

    /// `layer 'lstm' (LSTM)`: how errors name a layer.
    public var location: String { "layer '\(layerName)' (\(className))" }

    public func error(_ key: String, _ message: String, kind: KerasError.Kind = .unsupportedOption) -> KerasError {
        KerasError(kind, file: file, location: "\(location) option '\(key)'", message)
    }

    /// The raw value, marked as understood. Nil when absent.
    public mutating func raw(_ key: String) -> JSONValue? {
        consumed.insert(key)
        return values[key]
    }

    /// Marks keys as understood without reading them (for options that do not affect inference).
    public mutating func ignore(_ keys: String...) { consumed.formUnion(keys) }

    public mutating func int(_ key: String, default def: Int? = nil) throws -> Int {
        guard let v = raw(key), !v.isNull else {
            if let def { return def }
            throw error(key, "is missing; re-save the model with Keras 3", kind: .badConfig)
        }
        // Keras saves 1-D conv sizes as one-element lists: kernel_size [2].
        if let a = v.arrayValue, a.count == 1, let i = a[0].intValue { return i }
        guard let i = v.intValue else { throw error(key, "expected an integer, found \(v.shortDescription)", kind: .badConfig) }
        return i
    }

    public mutating func ints(_ key: String) throws -> [Int] {
        guard let v = raw(key) else { throw error(key, "is missing", kind: .badConfig) }
        if let i = v.intValue { return [i] }
        guard let a = v.arrayValue else { throw error(key, "expected a list of integers, found \(v.shortDescription)", kind: .badConfig) }
        return try a.map {
            guard let i = $0.intValue else { throw error(key, "expected a list of integers, found \(v.shortDescription)", kind: .badConfig) }
            return i
        }
    }

    /// An optional list of integers (`null` → nil), e.g. a Reshape target or an axis list.
    public mutating func optionalInts(_ key: String) throws -> [Int]? {
        guard let v = values[key], !v.isNull else { consumed.insert(key); return nil }
        return try ints(key)
    }

    public mutating func double(_ key: String, default def: Double? = nil) throws -> Double {
        guard let v = raw(key), !v.isNull else {
            if let def { return def }
            throw error(key, "is missing", kind: .badConfig)
        }
        guard let d = v.doubleValue else { throw error(key, "expected a number, found \(v.shortDescription)", kind: .badConfig) }
        return d
    }

    public mutating func bool(_ key: String, default def: Bool? = nil) throws -> Bool {
        guard let v = raw(key), !v.isNull else {
            if let def { return def }
            throw error(key, "is missing", kind: .badConfig)
        }
        guard let b = v.boolValue else { throw error(key, "expected true or false, found \(v.shortDescription)", kind: .badConfig) }
        return b
    }

    public mutating func string(_ key: String, default def: String? = nil) throws -> String {
        guard let v = raw(key), !v.isNull else {
            if let def { return def }
            throw error(key, "is missing", kind: .badConfig)
        }
        guard let s = v.stringValue else { throw error(key, "expected a string, found \(v.shortDescription)", kind: .badConfig) }
        return s
    }

    /// A string option restricted to the values we implement; any other value refuses the file.
    public mutating func choice(_ key: String, _ allowed: [String], default def: String? = nil) throws -> String {
        let s = try string(key, default: def)
        guard allowed.contains(s) else {
            throw error(key, "value \"\(s)\" is not supported (supported: \(allowed.joined(separator: ", ")))")
        }
        return s
    }

    /// Requires a boolean option to have the one value we implement (e.g. `stateful` must be false).
    public mutating func require(_ key: String, equals expected: Bool) throws {
        guard let v = raw(key), !v.isNull else { return }
        guard v.boolValue == expected else {
            throw error(key, "value \(v.shortDescription) is not supported (only \(expected))")
        }
    }

    /// A nested object, e.g. the wrapped layer of Bidirectional or TimeDistributed.
    public mutating func object(_ key: String) throws -> [String: JSONValue] {
        guard let v = raw(key), let o = v.objectValue else { throw error(key, "expected an object", kind: .badConfig) }
        return o
    }

    /// Refuses the layer if the file sets any option no getter asked for (unless it is inference-irrelevant or
    /// carries an inert value: null, false, or an empty list).
    public func finish() throws {
        for (key, value) in values.sorted(by: { $0.key < $1.key })
        where !consumed.contains(key) && !Self.inferenceIrrelevantKeys.contains(key) {
            switch value {
            case .null, .bool(false): continue
            case .array(let a) where a.isEmpty: continue
            default:
                throw error(key, "= \(value.shortDescription) is not supported by this build; remove it or re-train without it")
            }
        }
    }
}
