import Foundation

/// The readable JSON form of a `ScalerSet` (`tradingbot.scalers.v1`). Numbers are written with Swift's
/// shortest round-trip representation, so loading the JSON gives back the very same bits.
extension ScalerSet {
    public static let jsonFormat = "tradingbot.scalers.v1"

    /// The JSON form: `{"format": ..., "columns": [ {index, feature_range, clip, data_min, ...}, ... ]}`.
    public func jsonString() -> String {
        var out = "{\n  \"format\": \"\(Self.jsonFormat)\",\n"
        if keyedByName { out += "  \"keyed_by_name\": true,\n" }  // columns matched by feature_name, not position
        out += "  \"columns\": [\n"
        out += columns.enumerated().map { "    " + Self.columnObject($1, index: $0) }.joined(separator: ",\n")
        out += "\n  ]\n}\n"
        return out
    }

    /// What `trading-bot scalers inspect` prints: a JSON array with one object per column, in column order.
    public func inspectJSON() -> String {
        "[\n" + columns.enumerated().map { "  " + Self.columnObject($1, index: $0) }.joined(separator: ",\n") + "\n]\n"
    }

    /// One column as a single-line JSON object with a stable key order.
    static func columnObject(_ c: ColumnScaler, index: Int) -> String {
        var fields = [
            "\"index\": \(index)",
            "\"feature_range\": [\(number(c.featureMin)), \(number(c.featureMax))]",
            "\"clip\": \(c.clip)",
            "\"data_min\": \(number(c.dataMin))",
            "\"data_max\": \(number(c.dataMax))",
            "\"data_range\": \(number(c.dataRange))",
            "\"scale\": \(number(c.scale))",
            "\"min\": \(number(c.min))",
        ]
        if let n = c.samplesSeen { fields.append("\"n_samples_seen\": \(n)") }
        if let name = c.featureName { fields.append("\"feature_name\": \(quoted(name))") }
        return "{" + fields.joined(separator: ", ") + "}"
    }

    /// Shortest representation that parses back to the same Double (values are validated finite on load).
    static func number(_ d: Double) -> String {
        d.isFinite ? d.description : "null"
    }

    static func quoted(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 { out += String(format: "\\u%04x", u.value) } else { out.unicodeScalars.append(u) }
            }
        }
        return out + "\""
    }

    private struct Document: Decodable {
        let format: String
        let keyed_by_name: Bool?
        let columns: [Column]
    }

    private struct Column: Decodable {
        let index: Int
        let feature_range: [Double]
        let clip: Bool
        let data_min: Double
        let data_max: Double
        let data_range: Double
        let scale: Double
        let min: Double
        let n_samples_seen: Int?
        let feature_name: String?
    }

    /// Parses the JSON form, checking the format tag, column order and every number.
    public init(json bytes: [UInt8], file: String) throws {
        func bad(_ what: String) -> ScalerError { ScalerError(file: file, kind: .invalidJSON(what)) }
        guard !bytes.isEmpty else { throw ScalerError(file: file, kind: .emptyFile) }
        let doc: Document
        do {
            doc = try JSONDecoder().decode(Document.self, from: Data(bytes))
        } catch let DecodingError.keyNotFound(key, ctx) {
            throw bad("missing \"\(key.stringValue)\"\(Self.path(ctx.codingPath))")
        } catch let DecodingError.typeMismatch(_, ctx), let DecodingError.valueNotFound(_, ctx) {
            throw bad("wrong type\(Self.path(ctx.codingPath))")
        } catch let DecodingError.dataCorrupted(ctx) {
            throw bad(ctx.codingPath.isEmpty ? "not valid JSON" : "bad value\(Self.path(ctx.codingPath))")
        } catch {
            throw bad("not valid JSON")
        }
        guard doc.format == Self.jsonFormat else { throw bad("format is \"\(doc.format)\", expected \"\(Self.jsonFormat)\"") }
        guard !doc.columns.isEmpty else { throw bad("no columns") }
        var result: [ColumnScaler] = []
        for (i, c) in doc.columns.enumerated() {
            guard c.index == i else { throw bad("column \(i) has index \(c.index); columns must be listed in order 0, 1, 2, ...") }
            guard c.feature_range.count == 2, c.feature_range[0] < c.feature_range[1] else {
                throw bad("column \(i): feature_range must be [min, max] with min < max")
            }
            guard [c.data_min, c.data_max, c.data_range, c.scale, c.min].allSatisfy({ $0.isFinite }), c.scale != 0 else {
                throw bad("column \(i): numbers must be finite and scale non-zero")
            }
            let column = ColumnScaler(featureMin: c.feature_range[0], featureMax: c.feature_range[1], clip: c.clip,
                                       dataMin: c.data_min, dataMax: c.data_max, dataRange: c.data_range,
                                       scale: c.scale, min: c.min, samplesSeen: c.n_samples_seen, featureName: c.feature_name)
            guard ScalerConsistency.holds(column) else {
                throw bad("column \(i): scale, min and data_range do not follow from data_min, data_max and feature_range as scikit-learn computes them (edited by hand?)")
            }
            result.append(column)
        }
        let byName = doc.keyed_by_name ?? false
        if byName, let unnamed = result.firstIndex(where: { $0.featureName == nil }) {
            throw bad("keyed_by_name is true but column \(unnamed) has no feature_name")
        }
        self.init(columns: result, keyedByName: byName)
    }

    private static func path(_ keys: [CodingKey]) -> String {
        keys.isEmpty ? "" : " at " + keys.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }
}
