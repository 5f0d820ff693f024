import Foundation

/// The objective surface over two grid keys as an SVG heatmap; the other keys are held at `fixed` (the chosen point).
///
/// Cells are coloured red (worst) → white (middle) → green (best) over the shown cells, each labelled with its value;
/// `mark` (the chosen point) is outlined. Pure: same trials in, same SVG out.
public struct Heatmap: Sendable {
    public var x: GridKey
    public var y: GridKey
    public var xs: [Double]
    public var ys: [Double]
    /// cells[row][column]: score at (xs[column], ys[row]); nil when that point is not in the trials.
    public var cells: [[Double?]]
    public var mark: (column: Int, row: Int)?

    /// The axes a heatmap draws: the first two keys with more than one value (nil when fewer than two vary).
    public static func axes(_ spec: GridSpec) -> (GridKey, GridKey)? {
        let varying = spec.axes.filter { $0.values.count > 1 }.map(\.key)
        return varying.count >= 2 ? (varying[0], varying[1]) : nil
    }

    public init(spec: GridSpec, trials: [TrialResult], x: GridKey, y: GridKey, fixed: GridPoint, mark: GridPoint?) {
        self.x = x; self.y = y
        xs = spec.axes.first { $0.key == x }?.values ?? []
        ys = spec.axes.first { $0.key == y }?.values ?? []
        var lookup: [GridPoint: Double] = [:]
        for t in trials { lookup[t.point] = t.score }
        var rows: [[Double?]] = []
        for yv in ys {
            rows.append(xs.map { xv in
                var p = fixed
                p.values[x] = xv; p.values[y] = yv
                return lookup[p]
            })
        }
        cells = rows
        if let m = mark, let c = xs.firstIndex(of: m.values[x] ?? .nan), let r = ys.firstIndex(of: m.values[y] ?? .nan) {
            self.mark = (c, r)
        }
    }

    /// Colour of `t` in [0, 1]: red → white → green.
    static func color(_ t: Double) -> String {
        let u = max(0, min(1, t))
        let (r, g, b): (Double, Double, Double) = u < 0.5
            ? (215 + (255 - 215) * u * 2, 48 + (255 - 48) * u * 2, 39 + (255 - 39) * u * 2)
            : (255 - (255 - 26) * (u - 0.5) * 2, 255 - (255 - 152) * (u - 0.5) * 2, 255 - (255 - 80) * (u - 0.5) * 2)
        return "rgb(\(Int(r.rounded())),\(Int(g.rounded())),\(Int(b.rounded())))"
    }

    public func svg(title: String, format: (Double) -> String) -> String {
        let cw = 64.0, ch = 30.0, left = 90.0, top = 44.0
        let width = left + cw * Double(xs.count) + 20, height = top + ch * Double(ys.count) + 50
        let values = cells.flatMap { $0 }.compactMap { $0 }
        let lo = values.min() ?? 0, hi = values.max() ?? 0
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"11\">"
        s += "<text x=\"\(left)\" y=\"18\" font-size=\"13\" font-weight=\"bold\">\(xml(title))</text>"
        for (r, row) in cells.enumerated() {
            let yy = top + ch * Double(r)
            s += "<text x=\"\(left - 6)\" y=\"\(yy + ch / 2 + 4)\" text-anchor=\"end\">\(GridPoint.format(ys[r], y))</text>"
            for (c, v) in row.enumerated() {
                let xx = left + cw * Double(c)
                let fill = v.map { Self.color(hi > lo ? ($0 - lo) / (hi - lo) : 0.5) } ?? "#eeeeee"
                s += "<rect x=\"\(xx)\" y=\"\(yy)\" width=\"\(cw)\" height=\"\(ch)\" fill=\"\(fill)\" stroke=\"#ffffff\"/>"
                s += "<text x=\"\(xx + cw / 2)\" y=\"\(yy + ch / 2 + 4)\" text-anchor=\"middle\">\(xml(v.map(format) ?? "–"))</text>"
            }
        }
        if let m = mark {
            s += "<rect x=\"\(left + cw * Double(m.column) + 1)\" y=\"\(top + ch * Double(m.row) + 1)\" width=\"\(cw - 2)\" height=\"\(ch - 2)\" fill=\"none\" stroke=\"#1f4e9c\" stroke-width=\"3\"><title>chosen in sample</title></rect>"
        }
        for (c, xv) in xs.enumerated() {
            s += "<text x=\"\(left + cw * Double(c) + cw / 2)\" y=\"\(top + ch * Double(ys.count) + 16)\" text-anchor=\"middle\">\(GridPoint.format(xv, x))</text>"
        }
        s += "<text x=\"\(left + cw * Double(xs.count) / 2)\" y=\"\(height - 10)\" text-anchor=\"middle\" font-weight=\"bold\">\(x.rawValue)</text>"
        s += "<text x=\"14\" y=\"\(top + ch * Double(ys.count) / 2)\" text-anchor=\"middle\" font-weight=\"bold\" transform=\"rotate(-90 14 \(top + ch * Double(ys.count) / 2))\">\(y.rawValue)</text>"
        return s + "</svg>"
    }
}
