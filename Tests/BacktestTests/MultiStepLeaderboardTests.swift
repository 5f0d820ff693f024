import Bot
import Exchange
import Foundation
import XCTest
@testable import Backtest

/// Issue 13, the study's models on the leaderboard: models with other input columns ([open, high, low]), several
/// output steps (the next 5 closes) and another target (the next high), against figures computed independently
/// from keras' own `model.predict` with numpy/scipy (tools/lab/make_study_fixtures.py →
/// Tests/LabFixtures/study_reference.json), including the study's "Test MINMAX RMSE" by its own main.py code.
final class MultiStepLeaderboardTests: XCTestCase {
    struct Reference: Decodable {
        struct DM: Decodable { var statistic: Double; var statistic_hln: Double; var p_hln: Double; var mean_difference: Double; var horizon: Int }
        struct Step: Decodable { var step: Int; var rmse: Double; var naive_rmse: Double; var dm_naive_squared: DM? }
        struct Model: Decodable {
            var target: String; var window: Int; var horizon: Int; var features: [String]
            var rmse: Double; var mape: Double; var naive_rmse: Double; var theil_u: Double
            var dm_naive_squared: DM; var dm_naive_absolute: DM; var extrapolated: Int; var first_predictions: [[Double]]
            var study_minmax_rmse: [Double]; var naive_study_minmax_rmse: [Double]; var steps: [Step]
        }
        struct Pair: Decodable { var quantity: String; var squared: DM?; var absolute: DM? }
        var count: Int; var first_end: String; var first_target: String; var last_target: String
        var models: [String: Model]; var pairwise: [String: Pair]; var ranking: [String]
    }

    static let stems = ["study_mlp6", "study_edlstm4", "lab_high5", "lab_mlp5"]

    func board() throws -> (Leaderboard, Reference, [LabModel]) {
        guard let fixtures = LabFixtures.folder else { throw XCTSkip("repository not found") }
        let ref = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: fixtures.appendingPathComponent("study_reference.json")))
        let models = try LabFixtures.load(Self.stems)
        return (try Leaderboard.run(models: models, input: try LabFixtures.bitcoin(), configSymbol: "BTC/USDT:USDT"), ref, models)
    }

    func close(_ a: Double?, _ b: Double?, _ rel: Double, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        guard let a, let b else { return XCTAssertEqual(a == nil, b == nil, what, file: file, line: line) }
        XCTAssertEqual(a, b, accuracy: max(abs(b) * rel, 1e-300), what, file: file, line: line)
    }

    func testTheRecordDescribesInputsScalersAndHorizon() throws {
        let models = try LabFixtures.load(Self.stems)
        XCTAssertEqual(models.map(\.windowSize), [6, 4, 5, 5])
        XCTAssertEqual(models.map(\.horizon), [5, 5, 1, 1], "ED-LSTM's output (5, 1) is 5 steps")
        XCTAssertEqual(models[0].features, ["open", "high", "low"])
        XCTAssertEqual(models.map(\.targetColumn), ["close", "close", "high", "close"])
        // scaler_columns [close, open, high, low]: inputs use scalers 1…3, the outputs scaler 0.
        let m = models[0].model
        XCTAssertEqual(m.inputFields, [0, 1, 2])
        XCTAssertEqual(m.targetField, 3)
        XCTAssertEqual(m.rangeCheck.names, ["open", "high", "low"])
        XCTAssertEqual(m.rangeCheck.fields, [0, 1, 2])
        XCTAssertNotEqual(m.inputScalers[0].dataMax, m.targetScaler.dataMax, "open's scaler is not close's")

        // A record that disagrees with the model, or that leaves the scalers' columns unsaid, is refused with the fix.
        let dir = try temporaryCopy(["study_mlp6"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let json = dir.appendingPathComponent("study_mlp6.json")
        var record = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [String: Any])
        record["horizon"] = 3
        try JSONSerialization.data(withJSONObject: record).write(to: json)
        XCTAssertThrowsError(try LabModel.load(path: dir.appendingPathComponent("study_mlp6.keras").path)) {
            XCTAssertTrue("\($0)".contains("horizon 3 but the model's output has 5 values"), "\($0)")
        }
        record["horizon"] = 5
        record.removeValue(forKey: "scaler_columns")
        try JSONSerialization.data(withJSONObject: record).write(to: json)
        XCTAssertThrowsError(try LabModel.load(path: dir.appendingPathComponent("study_mlp6.keras").path)) {
            XCTAssertTrue("\($0)".contains("has 4 scalers for the 3 features [\"open\", \"high\", \"low\"]: add \"scaler_columns\""), "\($0)")
        }
        record.removeValue(forKey: "features")
        try JSONSerialization.data(withJSONObject: record).write(to: json)
        XCTAssertThrowsError(try LabModel.load(path: dir.appendingPathComponent("study_mlp6.keras").path)) {
            XCTAssertTrue("\($0)".contains("is not (window, 5 features"), "\($0)")
            XCTAssertTrue("\($0)".contains("name the model's input columns in \"features\""), "\($0)")
        }
    }

    func testFiguresMatchTheIndependentComputation() throws {
        let (board, ref, models) = try board()
        let candles = try LabFixtures.bitcoin().candles
        let lo = models.map(\.windowSize).max()! - 1
        XCTAssertEqual(board.count, ref.count, "windows every model has with all its steps")
        XCTAssertEqual(board.firstWindowEnd, ref.first_end)
        XCTAssertEqual(board.firstTarget, ref.first_target)
        XCTAssertEqual(board.lastTarget, ref.last_target)
        XCTAssertEqual(board.entries.map(\.name), ref.ranking)
        let rel = 2e-5
        for e in board.entries {
            let r = try XCTUnwrap(ref.models[e.name])
            XCTAssertEqual(e.window, r.window)
            XCTAssertEqual(e.horizon, r.horizon)
            XCTAssertEqual(e.features, r.features)
            XCTAssertEqual(e.target, r.target)
            let s = e.summary
            close(s.model.rmse, r.rmse, rel, "\(e.name) RMSE")
            close(s.model.mape, r.mape, rel, "\(e.name) MAPE")
            close(s.naive.rmse, r.naive_rmse, 1e-12, "\(e.name) naive RMSE")
            close(s.theilU, r.theil_u, rel, "\(e.name) Theil's U")
            for (mine, theirs, loss) in [(e.dmNaiveSquared, r.dm_naive_squared, "squared"), (e.dmNaiveAbsolute, r.dm_naive_absolute, "absolute")] {
                let d = try XCTUnwrap(mine)
                close(d.statisticHLN, theirs.statistic_hln, 1e-4, "\(e.name) DM HLN \(loss)")
                close(d.pValue, theirs.p_hln, 1e-2, "\(e.name) DM p \(loss)")
            }
            XCTAssertEqual(e.inputRange.outside, r.extrapolated, "\(e.name): extrapolated windows, inputs checked against their own columns' scalers")
            XCTAssertEqual(e.steps.count, r.horizon)
            // The first three windows' forecasts, every step, against keras' model.predict.
            let model = try XCTUnwrap(models.first { $0.name == e.name }).model
            let hs = try HorizonSeries.build(candles: candles, model: model, ends: lo ..< lo + 3)
            for (k, row) in r.first_predictions.enumerated() {
                for (j, p) in row.enumerated() { close(hs.predicted[j][k], p, 1e-5, "\(e.name) window \(k) step \(j + 1)") }
            }
            for (st, rs) in zip(e.steps, r.steps) {
                XCTAssertEqual(st.step, rs.step)
                close(st.rmse, rs.rmse, rel, "\(e.name) step \(st.step) RMSE")
                close(st.naiveRMSE, rs.naive_rmse, 1e-12, "\(e.name) step \(st.step) naive RMSE")
                if let theirs = rs.dm_naive_squared {
                    let d = try XCTUnwrap(st.dmNaiveSquared, "\(e.name) step \(st.step) DM")
                    XCTAssertEqual(d.horizon, st.step)
                    close(d.statisticHLN, theirs.statistic_hln, 1e-4, "\(e.name) step \(st.step) DM h=\(st.step)")
                    close(d.pValue, theirs.p_hln, 1e-2, "\(e.name) step \(st.step) DM p")
                } else {
                    XCTAssertNil(st.dmNaiveSquared, "\(e.name) step \(st.step): no positive variance, no test")
                }
                // main.py's own metric, and persistence scored by it.
                close(st.studyMinmaxRMSE, r.study_minmax_rmse[st.step - 1], 1e-4, "\(e.name) step \(st.step) study MINMAX RMSE")
                close(st.naiveStudyMinmaxRMSE, r.naive_study_minmax_rmse[st.step - 1], 1e-9, "\(e.name) step \(st.step) persistence, study MINMAX RMSE")
            }
        }
        XCTAssertEqual(board.pairs.count, 6)
        for (key, value) in ref.pairwise {
            let names = key.split(separator: "|").map(String.init)
            let p = try XCTUnwrap(board.pair(names[0], names[1]), key)
            XCTAssertNil(p.skipped, key)
            XCTAssertEqual(p.comparedOn.hasPrefix("percentage errors"), value.quantity == "percentage", "\(key): \(p.comparedOn)")
            close(p.squared?.statisticHLN, value.squared?.statistic_hln, 1e-4, "\(key) squared")
            close(p.squared?.pValue, value.squared?.p_hln, 1e-2, "\(key) squared p")
            close(p.absolute?.statisticHLN, value.absolute?.statistic_hln, 1e-4, "\(key) absolute")
        }
        XCTAssertEqual(board.pair("lab_high5", "lab_mlp5")?.comparedOn, "percentage errors (high vs close, each against its own target)")
        // Text and page show every step.
        let text = board.text()
        XCTAssertTrue(text.contains("per forecast step"), text)
        // Naive persistence once per target: each model's Theil's U is against its own target's.
        XCTAssertTrue(text.contains("naive (next = current close)") && text.contains("naive (next = current high)"), text)
        XCTAssertTrue(text.contains("window 6 × [open, high, low], target close, the next 5 values"), text)
        let html = board.html()
        XCTAssertTrue(html.contains("Every forecast step"))
        XCTAssertEqual(html.components(separatedBy: "<table>").count - 1, 5, "leaderboard, steps, pairwise, inputs, lag verdicts")
    }

    /// A price model and a volume model share no quantity: the pair is listed as skipped, with the reason.
    func testAPriceAndAVolumeModelAreNotComparedAndTheOutputSaysWhy() throws {
        let dir = try temporaryCopy(["lab_mlp5"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let json = dir.appendingPathComponent("lab_mlp5.json")
        var record = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [String: Any])
        record["target_column"] = "volume"
        let volume = dir.appendingPathComponent("volume5.json")
        try JSONSerialization.data(withJSONObject: record).write(to: volume)
        try FileManager.default.copyItem(at: dir.appendingPathComponent("lab_mlp5.keras"), to: dir.appendingPathComponent("volume5.keras"))
        let models = try LabFixtures.load(paths: try LabFixtures.paths(["lab_high5"]) + [dir.appendingPathComponent("volume5.keras").path])
        let board = try Leaderboard.run(models: models, input: try LabFixtures.bitcoin(), configSymbol: "BTC/USDT:USDT")
        let p = try XCTUnwrap(board.pair("lab_high5", "volume5"))
        XCTAssertNil(p.squared)
        XCTAssertEqual(p.skipped, "targets differ (high vs volume): a traded volume and a price share no common quantity, and their percentage errors measure different things")
        XCTAssertTrue(board.text().contains("skipped: targets differ (high vs volume)"), board.text())
        XCTAssertTrue(try board.json().contains("\"skipped\" : \"targets differ (high vs volume)"))
    }

    /// `--models DIR` with a corrupt model: one line names it and why, the rest are ranked; none usable is an error.
    func testAFolderWithACorruptModelSkipsItAndRanksTheRest() throws {
        guard let repo = ModelAgreementTests.repo, let shared = ModelAgreementTests.shared else { throw XCTSkip("repository or data not found") }
        let dir = try temporaryCopy(["lab_mlp5", "study_mlp6"])
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data("not a keras archive\n".utf8).write(to: dir.appendingPathComponent("broken.keras"))
        let paths = try LabModel.discover(folder: dir.path)
        let usable = try LabModel.loadUsable(paths: paths, names: LabModel.names(for: paths))
        XCTAssertEqual(usable.models.map(\.name), ["lab_mlp5", "study_mlp6"])
        XCTAssertEqual(usable.skipped.map { URL(fileURLWithPath: $0.file).lastPathComponent }, ["broken.keras"])

        let candles = shared.appendingPathComponent("shared/data/coin_Bitcoin.csv").path
        let run = try TradingBotBinary.run(["evaluate", "--candles", candles, "--models", dir.path, "--json"], repo: repo)
        XCTAssertEqual(run.status, 0, run.errorText)
        let lines = run.errorText.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, run.errorText)
        XCTAssertTrue(lines[0].hasPrefix("evaluate: skipped \(dir.appendingPathComponent("broken.keras").path): "), run.errorText)
        let object = try run.json()
        XCTAssertEqual((object["entries"] as? [[String: Any]])?.compactMap { $0["name"] as? String }.sorted(), ["lab_mlp5", "study_mlp6"])
        XCTAssertEqual((object["skipped"] as? [[String: Any]])?.count, 1)

        // Only unusable models: an error, naming each.
        let bad = dir.appendingPathComponent("bad")
        try FileManager.default.createDirectory(at: bad, withIntermediateDirectories: true)
        try FileManager.default.moveItem(at: dir.appendingPathComponent("broken.keras"), to: bad.appendingPathComponent("broken.keras"))
        let none = try TradingBotBinary.run(["evaluate", "--candles", candles, "--models", bad.path], repo: repo)
        XCTAssertNotEqual(none.status, 0)
        XCTAssertTrue(none.errorText.contains("none is usable: \(bad.appendingPathComponent("broken.keras").path): "), none.errorText)
    }

    /// A fresh folder with copies of fixtures (model, record, scalers).
    func temporaryCopy(_ stems: [String]) throws -> URL {
        guard let fixtures = LabFixtures.folder else { throw XCTSkip("repository not found") }
        let dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("lab-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for stem in stems {
            for ext in ["keras", "json", "scalers.pkl"] {
                try FileManager.default.copyItem(at: fixtures.appendingPathComponent("\(stem).\(ext)"), to: dir.appendingPathComponent("\(stem).\(ext)"))
            }
        }
        return dir
    }
}
