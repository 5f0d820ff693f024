/// Splits one sample of a shape into groups that a reduction over some axes treats independently: every element is
/// `groupOffsets[g] + memberOffsets[m]`, where `m` runs over the reduced axes row-major in axis order and `g` over the
/// others. LayerNormalization, BatchNormalization and Softmax over axes other than (or besides) the last use it;
/// it is computed once in `build`, so `forward` only reads two index tables.
struct AxisGroups {
    let groupOffsets: [Int]
    let memberOffsets: [Int]

    /// `axes`: indices into `shape` (batch excluded), distinct and in range.
    init(shape: Shape, axes: Set<Int>) {
        var strides = [Int](repeating: 1, count: shape.count)
        for a in stride(from: shape.count - 2, through: 0, by: -1) { strides[a] = strides[a + 1] * shape[a + 1] }
        var groups = [0], members = [0]
        for (a, n) in shape.enumerated() {
            let steps = (0..<n).map { $0 * strides[a] }
            if axes.contains(a) {
                members = members.flatMap { base in steps.map { base + $0 } }
            } else {
                groups = groups.flatMap { base in steps.map { base + $0 } }
            }
        }
        groupOffsets = groups
        memberOffsets = members
    }

    /// Resolves Keras axis numbers (counted with the batch axis, negative from the end) to indices into a batch-free
    /// shape of `rank`; nil when an axis is the batch axis, out of range, or repeated.
    static func resolve(_ axes: [Int], rank: Int) -> Set<Int>? {
        var out = Set<Int>()
        for a in axes {
            let i = a < 0 ? rank + a : a - 1
            guard i >= 0, i < rank, out.insert(i).inserted else { return nil }
        }
        return out
    }
}
