import CHDF5

/// Heap bytes currently allocated by this process (glibc `mallinfo2`; 0 where unavailable).
///
/// Exposed so tests and `trading-bot bench` can check that running an `InferenceSession` allocates nothing.
public enum HeapUsage {
    public static var bytesInUse: Int { Int(chdf5_heap_bytes_in_use()) }
    /// Whether `bytesInUse` measures anything on this platform.
    public static var isAvailable: Bool { bytesInUse > 0 }
}
