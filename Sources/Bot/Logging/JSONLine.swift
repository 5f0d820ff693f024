/// One JSON object on one line, for log output: keys in code-point order, `/` not escaped, `"`, `\` and control
/// characters escaped, non-ASCII written as UTF-8. Built by hand because JSONSerialization bridges every value
/// through NSDictionary/NSString, and those casts were a visible part of a Lambda cold start's CPU.
public enum JSONLine {
    /// A log field's value: what `Logger.Metadata` can hold, reduced to strings.
    public indirect enum Value: Sendable, Equatable {
        case string(String)
        case array([Value])
        case object([String: Value])
    }

    /// `{"key":value,...}` with the keys in order.
    public static func encode(_ fields: [String: Value]) -> String {
        var out = ""
        out.reserveCapacity(256)
        write(.object(fields), to: &out)
        return out
    }

    static func write(_ value: Value, to out: inout String) {
        switch value {
        case .string(let text): write(text, to: &out)
        case .array(let items):
            out.append("[")
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(",") }
                write(item, to: &out)
            }
            out.append("]")
        case .object(let fields):
            out.append("{")
            for (index, key) in fields.keys.sorted().enumerated() {
                if index > 0 { out.append(",") }
                write(key, to: &out)
                out.append(":")
                write(fields[key]!, to: &out)
            }
            out.append("}")
        }
    }

    static func write(_ text: String, to out: inout String) {
        out.append("\"")
        // Most values need no escape: one pass over the bytes, then the string as it is.
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            out.append(text)
            out.append("\"")
            return
        }
        var plainStart = text.unicodeScalars.startIndex
        let scalars = text.unicodeScalars
        var index = plainStart
        while index < scalars.endIndex {
            let scalar = scalars[index]
            let escape: String?
            switch scalar {
            case "\"": escape = "\\\""
            case "\\": escape = "\\\\"
            case "\n": escape = "\\n"
            case "\r": escape = "\\r"
            case "\t": escape = "\\t"
            case "\u{08}": escape = "\\b"
            case "\u{0C}": escape = "\\f"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    escape = "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    escape = nil
                }
            }
            if let escape {
                out.append(String(scalars[plainStart..<index]))
                out.append(escape)
                plainStart = scalars.index(after: index)
            }
            index = scalars.index(after: index)
        }
        out.append(String(scalars[plainStart..<scalars.endIndex]))
        out.append("\"")
    }
}
