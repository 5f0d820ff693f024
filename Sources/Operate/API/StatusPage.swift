import Backtest
import Bot
import Exchange
import Foundation

/// The one server-rendered page: per-symbol rows, equity curve and daily P&L bars (SVG), recent orders and errors,
/// notification health, pause/resume and the close-all button behind a typed confirmation. No JavaScript build: a
/// few inline lines post the page's own short-lived bearer token (a cross-site page can neither read it nor send it).
public enum StatusPage {
    public static func render(_ s: StatusSnapshot, token: String, now: Int64) -> String {
        func e(_ t: String) -> String { HTML.escape(t) }
        func d(_ v: Decimal?) -> String { v.map { e(Precision.format($0)) } ?? "–" }
        func signed(_ v: Decimal?) -> String {
            guard let v else { return "–" }
            return "<span class=\"\(v > 0 ? "up" : v < 0 ? "down" : "")\">\(v > 0 ? "+" : "")\(e(Precision.format(v)))</span>"
        }
        var h = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>trading-bot · \(e(s.symbol))</title>
            <style>
            body{font-family:Helvetica,Arial,sans-serif;margin:0;padding:12px;background:#f6f7f9;color:#222;max-width:1100px;margin:auto}
            h1{font-size:1.3em;margin:.2em 0}h2{font-size:1.05em;margin:1.2em 0 .4em}
            .card{background:#fff;border-radius:8px;padding:10px 12px;margin:10px 0;box-shadow:0 1px 2px #0002}
            .badge{display:inline-block;padding:2px 8px;border-radius:10px;background:#ddd;font-size:.85em;margin-left:6px}
            .paused{background:#ffe08a}.live{background:#f8b4b4}.ok{background:#c8e6c9}.bad{background:#f8b4b4}
            table{border-collapse:collapse;width:100%;font-size:.9em}td,th{text-align:left;padding:4px 6px;border-bottom:1px solid #eee;vertical-align:top}
            .scroll{overflow-x:auto}svg{max-width:100%;height:auto;display:block}
            .up{color:#2e7d32}.down{color:#c62828}.muted{color:#666;font-size:.85em}
            form{display:flex;flex-wrap:wrap;gap:6px;align-items:center}input{font-size:1em;padding:6px}button{font-size:1em;padding:6px 12px}
            .danger{background:#c62828;color:#fff;border:0;border-radius:4px}
            .kpis{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:8px}.kpi{background:#fff;border-radius:8px;padding:8px 10px;box-shadow:0 1px 2px #0002}
            .kpi b{display:block;font-size:1.25em}.kpi span{color:#666;font-size:.8em}
            @media (max-width:600px){table{font-size:.8em}td,th{padding:3px}}
            </style></head><body>
            <h1>trading-bot — \(e(s.symbol)) <span class="badge \(s.mode == "live" ? "live" : "")">\(e(s.mode))</span>\(s.paused != nil ? "<span class=\"badge paused\">entries paused</span>" : "")</h1>
            <div class="muted">\(e(s.interval)) candles · page made \(e(UTCTime.iso(now))) · model \(e(s.model))</div>

            """
        // The few numbers a person looks for first, large enough on a phone.
        let p = s.position
        h += """
            <div class="kpis">
            <div class="kpi"><span>Position</span><b>\(p.map { "\(e($0.side)) \(d($0.amount))" } ?? "flat")</b></div>
            <div class="kpi"><span>Unrealised P&amp;L</span><b>\(signed(p?.unrealised))</b></div>
            <div class="kpi"><span>Balance</span><b>\(d(s.balance))</b></div>
            <div class="kpi"><span>Notifications</span><b>\(s.channels.isEmpty ? "off" : s.channels.allSatisfy { $0.status == .ok } ? "ok" : "failing")</b></div>
            </div>

            """
        // Per-symbol rows.
        let lastPrediction = s.lastCycle?.predicted.map { String(format: "%.2f", $0) } ?? "–"
        h += """
            <div class="card scroll"><h2>Positions</h2><table>
            <tr><th>Symbol</th><th>Position</th><th>Entry</th><th>Mark</th><th>Unrealised P&amp;L</th><th>Stop</th><th>Last prediction</th><th>Model</th></tr>
            <tr><td>\(e(s.symbol))</td><td>\(p.map { "\(e($0.side)) \(d($0.amount))" } ?? "flat")</td><td>\(d(p?.entry))</td><td>\(d(p?.mark))</td>
            <td>\(signed(p?.unrealised))</td><td>\(e(s.stopLoss))</td>
            <td>\(e(lastPrediction))\(s.lastCycle.map { " <span class=\"muted\">after \(e(UTCTime.iso($0.candleTime)))</span>" } ?? "")</td><td>\(e(s.model))</td></tr>
            </table>
            <p>Balance <b>\(d(s.balance))</b> · since the first cycle \(signed(s.balance.flatMap { b in s.firstBalance.map { b - $0 } }))
             · cycles \(s.cyclesDone) done, \(s.cyclesFailed) failed\(s.forecast.map { String(format: " · model error %.2f vs naive %.2f (%d candles)", $0.model, $0.naive, $0.count) } ?? "")</p>
            </div>

            """
        // Charts.
        let xs = s.equity.map { Double($0.0) }, ys = s.equity.map { NSDecimalNumber(decimal: $0.1).doubleValue }
        let equity = LineChart(title: "Equity", xLabel: "candle (UTC)", yLabel: "balance", xAxis: .time,
                               series: [ChartSeries(name: "balance", color: "#1565c0", xs: xs, ys: ys)])
        let days = s.daily.suffix(60)
        let bars = BarChart(title: "Daily P&L", labels: days.map(\.day), values: days.map { NSDecimalNumber(decimal: $0.pnl).doubleValue })
        h += "<div class=\"card\">\(xs.count >= 2 ? equity.svg() : "<p class=\"muted\">Equity curve: needs two cycles with a balance.</p>")</div>\n"
        h += "<div class=\"card\">\(bars.svg())</div>\n"
        // Prediction vs actual.
        h += "<div class=\"card scroll\"><h2>Predictions</h2><table><tr><th>Candle</th><th>Close</th><th>Predicted next</th><th>Actual next</th><th>Decision</th></tr>\n"
        let cycles = s.recentCycles
        for (i, c) in cycles.enumerated().prefix(10) {
            let actual = i > 0 ? cycles[i - 1].close : nil
            h += "<tr><td>\(e(UTCTime.iso(c.candleTime)))</td><td>\(d(c.close))</td><td>\(e(c.predicted.map { String(format: "%.2f", $0) } ?? "–"))</td><td>\(d(actual))</td><td>\(e(c.decision ?? c.status.rawValue))</td></tr>\n"
        }
        h += "</table></div>\n"
        // Orders.
        h += "<div class=\"card scroll\"><h2>Recent orders</h2><table><tr><th>Time</th><th>Client id</th><th>Order</th><th>State</th><th>Filled</th></tr>\n"
        for o in s.orders.prefix(15) {
            h += "<tr><td>\(e(UTCTime.iso(o.createdAt)))</td><td>\(e(o.clientOrderID))</td><td>\(e(o.side)) \(e(o.type)) \(d(o.amount))\(o.reduceOnly ? " reduce-only" : "")</td><td>\(e(o.state.rawValue))\(o.status.map { " / " + e($0) } ?? "")</td><td>\(d(o.filled))\(o.average.map { " @ " + e(Precision.format($0)) } ?? "")</td></tr>\n"
        }
        if s.orders.isEmpty { h += "<tr><td colspan=\"5\" class=\"muted\">no orders yet</td></tr>\n" }
        h += "</table></div>\n"
        // Errors.
        h += "<div class=\"card scroll\"><h2>Recent errors and warnings</h2><table><tr><th>Time</th><th>Kind</th><th>Message</th></tr>\n"
        for row in s.problems.prefix(10) {
            h += "<tr><td>\(e(UTCTime.iso(row.at)))</td><td>\(e(row.kind))</td><td>\(e(row.fields["message"] ?? ""))</td></tr>\n"
        }
        if s.problems.isEmpty { h += "<tr><td colspan=\"3\" class=\"muted\">none</td></tr>\n" }
        h += "</table></div>\n"
        // Notification health.
        h += "<div class=\"card scroll\"><h2>Notifications</h2><table><tr><th>Channel</th><th>State</th><th>Delivered</th><th>Waiting</th><th>Last problem</th></tr>\n"
        for c in s.channels {
            h += "<tr><td>\(e(c.channel))</td><td><span class=\"badge \(c.status == .ok ? "ok" : "bad")\">\(e(c.status.rawValue))</span></td><td>\(c.delivered)</td><td>\(c.pending)</td><td>\(e(c.lastError ?? "–"))</td></tr>\n"
        }
        if s.channels.isEmpty { h += "<tr><td colspan=\"5\" class=\"muted\">no channel configured</td></tr>\n" }
        h += "</table></div>\n"
        // Controls.
        h += """
            <div class="card"><h2>Controls</h2>
            <form onsubmit="return act(event,'\(s.paused == nil ? "pause" : "resume")')"><button>\(s.paused == nil ? "Pause entries" : "Resume entries")</button></form>
            <h2>Close all</h2>
            <p class="muted">Cancels every order (conditional ones too), closes every position with reduce-only market orders and pauses entries.</p>
            <form onsubmit="return closeAll(event)"><label>Type <b>CLOSE ALL</b> to confirm: <input id="confirm" autocomplete="off"></label>
            <button class="danger">Close all</button></form>
            <pre id="result" class="muted"></pre></div>
            <script>
            const token = "\(e(token))";
            async function post(path, body) {
              const r = await fetch(path, {method: "POST", headers: {"Authorization": "Bearer " + token, "Content-Type": "application/json"}, body: JSON.stringify(body || {})});
              document.getElementById("result").textContent = await r.text();
              if (r.ok) setTimeout(() => location.reload(), 1500);
            }
            function act(e, what) { e.preventDefault(); post("/api/v1/" + what); return false; }
            function closeAll(e) {
              e.preventDefault();
              if (document.getElementById("confirm").value !== "CLOSE ALL") { document.getElementById("result").textContent = "Type CLOSE ALL exactly."; return false; }
              post("/api/v1/forceexit", {tradeid: "all"}); return false;
            }
            </script>
            </body></html>

            """
        return h
    }
}
