/// The table of Keras class names we implement. A class not listed here refuses the model at load time.
public enum LayerRegistry {
    /// Class name → builder. Layer files add themselves here (one line each).
    public static let builders: [String: LayerBuilder] = [:]

    /// Builds one layer, then refuses it if the file carries options or weights the builder did not use.
    public static func build(_ context: inout LayerBuildContext) throws -> Layer {
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
