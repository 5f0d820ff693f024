import Foundation

/// Daily P&L as SVG bars (green up, red down) around a zero line, with the first and last day labelled. Scales to
/// its container (viewBox), so it reads on a phone.
public struct BarChart: Sendable {
    public var title: String
    public var labels: [String]
    public var values: [Double]
    public var width = 960.0
    public var height = 300.0

    public init(title: String, labels: [String], values: [Double]) {
        self.title = title
        self.labels = labels
        self.values = values
    }

    public func svg() -> String {
        let left = 70.0, right = 20.0, top = 40.0, bottom = 40.0
        let plotW = width - left - right, plotH = height - top - bottom
        let hi = max(values.max() ?? 0, 0), lo = min(values.min() ?? 0, 0)
        let span = hi - lo == 0 ? 1 : hi - lo
        func y(_ v: Double) -> Double { top + (hi - v) / span * plotH }
        var o = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(f(width)) \(f(height))\" width=\"\(f(width))\" height=\"\(f(height))\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\" role=\"img\" aria-label=\"\(HTML.escape(title))\">\n"
        o += "<text x=\"\(f(left))\" y=\"24\" font-size=\"15\" font-weight=\"bold\">\(HTML.escape(title))</text>\n"
        o += "<line x1=\"\(f(left))\" x2=\"\(f(left + plotW))\" y1=\"\(f(y(0)))\" y2=\"\(f(y(0)))\" stroke=\"#888\"/>\n"
        for v in [hi, lo] where v != 0 {
            o += "<text x=\"\(f(left - 6))\" y=\"\(f(y(v) + 4))\" text-anchor=\"end\">\(HTML.escape(String(format: "%.2f", v)))</text>\n"
        }
        o += "<text x=\"\(f(left - 6))\" y=\"\(f(y(0) + 4))\" text-anchor=\"end\">0</text>\n"
        if values.isEmpty {
            o += "<text x=\"\(f(left + plotW / 2))\" y=\"\(f(top + plotH / 2))\" text-anchor=\"middle\" fill=\"#666\">no day with a balance yet</text>\n"
        }
        let step = plotW / Double(max(values.count, 1))
        for (i, v) in values.enumerated() {
            let x = left + Double(i) * step + step * 0.15
            let top = min(y(v), y(0)), h = max(abs(y(v) - y(0)), 1)
            o += "<rect x=\"\(f(x))\" y=\"\(f(top))\" width=\"\(f(step * 0.7))\" height=\"\(f(h))\" fill=\"\(v >= 0 ? "#2e7d32" : "#c62828")\"><title>\(HTML.escape(labels[i])): \(HTML.escape(String(format: "%+.2f", v)))</title></rect>\n"
        }
        if let first = labels.first, let last = labels.last {
            o += "<text x=\"\(f(left))\" y=\"\(f(height - 12))\">\(HTML.escape(first))</text>\n"
            o += "<text x=\"\(f(left + plotW))\" y=\"\(f(height - 12))\" text-anchor=\"end\">\(HTML.escape(last))</text>\n"
        }
        return o + "</svg>\n"
    }

    private func f(_ v: Double) -> String { String(format: "%.1f", v) }
}

/// HTML text escaping for the page.
public enum HTML {
    public static func escape(_ text: String) -> String {
        var out = ""
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }
}
