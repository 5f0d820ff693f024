import Foundation
import XCTest
@testable import Backtest
import Bot

/// The per-coin models shipped by `tools/study/reproduce.py ship` (models/{btc,eth,ltc,doge}.keras, their scalers in
/// scalers/ and their records in models/*.json) load natively, and `evaluate` over their own test windows reproduces
/// the test RMSE the training run wrote into the record.
final class ShippedCoinModelsTests: XCTestCase {
    struct Record: Decodable {
        var data_file: String
        var test_start: String
        var test_windows: Int
        var test_rmse: Double
        var scalers_file: String
        var family: String
    }

    func testEachShippedCoinModelReproducesItsRecordedRMSE() throws {
        guard let repo = ModelAgreementTests.repo, let shared = ModelAgreementTests.shared else { throw XCTSkip("model or shared data not found") }
        for coin in ["btc", "eth", "ltc", "doge"] {
            let models = repo.appendingPathComponent("models")
            let data = try Data(contentsOf: models.appendingPathComponent("\(coin).json"))
            let record = try JSONDecoder().decode(Record.self, from: data)
            let input = try CandleInput.load(path: shared.appendingPathComponent("shared/data/\(record.data_file)").path)
            let setup = try OfflineSetup.load(configPath: nil, overrides: [
                "MODEL_PATH": models.appendingPathComponent("\(coin).keras").path,
                "SCALERS_PATH": models.appendingPathComponent(record.scalers_file).standardizedFileURL.path], input: input)
            // evaluate's --from is the last candle of the first window: the day before the first test target
            let firstTarget = try XCTUnwrap(UTCTime.parse(String(record.test_start.prefix(10))), coin)
            let e = try EvaluationPipeline.run(setup: setup, from: firstTarget - 86_400_000, to: nil)
            XCTAssertEqual(e.report.windows, record.test_windows, coin)
            let rmse = try XCTUnwrap(e.report.summary.model.rmse, coin)
            XCTAssertEqual(rmse, record.test_rmse, accuracy: record.test_rmse * 1e-4, "\(coin) (\(record.family))")
        }
    }
}
