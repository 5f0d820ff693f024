@testable import Cloud
import Foundation
import XCTest

/// The signer against three independent sources: AWS's Signature Version 4 test suite, the S3 documentation's worked
/// examples, and botocore signing Cloud-shaped requests with a fixed clock (Fixtures/make_botocore_vectors.py).
final class SigV4Tests: XCTestCase {
    struct Suite: Decodable {
        struct Case: Decodable {
            var name: String; var method: String; var path: String; var query: [[String]]; var headers: [[String]]; var body: String
            var authorization: String; var session_token: String?
        }
        var access_key: String; var secret_key: String; var region: String; var service: String; var time: String; var cases: [Case]
    }

    struct Botocore: Decodable {
        struct Case: Decodable {
            var name: String; var service: String; var region: String; var method: String; var path: String
            var query: [[String]]; var headers: [[String]]; var body: String; var token: String?
            var expected_authorization: String; var expected_added_headers: [String: String]; var expected_canonical_request: String
        }
        var access_key: String; var secret_key: String; var time: String; var cases: [Case]
    }

    static func fixture<T: Decodable>(_ name: String, as type: T.Type) throws -> T {
        let url = try XCTUnwrap(Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil))
        return try JSONDecoder().decode(T.self, from: Data(contentsOf: url))
    }

    static func date(_ stamp: String) throws -> Date {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX"); f.timeZone = TimeZone(identifier: "UTC"); f.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return try XCTUnwrap(f.date(from: stamp))
    }

    func testAWSTestSuite() throws {
        let suite = try Self.fixture("sigv4_test_suite.json", as: Suite.self)
        XCTAssertGreaterThanOrEqual(suite.cases.count, 25)
        for c in suite.cases {
            let signer = SigV4Signer(credentials: AWSCredentials(accessKeyID: suite.access_key, secretAccessKey: suite.secret_key,
                                                                 sessionToken: c.session_token),
                                     region: suite.region, service: suite.service)
            let request = SigV4Signer.Request(method: c.method, path: c.path, query: c.query.map { ($0[0], $0[1]) },
                                              headers: c.headers.map { ($0[0], $0[1]) }, body: Data(c.body.utf8))
            let signed = signer.sign(request, at: try Self.date(suite.time))
            XCTAssertEqual(signed.headers.last { $0.0 == "Authorization" }?.1, c.authorization, c.name)
        }
    }

    func testGetVanillaSteps() throws {
        // get-vanilla.creq and .sts of the suite, step by step.
        let signer = SigV4Signer(credentials: AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
                                 region: "us-east-1", service: "service")
        let parts = signer.signature(SigV4Signer.Request(method: "GET", path: "/", headers: [("Host", "example.amazonaws.com"), ("X-Amz-Date", "20150830T123600Z")]),
                                     timestamp: "20150830T123600Z")
        XCTAssertEqual(parts.canonicalRequest, """
        GET
        /

        host:example.amazonaws.com
        x-amz-date:20150830T123600Z

        host;x-amz-date
        e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
        """)
        XCTAssertEqual(parts.stringToSign, """
        AWS4-HMAC-SHA256
        20150830T123600Z
        20150830/us-east-1/service/aws4_request
        bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63
        """)
        XCTAssertEqual(parts.signature, "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")
    }

    /// The S3 API reference's "single chunk" examples (examplebucket, 20130524T000000Z).
    func testS3DocumentationExamples() throws {
        let signer = SigV4Signer(credentials: AWSCredentials(accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
                                 region: "us-east-1", service: "s3")
        let when = try Self.date("20130524T000000Z")
        let host = ("Host", "examplebucket.s3.amazonaws.com")
        func signature(_ r: SigV4Signer.Request) -> String? {
            signer.sign(r, at: when).headers.last { $0.0 == "Authorization" }?.1.components(separatedBy: "Signature=").last
        }
        XCTAssertEqual(signature(.init(method: "GET", path: "/test.txt", headers: [host, ("Range", "bytes=0-9")])),
                       "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
        XCTAssertEqual(signature(.init(method: "GET", path: "/", query: [("lifecycle", "")], headers: [host])),
                       "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543")
        XCTAssertEqual(signature(.init(method: "GET", path: "/", query: [("max-keys", "2"), ("prefix", "J")], headers: [host])),
                       "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7")
        // PUT Object: signs a Date header beside x-amz-date, and the key's "$" is encoded.
        let body = Data("Welcome to Amazon S3.".utf8)
        let put = SigV4Signer.Request(method: "PUT", path: "/test%24file.text", headers: [
            host, ("Date", "Fri, 24 May 2013 00:00:00 GMT"), ("x-amz-storage-class", "REDUCED_REDUNDANCY"),
            ("x-amz-date", "20130524T000000Z"),
            ("x-amz-content-sha256", "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072"),
        ], body: body)
        XCTAssertEqual(signer.signature(put, timestamp: "20130524T000000Z").signature, "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd")
        XCTAssertEqual(signer.sign(put, at: when).headers.first { $0.0 == "X-Amz-Content-SHA256" }?.1,
                       "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072")
    }

    func testByteForByteWithBotocore() throws {
        let vectors = try Self.fixture("botocore_vectors.json", as: Botocore.self)
        XCTAssertGreaterThanOrEqual(vectors.cases.count, 7)
        for c in vectors.cases {
            let signer = SigV4Signer(credentials: AWSCredentials(accessKeyID: vectors.access_key, secretAccessKey: vectors.secret_key, sessionToken: c.token),
                                     region: c.region, service: c.service)
            let request = SigV4Signer.Request(method: c.method, path: c.path, query: c.query.map { ($0[0], $0[1]) },
                                              headers: c.headers.map { ($0[0], $0[1]) }, body: Data(c.body.utf8))
            let signed = signer.sign(request, at: try Self.date(vectors.time))
            XCTAssertEqual(signed.headers.last { $0.0 == "Authorization" }?.1, c.expected_authorization, c.name)
            for (name, value) in c.expected_added_headers {
                XCTAssertEqual(signed.headers.last { $0.0.lowercased() == name.lowercased() }?.1, value, "\(c.name) \(name)")
            }
            XCTAssertEqual(signed.headers.filter { ["x-amz-date", "x-amz-content-sha256", "x-amz-security-token"].contains($0.0.lowercased()) }.count,
                           c.expected_added_headers.count, c.name)
            let dated = signed.headers.filter { $0.0 != "Authorization" }
            XCTAssertEqual(signer.signature(SigV4Signer.Request(method: c.method, path: c.path, query: request.query, headers: dated,
                                                                body: request.body), timestamp: vectors.time).canonicalRequest,
                           c.expected_canonical_request, c.name)
        }
    }

    func testSecretsNeverPrinted() {
        let credentials = AWSCredentials(accessKeyID: "AKIAEXAMPLE", secretAccessKey: "SECRET-abc", sessionToken: "TOKEN-xyz")
        for text in [String(describing: credentials), String(reflecting: credentials), "\(credentials)", String(describing: Mirror(reflecting: credentials).children.map(\.value))] {
            XCTAssertFalse(text.contains("SECRET-abc") || text.contains("TOKEN-xyz"), text)
        }
    }

    func testEncodingAndNormalisation() {
        XCTAssertEqual(SigV4Signer.encode("a b/ü+*~"), "a%20b%2F%C3%BC%2B%2A~")
        XCTAssertEqual(SigV4Signer.encode("a b/ü", keepSlash: true), "a%20b/%C3%BC")
        XCTAssertEqual(SigV4Signer.normalize("//a/./b/../c//"), "/a/c/")
        XCTAssertEqual(SigV4Signer.normalize(""), "/")
        XCTAssertEqual(SigV4Signer.timestamp(Date(timeIntervalSince1970: 1_440_938_160)), "20150830T123600Z")
    }

    func testEndpointsAndLocations() throws {
        XCTAssertEqual(try AWSEndpoint.resolve(service: "s3", region: "eu-west-1", environment: [:]).origin, "https://s3.eu-west-1.amazonaws.com")
        let custom = try AWSEndpoint.resolve(service: "s3", region: "eu-west-1", environment: ["AWS_ENDPOINT_URL": "http://127.0.0.1:5000/"])
        XCTAssertEqual(custom.origin, "http://127.0.0.1:5000"); XCTAssertTrue(custom.custom)
        let specific = try AWSEndpoint.resolve(service: "sns", region: "eu-west-1",
                                               environment: ["AWS_ENDPOINT_URL": "http://127.0.0.1:5000", "AWS_ENDPOINT_URL_SNS": "http://127.0.0.1:6000"])
        XCTAssertEqual(specific.origin, "http://127.0.0.1:6000")
        XCTAssertThrowsError(try AWSEndpoint.resolve(service: "s3", region: "x", environment: ["AWS_ENDPOINT_URL_S3": "127.0.0.1:5000"])) {
            XCTAssertTrue(String(describing: $0).contains("AWS_ENDPOINT_URL_S3"))
        }
        XCTAssertEqual(try S3Location.parse("s3://bucket/models/m.keras"), S3Location(bucket: "bucket", key: "models/m.keras"))
        XCTAssertNil(try S3Location.parse("models/m.keras"))
        for bad in ["s3://", "s3://bucket", "s3://bucket/", "s3:///key"] {
            XCTAssertThrowsError(try S3Location.parse(bad), bad)
        }
        XCTAssertThrowsError(try AWSCredentials.fromEnvironment(["AWS_ACCESS_KEY_ID": "a"])) {
            XCTAssertTrue(String(describing: $0).contains("AWS_SECRET_ACCESS_KEY"))
        }
    }
}
