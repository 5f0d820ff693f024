import CSQLite
import Foundation
import Exchange

/// A failed SQLite call, with the database file and SQLite's own message.
public struct SQLiteError: Error, Sendable, CustomStringConvertible {
    public let path: String
    public let code: Int32
    public let message: String
    public var description: String { "journal \(path): SQLite error \(code): \(message)" }
}

/// A value bound to or read from a statement.
public enum SQLValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
}

/// A thin wrapper over the SQLite C API: one connection, WAL mode, prepared statements, transactions.
/// Not thread-safe by itself: each owner (the journal) serialises its own use.
public final class SQLiteDatabase {
    public let path: String
    private var handle: OpaquePointer?
    /// Prepared statements of `run` / `query` by SQL text: the journal issues the same few statements every cycle,
    /// and parsing them again each time was a third of a backtest's CPU.
    private var cached: [String: SQLiteStatement] = [:]

    /// How hard commits hold on to the disk.
    public enum Durability: Sendable {
        /// WAL, `synchronous=FULL`: each committed cycle survives a power cut, not only a process crash.
        case full
        /// A working copy whose durable home is elsewhere (Lambda: the journal in S3, written back with `If-Match`
        /// before the answer): rollback journal in memory, no fsync. A crash loses only this copy, which the next
        /// invocation never reads (it downloads the journal again).
        case scratch
    }

    public init(path: String, durability: Durability = .full) throws {
        self.path = path
        var db: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            sqlite3_close(db)
            throw SQLiteError(path: path, code: rc, message: message)
        }
        handle = db
        sqlite3_busy_timeout(db, 5_000)
        switch durability {
        case .full:
            try execute("PRAGMA journal_mode=WAL")
            try execute("PRAGMA synchronous=FULL")
        case .scratch:
            try execute("PRAGMA journal_mode=MEMORY")
            try execute("PRAGMA synchronous=OFF")
        }
        try execute("PRAGMA foreign_keys=ON")
    }

    deinit {
        cached.removeAll()  // finalise the statements before the connection
        sqlite3_close_v2(handle)
    }

    private func error(_ code: Int32) -> SQLiteError {
        SQLiteError(path: path, code: code, message: handle.map { String(cString: sqlite3_errmsg($0)) } ?? "closed")
    }

    /// Runs one or more statements without parameters (schema, pragmas).
    public func execute(_ sql: String) throws {
        var message: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &message)
        if rc != SQLITE_OK {
            let text = message.map { String(cString: $0) } ?? "unknown"
            sqlite3_free(message)
            throw SQLiteError(path: path, code: rc, message: text)
        }
    }

    /// Runs one parameterised statement that returns no rows.
    public func run(_ sql: String, _ values: [SQLValue] = []) throws {
        let statement = try reusable(sql)
        defer { statement.reset() }
        try statement.bind(values)
        while try statement.step() {}
    }

    /// Runs a query and returns every row as an array of values.
    public func query(_ sql: String, _ values: [SQLValue] = []) throws -> [[SQLValue]] {
        let statement = try reusable(sql)
        defer { statement.reset() }
        try statement.bind(values)
        var rows: [[SQLValue]] = []
        while try statement.step() { rows.append(statement.row()) }
        return rows
    }

    /// The cached statement for `sql`, prepared on first use (at most 64 kept).
    private func reusable(_ sql: String) throws -> SQLiteStatement {
        if let statement = cached[sql] { return statement }
        let statement = try prepare(sql)
        if cached.count >= 64 { cached.removeAll() }
        cached[sql] = statement
        return statement
    }

    /// The whole database as one file's bytes (committed content, WAL included), read in one read transaction:
    /// what `VACUUM INTO` writes, without a file to write and read back.
    public func serialized() throws -> Data {
        var size: sqlite3_int64 = 0
        guard let bytes = sqlite3_serialize(handle, "main", &size, 0) else {
            throw SQLiteError(path: path, code: SQLITE_NOMEM, message: "sqlite3_serialize returned nothing")
        }
        defer { sqlite3_free(bytes) }
        return Data(bytes: bytes, count: Int(size))
    }

    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    public func prepare(_ sql: String) throws -> SQLiteStatement {
        var statement: OpaquePointer?
        let rc = sqlite3_prepare_v2(handle, sql, -1, &statement, nil)
        guard rc == SQLITE_OK, let statement else { throw error(rc) }
        return SQLiteStatement(database: self, handle: statement)
    }

    /// Runs `body` inside BEGIN IMMEDIATE … COMMIT; rolls back when it throws.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    fileprivate func failure(_ code: Int32) -> SQLiteError { error(code) }
}

/// A prepared statement; finalised when released.
public final class SQLiteStatement {
    private let database: SQLiteDatabase
    private let handle: OpaquePointer

    fileprivate init(database: SQLiteDatabase, handle: OpaquePointer) {
        self.database = database
        self.handle = handle
    }

    deinit { sqlite3_finalize(handle) }

    /// Ends the statement's current run (releasing its read snapshot) and clears its bindings.
    public func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    public func bind(_ values: [SQLValue]) throws {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let rc: Int32
            switch value {
            case .null: rc = sqlite3_bind_null(handle, index)
            case .integer(let v): rc = sqlite3_bind_int64(handle, index, v)
            case .real(let v): rc = sqlite3_bind_double(handle, index, v)
            case .text(let v): rc = sqlite3_bind_text(handle, index, v, -1, csqlite_transient())
            }
            if rc != SQLITE_OK { throw database.failure(rc) }
        }
    }

    /// Advances one row; false when done.
    public func step() throws -> Bool {
        let rc = sqlite3_step(handle)
        switch rc {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw database.failure(rc)
        }
    }

    public func row() -> [SQLValue] {
        (0..<sqlite3_column_count(handle)).map { column in
            switch sqlite3_column_type(handle, column) {
            case SQLITE_INTEGER: return .integer(sqlite3_column_int64(handle, column))
            case SQLITE_FLOAT: return .real(sqlite3_column_double(handle, column))
            case SQLITE_NULL: return .null
            default:
                guard let text = sqlite3_column_text(handle, column) else { return .null }
                return .text(String(cString: text))
            }
        }
    }
}

extension SQLValue {
    public var int: Int64? { if case .integer(let v) = self { return v } else { return nil } }
    public var string: String? {
        switch self {
        case .text(let v): return v
        case .integer(let v): return String(v)
        case .real(let v): return String(v)
        case .null: return nil
        }
    }
    /// Decimals are stored as text so they round-trip exactly.
    public var decimal: Decimal? { string.flatMap { Precision.decimal($0) } }

    public static func decimal(_ value: Decimal?) -> SQLValue { value.map { .text("\($0)") } ?? .null }
    public static func optionalText(_ value: String?) -> SQLValue { value.map { .text($0) } ?? .null }
}
