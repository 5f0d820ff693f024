/// Converts the machine's arena (which may hold shared references or cycles) into a `PickleValue` tree,
/// refusing nesting deeper than `maxDepth` and more than `maxNodes` values so neither cycles nor
/// exponential sharing can hang the reader or exhaust memory.
struct PickleTreeBuilder {
    let arena: [Node]
    let limits: PickleLimits
    var nodes = 0

    init(arena: [Node], limits: PickleLimits) {
        self.arena = arena
        self.limits = limits
    }

    mutating func value(_ slot: Slot, depth: Int) throws -> PickleValue {
        nodes += 1
        guard nodes <= limits.maxNodes else {
            throw PickleError.Kind.limitExceeded("more than \(limits.maxNodes) values in the result")
        }
        guard depth <= limits.maxDepth else {
            throw PickleError.Kind.limitExceeded("values nested deeper than \(limits.maxDepth) levels")
        }
        switch slot {
        case .none: return .none
        case let .bool(b): return .bool(b)
        case let .int(i): return .int(i)
        case let .float(d): return .float(d)
        case let .string(s): return .string(s)
        case let .bytes(b): return .bytes(b)
        case let .ref(i):
            switch arena[i] {
            case let .list(items): return .list(try items.map { try value($0, depth: depth + 1) })
            case let .tuple(items): return .tuple(try items.map { try value($0, depth: depth + 1) })
            case let .dict(keys, values, _):
                var entries: [PickleDictEntry] = []
                entries.reserveCapacity(keys.count)
                for (k, v) in zip(keys, values) {
                    entries.append(PickleDictEntry(key: try value(k, depth: depth + 1), value: try value(v, depth: depth + 1)))
                }
                return .dict(entries)
            case let .global(g): return .global(g)
            case let .dtype(d): return .dtype(d)
            case .pendingArray:
                throw PickleError.Kind.malformed("a numpy array was created but never given its data")
            case let .array(a):
                nodes += a.count / 64
                return .array(a)
            case let .objectArray(shape, dtype, items):
                let values = try items.map { try value($0, depth: depth + 1) }
                return .array(NumpyArray(shape: shape, dtype: dtype, elements: .object(values)))
            case let .object(cls, state):
                return .object(cls, state: try state.map { try value($0, depth: depth + 1) })
            }
        }
    }
}
