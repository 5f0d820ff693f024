import AWSTestSupport
import Cloud
import HTTPClient
import Foundation
import XCTest

/// The S3 client over libcurl against a real moto server on loopback: ETags, and the conditional writes the
/// journal and the per-candle claims rely on (412 on a failed If-Match / If-None-Match).
final class S3MotoTests: XCTestCase {
    static var started: Result<MotoServer, Error>?
    var moto: MotoServer { get throws { try XCTUnwrap(Self.started).get() } }

    override class func setUp() { started = Result { try MotoServer() } }
    override class func tearDown() { try? started?.get().stop(); started = nil }

    func client() throws -> S3Client {
        try S3Client.fromEnvironment(try moto.environment, transport: CurlTransport())
    }

    func bucket() throws -> String {
        let name = "b-\(UUID().uuidString.lowercased().prefix(12))"
        try moto.createBucket(name)
        return name
    }

    func testPutGetETagAndNotModified() async throws {
        let s3 = try client(), bucket = try bucket()
        let location = S3Location(bucket: bucket, key: "models/a b+ü.keras")
        guard case .notFound = try await s3.get(location) else { return XCTFail("expected 404 before upload") }
        guard case .stored(let etag) = try await s3.put(location, body: Data("model-v1".utf8)) else { return XCTFail("put") }
        XCTAssertFalse(etag.isEmpty)
        guard case .found(let object) = try await s3.get(location) else { return XCTFail("get") }
        XCTAssertEqual(object.body, Data("model-v1".utf8)); XCTAssertEqual(object.etag, etag)
        guard case .notModified = try await s3.get(location, ifNoneMatch: etag) else { return XCTFail("expected 304 for the held ETag") }
        guard case .found = try await s3.get(location, ifNoneMatch: "\"0000\"") else { return XCTFail("expected 200 for a stale ETag") }
    }

    func testIfMatchIsALock() async throws {
        let s3 = try client(), bucket = try bucket()
        let journal = S3Location(bucket: bucket, key: "journal/bot.sqlite")
        guard case .stored(let first) = try await s3.put(journal, body: Data("v1".utf8)) else { return XCTFail() }
        // Two writers read v1; the first replaces it, the second must be refused.
        guard case .stored(let second) = try await s3.put(journal, body: Data("v2-a".utf8), condition: .ifMatch(first)) else { return XCTFail() }
        let late = try await s3.put(journal, body: Data("v2-b".utf8), condition: .ifMatch(first))
        XCTAssertEqual(late, .preconditionFailed)
        guard case .found(let now) = try await s3.get(journal) else { return XCTFail() }
        XCTAssertEqual(now.body, Data("v2-a".utf8)); XCTAssertEqual(now.etag, second)
    }

    func testIfNoneMatchClaimsOnce() async throws {
        let s3 = try client(), bucket = try bucket()
        let claim = S3Location(bucket: bucket, key: "claims/ref/BTCUSDT/4h/1764748800000")
        guard case .stored = try await s3.put(claim, body: Data("a".utf8), condition: .ifNoneMatch) else { return XCTFail("first claim") }
        let again = try await s3.put(claim, body: Data("b".utf8), condition: .ifNoneMatch)
        XCTAssertEqual(again, .preconditionFailed)
        guard case .found(let held) = try await s3.get(claim) else { return XCTFail() }
        XCTAssertEqual(held.body, Data("a".utf8))
    }

    func testFileCacheKeepsByETag() async throws {
        let s3 = try client(), bucket = try bucket()
        let location = S3Location(bucket: bucket, key: "scalers.pkl")
        _ = try await s3.put(location, body: Data("s1".utf8))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("s3cache-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let cache = S3FileCache(s3: s3, directory: dir)
        let first = try await cache.fetch(location)
        XCTAssertEqual(first.outcome, .downloaded)
        XCTAssertEqual(try Data(contentsOf: first.url), Data("s1".utf8))
        let second = try await cache.fetch(location)
        XCTAssertEqual(second.outcome, .cached)
        _ = try await s3.put(location, body: Data("s2".utf8))
        let third = try await cache.fetch(location)
        XCTAssertEqual(third.outcome, .downloaded)
        XCTAssertEqual(try Data(contentsOf: third.url), Data("s2".utf8))
        do {
            _ = try await cache.fetch(S3Location(bucket: bucket, key: "missing.keras"))
            XCTFail("a missing object must throw")
        } catch {
            XCTAssertTrue(String(describing: error).contains("s3://\(bucket)/missing.keras"), "\(error)")
        }
    }

    func testUnreachableEndpointIsOneClearError() async throws {
        let port = try MotoServer.freePort()
        let s3 = try S3Client.fromEnvironment(["AWS_ENDPOINT_URL_S3": "http://127.0.0.1:\(port)", "AWS_ACCESS_KEY_ID": "k",
                                               "AWS_SECRET_ACCESS_KEY": "s", "AWS_REGION": "us-east-1"],
                                              transport: CurlTransport(connectTimeoutMs: 1_000, totalTimeoutMs: 2_000))
        do {
            _ = try await s3.get(S3Location(bucket: "b", key: "k"))
            XCTFail("expected a transport error")
        } catch let error as CloudError {
            XCTAssertTrue(error.description.contains("S3 GetObject s3://b/k: no answer"), error.description)
        }
    }

    func testMissingBucketNamesCodeAndObject() async throws {
        let s3 = try client()
        do {
            _ = try await s3.put(S3Location(bucket: "no-such-bucket-\(UUID().uuidString.lowercased().prefix(8))", key: "k"), body: Data())
            XCTFail("expected NoSuchBucket")
        } catch let error as CloudError {
            XCTAssertEqual(error.status, 404)
            XCTAssertTrue(error.description.contains("NoSuchBucket"), error.description)
        }
    }
}
