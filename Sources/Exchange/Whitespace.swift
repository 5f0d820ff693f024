/// `trimmingCharacters(in: .whitespaces)` without the NSString bridge it takes on swift-corelibs-foundation (about
/// 12 000 instructions a call, and the exchange parsers trim every number they read). `.whitespaces` is Unicode
/// general category Zs plus CHARACTER TABULATION, as Foundation documents it, and on Linux also ZERO WIDTH SPACE
/// (U+200B, Zs in the Unicode tables CoreFoundation's set was built from); newlines are not trimmed. A test checks
/// every scalar against Foundation's set.
public enum Whitespace {
    public static func trimmed(_ text: String) -> String {
        let scalars = text.unicodeScalars
        var start = scalars.startIndex, end = scalars.endIndex
        while start < end, isSpace(scalars[start]) { start = scalars.index(after: start) }
        while end > start, isSpace(scalars[scalars.index(before: end)]) { end = scalars.index(before: end) }
        if start == scalars.startIndex && end == scalars.endIndex { return text }
        return String(scalars[start..<end])
    }

    static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.value < 0x80 { return scalar == " " || scalar == "\t" }
        return scalar == "\u{200B}" || scalar.properties.generalCategory == .spaceSeparator
    }
}
