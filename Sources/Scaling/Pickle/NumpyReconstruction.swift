/// Turning numpy's pickled pieces (raw bytes, dtype, shape, memory order) into a `NumpyArray`,
/// checking that the byte count matches the shape exactly.
enum NumpyReconstruction {
    /// Number of elements of `shape`, or nil when a dimension is negative or the product overflows.
    static func elementCount(_ shape: [Int]) -> Int? {
        var n = 1
        for d in shape {
            guard d >= 0 else { return nil }
            let (p, overflow) = n.multipliedReportingOverflow(by: d)
            guard !overflow else { return nil }
            n = p
        }
        return n
    }

    /// Decodes `raw` (exactly `count(shape) * itemSize` bytes in `fortranOrder` or C order) into C-order elements.
    static func decode(raw: [UInt8], dtype: NumpyDType, shape: [Int], fortranOrder: Bool) throws -> NumpyArray {
        guard dtype.kind != .object else {
            throw PickleError.Kind.unsupportedArray("an object array must carry a list of values, not raw bytes")
        }
        guard let count = elementCount(shape) else {
            throw PickleError.Kind.malformed("invalid array shape \(shape)")
        }
        let (expected, overflow) = count.multipliedReportingOverflow(by: dtype.itemSize)
        guard !overflow, expected == raw.count else {
            throw PickleError.Kind.malformed(
                "array data has \(raw.count) bytes but shape \(shape) of \(dtype) needs \(overflow ? "too many" : String(expected))")
        }
        let order = fortranOrder && shape.count > 1 ? fortranToC(shape: shape) : nil
        let size = dtype.itemSize
        let little = dtype.littleEndian

        func word(_ i: Int) -> UInt64 {
            let e = order?[i] ?? i
            var v: UInt64 = 0
            let base = e * size
            if little {
                for b in stride(from: size - 1, through: 0, by: -1) { v = v << 8 | UInt64(raw[base + b]) }
            } else {
                for b in 0..<size { v = v << 8 | UInt64(raw[base + b]) }
            }
            return v
        }

        let elements: NumpyArray.Elements
        switch dtype.kind {
        case .float:
            if size == 8 {
                elements = .float64((0..<count).map { Double(bitPattern: word($0)) })
            } else {
                elements = .float32((0..<count).map { Float(bitPattern: UInt32(truncatingIfNeeded: word($0))) })
            }
        case .int:
            let shift = UInt64(64 - size * 8)
            elements = .int((0..<count).map { Int64(bitPattern: word($0) << shift) >> Int64(shift) })
        case .uint:
            elements = .uint((0..<count).map { word($0) })
        case .bool:
            elements = .bool((0..<count).map { word($0) != 0 })
        case .object:
            throw PickleError.Kind.unsupportedArray("object array with raw bytes")
        }
        return NumpyArray(shape: shape, dtype: dtype, elements: elements)
    }

    /// For each C-order flat index, the flat index of the same element in Fortran (column-major) storage.
    static func fortranToC(shape: [Int]) -> [Int] {
        let count = elementCount(shape) ?? 0
        var fStrides = [Int](repeating: 1, count: shape.count)
        for d in shape.indices.dropFirst() { fStrides[d] = fStrides[d - 1] * shape[d - 1] }
        var result = [Int](repeating: 0, count: count)
        var index = [Int](repeating: 0, count: shape.count)
        for c in 0..<count {
            var f = 0
            for d in shape.indices { f += index[d] * fStrides[d] }
            result[c] = f
            var d = shape.count - 1
            while d >= 0 {
                index[d] += 1
                if index[d] < shape[d] { break }
                index[d] = 0
                d -= 1
            }
        }
        return result
    }
}

extension PickleError.Kind: Error {}
