/// `joblib.dump` files: a normal pickle in which every numpy array is a `joblib.numpy_pickle.NumpyArrayWrapper`
/// whose state (shape, order, dtype) is followed, right after its BUILD opcode, by the array's raw bytes: one
/// padding-length byte and that many 0xFF bytes when the wrapper records `numpy_array_alignment_bytes`
/// (joblib ≥ 1.2), then the elements in the wrapper's order. Arrays of Python objects (e.g. `feature_names_in_`)
/// are instead a complete nested pickle at that point. Nothing is called: the wrapper only says how many bytes
/// to take and how to read them, the same decoding the `_reconstruct` arrays use.
extension PickleMachine {
    mutating func buildJoblibArray(_ target: Slot, state: Slot) throws {
        guard case let .dict(keys, values, _)? = node(state) else {
            throw PickleError.Kind.malformed("joblib array state must be a dict")
        }
        var fields: [String: Slot] = [:]
        for (k, v) in zip(keys, values) { if let name = string(k) { fields[name] = v } }
        guard let subclass = fields["subclass"], global(subclass) == .ndarray else {
            throw PickleError.Kind.unsupportedArray("joblib array of a numpy.ndarray subclass (only plain arrays)")
        }
        guard let shapeSlot = fields["shape"], let dtypeSlot = fields["dtype"] else {
            throw PickleError.Kind.malformed("joblib array state needs shape and dtype")
        }
        let shape = try shape(shapeSlot)
        let dtype = try dtype(dtypeSlot)
        let order = fields["order"].flatMap(string) ?? "C"
        guard order == "C" || order == "F" else { throw PickleError.Kind.malformed("joblib array order '\(order)'") }
        guard let count = NumpyReconstruction.elementCount(shape) else {
            throw PickleError.Kind.limitExceeded("joblib array of shape \(shape) is too large")
        }

        let result: Node
        if dtype.kind == .object {
            result = try nestedObjectArray(shape: shape, count: count)
        } else {
            if let alignment = fields["numpy_array_alignment_bytes"], case .int = alignment {
                let padding = Int(try byte())
                _ = try take(padding)
            }
            let (total, overflow) = count.multipliedReportingOverflow(by: dtype.itemSize)
            guard !overflow, total <= bytes.count - pos else { throw PickleError.Kind.truncated }
            let raw = Array(try take(total))
            try charge(raw.count * 2)
            result = .array(try NumpyReconstruction.decode(raw: raw, dtype: dtype, shape: shape, fortranOrder: order == "F"))
        }
        try mutate(target, what: "BUILD") { $0 = result }
    }

    /// The nested pickle of an object array: read with a machine of its own (same limits), then copied in.
    /// Only flat items (str, numbers, None) are accepted, which is what `feature_names_in_` holds.
    private mutating func nestedObjectArray(shape: [Int], count: Int) throws -> Node {
        guard nesting < 1 else {
            throw PickleError.Kind.malformed("joblib object array nested inside another one")
        }
        var nested = PickleMachine(bytes: bytes, limits: limits)
        nested.nesting = nesting + 1
        nested.pos = pos
        nested.decodedBytes = decodedBytes
        let root = try nested.run()
        pos = nested.pos
        decodedBytes = nested.decodedBytes
        guard case let .objectArray(nestedShape, dtype, items)? = nested.node(root), nestedShape == shape,
              items.count == count else {
            throw PickleError.Kind.malformed("joblib object array does not hold an array of shape \(shape)")
        }
        for item in items {
            if case .ref = item { throw PickleError.Kind.unsupportedArray("joblib object array of containers") }
        }
        return .objectArray(shape: shape, dtype: dtype, items: items)
    }
}
