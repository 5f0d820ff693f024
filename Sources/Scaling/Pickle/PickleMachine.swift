/// The restricted unpickler: executes pickle opcodes against an inert value arena. It never imports or calls
/// anything: GLOBAL / STACK_GLOBAL resolve only `SafeGlobal` names, and REDUCE / NEWOBJ / BUILD apply only the
/// fixed meaning each whitelisted global has (rebuild a numpy array, a dtype, a scaler's state...).
///
/// Containers live in a flat arena addressed by index, so hostile nesting or cycles cannot cause deep recursion
/// while reading; `PickleTreeBuilder` then turns the result into a `PickleValue` under depth and size limits.
public enum PickleReader {
    /// Reads one pickle from `bytes`. `file` names the source in errors.
    public static func read(_ bytes: [UInt8], file: String, limits: PickleLimits = .default) throws -> PickleValue {
        guard bytes.count <= limits.maxInputBytes else {
            throw PickleError(file: file, offset: nil,
                              kind: .limitExceeded("the file has \(bytes.count) bytes (limit \(limits.maxInputBytes))"))
        }
        var machine = PickleMachine(bytes: bytes, limits: limits)
        let root: Slot
        do {
            root = try machine.run()
        } catch let kind as PickleError.Kind {
            throw PickleError(file: file, offset: machine.opcodeOffset, kind: kind)
        }
        var builder = PickleTreeBuilder(arena: machine.arena, limits: limits)
        do {
            return try builder.value(root, depth: 0)
        } catch let kind as PickleError.Kind {
            throw PickleError(file: file, offset: nil, kind: kind)
        }
    }
}

/// A VM stack / memo value: scalars inline, containers and objects as arena references.
enum Slot {
    case none
    case bool(Bool)
    case int(Int)
    case float(Double)
    case string(String)
    case bytes([UInt8])
    case ref(Int)
}

/// An arena entry: everything that can be mutated after creation or referenced from several places.
enum Node {
    case list([Slot])
    case tuple([Slot])
    case dict(keys: [Slot], values: [Slot], index: [DictKey: Int])
    case global(SafeGlobal)
    case dtype(NumpyDType)
    /// Created by `_reconstruct`, waiting for BUILD to give it shape, dtype and data.
    case pendingArray
    case array(NumpyArray)
    case objectArray(shape: [Int], dtype: NumpyDType, items: [Slot])
    case object(SafeGlobal, state: Slot?)
}

/// Hashable form of a dict key (Python: `True == 1 == 1.0`, so they share a key).
enum DictKey: Hashable {
    case none
    case int(Int)
    case float(UInt64)
    case string(String)
    case bytes([UInt8])
    case ref(Int)

    init(_ slot: Slot) {
        switch slot {
        case .none: self = .none
        case let .bool(b): self = .int(b ? 1 : 0)
        case let .int(i): self = .int(i)
        case let .float(d):
            if d.rounded() == d, let i = Int(exactly: d) { self = .int(i) } else { self = .float(d.bitPattern) }
        case let .string(s): self = .string(s)
        case let .bytes(b): self = .bytes(b)
        case let .ref(r): self = .ref(r)
        }
    }
}

struct PickleMachine {
    let bytes: [UInt8]
    let limits: PickleLimits
    var pos = 0
    var opcodeOffset = 0
    var stack: [Slot] = []
    var marks: [Int] = []
    var memo: [UInt64: Slot] = [:]
    var arena: [Node] = []
    var decodedBytes = 0
    /// How many joblib object-array pickles this one is nested in (each runs a machine of its own).
    var nesting = 0

    init(bytes: [UInt8], limits: PickleLimits) {
        self.bytes = bytes
        self.limits = limits
    }

    // MARK: - Input

    mutating func take(_ n: Int) throws -> ArraySlice<UInt8> {
        guard n >= 0, n <= bytes.count - pos else { throw PickleError.Kind.truncated }
        defer { pos += n }
        return bytes[pos..<pos + n]
    }

    mutating func byte() throws -> UInt8 {
        guard pos < bytes.count else { throw PickleError.Kind.truncated }
        defer { pos += 1 }
        return bytes[pos]
    }

    /// Little-endian unsigned integer of `n` bytes.
    mutating func uintLE(_ n: Int) throws -> UInt64 {
        let s = try take(n)
        var v: UInt64 = 0
        for b in s.reversed() { v = v << 8 | UInt64(b) }
        return v
    }

    /// A length prefix of `n` bytes, checked against the remaining input before anything is allocated.
    mutating func length(_ n: Int) throws -> Int {
        let v = try uintLE(n)
        guard v <= UInt64(bytes.count - pos) else { throw PickleError.Kind.truncated }
        return Int(v)
    }

    mutating func line() throws -> String {
        guard let nl = bytes[pos...].firstIndex(of: 0x0A) else { throw PickleError.Kind.truncated }
        let text = bytes[pos..<nl]
        pos = nl + 1
        guard let s = String(validating: text, as: UTF8.self) else {
            throw PickleError.Kind.malformed("GLOBAL name is not UTF-8")
        }
        return s
    }

    mutating func utf8(_ n: Int) throws -> String {
        let s = try take(n)
        guard let text = String(validating: s, as: UTF8.self) else {
            throw PickleError.Kind.malformed("string is not valid UTF-8")
        }
        return text
    }

    // MARK: - Stack, memo, arena

    mutating func push(_ s: Slot) throws {
        guard stack.count + marks.count < limits.maxStack else {
            throw PickleError.Kind.limitExceeded("more than \(limits.maxStack) values on the pickle stack")
        }
        stack.append(s)
    }

    mutating func pop() throws -> Slot {
        guard let s = stack.popLast() else { throw PickleError.Kind.malformed("stack underflow") }
        if let m = marks.last, stack.count < m { throw PickleError.Kind.malformed("value popped across a MARK") }
        return s
    }

    mutating func popMark() throws -> [Slot] {
        guard let m = marks.popLast() else { throw PickleError.Kind.malformed("MARK expected but not found") }
        guard m <= stack.count else { throw PickleError.Kind.malformed("MARK beyond the stack") }
        let items = Array(stack[m...])
        stack.removeSubrange(m...)
        return items
    }

    mutating func top() throws -> Slot {
        guard let s = stack.last, stack.count > (marks.last ?? 0) else {
            throw PickleError.Kind.malformed("stack underflow")
        }
        return s
    }

    mutating func new(_ node: Node) throws -> Slot {
        guard arena.count < limits.maxNodes else {
            throw PickleError.Kind.limitExceeded("more than \(limits.maxNodes) objects")
        }
        arena.append(node)
        return .ref(arena.count - 1)
    }

    mutating func memoPut(_ key: UInt64) throws {
        let v = try top()
        if memo[key] == nil, memo.count >= limits.maxMemo {
            throw PickleError.Kind.limitExceeded("more than \(limits.maxMemo) memo entries")
        }
        memo[key] = v
    }

    mutating func memoGet(_ key: UInt64) throws {
        guard let v = memo[key] else { throw PickleError.Kind.malformed("memo key \(key) was never stored") }
        try push(v)
    }

    mutating func charge(_ n: Int) throws {
        decodedBytes += n
        guard decodedBytes <= limits.maxDecodedBytes else {
            throw PickleError.Kind.limitExceeded("more than \(limits.maxDecodedBytes) bytes of decoded data")
        }
    }

    /// Applies `body` to the arena node `slot` refers to, keeping its arrays uniquely referenced.
    mutating func mutate(_ slot: Slot, what: String, _ body: (inout Node) throws -> Void) throws {
        guard case let .ref(i) = slot else { throw PickleError.Kind.malformed("\(what) on a non-container") }
        var node = Node.pendingArray
        swap(&node, &arena[i])
        defer { swap(&node, &arena[i]) }
        try body(&node)
    }

    func node(_ slot: Slot) -> Node? {
        if case let .ref(i) = slot { return arena[i] }
        return nil
    }

    // MARK: - Run

    mutating func run() throws -> Slot {
        while true {
            opcodeOffset = pos
            let op = try byte()
            switch op {
            case PickleOpcode.proto:
                let v = try byte()
                guard v <= 5 else { throw PickleError.Kind.unsupportedProtocol(Int(v)) }
            case PickleOpcode.frame:
                _ = try uintLE(8)
            case PickleOpcode.stop:
                let result = try pop()
                return result
            case PickleOpcode.mark:
                guard stack.count + marks.count < limits.maxStack else {
                    throw PickleError.Kind.limitExceeded("more than \(limits.maxStack) values on the pickle stack")
                }
                marks.append(stack.count)
            case PickleOpcode.pop:
                if let m = marks.last, m == stack.count { _ = try popMark() } else { _ = try pop() }
            case PickleOpcode.popMark:
                _ = try popMark()
            case PickleOpcode.dup:
                try push(try top())

            case PickleOpcode.none: try push(.none)
            case PickleOpcode.newTrue: try push(.bool(true))
            case PickleOpcode.newFalse: try push(.bool(false))
            case PickleOpcode.binInt:
                try push(.int(Int(Int32(bitPattern: UInt32(try uintLE(4))))))
            case PickleOpcode.binInt1:
                try push(.int(Int(try byte())))
            case PickleOpcode.binInt2:
                try push(.int(Int(try uintLE(2))))
            case PickleOpcode.long1:
                try push(.int(try longInt(length: Int(try byte()))))
            case PickleOpcode.long4:
                try push(.int(try longInt(length: try length(4))))
            case PickleOpcode.binFloat:
                var v: UInt64 = 0
                for b in try take(8) { v = v << 8 | UInt64(b) }
                try push(.float(Double(bitPattern: v)))

            case PickleOpcode.shortBinUnicode: try push(.string(try utf8(Int(try byte()))))
            case PickleOpcode.binUnicode: try push(.string(try utf8(try length(4))))
            case PickleOpcode.binUnicode8: try push(.string(try utf8(try length(8))))
            case PickleOpcode.shortBinString:
                try push(.string(latin1(try take(Int(try byte())))))
            case PickleOpcode.binString:
                let n = Int(Int32(bitPattern: UInt32(try uintLE(4))))
                guard n >= 0 else { throw PickleError.Kind.malformed("negative BINSTRING length") }
                try push(.string(latin1(try take(n))))
            case PickleOpcode.shortBinBytes: try push(.bytes(Array(try take(Int(try byte())))))
            case PickleOpcode.binBytes: try push(.bytes(Array(try take(try length(4)))))
            case PickleOpcode.binBytes8, PickleOpcode.byteArray8:
                try push(.bytes(Array(try take(try length(8)))))
            case PickleOpcode.readonlyBuffer:
                _ = try top()

            case PickleOpcode.emptyList: try push(try new(.list([])))
            case PickleOpcode.emptyTuple: try push(try new(.tuple([])))
            case PickleOpcode.emptyDict: try push(try new(.dict(keys: [], values: [], index: [:])))
            case PickleOpcode.tuple1:
                let a = try pop()
                try push(try new(.tuple([a])))
            case PickleOpcode.tuple2:
                let b = try pop(), a = try pop()
                try push(try new(.tuple([a, b])))
            case PickleOpcode.tuple3:
                let c = try pop(), b = try pop(), a = try pop()
                try push(try new(.tuple([a, b, c])))
            case PickleOpcode.tuple:
                try push(try new(.tuple(try popMark())))
            case PickleOpcode.list:
                try push(try new(.list(try popMark())))
            case PickleOpcode.dict:
                let items = try popMark()
                let d = try new(.dict(keys: [], values: [], index: [:]))
                try setItems(d, items)
                try push(d)
            case PickleOpcode.append:
                let v = try pop()
                try appendItems(try top(), [v])
            case PickleOpcode.appends:
                let items = try popMark()
                try appendItems(try top(), items)
            case PickleOpcode.setItem:
                let v = try pop(), k = try pop()
                try setItems(try top(), [k, v])
            case PickleOpcode.setItems:
                let items = try popMark()
                try setItems(try top(), items)

            case PickleOpcode.binPut: try memoPut(UInt64(try byte()))
            case PickleOpcode.longBinPut: try memoPut(try uintLE(4))
            case PickleOpcode.memoize: try memoPut(UInt64(memo.count))
            case PickleOpcode.binGet: try memoGet(UInt64(try byte()))
            case PickleOpcode.longBinGet: try memoGet(try uintLE(4))

            case PickleOpcode.global:
                let module = try line(), name = try line()
                try push(try resolve(module: module, name: name))
            case PickleOpcode.stackGlobal:
                let n = try pop(), m = try pop()
                guard case let .string(name) = n, case let .string(module) = m else {
                    throw PickleError.Kind.malformed("STACK_GLOBAL needs two strings")
                }
                try push(try resolve(module: module, name: name))
            case PickleOpcode.reduce:
                let args = try pop(), callable = try pop()
                try push(try reduce(callable, args: try tupleItems(args, what: "REDUCE arguments")))
            case PickleOpcode.newObj:
                let args = try pop(), cls = try pop()
                try push(try newObject(cls, args: try tupleItems(args, what: "NEWOBJ arguments")))
            case PickleOpcode.newObjEx:
                let kwargs = try pop(), args = try pop(), cls = try pop()
                if case let .dict(keys, _, _)? = node(kwargs), !keys.isEmpty {
                    throw PickleError.Kind.malformed("NEWOBJ_EX with keyword arguments")
                }
                try push(try newObject(cls, args: try tupleItems(args, what: "NEWOBJ_EX arguments")))
            case PickleOpcode.build:
                let state = try pop()
                try build(try top(), state: state)

            default:
                throw PickleError.Kind.unsupportedOpcode(op)
            }
        }
    }

    // MARK: - Opcode helpers

    /// Two's-complement little-endian integer (LONG1 / LONG4); must fit in 64 bits.
    mutating func longInt(length n: Int) throws -> Int {
        let s = try take(n)
        guard !s.isEmpty else { return 0 }
        let negative = (s.last ?? 0) & 0x80 != 0
        let fill: UInt8 = negative ? 0xFF : 0x00
        let significant = s.prefix(8)
        guard s.dropFirst(8).allSatisfy({ $0 == fill }) else {
            throw PickleError.Kind.malformed("integer wider than 64 bits")
        }
        var v: UInt64 = negative ? ~0 : 0
        for b in significant.reversed() { v = v << 8 | UInt64(b) }
        if significant.count < 8, negative {
            v |= ~0 << UInt64(significant.count * 8)
        }
        let i = Int64(bitPattern: v)
        guard (i < 0) == negative else { throw PickleError.Kind.malformed("integer wider than 64 bits") }
        return Int(i)
    }

    func latin1(_ s: ArraySlice<UInt8>) -> String {
        String(String.UnicodeScalarView(s.map { Unicode.Scalar($0) }))
    }

    mutating func resolve(module: String, name: String) throws -> Slot {
        guard let g = SafeGlobal.resolve(module: module, name: name) else {
            throw PickleError.Kind.forbiddenGlobal(module: module, name: name)
        }
        return try new(.global(g))
    }

    func tupleItems(_ slot: Slot, what: String) throws -> [Slot] {
        guard case let .tuple(items)? = node(slot) else { throw PickleError.Kind.malformed("\(what) must be a tuple") }
        return items
    }

    mutating func appendItems(_ target: Slot, _ items: [Slot]) throws {
        try mutate(target, what: "APPEND") { node in
            guard case var .list(list) = node else { throw PickleError.Kind.malformed("APPEND to a non-list") }
            node = .pendingArray
            list.append(contentsOf: items)
            node = .list(list)
        }
    }

    mutating func setItems(_ target: Slot, _ items: [Slot]) throws {
        guard items.count % 2 == 0 else { throw PickleError.Kind.malformed("SETITEMS with an odd number of values") }
        try mutate(target, what: "SETITEM") { node in
            guard case .dict(var keys, var values, var index) = node else {
                throw PickleError.Kind.malformed("SETITEM on a non-dict")
            }
            node = .pendingArray
            for i in stride(from: 0, to: items.count, by: 2) {
                let k = DictKey(items[i])
                if let at = index[k] {
                    values[at] = items[i + 1]
                } else {
                    index[k] = keys.count
                    keys.append(items[i])
                    values.append(items[i + 1])
                }
            }
            node = .dict(keys: keys, values: values, index: index)
        }
    }

    func global(_ slot: Slot) -> SafeGlobal? {
        if case let .global(g)? = node(slot) { return g }
        return nil
    }

    mutating func newObject(_ cls: Slot, args: [Slot]) throws -> Slot {
        if global(cls) == .joblibArray {
            guard args.isEmpty else { throw PickleError.Kind.malformed("NumpyArrayWrapper created with arguments") }
            return try new(.object(.joblibArray, state: nil))
        }
        guard global(cls) == .minMaxScaler else {
            throw PickleError.Kind.malformed("NEWOBJ of \(global(cls)?.rawValue ?? "a non-class")")
        }
        guard args.isEmpty else { throw PickleError.Kind.malformed("MinMaxScaler created with arguments") }
        return try new(.object(.minMaxScaler, state: nil))
    }

    func string(_ s: Slot) -> String? {
        if case let .string(v) = s { return v }
        return nil
    }

    func shape(_ s: Slot) throws -> [Int] {
        let items = try tupleItems(s, what: "array shape")
        guard items.count <= 64 else { throw PickleError.Kind.malformed("array with \(items.count) dimensions (numpy allows 64)") }
        return try items.map { item in
            guard case let .int(d) = item, d >= 0 else { throw PickleError.Kind.malformed("array shape entry is not a size") }
            return d
        }
    }

    func dtype(_ s: Slot) throws -> NumpyDType {
        guard case let .dtype(d)? = node(s) else { throw PickleError.Kind.malformed("expected a numpy dtype") }
        return d
    }

    /// Raw array bytes: `bytes`, or a latin-1 `str` (protocol 2 via `_codecs.encode`, or Python 2 pickles).
    func rawBytes(_ s: Slot) throws -> [UInt8] {
        switch s {
        case let .bytes(b): return b
        case let .string(text):
            return try text.unicodeScalars.map { u in
                guard u.value <= 0xFF else { throw PickleError.Kind.malformed("array data string is not latin-1") }
                return UInt8(u.value)
            }
        default: throw PickleError.Kind.malformed("array data must be bytes")
        }
    }

    mutating func reduce(_ callable: Slot, args: [Slot]) throws -> Slot {
        guard let g = global(callable) else { throw PickleError.Kind.malformed("REDUCE of a non-callable") }
        switch g {
        case .codecsEncode:
            guard args.count == 2, case let .string(text) = args[0], let enc = string(args[1]),
                  ["latin1", "latin-1", "iso-8859-1", "iso8859-1"].contains(enc.lowercased()) else {
                throw PickleError.Kind.malformed("_codecs.encode needs (str, 'latin1')")
            }
            try charge(text.unicodeScalars.count)
            return .bytes(try rawBytes(.string(text)))
        case .dtype:
            guard args.count >= 1, let code = string(args[0]) else {
                throw PickleError.Kind.malformed("numpy.dtype needs a type code")
            }
            guard let d = NumpyDType(code: code) else {
                throw PickleError.Kind.unsupportedArray("dtype '\(OneLine.quote(code, limit: 20))' (supported: float64, float32, ints, bool, object)")
            }
            return try new(.dtype(d))
        case .reconstruct:
            guard args.count == 3, global(args[0]) == .ndarray else {
                throw PickleError.Kind.malformed("_reconstruct needs (numpy.ndarray, shape, typecode)")
            }
            return try new(.pendingArray)
        case .frombuffer:
            guard args.count == 4, let order = string(args[3]), order == "C" || order == "F" else {
                throw PickleError.Kind.malformed("_frombuffer needs (buffer, dtype, shape, 'C' or 'F')")
            }
            let raw = try rawBytes(args[0])
            let d = try dtype(args[1])
            let s = try shape(args[2])
            try charge(raw.count * 2)
            return try new(.array(try NumpyReconstruction.decode(raw: raw, dtype: d, shape: s, fortranOrder: order == "F")))
        case .scalar:
            guard args.count == 2 else { throw PickleError.Kind.malformed("numpy scalar needs (dtype, bytes)") }
            let d = try dtype(args[0])
            let raw = try rawBytes(args[1])
            let a = try NumpyReconstruction.decode(raw: raw, dtype: d, shape: [], fortranOrder: false)
            switch a.elements {
            case let .float64(v): return .float(v[0])
            case let .float32(v): return .float(Double(v[0]))
            case let .int(v): return .int(Int(v[0]))
            case let .uint(v):
                guard let i = Int(exactly: v[0]) else { throw PickleError.Kind.malformed("numpy scalar too large") }
                return .int(i)
            case let .bool(v): return .bool(v[0])
            case .object: throw PickleError.Kind.malformed("object numpy scalar")
            }
        case .copyregReconstructor:
            guard args.count == 3, global(args[0]) == .minMaxScaler, global(args[1]) == .object,
                  case .none = args[2] else {
                throw PickleError.Kind.malformed("copyreg._reconstructor needs (MinMaxScaler, object, None)")
            }
            return try new(.object(.minMaxScaler, state: nil))
        case .bytes:
            switch args.count {
            case 0: return .bytes([])
            case 1:
                guard case .bytes = args[0] else { throw PickleError.Kind.malformed("bytes() of a non-bytes value") }
                return args[0]
            default: throw PickleError.Kind.malformed("bytes() with \(args.count) arguments")
            }
        case .minMaxScaler, .ndarray, .object, .joblibArray:
            throw PickleError.Kind.malformed("\(g.rawValue) cannot be called by REDUCE")
        }
    }

    mutating func build(_ target: Slot, state: Slot) throws {
        guard let n = node(target) else { throw PickleError.Kind.malformed("BUILD on a plain value") }
        switch n {
        case .object(.joblibArray, _):
            try buildJoblibArray(target, state: state)
        case let .object(cls, old):
            var newState = state
            if case let .tuple(items)? = node(state), items.count == 2 { newState = items[0] }
            guard case .dict? = node(newState) else { throw PickleError.Kind.malformed("object state must be a dict") }
            if let old, case let .dict(keys, values, _)? = node(old) {
                // Python merges successive BUILDs into __dict__.
                var merged: [Slot] = []
                for (k, v) in zip(keys, values) { merged += [k, v] }
                if case let .dict(k2, v2, _)? = node(newState) { for (k, v) in zip(k2, v2) { merged += [k, v] } }
                let d = try new(.dict(keys: [], values: [], index: [:]))
                try setItems(d, merged)
                newState = d
            }
            try mutate(target, what: "BUILD") { $0 = .object(cls, state: newState) }
        case var .dtype(d):
            let items = try tupleItems(state, what: "dtype state")
            guard items.count >= 2, let order = string(items[1]) else {
                throw PickleError.Kind.malformed("dtype state needs a byte order")
            }
            switch order {
            case "<", "|", "=": d.littleEndian = true
            case ">": d.littleEndian = false
            default: throw PickleError.Kind.malformed("dtype byte order '\(order)'")
            }
            try mutate(target, what: "BUILD") { $0 = .dtype(d) }
        case .pendingArray:
            var items = try tupleItems(state, what: "array state")
            if items.count == 5 { items.removeFirst() }
            guard items.count == 4 else { throw PickleError.Kind.malformed("array state must have 4 or 5 fields") }
            let s = try shape(items[0])
            let d = try dtype(items[1])
            guard case let .bool(fortran) = items[2] else {
                throw PickleError.Kind.malformed("array state: is_fortran must be a bool")
            }
            let result: Node
            if d.kind == .object {
                guard case let .list(values)? = node(items[3]) else {
                    throw PickleError.Kind.malformed("object array state must hold a list")
                }
                guard NumpyReconstruction.elementCount(s) == values.count else {
                    throw PickleError.Kind.malformed("object array has \(values.count) values for shape \(s)")
                }
                let order = fortran && s.count > 1 ? NumpyReconstruction.fortranToC(shape: s) : nil
                result = .objectArray(shape: s, dtype: d, items: order.map { o in o.map { values[$0] } } ?? values)
            } else {
                let raw = try rawBytes(items[3])
                try charge(raw.count * 2)
                result = .array(try NumpyReconstruction.decode(raw: raw, dtype: d, shape: s, fortranOrder: fortran))
            }
            try mutate(target, what: "BUILD") { $0 = result }
        default:
            throw PickleError.Kind.malformed("BUILD on a value that takes no state")
        }
    }
}
