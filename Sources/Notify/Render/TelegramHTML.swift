import Foundation

/// Telegram's HTML parse mode: only `<b>`, `<i>`, `<code>`, `<pre>`, `<a>`… tags and the entities `&lt;` `&gt;`
/// `&amp;` `&quot;`. Every interpolated value goes through `escape`, so an error text with `<`, `&` or `_` can never
/// break a message (Freqtrade's Markdown messages fail on a stray `_`).
public enum TelegramHTML {
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(character)
            }
        }
        return out
    }

    /// The text a reader sees: tags removed, entities decoded (for plain-text channels and length checks).
    public static func plain(_ html: String) -> String {
        var out = ""
        var inTag = false
        for character in html {
            if inTag { if character == ">" { inTag = false }; continue }
            if character == "<" { inTag = true; continue }
            out.append(character)
        }
        return out.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&amp;", with: "&")
    }

    /// Telegram's limit on one message's text, in UTF-16 code units after entity parsing.
    public static let maxLength = 4096

    /// Splits `html` into messages of at most `limit` UTF-16 units, on line boundaries. A single line longer than
    /// the limit loses its tags (so no tag is cut in two) and is cut between characters, never inside an entity.
    public static func split(_ html: String, limit: Int = maxLength) -> [String] {
        var parts: [String] = []
        var current = ""
        func flush() {
            if !current.isEmpty { parts.append(current) }
            current = ""
        }
        for line in html.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            let candidate = current.isEmpty ? line : current + "\n" + line
            if candidate.utf16.count <= limit { current = candidate; continue }
            flush()
            if line.utf16.count <= limit { current = line; continue }
            for piece in cut(escape(plain(line)), limit: limit) { parts.append(piece) }
        }
        flush()
        return parts.isEmpty ? [""] : parts
    }

    /// Cuts escaped text (no tags) into pieces of at most `limit` UTF-16 units, keeping each `&…;` entity whole.
    static func cut(_ text: String, limit: Int) -> [String] {
        var pieces: [String] = []
        var piece = ""
        var units = 0
        var index = text.startIndex
        while index < text.endIndex {
            var token = String(text[index])
            var next = text.index(after: index)
            if text[index] == "&", let semicolon = text[index...].prefix(8).firstIndex(of: ";") {
                next = text.index(after: semicolon)
                token = String(text[index..<next])
            }
            let size = token.utf16.count
            if units + size > limit, !piece.isEmpty {
                pieces.append(piece)
                piece = ""
                units = 0
            }
            piece += token
            units += size
            index = next
        }
        if !piece.isEmpty { pieces.append(piece) }
        return pieces
    }
}
