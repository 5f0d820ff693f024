/// Every way a model file can be refused or a forward pass can fail.
///
/// Each case carries the file and the place in it, and `description` is one line that tells the user what to do,
/// because these surface straight to the CLI.
public struct KerasError: Error, CustomStringConvertible, Equatable {
    public enum Kind: String, Sendable {
        /// The file is missing, empty, a directory, or unreadable.
        case unreadableFile
        /// The zip archive or HDF5 container is corrupt or truncated.
        case corruptContainer
        /// config.json / model_config is missing or malformed.
        case badConfig
        /// A layer class we do not implement.
        case unknownLayer
        /// A layer option we do not implement (or a value of it).
        case unsupportedOption
        /// A weight is missing, extra, or has the wrong shape.
        case badWeights
        /// Input/output shapes do not fit together.
        case shapeMismatch
        /// Caller passed input of the wrong size.
        case badInput
    }

    public var kind: Kind
    /// The model file (path as given by the user).
    public var file: String
    /// Where in the model: a layer name and class, a weight path, a config key. Empty when not applicable.
    public var location: String
    /// What is wrong and what to do about it.
    public var message: String

    public init(_ kind: Kind, file: String, location: String = "", _ message: String) {
        self.kind = kind
        self.file = file
        self.location = location
        self.message = message
    }

    public var description: String {
        location.isEmpty ? "\(file): \(message)" : "\(file): \(location): \(message)"
    }
}
