/// Error descriptions quote text taken from the file (global names, dict keys, dtype codes, paths);
/// hostile files can put newlines or megabytes there. These keep every description one short line.
enum OneLine {
    /// Escapes control characters so the text cannot break the line.
    static func escaped(_ s: String) -> String {
        var out = ""
        for u in s.unicodeScalars {
            switch u {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 || u.value == 0x7F || (0x80...0x9F).contains(u.value) || u == "\u{2028}" || u == "\u{2029}" {
                    out += "\\u{\(String(u.value, radix: 16))}"
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out
    }

    /// `escaped`, shortened to at most `limit` characters (with an ellipsis) for quoting untrusted text.
    static func quote(_ s: String, limit: Int = 100) -> String {
        let short = s.count > limit ? String(s.prefix(limit)) + "…" : s
        return escaped(short)
    }
}
