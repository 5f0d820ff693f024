/// RFC 3986 percent-encoding: every byte of the UTF-8 but the unreserved ones (A–Z a–z 0–9 - _ . ~) as `%XX` with
/// upper-case hex, which is what SigV4 signs and what Binance's query strings carry. Byte by byte in Swift, not
/// Foundation's `addingPercentEncoding`, which bridges the string through NSString and CFString on Linux.
public enum PercentEncoding {
    /// `keepSlash`: leave `/` as it is (S3 object keys in a path).
    public static func encode(_ text: String, keepSlash: Bool = false) -> String {
        let digits: StaticString = "0123456789ABCDEF"
        var out = ""
        out.reserveCapacity(text.utf8.count)
        digits.withUTF8Buffer { table in
            for byte in text.utf8 {
                switch byte {
                case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                     UInt8(ascii: "0")...UInt8(ascii: "9"),
                     UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                    out.unicodeScalars.append(Unicode.Scalar(byte))
                case UInt8(ascii: "/") where keepSlash:
                    out.unicodeScalars.append("/")
                default:
                    out.unicodeScalars.append("%")
                    out.unicodeScalars.append(Unicode.Scalar(table[Int(byte >> 4)]))
                    out.unicodeScalars.append(Unicode.Scalar(table[Int(byte & 0x0f)]))
                }
            }
        }
        return out
    }
}
