import XCTest
@testable import Scaling

/// Training code often keys its scalers by column name (`scalers[col] = MinMaxScaler().fit(df[[col]])`) rather
/// than by position. Such a dict is read in its own order, every column named by its key, and `ordered(by:)`
/// puts the columns into the model's feature order by name.
final class ScalersByNameTests: XCTestCase {
    func testADictKeyedByNameKeepsItsOrderAndNames() throws {
        let set = try ScalerSet.load(path: try Fixtures.path("scalers_by_name_p4.pkl"))
        XCTAssertTrue(set.keyedByName)
        XCTAssertEqual(set.columns.map(\.featureName), ["High", "Low", "Open", "Close", "Volume"])
    }

    func testOrderingByNameGivesTheSameScalersAsTheIndexKeyedFile() throws {
        let byIndex = try ScalerSet.load(path: try Fixtures.path("scalers_p4.pkl"))
        XCTAssertFalse(byIndex.keyedByName)
        let byName = try ScalerSet.load(path: try Fixtures.path("scalers_by_name_p4.pkl"))
            .ordered(by: ["open", "high", "low", "close", "volume"], file: "scalers_by_name_p4.pkl")
        XCTAssertEqual(byName.columns.map(\.featureName), ["Open", "High", "Low", "Close", "Volume"])
        XCTAssertEqual(byName.columns.map { $0.named("") }, byIndex.columns.map { $0.named("") })
        // Bit for bit the same transform as the index-keyed file.
        for (a, b) in zip(byName.columns, byIndex.columns) {
            XCTAssertEqual(a.transform(a.dataMin + 0.37 * a.dataRange).bitPattern, b.transform(b.dataMin + 0.37 * b.dataRange).bitPattern)
        }
    }

    func testOrderingByNameRefusesMissingAndUnknownColumns() throws {
        let set = try ScalerSet.load(path: try Fixtures.path("scalers_by_name_p4.pkl"))
        XCTAssertThrowsError(try set.ordered(by: ["open", "high", "low", "close", "volume", "trades"], file: "s.pkl")) { error in
            XCTAssertEqual("\(error)", "s.pkl: the scalers are keyed by column name but no scaler for trades; key them by open, high, low, close, volume, trades (any case) or by position 0...5")
        }
        XCTAssertThrowsError(try set.ordered(by: ["open", "high", "low", "close"], file: "s.pkl")) { error in
            XCTAssertTrue("\(error)".contains("unknown column 'Volume'"), "\(error)")
        }
    }

    func testTheJSONFormKeepsTheKeyedByNameMark() throws {
        let set = try ScalerSet.load(path: try Fixtures.path("scalers_by_name_p4.pkl"))
        let json = set.jsonString()
        XCTAssertTrue(json.contains("\"keyed_by_name\": true"), json)
        let back = try ScalerSet(json: Array(json.utf8), file: "s.json")
        XCTAssertEqual(back, set)
        let indexKeyed = try ScalerSet.load(path: try Fixtures.path("scalers_p4.pkl"))
        XCTAssertFalse(indexKeyed.jsonString().contains("keyed_by_name"))
    }
}
