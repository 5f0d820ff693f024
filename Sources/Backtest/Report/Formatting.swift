import Foundation

/// Number formatting shared by the text tables, CSV files and the HTML page.
enum Fmt {
    static func num(_ v: Double?, _ decimals: Int = 2) -> String {
        guard let v, v.isFinite else { return "n/a" }
        return AxisTicks.groupThousands(String(format: "%.\(decimals)f", v))
    }
    static func pct(_ v: Double?, _ decimals: Int = 2) -> String {
        guard let v, v.isFinite else { return "n/a" }
        return String(format: "%.\(decimals)f %%", v * 100)
    }
    static func money(_ d: Decimal) -> String {
        var v = d, r = Decimal()
        NSDecimalRound(&r, &v, 2, .plain)
        let s = NSDecimalNumber(decimal: r).stringValue
        let parts = s.split(separator: ".", maxSplits: 1)
        let frac = parts.count > 1 ? String(parts[1]) : ""
        return AxisTicks.groupThousands(String(parts.first ?? "0")) + "." + (frac + "00").prefix(2)
    }
    static func pvalue(_ p: Double) -> String {
        if p == 0 { return "< 1e-300" }
        return p < 0.001 ? String(format: "%.2e", p) : String(format: "%.4f", p)
    }
    /// Rows of (label, value) as an aligned two-column text table.
    static func table(_ rows: [(String, String)]) -> String {
        let w = rows.map(\.0.count).max() ?? 0
        return rows.map { $0.0.padding(toLength: w, withPad: " ", startingAt: 0) + "  " + $0.1 }.joined(separator: "\n")
    }
}

/// Writes a file, creating its directory; errors name the path.
public struct ReportWriteError: Error, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "\(path): cannot write (\(reason)); check the directory exists and is writable" }
}

/// Writes each (name, text) into `dir` in order; returns the paths written (the `--out DIR` of every report).
func writeFiles(_ files: [(name: String, text: String)], into dir: String) throws -> [String] {
    try files.map { f in
        let path = (dir as NSString).appendingPathComponent(f.name)
        try writeFile(f.text, to: path)
        return path
    }
}

func writeFile(_ text: String, to path: String) throws {
    let dir = (path as NSString).deletingLastPathComponent
    do {
        if !dir.isEmpty { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    } catch { throw ReportWriteError(path: path, reason: error.localizedDescription) }
}
