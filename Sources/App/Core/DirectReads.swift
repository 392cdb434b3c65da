import FluentKit
import FluentSQL
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import SQLKit
import SQLiteKit
import SQLiteNIO
import VaporCSQLite

/// Reads of a SQLite file that run on the thread that asks, on read-only connections of their own.
///
/// Through SQLiteNIO every statement went from the request's task to the event loop, to a
/// thread-pool thread that ran it, back to the event loop once per row, and back to the task: four
/// thread switches and a task per row, for statements SQLite answers in 20–200 µs. Thread switches
/// alone were an eighth of a page's time, and a page reads with 10–14 statements. Here a
/// statement is prepared once per connection, stepped where the request runs, and its rows are
/// returned as values.
///
/// Only a single `SELECT` outside a transaction comes here (see `SQLiteTuning.TunedDatabase`):
/// a transaction reads on its own connection, which sees its own writes. The database is in WAL
/// mode, so a read sees every commit made before it starts and never waits for a writer. Each
/// statement is reset as soon as its rows are read, so no read keeps a snapshot open.
final class DirectReads: Sendable {
    let path: String
    /// Connections not in use (one is taken per statement and put back after it), and whether the
    /// database has been shut down: one lock, so that a connection given back while `close()`
    /// runs is closed, not kept.
    private let pool = NIOLockedValueBox<(idle: [Connection], closed: Bool)>(([], false))
    /// Off when the file could not be put in WAL mode: a direct read would then wait for writers.
    private let enabled = NIOLockedValueBox(true)
    /// Connections kept when idle: more are opened when needed, and closed after use.
    private static let keptIdle = 8

    /// Whether reads go here (see `disable()`).
    var isEnabled: Bool { enabled.withLockedValue { $0 } }

    /// Sends every read back through the driver (the file is not in WAL mode).
    func disable() { enabled.withLockedValue { $0 = false } }

    init(path: String) {
        self.path = path
    }

    struct Failure: Error, CustomStringConvertible {
        var code: Int32
        var message: String
        var description: String { "SQLite error \(code): \(message)" }
        /// SQLite's primary code (the low byte of an extended one) says the file is locked.
        var isBusy: Bool { code & 0xFF == SQLITE_BUSY || code & 0xFF == SQLITE_LOCKED }
    }

    /// The rows of one `SELECT`, with `binds` bound to its parameters in order.
    func rows(_ sql: String, binds: [SQLiteData]) throws -> [DirectRow] {
        let connection = try take()
        defer { give(connection) }
        return try connection.rows(sql, binds: binds)
    }

    /// Closes every idle connection; taken ones are closed when they are given back.
    func close() {
        let connections = pool.withLockedValue { pool in
            pool.closed = true
            defer { pool.idle = [] }
            return pool.idle
        }
        for connection in connections { connection.close() }
    }

    struct Closed: Error, CustomStringConvertible {
        var description: String { "The database is shut down." }
    }

    private func take() throws -> Connection {
        let (idle, closed) = pool.withLockedValue { pool in (pool.idle.popLast(), pool.closed) }
        if let idle { return idle }
        guard !closed else { throw Closed() }
        return try Connection(path: path)
    }

    private func give(_ connection: Connection) {
        let kept = pool.withLockedValue { pool in
            guard !pool.closed, pool.idle.count < Self.keptIdle else { return false }
            pool.idle.append(connection)
            return true
        }
        if !kept { connection.close() }
    }

    /// One read-only `sqlite3` connection with its prepared statements. Used by one thread at a
    /// time (it is either idle or taken), so SQLite's own per-connection mutex is left out.
    private final class Connection: @unchecked Sendable {
        private var handle: OpaquePointer?
        private var statements: [String: OpaquePointer] = [:]
        /// Each kept statement's column names, as its last run named them (see `columns(of:)`).
        private var columnNames: [OpaquePointer: DirectRow.Columns] = [:]
        /// Statements kept prepared per connection; lists of ids make many texts, so past this
        /// many they are all finalized and the cache starts again.
        private static let keptStatements = 200

        init(path: String) throws {
            let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI | SQLITE_OPEN_EXRESCODE
            var opened: OpaquePointer?
            let code = sqlite_nio_sqlite3_open_v2(path, &opened, flags, nil)
            guard code == SQLITE_OK, let opened else {
                let message = opened.flatMap { sqlite_nio_sqlite3_errmsg($0) }.map { String(cString: $0) } ?? "cannot open \(path)"
                sqlite_nio_sqlite3_close(opened)
                throw Failure(code: code, message: message)
            }
            handle = opened
            // A reader waits (rarely: WAL readers wait only while the log is being reset) as a
            // writer does; and this connection can never write, whatever it is given.
            for pragma in ["PRAGMA busy_timeout = \(SQLiteTuning.busyTimeoutMilliseconds)", "PRAGMA query_only = 1"] {
                let code = sqlite_nio_sqlite3_exec(opened, pragma, nil, nil, nil)
                guard code == SQLITE_OK else {
                    let failure = Failure(code: code, message: String(cString: sqlite_nio_sqlite3_errmsg(opened)))
                    close()
                    throw failure
                }
            }
        }

        deinit { close() }

        func close() {
            finalizeStatements()
            if let handle { sqlite_nio_sqlite3_close_v2(handle) }
            handle = nil
        }

        private func finalizeStatements() {
            for statement in statements.values { sqlite_nio_sqlite3_finalize(statement) }
            statements = [:]
            columnNames = [:]
        }

        private func failure(_ code: Int32) -> Failure {
            Failure(code: code, message: handle.flatMap { sqlite_nio_sqlite3_errmsg($0) }.map { String(cString: $0) } ?? "closed")
        }

        private func prepared(_ sql: String) throws -> OpaquePointer {
            if let statement = statements[sql] { return statement }
            if statements.count >= Self.keptStatements { finalizeStatements() }
            var statement: OpaquePointer?
            let code = sqlite_nio_sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
            guard code == SQLITE_OK, let statement else { throw failure(code) }
            statements[sql] = statement
            return statement
        }

        func rows(_ sql: String, binds: [SQLiteData]) throws -> [DirectRow] {
            let statement = try prepared(sql)
            // Bindings are kept from one use to the next (see below), so every parameter must be bound.
            guard sqlite_nio_sqlite3_bind_parameter_count(statement) == binds.count else {
                throw Failure(code: SQLITE_RANGE, message: "\(binds.count) values for the parameters of: \(sql)")
            }
            // Reset whatever happens: a statement left stepping would keep its snapshot open. Its
            // bindings are not cleared: every parameter is bound anew below, and SQLite prepares a
            // statement again when a parameter its plan looked at (`active = ?`, `LIMIT ?`)
            // changes between 0 or 1 and another value, which clearing (NULL) always did.
            defer { sqlite_nio_sqlite3_reset(statement) }
            for (offset, value) in binds.enumerated() {
                let code = Self.bind(value, at: Int32(offset + 1), in: statement)
                guard code == SQLITE_OK else { throw failure(code) }
            }
            var rows: [DirectRow] = []
            // Named at the first row, not before stepping: a kept statement is prepared again
            // inside `step` when the schema has changed since, and may then name other columns.
            var columns: DirectRow.Columns?
            while true {
                let code = sqlite_nio_sqlite3_step(statement)
                if code == SQLITE_DONE { break }
                guard code == SQLITE_ROW else { throw failure(code) }
                let named = columns ?? self.columns(of: statement)
                columns = named
                rows.append(DirectRow(columns: named, values: (0..<Int32(named.names.count)).map { Self.value(at: $0, of: statement) }))
            }
            return rows
        }

        /// The statement's column names: those of its last run when they are still the same
        /// (compared in place, as C strings), else read anew. A page's statements are the same
        /// from one request to the next, and the signed-in context alone names forty columns.
        private func columns(of statement: OpaquePointer) -> DirectRow.Columns {
            let count = sqlite_nio_sqlite3_column_count(statement)
            if let known = columnNames[statement], known.names.count == Int(count),
               known.names.indices.allSatisfy({ index in
                   known.names[index].withCString { strcmp($0, sqlite_nio_sqlite3_column_name(statement, Int32(index))) == 0 }
               }) {
                return known
            }
            let named = DirectRow.Columns(names: (0..<count).map { String(cString: sqlite_nio_sqlite3_column_name(statement, $0)) })
            columnNames[statement] = named
            return named
        }

        private static func bind(_ value: SQLiteData, at index: Int32, in statement: OpaquePointer) -> Int32 {
            switch value {
            case .integer(let integer): return sqlite_nio_sqlite3_bind_int64(statement, index, Int64(integer))
            case .float(let double): return sqlite_nio_sqlite3_bind_double(statement, index, double)
            case .text(let text): return sqlite_nio_sqlite3_bind_text64(statement, index, text, UInt64(text.utf8.count), transient, UInt8(SQLITE_UTF8))
            case .null: return sqlite_nio_sqlite3_bind_null(statement, index)
            case .blob(let buffer):
                return buffer.withUnsafeReadableBytes {
                    sqlite_nio_sqlite3_bind_blob64(statement, index, $0.baseAddress, UInt64($0.count), transient)
                }
            }
        }

        /// A column's value as SQLiteNIO reads it (text by its length, so a NUL inside is kept).
        private static func value(at column: Int32, of statement: OpaquePointer) -> SQLiteData {
            switch sqlite_nio_sqlite3_column_type(statement, column) {
            case SQLITE_INTEGER: return .integer(SQLiteInt64(sqlite_nio_sqlite3_column_int64(statement, column)))
            case SQLITE_FLOAT: return .float(sqlite_nio_sqlite3_column_double(statement, column))
            case SQLITE_TEXT:
                guard let text = sqlite_nio_sqlite3_column_text(statement, column) else { return .text("") }
                let length = Int(sqlite_nio_sqlite3_column_bytes(statement, column))
                return .text(String(decoding: UnsafeBufferPointer(start: text, count: length), as: UTF8.self))
            case SQLITE_BLOB:
                let length = Int(sqlite_nio_sqlite3_column_bytes(statement, column))
                var buffer = ByteBufferAllocator().buffer(capacity: length)
                if let bytes = sqlite_nio_sqlite3_column_blob(statement, column) {
                    buffer.writeBytes(UnsafeRawBufferPointer(start: bytes, count: length))
                }
                return .blob(buffer)
            default: return .null
            }
        }

        /// SQLite copies bound text and blobs (`SQLITE_TRANSIENT`).
        private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
    }
}

/// A row of a direct read: read as SQLiteKit reads its rows (`SQLiteDataDecoder`), so a model or
/// a column decodes exactly as it would through the driver.
struct DirectRow: SQLRow, Sendable {
    /// The statement's column names, shared by its rows.
    final class Columns: Sendable {
        let names: [String]
        /// For statements of many columns (a model's row with a join); nil for a few.
        private let positions: [String: Int]?
        /// Up to this many columns a name is looked for in order: comparing a few short names
        /// costs less than hashing one (a group's year of figures is 1,500 lookups of 3 columns).
        private static let scanned = 12

        init(names: [String]) {
            self.names = names
            // The first of two columns with the same name, as SQLiteNIO's rows find it.
            positions = names.count <= Self.scanned ? nil
                : Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        }

        func position(of column: String) -> Int? {
            if let positions { return positions[column] }
            return names.firstIndex(of: column)
        }
    }

    struct MissingColumn: Error, CustomStringConvertible {
        var column: String
        var description: String { "No column \(column) in the row." }
    }

    let columns: Columns
    let values: [SQLiteData]

    func data(_ column: String) -> SQLiteData? {
        columns.position(of: column).map { values[$0] }
    }

    var allColumns: [String] { columns.names }

    func contains(column: String) -> Bool { columns.position(of: column) != nil }

    func decodeNil(column: String) throws -> Bool { (data(column) ?? .null) == .null }

    func decode<D: Decodable>(column: String, as type: D.Type) throws -> D {
        guard let data = data(column) else { throw MissingColumn(column: column) }
        if let value = Self.common(data, as: D.self) { return value }
        return try Self.decoder.decode(D.self, from: data)
    }

    private static let decoder = SQLiteDataDecoder()

    /// The types nearly every column is read as, converted as `SQLiteDataDecoder` converts them
    /// but without its run-time conformance lookup; and ids parsed without Foundation's `sscanf`
    /// (the decoder reads a UUID as text through a `Decoder` of its own, then `UUID(uuidString:)`,
    /// which accepts the same text). Nil when the value does not convert, so that the decoder
    /// gives its error.
    private static func common<D>(_ data: SQLiteData, as type: D.Type) -> D? {
        // Called only where `T` is `D`.
        func same<T>(_ value: T) -> D { unsafeBitCast(value, to: D.self) }
        // An optional reads NULL as nil, anything else as its wrapped type (`Optional`'s `Decodable`).
        func optional<T>(_ convert: (SQLiteData) -> T?) -> D? {
            if case .null = data { return same(T?.none) }
            return convert(data).map { same(T?.some($0)) }
        }
        let id = { (data: SQLiteData) -> UUID? in
            guard case .text(let text) = data else { return nil }
            return SQLAccess.uuid(text)
        }
        if D.self == String.self { return String(sqliteData: data).map(same) }
        if D.self == UUID.self { return id(data).map(same) }
        if D.self == Int.self { return Int(sqliteData: data).map(same) }
        if D.self == Bool.self { return Bool(sqliteData: data).map(same) }
        if D.self == Date.self { return Date(sqliteData: data).map(same) }
        if D.self == Double.self { return Double(sqliteData: data).map(same) }
        // An optional type's metadata is looked up in the runtime's table each time it is named
        // (a tenth of a briefing's time went to such lookups); these are looked up once.
        let type = ObjectIdentifier(D.self)
        if type == OptionalTypes.string { return optional(String.init(sqliteData:)) }
        if type == OptionalTypes.uuid { return optional(id) }
        if type == OptionalTypes.int { return optional(Int.init(sqliteData:)) }
        if type == OptionalTypes.bool { return optional(Bool.init(sqliteData:)) }
        if type == OptionalTypes.date { return optional(Date.init(sqliteData:)) }
        if type == OptionalTypes.double { return optional(Double.init(sqliteData:)) }
        return nil
    }

    private enum OptionalTypes {
        static let string = ObjectIdentifier(String?.self)
        static let uuid = ObjectIdentifier(UUID?.self)
        static let int = ObjectIdentifier(Int?.self)
        static let bool = ObjectIdentifier(Bool?.self)
        static let date = ObjectIdentifier(Date?.self)
        static let double = ObjectIdentifier(Double?.self)
    }
}

/// A direct row as Fluent reads a model from it: FluentSQLiteDriver's `SQLRowDatabaseOutput`
/// (internal to the driver), with the same column names (`schema_field` once a schema is set).
struct DirectRowOutput: DatabaseOutput {
    let row: DirectRow
    let schema: String?

    var description: String { "\(row.values)" }

    private func column(_ key: FieldKey) -> String {
        (schema.map { .prefix(.prefix(.string($0), "_"), key) } ?? key).description
    }

    func schema(_ schema: String) -> any DatabaseOutput { DirectRowOutput(row: row, schema: schema) }
    func contains(_ key: FieldKey) -> Bool { row.contains(column: column(key)) }
    func decodeNil(_ key: FieldKey) throws -> Bool { try row.decodeNil(column: column(key)) }
    func decode<T: Decodable>(_ key: FieldKey, as type: T.Type) throws -> T { try row.decode(column: column(key), as: T.self) }

    /// How FluentSQLiteDriver converts a query (its `SQLiteConverterDelegate`, internal to the
    /// driver): SQLite's names for Fluent's types.
    struct ConverterDelegate: SQLConverterDelegate {
        func customDataType(_ dataType: DatabaseSchema.DataType) -> (any SQLExpression)? {
            switch dataType {
            case .string: SQLRaw("TEXT")
            case .datetime: SQLRaw("REAL")
            case .int64: SQLRaw("INTEGER")
            case .enum: SQLRaw("TEXT")
            default: nil
            }
        }
    }
}
