import Bot
import Exchange
import Foundation
import XCTest
@testable import Backtest

/// Issue 13, the leaderboard: the shipped model and two fixture models (tools/lab/make_lab_fixtures.py: a 5-candle
/// MLP and a 7-candle LSTM, each with its own scalers) on the Bitcoin file, against figures computed independently
/// in that script from keras' own `model.predict` with numpy/scipy (Tests/LabFixtures/leaderboard_reference.json).
final class LeaderboardTests: XCTestCase {
    static let fixtures = ModelAgreementTests.repo?.appendingPathComponent("Tests/LabFixtures")

    struct Reference: Decodable {
        struct DM: Decodable { var statistic: Double; var statistic_hln: Double; var p_hln: Double; var mean_difference: Double }
        struct Model: Decodable {
            var window: Int; var rmse: Double; var mape: Double; var rmse_scaled: Double; var theil_u: Double
            var direction_correct: Int; var direction_counted: Int; var direction_p: Double
            var dm_naive_squared: DM; var dm_naive_absolute: DM; var best_shift: Int; var extrapolated: Int
            var rmse_inside: Double?; var rmse_outside: Double?; var first_predictions: [Double]
        }
        var count: Int; var first_target: String; var last_target: String; var naive_rmse: Double
        var models: [String: Model]; var pairwise: [String: [String: DM]]; var ranking: [String]
    }

    func board() throws -> (Leaderboard, Reference, [LabModel]) {
        guard let fixtures = Self.fixtures else { throw XCTSkip("repository not found") }
        let ref = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: fixtures.appendingPathComponent("leaderboard_reference.json")))
        let models = try LabFixtures.load(["model", "lab_mlp5", "lab_lstm7"])
        return (try Leaderboard.run(models: models, input: try LabFixtures.bitcoin(), configSymbol: "BTC/USDT:USDT"), ref, models)
    }

    func close(_ a: Double?, _ b: Double?, _ rel: Double, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        guard let a, let b else { return XCTAssertEqual(a == nil, b == nil, what, file: file, line: line) }
        XCTAssertEqual(a, b, accuracy: max(abs(b) * rel, 1e-300), what, file: file, line: line)
    }

    func testTheConventionFindsEachModelsScalersAndWindow() throws {
        let (_, _, models) = try board()
        XCTAssertEqual(models.map(\.name), ["model", "lab_mlp5", "lab_lstm7"])
        XCTAssertEqual(models.map(\.windowSize), [5, 5, 7])
        XCTAssertTrue(models[0].scalersPath.hasSuffix("/scalers/scalers.pkl"), models[0].scalersPath)   // "../scalers/scalers.pkl"
        XCTAssertTrue(models[1].scalersPath.hasSuffix("/LabFixtures/lab_mlp5.scalers.pkl"))
        XCTAssertEqual(LabModel.names(for: ["/a/BTC/lstm-s1.keras", "/a/ETH/lstm-s1.keras", "/a/ETH/cnn-s1.keras"]),
                       ["BTC/lstm-s1", "ETH/lstm-s1", "cnn-s1"])
        let dir = NSTemporaryDirectory() + "lab-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        XCTAssertThrowsError(try LabModel.scalers(for: dir + "/m.keras", record: nil)) { e in
            XCTAssertTrue("\(e)".contains("no scalers found: add \"scalers_file\" to m.json"), "\(e)")
        }
    }

    func testFiguresMatchTheIndependentComputation() throws {
        let (board, ref, _) = try board()
        XCTAssertEqual(board.count, ref.count, "targets every model predicts (the 7-candle LSTM starts last)")
        XCTAssertEqual(board.firstTarget, ref.first_target)
        XCTAssertEqual(board.lastTarget, ref.last_target)
        XCTAssertEqual(board.entries.map(\.name), ref.ranking)
        XCTAssertEqual(board.entries.map(\.rank), [1, 2, 3])
        XCTAssertEqual(board.symbol, "BTC")
        // Keras (TensorFlow) and the native forward pass agree to float32 rounding; figures to ~1e-6.
        let rel = 2e-5
        for e in board.entries {
            let r = try XCTUnwrap(ref.models[e.name])
            let s = e.summary
            XCTAssertEqual(e.window, r.window)
            for (k, p) in r.first_predictions.enumerated() { close(board.predicted[e.name]?[k], p, 1e-5, "\(e.name) prediction \(k)") }
            close(s.naive.rmse, ref.naive_rmse, 1e-12, "naive RMSE")
            close(s.model.rmse, r.rmse, rel, "\(e.name) RMSE")
            close(s.model.mape, r.mape, rel, "\(e.name) MAPE")
            close(s.model.rmseScaled, r.rmse_scaled, rel, "\(e.name) scaled RMSE")
            close(s.theilU, r.theil_u, rel, "\(e.name) Theil's U")
            XCTAssertEqual(s.direction.counted, r.direction_counted, "\(e.name) direction counted")
            XCTAssertEqual(s.direction.correct, r.direction_correct, "\(e.name) direction correct")
            close(s.direction.pValue, r.direction_p, 1e-9, "\(e.name) binomial p")
            for (mine, theirs, loss) in [(e.dmNaiveSquared, r.dm_naive_squared, "squared"), (e.dmNaiveAbsolute, r.dm_naive_absolute, "absolute")] {
                let d = try XCTUnwrap(mine)
                close(d.statistic, theirs.statistic, 1e-4, "\(e.name) DM \(loss)")
                close(d.statisticHLN, theirs.statistic_hln, 1e-4, "\(e.name) DM HLN \(loss)")
                close(d.pValue, theirs.p_hln, 1e-2, "\(e.name) DM p \(loss)")
                close(d.meanDifference, theirs.mean_difference, 1e-4, "\(e.name) mean loss difference \(loss)")
            }
            XCTAssertEqual(s.lag.bestShift, r.best_shift, "\(e.name) lag")
            XCTAssertEqual(e.inputRange.outside, r.extrapolated, "\(e.name) extrapolated windows")
            XCTAssertEqual(e.inputRange.windows, ref.count)
            close(e.inputRange.rmseInside, r.rmse_inside, rel, "\(e.name) RMSE inside")
            close(e.inputRange.rmseOutside, r.rmse_outside, rel, "\(e.name) RMSE outside")
        }
        XCTAssertEqual(board.pairs.count, 3)
        for (key, value) in ref.pairwise {
            let names = key.split(separator: "|").map(String.init)
            let p = try XCTUnwrap(board.pair(names[0], names[1]), key)
            close(p.squared?.statisticHLN, value["squared"]?.statistic_hln, 1e-4, "\(key) squared")
            close(p.squared?.pValue, value["squared"]?.p_hln, 1e-2, "\(key) squared p")
            close(p.absolute?.statisticHLN, value["absolute"]?.statistic_hln, 1e-4, "\(key) absolute")
            close(p.absolute?.pValue, value["absolute"]?.p_hln, 1e-2, "\(key) absolute p")
            // Either order reads "a − b".
            close(board.pair(names[1], names[0])?.squared?.statisticHLN, value["squared"].map { -$0.statistic_hln }, 1e-4, "\(key) reversed")
        }
        // The overlap guard per model: the fixtures' training periods end in 2016/2018 and overlap; all are BTC.
        XCTAssertTrue(board.entries.allSatisfy { $0.warnings.contains { $0.contains("overlaps the model's training period") } })
    }

    /// The page: one self-contained HTML document with the tables and four charts, every model in every chart.
    func testThePageHasEveryModelOnTheSameCharts() throws {
        let (board, _, _) = try board()
        let html = board.html()
        XCTAssertTrue(html.hasPrefix("<!DOCTYPE html>"))
        XCTAssertTrue(html.hasSuffix("</html>\n"))
        XCTAssertFalse(html.contains("<script"), "no scripts")
        // Every element of these kinds is closed: count opening and closing tags by exact name.
        func count(_ pattern: String) -> [String: Int] {
            let re = try! NSRegularExpression(pattern: pattern)
            var out: [String: Int] = [:]
            for m in re.matches(in: html, range: NSRange(html.startIndex..., in: html)) {
                out[String(html[Range(m.range(at: 1), in: html)!]), default: 0] += 1
            }
            return out
        }
        let opened = count("<([a-z0-9]+)[\\s>]"), closed = count("</([a-z0-9]+)>")
        for tag in ["html", "head", "body", "table", "thead", "tbody", "tr", "td", "th", "svg", "figure", "figcaption", "h1", "h2", "p", "ul", "li", "g", "text", "div"] {
            XCTAssertEqual(opened[tag] ?? 0, closed[tag] ?? 0, "<\(tag)> balanced")
        }
        XCTAssertEqual(opened["table"], 4, "leaderboard, pairwise, inputs, lag verdicts")
        // The fifteen-column leaderboard is wider than the 1,000 px body: every table scrolls in its own box.
        XCTAssertEqual(html.components(separatedBy: "<div class=\"scroll\"><table>").count - 1, 4)
        XCTAssertTrue(html.contains(".scroll { overflow-x: auto;"))
        let svgs = html.components(separatedBy: "<svg").dropFirst().map { $0.components(separatedBy: "</svg>")[0] }
        XCTAssertEqual(svgs.count, 4)
        for svg in svgs { for name in ["model", "lab_mlp5", "lab_lstm7"] { XCTAssertTrue(svg.contains(">\(name)<"), "\(name) in every chart's legend") } }
        // The leaderboard table: a row per model plus naive persistence, best first and highlighted.
        let table = html.components(separatedBy: "<table>")[1].components(separatedBy: "</table>")[0]
        XCTAssertEqual(table.components(separatedBy: "<tr").count - 1, 1 + 3 + 1)
        XCTAssertTrue(table.contains("<tr class=\"hi\"><td class=\"num\">1</td><td>model</td>"), table)
        XCTAssertTrue(table.contains("naive (next = current)"))
        XCTAssertTrue(html.contains("Model against model (Diebold–Mariano, HLN)"))
        XCTAssertTrue(html.contains("Inputs inside vs outside the scalers"))
        XCTAssertTrue(html.contains(xml(board.verdict)))
        // And the text table on stdout.
        let text = board.text()
        XCTAssertTrue(text.contains("3 models, \(board.count) common target candles"))
        XCTAssertTrue(text.contains("naive (next = current)"))
    }

    /// The real binary, as the README shows it: `evaluate --model A --model B --model C --json`.
    func testTheCommandLine() throws {
        guard let repo = ModelAgreementTests.repo, let shared = ModelAgreementTests.shared else { throw XCTSkip("repository or data not found") }
        let dir = NSTemporaryDirectory() + "board-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let run = try TradingBotBinary.run(["evaluate", "--candles", shared.appendingPathComponent("shared/data/coin_Bitcoin.csv").path,
                                            "--model", "models/model.keras", "--models", "Tests/LabFixtures", "--from", "2019-11-17",
                                            "--json", "--report", dir + "/board.html", "--out", dir], repo: repo)
        XCTAssertEqual(run.status, 0, run.errorText)
        XCTAssertEqual(run.errorText, "", "every fixture is usable: nothing skipped")
        let object = try run.json()
        let entries = try XCTUnwrap(object["entries"] as? [[String: Any]])
        XCTAssertEqual(Set(entries.compactMap { $0["name"] as? String }), ["model", "lab_mlp5", "lab_lstm7", "lab_high5", "study_mlp6", "study_edlstm4"])
        XCTAssertEqual(entries.first { $0["name"] as? String == "study_mlp6" }?["horizon"] as? Int, 5)
        XCTAssertEqual(object["first_target"] as? String, "2019-11-18T00:00:00Z")
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/board.html"))
        XCTAssertTrue(try String(contentsOfFile: dir + "/predictions.csv", encoding: .utf8).hasPrefix("target_time,actual_close,naive_close,"))
    }
}
