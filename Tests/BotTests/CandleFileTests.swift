@testable import Bot
import XCTest

final class CandleFileTests: XCTestCase {
    func testStandardFileWithMillisecondsAndISO() throws {
        let csv = "timestamp,open,high,low,close,volume\n1704067200000,1,2,0.5,1.5,10\n2024-01-02T00:00:00Z,1.5,2,1,1.75,11\n"
        let result = try CandleFile.parse(data: Data(csv.utf8), file: "x.csv")
        XCTAssertEqual(result.format, .standard)
        XCTAssertEqual(result.candles.map(\.timestamp), [1_704_067_200_000, 1_704_153_600_000])
        XCTAssertEqual(result.candles[1].close, 1.75)
        let round = try CandleFile.parse(data: Data(CandleFile.csv(result.candles).utf8), file: "y.csv").candles
        XCTAssertEqual(round, result.candles)
    }

    func testCoinMarketCapDateIsEndOfDayMappedToOpenTime() throws {
        let csv = """
        SNo,Name,Symbol,Date,High,Low,Open,Close,Volume,Marketcap
        1,Bitcoin,BTC,2013-04-29 23:59:59,147.48800659179688,134.0,134.44400024414062,144.5399932861328,0.0,1603768864.5
        2,Bitcoin,BTC,2013-04-30 23:59:59,146.92999267578125,134.0500030517578,144.0,139.0,0.0,1542813125.0
        """
        let result = try CandleFile.parse(data: Data(csv.utf8), file: "coin.csv")
        XCTAssertEqual(result.format, .coinMarketCap)
        XCTAssertEqual(UTCTime.iso(result.candles[0].timestamp), "2013-04-29T00:00:00Z")
        XCTAssertEqual(result.candles[0].open, 134.44400024414062)
        XCTAssertEqual(result.candles[0].high, 147.48800659179688)
        XCTAssertEqual(result.candles[1].close, 139.0)
    }

    func testRealBitcoinFile() throws {
        let url = try sharedDataDirectory().appendingPathComponent("coin_Bitcoin.csv")
        let candles = try CandleFile.read(path: url.path)
        XCTAssertGreaterThan(candles.count, 2_500)
        XCTAssertEqual(UTCTime.iso(candles[0].timestamp), "2013-04-29T00:00:00Z")
        for (a, b) in zip(candles, candles.dropFirst()) { XCTAssertEqual(b.timestamp - a.timestamp, 86_400_000) }
    }

    func testBadFilesNameFileAndLine() {
        func problem(_ csv: String) -> String {
            do { _ = try CandleFile.parse(data: Data(csv.utf8), file: "bad.csv"); return "no error" } catch { return "\(error)" }
        }
        XCTAssertEqual(problem(""), "bad.csv: is empty; expected a header line")
        XCTAssertTrue(problem("a,b\n1,2\n").hasPrefix("bad.csv:1: header must name"))
        XCTAssertEqual(problem("timestamp,open,high,low,close,volume\n1,1,1,1,x,1\n"), "bad.csv:2: close 'x' is not a number")
        XCTAssertTrue(problem("timestamp,open,high,low,close,volume\n5,1,1,1,1,1\n5,1,1,1,1,1\n").contains("bad.csv:3: time"))
        XCTAssertTrue(problem("timestamp,open,high,low,close,volume\nyesterday,1,1,1,1,1\n").contains("neither milliseconds nor"))
        XCTAssertTrue(problem("timestamp,open,high,low,close,volume\n1,1,1\n").contains("bad.csv:2: has 3 fields"))
        XCTAssertThrowsError(try CandleFile.read(path: "/nonexistent/c.csv"))
        XCTAssertThrowsError(try CandleFile.read(path: NSTemporaryDirectory()))
    }

    func testUTCTime() {
        XCTAssertEqual(UTCTime.parse("1970-01-01"), 0)
        XCTAssertEqual(UTCTime.parse("2024-02-29T12:34:56.789Z"), 1_709_210_096_789)
        XCTAssertEqual(UTCTime.parse("2024-02-29 12:34:56+00:00"), 1_709_210_096_000)
        XCTAssertEqual(UTCTime.parse("2024-02-29T12:34:56.1234Z"), 1_709_210_096_123)
        XCTAssertNil(UTCTime.parse("2024-13-01"))
        XCTAssertNil(UTCTime.parse("2024-01-01T10:00:00+02:00"))
        XCTAssertEqual(UTCTime.iso(1_709_210_096_789), "2024-02-29T12:34:56.789Z")
        XCTAssertEqual(UTCTime.iso(-86_400_000), "1969-12-31T00:00:00Z")
        let formatter = ISO8601DateFormatter()
        for ms in stride(from: Int64(-2_000_000_000_000), to: 4_000_000_000_000, by: 97_654_321_000) {
            XCTAssertEqual(UTCTime.iso(ms), formatter.string(from: Date(timeIntervalSince1970: Double(ms) / 1000)))
            XCTAssertEqual(UTCTime.parse(UTCTime.iso(ms)), ms)
        }
    }
}
