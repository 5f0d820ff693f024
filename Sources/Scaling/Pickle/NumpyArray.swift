/// A numpy dtype the reader can rebuild exactly: bool, signed/unsigned ints, float32/float64, object.
public struct NumpyDType: Equatable, Sendable, CustomStringConvertible {
    public enum Kind: Character, Sendable {
        case bool = "b", int = "i", uint = "u", float = "f", object = "O"
    }
    public let kind: Kind
    /// Bytes per element (object arrays: pointer size, unused).
    public let itemSize: Int
    /// Byte order of the raw data; numpy's `|` (not applicable) and `=` (native) count as little-endian here.
    public var littleEndian: Bool

    public init(kind: Kind, itemSize: Int, littleEndian: Bool = true) {
        self.kind = kind
        self.itemSize = itemSize
        self.littleEndian = littleEndian
    }

    /// Parses numpy's dtype codes as pickled: `f8`, `<f4`, `>i8`, `u1`, `b1`, `O8`, `|O`.
    /// Returns nil for anything it cannot rebuild exactly (complex, strings, datetimes, structs).
    public init?(code: String) {
        var chars = Substring(code)
        var little = true
        if let first = chars.first, "<>|=".contains(first) {
            little = first != ">"
            chars = chars.dropFirst()
        }
        guard let k = chars.first, let kind = Kind(rawValue: k) else { return nil }
        let sizeText = String(chars.dropFirst())
        let size: Int
        if sizeText.isEmpty {
            switch kind {
            case .bool: size = 1
            case .object: size = 8
            default: return nil
            }
        } else {
            guard sizeText.count <= 2, let s = Int(sizeText) else { return nil }
            size = s
        }
        switch kind {
        case .bool: guard size == 1 else { return nil }
        case .int, .uint: guard [1, 2, 4, 8].contains(size) else { return nil }
        case .float: guard size == 4 || size == 8 else { return nil }
        case .object: guard size == 8 || size == 4 else { return nil }
        }
        self.init(kind: kind, itemSize: size, littleEndian: little)
    }

    public var description: String {
        kind == .object ? "object" : "\(littleEndian ? "<" : ">")\(kind.rawValue)\(itemSize)"
    }
}

/// A numpy array rebuilt from a pickle, elements always in C (row-major) order.
public struct NumpyArray: Equatable, Sendable {
    public enum Elements: Equatable, Sendable {
        case float64([Double])
        case float32([Float])
        case int([Int64])
        case uint([UInt64])
        case bool([Bool])
        case object([PickleValue])
    }
    public let shape: [Int]
    public let dtype: NumpyDType
    public let elements: Elements

    public init(shape: [Int], dtype: NumpyDType, elements: Elements) {
        self.shape = shape
        self.dtype = dtype
        self.elements = elements
    }

    public var count: Int {
        switch elements {
        case let .float64(v): return v.count
        case let .float32(v): return v.count
        case let .int(v): return v.count
        case let .uint(v): return v.count
        case let .bool(v): return v.count
        case let .object(v): return v.count
        }
    }

    /// The elements widened exactly to Double (float64, float32, and integers within ±2^53); nil otherwise.
    public var exactDoubles: [Double]? {
        switch elements {
        case let .float64(v): return v
        case let .float32(v): return v.map { Double($0) }
        case let .int(v):
            guard v.allSatisfy({ $0.magnitude <= 1 << 53 }) else { return nil }
            return v.map { Double($0) }
        case let .uint(v):
            guard v.allSatisfy({ $0 <= 1 << 53 }) else { return nil }
            return v.map { Double($0) }
        case .bool, .object: return nil
        }
    }
}
