import Foundation

/// The parameters of one request, parsed from the raw query string and the form body
/// (Binance: a parameter in both uses the query string's value).
struct RequestParams {
    var values: [String: String] = [:]
    /// Raw text the signature covers: query string + body, with `signature` stripped from whichever held it.
    var signedPayload: String = ""
    var signature: String?
    var duplicated: String?

    init(rawQuery: String, rawBody: String) {
        let (query, querySig) = Self.strip(rawQuery)
        let (body, bodySig) = Self.strip(rawBody)
        signature = querySig ?? bodySig
        signedPayload = query + body
        var fromQuery: [String: String] = [:]
        for (k, v) in Self.pairs(rawQuery) {
            if fromQuery[k] != nil { duplicated = k }
            fromQuery[k] = v
        }
        for (k, v) in Self.pairs(rawBody) where fromQuery[k] == nil { values[k] = v }
        for (k, v) in fromQuery { values[k] = v }
        values["signature"] = nil
    }

    subscript(_ name: String) -> String? {
        guard let v = values[name], !v.isEmpty else { return nil }
        return v
    }

    /// Splits off a trailing `&signature=...` (or a lone `signature=...`).
    static func strip(_ raw: String) -> (String, String?) {
        if raw.hasPrefix("signature=") { return ("", String(raw.dropFirst("signature=".count))) }
        if let range = raw.range(of: "&signature=", options: .backwards) {
            let sig = String(raw[range.upperBound...])
            if !sig.contains("&") { return (String(raw[..<range.lowerBound]), sig) }
        }
        return (raw, nil)
    }

    static func pairs(_ raw: String) -> [(String, String)] {
        raw.split(separator: "&").compactMap { part in
            let kv = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let key = kv.first.map({ decode(String($0)) }), !key.isEmpty else { return nil }
            return (key, kv.count > 1 ? decode(String(kv[1])) : "")
        }
    }

    static func decode(_ s: String) -> String {
        let spaced = s.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }

    // MARK: typed readers that answer with Binance's errors

    func required(_ name: String) throws -> String {
        guard let v = self[name] else { throw APIError.mandatory(name) }
        return v
    }

    func int64(_ name: String) throws -> Int64? {
        guard let v = self[name] else { return nil }
        guard let n = Int64(v) else { throw APIError.mandatory(name) }
        return n
    }

    func decimal(_ name: String) throws -> Decimal? {
        guard let v = self[name] else { return nil }
        guard let d = WireDecimal.parse(v) else { throw APIError.mandatory(name) }
        return d
    }

    func bool(_ name: String) throws -> Bool? {
        guard let v = self[name] else { return nil }
        switch v.lowercased() {
        case "true": return true
        case "false": return false
        default: throw APIError.invalidParameter(name)
        }
    }
}
