/// Lower-case hex, two digits a byte: the form request signatures and payload hashes travel in (Binance's HMAC,
/// SigV4's digests). Not `String(format: "%02x")` per byte, whose CVarArg round trips were 4 % of the instructions of
/// a Lambda cold start. Inlinable, so each caller gets it specialised for its digest type.
public enum Hex {
    @inlinable
    public static func lowercase<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        let digits: StaticString = "0123456789abcdef"
        var out = ""
        out.reserveCapacity(64)  // a SHA-256 digest
        digits.withUTF8Buffer { table in
            for byte in bytes {
                out.unicodeScalars.append(Unicode.Scalar(table[Int(byte >> 4)]))
                out.unicodeScalars.append(Unicode.Scalar(table[Int(byte & 0x0f)]))
            }
        }
        return out
    }
}
