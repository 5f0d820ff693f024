import Foundation

/// Model and scalers files from S3, downloaded once into a directory (Lambda: /tmp) and kept by ETag: a later cold
/// start in the same sandbox asks with `If-None-Match` and reuses the file on `304 Not Modified`.
public struct S3FileCache: Sendable {
    public let s3: S3Client
    public let directory: URL

    public init(s3: S3Client, directory: URL) { self.s3 = s3; self.directory = directory }

    /// Where `location` is kept locally: DIRECTORY/bucket/key (the key's own file name, so `.keras`/`.h5`/`.pkl`
    /// suffixes still tell the loaders the format).
    public func localURL(_ location: S3Location) -> URL {
        directory.appendingPathComponent(location.bucket, isDirectory: true).appendingPathComponent(location.key)
    }

    public enum Outcome: String, Sendable { case downloaded, cached }

    /// Makes the local copy current; returns its path and whether it was downloaded.
    public func fetch(_ location: S3Location) async throws -> (url: URL, outcome: Outcome) {
        let file = localURL(location)
        let tag = file.appendingPathExtension("etag")
        let held = FileManager.default.fileExists(atPath: file.path) ? (try? String(contentsOf: tag, encoding: .utf8)) : nil
        switch try await s3.get(location, ifNoneMatch: held) {
        case .notModified:
            return (file, .cached)
        case .notFound:
            throw CloudError.service(service: "S3", operation: "GetObject", target: location.description, status: 404, code: "NoSuchKey",
                                     message: "upload it first (aws s3 cp FILE \(location))")
        case .found(let object):
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try S3FileCache.replace(file, with: object.body)
            try S3FileCache.replace(tag, with: Data(object.etag.utf8))
            return (file, .downloaded)
        }
    }

    /// Writes `data` beside `file` and renames it into place: a reader (or a process killed halfway) sees the old
    /// file or the new one, never part of one. No fsync: the directory is scratch space (Lambda's /tmp) that does
    /// not outlive the machine, and S3 keeps the real copy (`ScratchFile`: `Data.write(to:)` fsyncs each file).
    static func replace(_ file: URL, with data: Data) throws {
        let partial = file.deletingLastPathComponent().appendingPathComponent(".\(file.lastPathComponent).\(getpid()).partial")
        try ScratchFile.write(data, to: partial.path)
        guard rename(partial.path, file.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: partial)
            throw CloudError.localWrite(path: file.path, message: reason)
        }
    }
}
