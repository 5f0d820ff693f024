/// An unpickled value as inert data. Only whitelisted classes appear (as `.object` with their state);
/// numpy arrays, dtypes and scalars are rebuilt natively. Nesting is bounded by `PickleLimits.maxDepth`.
public indirect enum PickleValue: Equatable, Sendable {
    case none
    case bool(Bool)
    case int(Int)
    case float(Double)
    case string(String)
    case bytes([UInt8])
    case list([PickleValue])
    case tuple([PickleValue])
    /// Entries in insertion order (Python dicts keep it).
    case dict([PickleDictEntry])
    case array(NumpyArray)
    case dtype(NumpyDType)
    /// An instance of a whitelisted class with the state BUILD gave it (usually its `__dict__`).
    case object(SafeGlobal, state: PickleValue?)
    /// A whitelisted global left as a value (not called).
    case global(SafeGlobal)

    /// A short name of the value's kind, for error messages.
    public var kindName: String {
        switch self {
        case .none: return "None"
        case .bool: return "bool"
        case .int: return "int"
        case .float: return "float"
        case .string: return "str"
        case .bytes: return "bytes"
        case .list: return "list"
        case .tuple: return "tuple"
        case .dict: return "dict"
        case let .array(a): return "numpy array (dtype \(a.dtype), shape \(a.shape))"
        case .dtype: return "numpy dtype"
        case let .object(cls, _): return "\(cls.rawValue) object"
        case let .global(g): return g.rawValue
        }
    }
}

/// One key/value pair of a pickled dict.
public struct PickleDictEntry: Equatable, Sendable {
    public let key: PickleValue
    public let value: PickleValue
    public init(key: PickleValue, value: PickleValue) {
        self.key = key
        self.value = value
    }
}

extension PickleValue {
    /// The value stored under a string key of a dict (nil when absent or not a dict).
    public subscript(key: String) -> PickleValue? {
        guard case let .dict(entries) = self else { return nil }
        return entries.last(where: { $0.key == .string(key) })?.value
    }
}
