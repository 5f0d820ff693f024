import Foundation

/// The per-column scalers of a model's input features, in column order, loaded from the pickle the
/// training code writes or from the JSON form. `scalers[column]` is a `ColumnScaler`.
public struct ScalerSet: Equatable, Sendable {
    public let columns: [ColumnScaler]
    /// The file keyed its scalers by column name (a pickled `{'open': scaler, ...}`), not by position: match
    /// columns with `ordered(by:)` rather than trusting the dict's order.
    public let keyedByName: Bool

    public init(columns: [ColumnScaler], keyedByName: Bool = false) {
        self.columns = columns
        self.keyedByName = keyedByName
    }

    /// The columns rearranged into `features` order, matching each feature to the column of the same name
    /// (case-insensitive). Throws when a feature has no column or the set has columns no feature uses.
    public func ordered(by features: [String], file: String) throws -> ScalerSet {
        let names = columns.map { ($0.featureName ?? "").lowercased() }
        let missing = features.filter { !names.contains($0.lowercased()) }
        let extra = zip(names, columns).filter { name, _ in !features.contains { $0.lowercased() == name } }.map { $1.featureName ?? "" }
        guard missing.isEmpty, extra.isEmpty, Set(names).count == names.count else {
            var problems: [String] = []
            if !missing.isEmpty { problems.append("no scaler for \(missing.joined(separator: ", "))") }
            if !extra.isEmpty { problems.append("unknown column \(extra.map { "'\(OneLine.quote($0, limit: 40))'" }.joined(separator: ", "))") }
            if Set(names).count != names.count { problems.append("two keys name the same column") }
            throw ScalerError(file: file, kind: .columnNames(expected: features, problem: problems.joined(separator: "; ")))
        }
        let byName = Dictionary(zip(names, columns), uniquingKeysWith: { first, _ in first })
        return ScalerSet(columns: features.compactMap { byName[$0.lowercased()] }, keyedByName: false)
    }

    public var count: Int { columns.count }

    public subscript(column: Int) -> ColumnScaler { columns[column] }

    /// Decodes a pickle (dict/list of single-column MinMaxScalers, or one multi-column MinMaxScaler).
    public init(pickle bytes: [UInt8], file: String, limits: PickleLimits = .default) throws {
        guard !bytes.isEmpty else { throw ScalerError(file: file, kind: .emptyFile) }
        if let compression = Self.compression(bytes) {
            throw ScalerError(file: file, kind: .unknownFormat("\(compression)-compressed, as joblib.dump(..., compress=...) writes; "
                + "re-save with joblib.dump without compress, or with pickle.dump"))
        }
        let root: PickleValue
        do {
            root = try PickleReader.read(bytes, file: file, limits: limits)
        } catch let error as PickleError {
            throw ScalerError(file: file, kind: .pickle(error))
        }
        columns = try ScalerPickleDecoding.columns(from: root, file: file)
        if case let .dict(entries) = root, let first = entries.first, case .string = first.key {
            keyedByName = true
        } else {
            keyedByName = false
        }
    }

    /// The compression a `joblib.dump(..., compress=…)` file starts with, if any (the pickle inside is not readable
    /// without decompressing it first, which this reader deliberately does not do).
    static func compression(_ bytes: [UInt8]) -> String? {
        func starts(_ magic: [UInt8]) -> Bool { bytes.count >= magic.count && Array(bytes.prefix(magic.count)) == magic }
        if bytes.count >= 2, bytes[0] == 0x78, [0x01, 0x5E, 0x9C, 0xDA].contains(bytes[1]) { return "zlib" }
        if starts([0x1F, 0x8B]) { return "gzip" }
        if starts([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]) { return "xz" }
        if starts([0x42, 0x5A, 0x68]) { return "bz2" }
        if starts([0x04, 0x22, 0x4D, 0x18]) { return "lz4" }
        if starts(Array("ZF".utf8)) { return "joblib-zfile" }
        return nil
    }

    /// Loads `path`, choosing the format by extension (`.pkl` / `.pickle` / `.json`) or, failing that, by content.
    public static func load(path: String, limits: PickleLimits = .default) throws -> ScalerSet {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ScalerError(file: path, kind: .missingFile)
        }
        guard !isDirectory.boolValue else { throw ScalerError(file: path, kind: .isDirectory) }
        // stat(2), not FileManager.attributesOfItem: that also looks up the owner's user and group names (NSS:
        // /etc/nsswitch.conf, passwd, group) for a size.
        var info = stat()
        if stat(path, &info) == 0, Int(info.st_size) > limits.maxInputBytes {
            throw ScalerError(file: path, kind: .pickle(PickleError(
                file: path, offset: nil,
                kind: .limitExceeded("the file has \(info.st_size) bytes (limit \(limits.maxInputBytes))"))))
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ScalerError(file: path, kind: .unreadable(error.localizedDescription))
        }
        guard !data.isEmpty else { throw ScalerError(file: path, kind: .emptyFile) }
        let bytes = [UInt8](data)

        switch (path as NSString).pathExtension.lowercased() {
        case "pkl", "pickle":
            return try ScalerSet(pickle: bytes, file: path, limits: limits)
        case "json":
            return try ScalerSet(json: bytes, file: path)
        default:
            if bytes.first == 0x80 { return try ScalerSet(pickle: bytes, file: path, limits: limits) }
            if bytes.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) == UInt8(ascii: "{") {
                return try ScalerSet(json: bytes, file: path)
            }
            let ext = (path as NSString).pathExtension
            throw ScalerError(file: path, kind: .unknownFormat(
                ext.isEmpty ? "no extension and content is neither a pickle nor JSON"
                    : "extension '.\(ext)' and content is neither a pickle nor JSON"))
        }
    }

    // MARK: - Hot path batch forms

    /// Scales a window of raw feature rows (row-major, `count` features per row) into `out` as float32,
    /// the model's input type: sklearn's float64 `transform`, then numpy's `astype(float32)` rounding.
    /// No allocation; `rows.count` must be a multiple of `count` and equal `out.count`.
    @inlinable
    public func transform(rows: UnsafeBufferPointer<Double>, into out: UnsafeMutableBufferPointer<Float>) {
        precondition(rows.count == out.count && rows.count % columns.count == 0, "window shape does not match the scalers")
        columns.withUnsafeBufferPointer { cols in
            let n = cols.count
            var i = 0
            while i < rows.count {
                for c in 0..<n { out[i + c] = Float(cols[c].transform(rows[i + c])) }
                i += n
            }
        }
    }

    /// Scales a window of raw feature rows (row-major) into `out` in float64, exactly as sklearn's `transform`.
    @inlinable
    public func transform(rows: UnsafeBufferPointer<Double>, into out: UnsafeMutableBufferPointer<Double>) {
        precondition(rows.count == out.count && rows.count % columns.count == 0, "window shape does not match the scalers")
        columns.withUnsafeBufferPointer { cols in
            let n = cols.count
            var i = 0
            while i < rows.count {
                for c in 0..<n { out[i + c] = cols[c].transform(rows[i + c]) }
                i += n
            }
        }
    }

    /// Inverse-transforms float32 model outputs with column `column`'s scaler, in place, as sklearn does.
    @inlinable
    public func inverseTransform(_ values: UnsafeMutableBufferPointer<Float>, column: Int) {
        let c = columns[column]
        for i in values.indices { values[i] = c.inverseTransform(values[i]) }
    }
}
