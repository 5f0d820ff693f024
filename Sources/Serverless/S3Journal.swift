import Bot
import Cloud
import Foundation

/// The SQLite journal kept in S3 for a function that has no disk of its own: downloaded at the start of an
/// invocation, written back with `If-Match` on the ETag it was read at (or `If-None-Match: *` for the first one),
/// so two invocations can never both write it: the second gets 412 and stops.
public final class S3Journal: @unchecked Sendable {
    public let s3: S3Client
    public let location: S3Location
    public let directory: URL
    /// The ETag of the version this invocation holds; nil = no journal in S3 yet.
    public private(set) var etag: String?
    public private(set) var localPath: String = ""

    public init(s3: S3Client, location: S3Location, directory: URL) {
        self.s3 = s3; self.location = location; self.directory = directory
    }

    /// A copy of the journal as it is in S3 at `etag` (body nil, etag nil: there is no journal in S3 yet).
    public struct Copy: Sendable {
        public var body: Data?
        public var etag: String?
    }

    /// The journal as it is in S3 now.
    public func fetch() async throws -> Copy {
        switch try await s3.get(location) {
        case .found(let object): return Copy(body: object.body, etag: object.etag)
        case .notFound, .notModified: return Copy(body: nil, etag: nil)
        }
    }

    /// What this store last read or wrote, with its ETag: the next invocation may start from it without a GET. Its
    /// first conditional write (the lease) fails if anything else wrote the journal since.
    public private(set) var current: Copy?

    /// Opens the journal in a fresh file of its own (never next to a stale -wal file): `copy` when one is held
    /// from before (see `current`), otherwise downloaded now.
    public func open(requestID: String, copy: Copy? = nil) async throws -> Journal {
        let safe = requestID.filter { $0.isLetter || $0.isNumber || $0 == "-" }
        let read: Copy
        if let copy { read = copy } else { read = try await fetch() }
        return try place(read, as: safe.isEmpty ? UUID().uuidString : safe)
    }

    /// A journal read and opened before any invocation asked for it (at init, while the model is parsed), so the
    /// first invocation starts without a download or an open.
    public struct Opened: @unchecked Sendable {
        public let copy: Copy
        public let journal: Journal
        public let path: String
    }

    /// Reads the journal now and opens it as a working copy of its own (no request is known yet).
    public func prepare() async throws -> Opened {
        let read = try await fetch()
        let journal = try place(read, as: "held")
        return Opened(copy: read, journal: journal, path: localPath)
    }

    /// Makes `opened` this store's working copy, as if `open` had just read it.
    public func adopt(_ opened: Opened) -> Journal {
        localPath = opened.path
        etag = opened.copy.etag
        current = opened.copy
        return opened.journal
    }

    /// Writes `read` to `journal-NAME.sqlite` and opens it.
    private func place(_ read: Copy, as name: String) throws -> Journal {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        localPath = directory.appendingPathComponent("journal-\(name).sqlite").path
        removeLocal()
        if let body = read.body { try ScratchFile.write(body, to: localPath) }
        etag = read.etag
        current = read
        // The durable copy is the one in S3 (written back with If-Match before the answer): no fsyncs for this one.
        return try Journal(path: localPath, durability: .scratch)
    }

    public enum Upload: Sendable, Equatable {
        case stored
        /// Someone else wrote the journal since this invocation read it.
        case conflict
    }

    /// Uploads a consistent snapshot, conditional on the version held; on success that version becomes the new one.
    public func upload(_ journal: Journal) async throws -> Upload {
        try await upload(snapshot: journal.serialized())
    }

    /// Uploads `snapshot` (`Journal.serialized()`, taken when the caller chose), conditional on the version held.
    /// One upload at a time: the next one is conditional on the ETag this one brings back.
    public func upload(snapshot body: Data) async throws -> Upload {
        switch try await s3.put(location, body: body, contentType: "application/vnd.sqlite3", condition: etag.map { .ifMatch($0) } ?? .ifNoneMatch) {
        case .stored(let new):
            etag = new
            current = Copy(body: body, etag: new)
            return .stored
        case .preconditionFailed:
            current = nil
            return .conflict
        }
    }

    /// Deletes the working copy (and its WAL files).
    public func removeLocal() {
        for suffix in ["", "-journal", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: localPath + suffix) }
    }
}
