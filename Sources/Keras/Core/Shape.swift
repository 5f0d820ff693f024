/// A tensor shape without the batch dimension, e.g. `[5, 5]` for 5 time steps of 5 features.
public typealias Shape = [Int]

extension Array where Element == Int {
    /// Number of scalars in one sample of this shape.
    @inlinable public var elementCount: Int { reduce(1, *) }

    /// Human form used in summaries and errors: `(None, 5, 5)`.
    public var batchedDescription: String {
        "(None" + map { ", \($0)" }.joined() + ")"
    }
}
