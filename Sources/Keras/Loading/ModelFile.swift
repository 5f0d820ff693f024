import Foundation
import ZIPFoundation

/// The two on-disk forms Keras writes.
public enum ModelFormat: String, Sendable {
    /// Keras 3 `.keras`: a zip holding `config.json`, `metadata.json` and `model.weights.h5`.
    case kerasArchive = "keras"
    /// Legacy Keras `.h5`: one HDF5 file with a `model_config` attribute and a `model_weights` group.
    case legacyHDF5 = "h5"
}

/// A model file opened and split into its parts, before any layer is built.
struct ModelFile {
    var path: String
    var format: ModelFormat
    /// The model config: `{"class_name": "Sequential"|"Functional", "config": {...}}`.
    var config: JSONValue
    /// `metadata.json` (`.keras`) or the root attributes `keras_version` / `backend` (`.h5`).
    var metadata: [String: String]
    var weights: HDF5File

    static let zipSignature: [UInt8] = [0x50, 0x4B, 0x03, 0x04]
    /// Biggest zip member we inflate: a corrupt or hostile header must not exhaust memory.
    static let maxMemberBytes = 1 << 30

    /// Reads and splits `path`. The format is detected from the magic bytes, not the extension.
    static func open(_ path: String) throws -> ModelFile {
        let bytes = try readFile(path)
        if bytes.starts(with: zipSignature) { return try openArchive(path, bytes) }
        if bytes.starts(with: HDF5File.signature) { return try openLegacy(path, bytes) }
        let ext = (path as NSString).pathExtension.lowercased()
        let hint = ext == "keras" ? "it is not a zip archive (corrupt or truncated .keras)"
            : ext == "h5" || ext == "hdf5" ? "it does not start with the HDF5 signature (corrupt .h5)"
            : "it is neither a Keras 3 .keras archive nor a legacy Keras .h5 file"
        throw KerasError(.corruptContainer, file: path, "cannot load this model: \(hint)")
    }

    static func readFile(_ path: String) throws -> Data {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw KerasError(.unreadableFile, file: path, "no such file; check the model path")
        }
        guard !isDir.boolValue else {
            throw KerasError(.unreadableFile, file: path, "is a directory; pass a .keras or .h5 file")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw KerasError(.unreadableFile, file: path, "cannot be read (permissions?)")
        }
        guard !data.isEmpty else { throw KerasError(.unreadableFile, file: path, "is empty; re-save the model") }
        return data
    }

    private static func parseJSON(_ data: Data, file: String, what: String) throws -> JSONValue {
        do { return try JSONValue.parse(data) } catch {
            throw KerasError(.badConfig, file: file, location: what, "is not valid JSON (\(error)); re-save the model")
        }
    }

    private static func openArchive(_ path: String, _ bytes: Data) throws -> ModelFile {
        let (config, metadata, weights) = try archiveMembers(path, bytes)
        return try fromArchiveParts(path, config: config, metadata: metadata, weights: weights)
    }

    /// config.json, metadata.json (optional) and model.weights.h5 of a `.keras` archive.
    static func archiveMembers(_ path: String, _ bytes: Data) throws -> (config: Data, metadata: Data?, weights: Data) {
        let archive: Archive
        do { archive = try Archive(data: bytes, accessMode: .read) } catch {
            throw KerasError(.corruptContainer, file: path, "corrupt or truncated zip archive (no readable central directory); re-save the model")
        }
        func member(_ name: String) throws -> Data {
            guard let entry = archive[name] else {
                throw KerasError(.corruptContainer, file: path, "the archive has no '\(name)'; this is not a Keras 3 .keras file")
            }
            guard entry.type == .file, entry.uncompressedSize <= UInt64(maxMemberBytes) else {
                throw KerasError(.corruptContainer, file: path, location: name, "is not a plausible archive member; the archive is corrupt")
            }
            var out = Data()
            do {
                _ = try archive.extract(entry, skipCRC32: false) { chunk in
                    guard out.count + chunk.count <= maxMemberBytes else { throw CocoaError(.fileReadTooLarge) }
                    out.append(chunk)
                }
            } catch {
                throw KerasError(.corruptContainer, file: path, location: name, "cannot be extracted (corrupt or truncated archive); re-save the model")
            }
            return out
        }
        let config = try member("config.json")
        let metadata = archive["metadata.json"] == nil ? nil : try? member("metadata.json")
        return (config, metadata, try member("model.weights.h5"))
    }

    /// Assembles a `.keras` model from its three members (also the entry point the fuzz tests use to reach the
    /// JSON and HDF5 readers without the zip CRC rejecting every mutation).
    static func fromArchiveParts(_ path: String, config configBytes: Data, metadata metadataBytes: Data?, weights weightBytes: Data) throws -> ModelFile {
        let config = try parseJSON(configBytes, file: path, what: "config.json")
        var metadata: [String: String] = [:]
        if let metadataBytes, let meta = try? parseJSON(metadataBytes, file: path, what: "metadata.json").objectValue {
            for (k, v) in meta { metadata[k] = v.stringValue ?? v.shortDescription }
        }
        let weights = try HDF5File(image: weightBytes, file: path + "!model.weights.h5")
        return ModelFile(path: path, format: .kerasArchive, config: config, metadata: metadata, weights: weights)
    }

    private static func openLegacy(_ path: String, _ bytes: Data) throws -> ModelFile {
        let h5 = try HDF5File(image: bytes, file: path)
        guard let text = try h5.stringAttribute("", "model_config") else {
            throw KerasError(.badConfig, file: path, "HDF5 file has no 'model_config' attribute: it holds weights only (save_weights), not a model; save it with model.save()")
        }
        let config = try parseJSON(Data(text.utf8), file: path, what: "attribute 'model_config'")
        var metadata: [String: String] = [:]
        for key in ["keras_version", "backend"] {
            if let v = try? h5.stringAttribute("", key) { metadata[key] = v }
        }
        return ModelFile(path: path, format: .legacyHDF5, config: config, metadata: metadata, weights: h5)
    }
}
