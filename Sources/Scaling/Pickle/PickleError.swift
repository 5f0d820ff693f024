/// Why a pickle was refused. Every case carries the file and, where it helps, the byte offset,
/// so the one-line description tells the user which file is bad and what to do about it.
public struct PickleError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Kind: Equatable, Sendable {
        /// The pickle names a global outside the whitelist: loading it could run arbitrary code.
        case forbiddenGlobal(module: String, name: String)
        /// The input ended before a STOP opcode (or in the middle of an opcode's argument).
        case truncated
        /// An opcode this reader does not implement (or refuses, like PERSID / EXT*).
        case unsupportedOpcode(UInt8)
        /// A pickle protocol newer than 5.
        case unsupportedProtocol(Int)
        /// Structurally invalid: stack underflow, missing mark, unknown memo key, wrong argument types...
        case malformed(String)
        /// A safety limit (size, memo, depth, stack) was hit: refused so hostile input cannot exhaust memory.
        case limitExceeded(String)
        /// A numpy array or dtype this reader cannot rebuild exactly (e.g. complex or string dtypes).
        case unsupportedArray(String)
    }

    /// The file (or other source label) the bytes came from.
    public let file: String
    /// Byte offset of the opcode being executed when the problem was found (nil when not meaningful).
    public let offset: Int?
    public let kind: Kind

    public init(file: String, offset: Int?, kind: Kind) {
        self.file = file
        self.offset = offset
        self.kind = kind
    }

    public var description: String { OneLine.escaped(message) }

    private var message: String {
        let at = offset.map { " at byte \($0)" } ?? ""
        switch kind {
        case let .forbiddenGlobal(module, name):
            return "\(file): refused: the pickle names the global \(OneLine.quote(module)).\(OneLine.quote(name)), which could run code when loaded; "
                + "only scikit-learn MinMaxScaler and numpy arrays are allowed (re-save the scalers with pickle.dump of a dict of MinMaxScaler, or use the JSON form)"
        case .truncated:
            return "\(file): the pickle is truncated\(at) (the file ends before the pickle's STOP); re-save or re-copy it"
        case let .unsupportedOpcode(op):
            return "\(file): unsupported pickle opcode 0x\(String(op, radix: 16))\(at); re-save with pickle protocol 2 to 5"
        case let .unsupportedProtocol(p):
            return "\(file): pickle protocol \(p) is not supported\(at); re-save with protocol 2 to 5"
        case let .malformed(what):
            return "\(file): corrupt pickle\(at): \(OneLine.quote(what, limit: 200)); re-save the scalers"
        case let .limitExceeded(what):
            return "\(file): refused: \(what)\(at); a scaler pickle is never this large or deep"
        case let .unsupportedArray(what):
            return "\(file): unsupported numpy array\(at): \(OneLine.quote(what, limit: 200))"
        }
    }
}
