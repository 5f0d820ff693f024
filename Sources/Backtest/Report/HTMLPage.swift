import Foundation

/// One self-contained HTML page (inline CSS and SVG, no scripts, no external files) for evaluate or backtest.
public struct HTMLPage {
    public var title: String
    var body = ""

    public init(title: String) { self.title = title }

    public mutating func heading(_ text: String) { body += "<h2>\(xml(text))</h2>\n" }
    public mutating func paragraph(_ text: String, cssClass: String? = nil) {
        body += "<p\(cssClass.map { " class=\"\($0)\"" } ?? "")>\(xml(text))</p>\n"
    }
    public mutating func warnings(_ items: [String]) {
        guard !items.isEmpty else { return }
        body += "<div class=\"warn\"><strong>Honesty warnings</strong><ul>"
        for w in items { body += "<li>\(xml(w))</li>" }
        body += "</ul></div>\n"
    }
    /// A table; `numeric` columns are right-aligned, `highlight` rows are emphasised. It sits in a box that scrolls
    /// sideways when the table is wider than the page (the leaderboard's fifteen columns).
    public mutating func table(header: [String], rows: [[String]], numeric: Set<Int> = [], highlight: Set<Int> = []) {
        body += "<div class=\"scroll\"><table><thead><tr>" + header.map { "<th>\(xml($0))</th>" }.joined() + "</tr></thead><tbody>\n"
        for (i, r) in rows.enumerated() {
            body += "<tr\(highlight.contains(i) ? " class=\"hi\"" : "")>"
            for (j, c) in r.enumerated() { body += "<td\(numeric.contains(j) ? " class=\"num\"" : "")>\(xml(c))</td>" }
            body += "</tr>\n"
        }
        body += "</tbody></table></div>\n"
    }
    public mutating func svg(_ svg: String, caption: String) {
        body += "<figure>\(svg)<figcaption>\(xml(caption))</figcaption></figure>\n"
    }

    public func html() -> String {
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>\(xml(title))</title>
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <style>
        body { font-family: Helvetica, Arial, sans-serif; color: #222; max-width: 1000px; margin: 24px auto; padding: 0 16px; line-height: 1.45; }
        h1 { font-size: 24px; margin-bottom: 4px; } h2 { font-size: 18px; margin-top: 32px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
        .sub { color: #666; margin-top: 0; } .verdict { font-size: 17px; background: #f4f7fb; border-left: 4px solid #1f4e9c; padding: 10px 14px; }
        .warn { background: #fff6e5; border-left: 4px solid #e0a000; padding: 8px 14px; margin: 16px 0; } .warn ul { margin: 6px 0; padding-left: 20px; }
        table { border-collapse: collapse; margin: 8px 0 16px; min-width: 420px; } th, td { padding: 5px 12px; border-bottom: 1px solid #e5e5e5; text-align: left; }
        .scroll { overflow-x: auto; max-width: 100%; }
        th { background: #f2f2f2; font-weight: 600; } td.num { text-align: right; font-variant-numeric: tabular-nums; } tr.hi td { background: #eef5ea; font-weight: 600; }
        figure { margin: 16px 0; } figure svg { max-width: 100%; height: auto; border: 1px solid #eee; } figcaption { color: #555; font-size: 13px; margin-top: 4px; }
        </style></head><body>
        <h1>\(xml(title))</h1>
        \(body)</body></html>

        """
    }
}
