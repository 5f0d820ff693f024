import XCTest
@testable import Backtest

/// Diebold–Mariano, Student t, normal quantiles and the deflated Sharpe ratio against reference values computed by
/// tools/lab/make_dm_fixture.py (statsmodels HAC OLS + scipy.stats; the file says how and with which versions).
final class LabStatisticsTests: XCTestCase {
    struct Case: Decodable {
        var n: Int, horizon: Int, loss: String
        var errors_a: [Double], errors_b: [Double]
        var statistic: Double, p_normal: Double, statistic_hln: Double, p_hln: Double, mean_difference: Double
    }
    struct TCase: Decodable { var t: Double, df: Double, p: Double }
    struct DSR: Decodable {
        var returns: [Double], trial_sharpes: [Double]
        var sharpe: Double, expected_max: Double, skewness: Double, kurtosis: Double, probability: Double
    }
    struct Reference: Decodable {
        var made_by: String
        var dm: [Case]
        var normal_quantiles: [String: Double]
        var t_two_sided: [TCase]
        var deflated_sharpe: DSR
    }

    static func reference() throws -> Reference {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("LabFixtures/dm_reference.json")
        return try JSONDecoder().decode(Reference.self, from: try Data(contentsOf: url))
    }

    func testDieboldMarianoMatchesStatsmodelsAndScipy() throws {
        let ref = try Self.reference()
        XCTAssertEqual(ref.dm.count, 10)
        for c in ref.dm {
            let loss = try XCTUnwrap(DieboldMariano.Loss(rawValue: c.loss))
            let dm = try XCTUnwrap(DieboldMariano.test(errorsA: c.errors_a, errorsB: c.errors_b, loss: loss, horizon: c.horizon))
            let label = "n \(c.n) h \(c.horizon) \(c.loss)"
            XCTAssertEqual(dm.count, c.n)
            XCTAssertEqual(dm.meanDifference, c.mean_difference, accuracy: 1e-12, label)
            XCTAssertEqual(dm.statistic, c.statistic, accuracy: 1e-9 * max(1, abs(c.statistic)), label)
            XCTAssertEqual(dm.statisticHLN, c.statistic_hln, accuracy: 1e-9 * max(1, abs(c.statistic_hln)), label)
            XCTAssertEqual(dm.pValueNormal, c.p_normal, accuracy: 1e-10, label)
            XCTAssertEqual(dm.pValue, c.p_hln, accuracy: 1e-10, label)
        }
    }

    func testDieboldMarianoSignAndDegenerateInputs() throws {
        let small = [0.1, -0.2, 0.1, 0.05, -0.1, 0.2], big = small.map { $0 * 3 + 0.01 }
        let dm = try XCTUnwrap(DieboldMariano.test(errorsA: small, errorsB: big, loss: .squared))
        XCTAssertLessThan(dm.statistic, 0, "A has the smaller errors")
        XCTAssertNil(DieboldMariano.test(errorsA: small, errorsB: small, loss: .squared), "identical losses: no variance")
        XCTAssertNil(DieboldMariano.test(errorsA: [1, 2], errorsB: [2, 3], loss: .absolute))
        XCTAssertNil(DieboldMariano.test(errorsA: [1, 2, 3], errorsB: [2, 3], loss: .absolute))
    }

    func testStudentTAndNormalQuantiles() throws {
        let ref = try Self.reference()
        for c in ref.t_two_sided {
            XCTAssertEqual(Distributions.studentTTwoSided(c.t, df: c.df), c.p, accuracy: 1e-11, "t \(c.t) df \(c.df)")
        }
        for (p, q) in ref.normal_quantiles {
            let pv = try XCTUnwrap(Double(p))
            XCTAssertEqual(Distributions.normalQuantile(pv), q, accuracy: 1e-9, "p \(p)")
        }
    }

    func testDeflatedSharpeMatchesThePaperFormula() throws {
        let r = try Self.reference().deflated_sharpe
        let d = try XCTUnwrap(DeflatedSharpe.compute(returns: r.returns, trialSharpes: r.trial_sharpes))
        XCTAssertEqual(d.sharpe, r.sharpe, accuracy: 1e-12)
        XCTAssertEqual(d.skewness, r.skewness, accuracy: 1e-9)
        XCTAssertEqual(d.kurtosis, r.kurtosis, accuracy: 1e-9)
        XCTAssertEqual(d.expectedMaxSharpe, r.expected_max, accuracy: 1e-10)
        XCTAssertEqual(d.probability, r.probability, accuracy: 1e-9)
        XCTAssertEqual(d.trials, 50)
        // One trial: no selection, SR0 = 0.
        XCTAssertEqual(DeflatedSharpe.expectedMax(trials: 1, sharpeVariance: 0.01), 0)
    }
}
