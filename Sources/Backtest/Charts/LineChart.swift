import Foundation

/// One line of a chart.
public struct ChartSeries: Sendable {
    public enum Axis: Sendable { case left, right }
    public var name: String
    public var color: String
    public var xs: [Double]
    public var ys: [Double]
    public var axis: Axis
    public var dashed: Bool
    /// Draw a dot at every point (for short series such as the lag profile).
    public var markers: Bool
    public var width: Double

    public init(name: String, color: String, xs: [Double], ys: [Double], axis: Axis = .left,
                dashed: Bool = false, markers: Bool = false, width: Double = 1.5) {
        self.name = name; self.color = color; self.xs = xs; self.ys = ys; self.axis = axis
        self.dashed = dashed; self.markers = markers; self.width = width
    }
}

/// A hand-written SVG line chart: title, legend, nice ticks, grid, labelled axes, an optional right-hand axis
/// for an overlay (price under balance), and vertical reference lines. Long series are reduced to the min and max
/// of every pixel column, so a year of minutes draws the same shape in a few thousand points.
public struct LineChart: Sendable {
    public enum XAxis: Sendable {
        /// x values are ms timestamps.
        case time
        /// Plain numbers; integer ticks when `integers`.
        case numeric(integers: Bool)
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var yRightLabel: String?
    public var xAxis: XAxis
    public var series: [ChartSeries]
    /// Vertical dashed lines at these x values, with a label each.
    public var verticalMarkers: [(x: Double, label: String)]
    public var width: Double = 960
    public var height: Double = 420

    public init(title: String, xLabel: String, yLabel: String, yRightLabel: String? = nil, xAxis: XAxis,
                series: [ChartSeries], verticalMarkers: [(x: Double, label: String)] = []) {
        self.title = title; self.xLabel = xLabel; self.yLabel = yLabel; self.yRightLabel = yRightLabel
        self.xAxis = xAxis; self.series = series; self.verticalMarkers = verticalMarkers
    }

    public func svg() -> String {
        let hasRight = series.contains { $0.axis == .right }
        let left = 84.0, right = hasRight ? 84.0 : 28.0, top = 64.0, bottom = 60.0
        let plotW = width - left - right, plotH = height - top - bottom

        func finite(_ axis: ChartSeries.Axis?) -> (Double, Double)? {
            var lo = Double.infinity, hi = -Double.infinity
            for s in series where axis == nil || s.axis == axis {
                for v in (axis == nil ? s.xs : s.ys) where v.isFinite { lo = min(lo, v); hi = max(hi, v) }
            }
            return lo <= hi ? (lo, hi) : nil
        }
        var (xLo, xHi) = finite(nil) ?? (0, 1)
        for m in verticalMarkers { xLo = min(xLo, m.x); xHi = max(xHi, m.x) }
        if xHi <= xLo { xHi = xLo + 1 }
        let lRange = finite(.left) ?? (0, 1)
        let yl = AxisTicks.nice(lo: lRange.0, hi: lRange.1)
        let rRange = finite(.right) ?? (0, 1)
        let yr = AxisTicks.nice(lo: rRange.0, hi: rRange.1)

        func px(_ x: Double) -> Double { left + (x - xLo) / (xHi - xLo) * plotW }
        func py(_ y: Double, _ axis: ChartSeries.Axis) -> Double {
            let (lo, hi) = axis == .left ? (yl.lo, yl.hi) : (yr.lo, yr.hi)
            return top + plotH - (y - lo) / (hi - lo) * plotH
        }
        func f(_ v: Double) -> String { String(format: "%.1f", v) }

        var o = ""
        o += "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(f(width)) \(f(height))\" width=\"\(f(width))\" height=\"\(f(height))\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">\n"
        o += "<rect x=\"0\" y=\"0\" width=\"\(f(width))\" height=\"\(f(height))\" fill=\"#ffffff\"/>\n"
        o += "<text x=\"\(f(left))\" y=\"22\" font-size=\"16\" font-weight=\"bold\" fill=\"#222\">\(xml(title))</text>\n"

        // Grid and left ticks.
        for t in yl.ticks {
            let y = py(t, .left)
            o += "<line x1=\"\(f(left))\" y1=\"\(f(y))\" x2=\"\(f(left + plotW))\" y2=\"\(f(y))\" stroke=\"#e6e6e6\"/>\n"
            o += "<text x=\"\(f(left - 8))\" y=\"\(f(y + 4))\" text-anchor=\"end\" fill=\"#444\">\(AxisTicks.label(t, step: yl.step))</text>\n"
        }
        if hasRight {
            for t in yr.ticks {
                let y = py(t, .right)
                o += "<text x=\"\(f(left + plotW + 8))\" y=\"\(f(y + 4))\" fill=\"#777\">\(AxisTicks.label(t, step: yr.step))</text>\n"
            }
        }
        // X ticks.
        let xTicks: [(Double, String)]
        switch xAxis {
        case .time:
            xTicks = AxisTicks.time(fromMs: Int64(xLo), toMs: Int64(xHi)).map { (Double($0.ms), $0.label) }
        case .numeric(let integers):
            let n = AxisTicks.nice(lo: xLo, hi: xHi, target: 10)
            let step = integers ? max(1, n.step.rounded()) : n.step
            var ticks: [(Double, String)] = []
            var v = (xLo / step).rounded(.up) * step
            while v <= xHi + step * 1e-9 {
                ticks.append((v, integers ? String(Int(v.rounded())) : AxisTicks.label(v, step: step))); v += step
            }
            xTicks = ticks
        }
        for (x, label) in xTicks where x >= xLo && x <= xHi {
            let X = px(x)
            o += "<line x1=\"\(f(X))\" y1=\"\(f(top))\" x2=\"\(f(X))\" y2=\"\(f(top + plotH))\" stroke=\"#f0f0f0\"/>\n"
            o += "<line x1=\"\(f(X))\" y1=\"\(f(top + plotH))\" x2=\"\(f(X))\" y2=\"\(f(top + plotH + 5))\" stroke=\"#444\"/>\n"
            o += "<text x=\"\(f(X))\" y=\"\(f(top + plotH + 19))\" text-anchor=\"middle\" fill=\"#444\">\(xml(label))</text>\n"
        }
        // Axes frame.
        o += "<line x1=\"\(f(left))\" y1=\"\(f(top))\" x2=\"\(f(left))\" y2=\"\(f(top + plotH))\" stroke=\"#444\"/>\n"
        o += "<line x1=\"\(f(left))\" y1=\"\(f(top + plotH))\" x2=\"\(f(left + plotW))\" y2=\"\(f(top + plotH))\" stroke=\"#444\"/>\n"
        if hasRight {
            o += "<line x1=\"\(f(left + plotW))\" y1=\"\(f(top))\" x2=\"\(f(left + plotW))\" y2=\"\(f(top + plotH))\" stroke=\"#999\"/>\n"
        }
        // Axis titles.
        o += "<text x=\"\(f(left + plotW / 2))\" y=\"\(f(height - 14))\" text-anchor=\"middle\" fill=\"#222\">\(xml(xLabel))</text>\n"
        o += "<text transform=\"translate(18,\(f(top + plotH / 2))) rotate(-90)\" text-anchor=\"middle\" fill=\"#222\">\(xml(yLabel))</text>\n"
        if hasRight, let r = yRightLabel {
            o += "<text transform=\"translate(\(f(width - 14)),\(f(top + plotH / 2))) rotate(90)\" text-anchor=\"middle\" fill=\"#555\">\(xml(r))</text>\n"
        }
        // Clip the data to the plot area.
        o += "<defs><clipPath id=\"plot\"><rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(plotW))\" height=\"\(f(plotH))\"/></clipPath></defs>\n"
        o += "<g clip-path=\"url(#plot)\">\n"
        // Right-axis overlays first so the main series sit on top.
        for s in series.sorted(by: { ($0.axis == .right ? 0 : 1) < ($1.axis == .right ? 0 : 1) }) {
            let pts = ChartDecimation.reduce(xs: s.xs, ys: s.ys, columns: Int(plotW), xLo: xLo, xHi: xHi)
            guard !pts.isEmpty else { continue }
            var d = ""
            d.reserveCapacity(pts.count * 14)
            var first = true
            for (x, y) in pts {
                d += first ? "M" : "L"; first = false
                d += f(px(x)) + "," + f(py(y, s.axis))
            }
            let dash = s.dashed ? " stroke-dasharray=\"6 4\"" : ""
            o += "<path d=\"\(d)\" fill=\"none\" stroke=\"\(s.color)\" stroke-width=\"\(s.width)\" stroke-linejoin=\"round\"\(dash)/>\n"
            if s.markers {
                for (x, y) in pts { o += "<circle cx=\"\(f(px(x)))\" cy=\"\(f(py(y, s.axis)))\" r=\"3.5\" fill=\"\(s.color)\"/>\n" }
            }
        }
        o += "</g>\n"
        for m in verticalMarkers {
            let X = px(m.x)
            o += "<line x1=\"\(f(X))\" y1=\"\(f(top))\" x2=\"\(f(X))\" y2=\"\(f(top + plotH))\" stroke=\"#c0392b\" stroke-dasharray=\"4 3\"/>\n"
            o += "<text x=\"\(f(X + 4))\" y=\"\(f(top + 14))\" fill=\"#c0392b\">\(xml(m.label))</text>\n"
        }
        // Legend under the title.
        var lx = left
        for s in series {
            let dash = s.dashed ? " stroke-dasharray=\"6 4\"" : ""
            o += "<line x1=\"\(f(lx))\" y1=\"42\" x2=\"\(f(lx + 22))\" y2=\"42\" stroke=\"\(s.color)\" stroke-width=\"3\"\(dash)/>\n"
            let name = s.name + (s.axis == .right && hasRight ? " (right axis)" : "")
            o += "<text x=\"\(f(lx + 28))\" y=\"46\" fill=\"#333\">\(xml(name))</text>\n"
            lx += 40 + Double(name.count) * 6.6
        }
        o += "</svg>\n"
        return o
    }
}

/// Escapes text for SVG/HTML content and attributes.
public func xml(_ s: String) -> String {
    var o = ""
    for c in s {
        switch c {
        case "&": o += "&amp;"
        case "<": o += "&lt;"
        case ">": o += "&gt;"
        case "\"": o += "&quot;"
        default: o.append(c)
        }
    }
    return o
}

/// Min/max-per-pixel-column reduction for drawing long series.
enum ChartDecimation {
    static func reduce(xs: [Double], ys: [Double], columns: Int, xLo: Double, xHi: Double) -> [(Double, Double)] {
        let n = min(xs.count, ys.count)
        var out: [(Double, Double)] = []
        guard n > 0 else { return out }
        if n <= columns * 2 {
            for i in 0..<n where ys[i].isFinite { out.append((xs[i], ys[i])) }
            return out
        }
        let span = max(xHi - xLo, 1e-12)
        var bucket = -1
        var minI = -1, maxI = -1
        func flush() {
            guard minI >= 0 else { return }
            if minI == maxI { out.append((xs[minI], ys[minI])) }
            else if minI < maxI { out.append((xs[minI], ys[minI])); out.append((xs[maxI], ys[maxI])) }
            else { out.append((xs[maxI], ys[maxI])); out.append((xs[minI], ys[minI])) }
        }
        for i in 0..<n where ys[i].isFinite {
            let b = Int((xs[i] - xLo) / span * Double(columns))
            if b != bucket { flush(); bucket = b; minI = i; maxI = i; continue }
            if ys[i] < ys[minI] { minI = i }
            if ys[i] > ys[maxI] { maxI = i }
        }
        flush()
        return out
    }
}
