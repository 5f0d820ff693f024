import CFormat

/// A double with a fixed number of decimals, exactly as `String(format: "%.2f")` writes it (the C library's
/// rounding), for log lines built on every cycle. `String(format:)` goes through Swift's CVarArg boxing, whose first
/// use costs full scans of the runtime's conformance records: four of them in each Lambda cold start.
public enum FixedText {
    /// `decimals` places (0...20); `signed` puts "+" before values that are not negative, like "%+.2f".
    public static func string(_ value: Double, decimals: Int, signed: Bool = false) -> String {
        let places = Int32(min(max(decimals, 0), 20))
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { buffer -> String in
            let needed = Int(cformat_fixed(buffer.baseAddress, 64, value, places, signed ? 1 : 0))
            if needed < 64 { return String(cString: buffer.baseAddress!) }
            // Huge magnitudes ("%.2f" of 1e300 is 303 characters).
            var large = [CChar](repeating: 0, count: needed + 1)
            _ = cformat_fixed(&large, large.count, value, places, signed ? 1 : 0)
            return String(cString: large)
        }
    }
}
