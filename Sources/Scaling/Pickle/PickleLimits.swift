/// Bounds on what a pickle may make the reader allocate, so hostile input cannot exhaust memory or stack.
/// A real scaler pickle is a few kilobytes with nesting depth below 10; the defaults leave wide headroom.
public struct PickleLimits: Sendable, Equatable {
    /// Largest accepted input, in bytes.
    public var maxInputBytes: Int
    /// Most memo entries (BINPUT / MEMOIZE) kept at once.
    public var maxMemo: Int
    /// Most values on the VM stack plus open marks.
    public var maxStack: Int
    /// Deepest nesting of containers in the result.
    public var maxDepth: Int
    /// Most values (of any kind) in the result tree; bounds blow-up through shared references.
    public var maxNodes: Int
    /// Most bytes the reader may materialise for decoded payloads (array elements, encoded strings).
    public var maxDecodedBytes: Int

    public init(maxInputBytes: Int = 64 << 20, maxMemo: Int = 1 << 20, maxStack: Int = 1 << 20,
                maxDepth: Int = 64, maxNodes: Int = 1 << 20, maxDecodedBytes: Int = 256 << 20) {
        self.maxInputBytes = maxInputBytes
        self.maxMemo = maxMemo
        self.maxStack = maxStack
        self.maxDepth = maxDepth
        self.maxNodes = maxNodes
        self.maxDecodedBytes = maxDecodedBytes
    }

    public static let `default` = PickleLimits()
}
