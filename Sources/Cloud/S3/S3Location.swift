import Foundation

/// `s3://bucket/key`: where a model, scalers file or journal lives in S3.
public struct S3Location: Sendable, Equatable, CustomStringConvertible {
    public var bucket: String
    public var key: String

    public init(bucket: String, key: String) { self.bucket = bucket; self.key = key }

    /// Parses `s3://bucket/key`; nil for anything that does not start with `s3://` (a local path).
    /// Throws for an `s3://` value without a bucket or key.
    public static func parse(_ value: String) throws -> S3Location? {
        guard value.hasPrefix("s3://") else { return nil }
        let rest = value.dropFirst(5)
        guard let slash = rest.firstIndex(of: "/"), slash != rest.startIndex, rest.index(after: slash) != rest.endIndex else {
            throw CloudError.badLocation(value)
        }
        return S3Location(bucket: String(rest[..<slash]), key: String(rest[rest.index(after: slash)...]))
    }

    /// A sibling object under the same bucket.
    public func sibling(_ key: String) -> S3Location { S3Location(bucket: bucket, key: key) }

    public var description: String { "s3://\(bucket)/\(key)" }
}
