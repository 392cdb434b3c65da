import FluentKit
import FluentSQL
import FluentSQLiteDriver
import Foundation
import GiaoBanCore
import Logging
import NIOConcurrencyHelpers
import NIOCore
import SQLKit
import SQLiteNIO
import Vapor

/// How GiaoBan uses SQLite with several connections (one per event loop) on one file:
///
/// - every connection gets `PRAGMA busy_timeout` (a writer waits up to 30 s for the lock,
///   sleeping, instead of SQLiteNIO's handler that retries forever in a busy loop) and
///   `synchronous=FULL` (a commit is on disk when acknowledged);
/// - every transaction starts with `BEGIN IMMEDIATE`: it takes the write lock before its first
///   read. A deferred transaction reads first and upgrades at its first write; if another
///   connection committed in between, its snapshot is stale and SQLite answers SQLITE_BUSY at
///   once — waiting cannot help, which is what answered "database is locked" under load.
///
/// With both, a request never sees SQLITE_BUSY unless the lock was held for 30 s, so nothing runs
/// a request twice (the old retry middleware re-ran whole requests, which is only safe for a
/// request that is exactly one transaction).
enum SQLiteTuning {
    /// As long as a request waits for a pooled connection (`connectionPoolTimeout`): on a loaded
    /// two-core box a burst of writers queues rather than fails. 5 s was measured too short when
    /// the box was also compiling: two servers planning reminders together got SQLITE_BUSY.
    static let busyTimeoutMilliseconds = 30_000

    /// The database configuration for `app.databases.use(_:as:)`.
    static func configuration(_ storage: SQLiteConfiguration, connectionPoolTimeout: TimeAmount = .seconds(30)) -> DatabaseConfigurationFactory {
        let base = DatabaseConfigurationFactory.sqlite(storage, connectionPoolTimeout: connectionPoolTimeout)
        let key: String
        switch storage.storage {
        case .file(let path): key = "file:" + URL(fileURLWithPath: path).standardizedFileURL.path
        case .memory(let identifier): key = "memory:" + identifier
        }
        let writers = writerGate(for: key)
        let path: String? = switch storage.storage {
        case .file(let path): path
        case .memory: nil
        }
        return DatabaseConfigurationFactory {
            TunedConfiguration(base: base.make(), prepared: PreparedConnections(), writers: writers, reads: path.map(DirectReads.init(path:)))
        }
    }

    /// One gate per database file in this process: its transactions queue here (suspended,
    /// holding no thread) instead of in SQLite's busy handler, which sleeps on a thread of the
    /// small pool every query needs — with a few writers waiting there, the one holding the lock
    /// could not get a thread to commit, and everything stalled until the timeout. The busy
    /// timeout is left for other processes (another server, `giaoban backup`).
    private static let gates = NIOLockedValueBox<[String: AsyncGate]>([:])

    static func writerGate(for key: String) -> AsyncGate {
        gates.withLockedValue { gates in
            if let gate = gates[key] { return gate }
            let gate = AsyncGate(limit: 1)
            gates[key] = gate
            return gate
        }
    }

    static func isBusy(_ error: any Error) -> Bool {
        if let direct = error as? DirectReads.Failure { return direct.isBusy }
        guard let sqlite = error as? SQLiteError else { return false }
        switch sqlite.reason {
        case .busy, .locked, .busyInRecovery, .busyInSnapshot, .busyTimeout, .lockedBySharedCache: return true
        default: return false
        }
    }

    /// Puts the file in WAL mode (kept in the file). If SQLite refuses (a file system without
    /// shared memory, a file another process holds in exclusive mode), reads go back through the
    /// driver: outside WAL mode a direct read would wait for writers on a thread of Swift's own.
    static func useWriteAheadLog(_ app: Application) async throws {
        struct Mode: Decodable { var journal_mode: String }
        guard let sql = app.db as? any SQLDatabase else { return }
        let mode = try await sql.raw("PRAGMA journal_mode=WAL").first(decoding: Mode.self)?.journal_mode.lowercased()
        guard mode != "wal" else { return }
        app.logger.warning("SQLite is not in WAL mode; reads go through the driver", metadata: ["journal_mode": .string(mode ?? "?")])
        (app.db as? TunedDatabase)?.reads?.disable()
    }

    /// The pragmas each new connection runs once.
    static let connectionPragmas = ["PRAGMA busy_timeout = \(busyTimeoutMilliseconds)", "PRAGMA synchronous = FULL"]

    /// Which connections have run `connectionPragmas`, and on which event loops the pool's
    /// (single) connection has. Connections are kept referenced, so an identifier is never reused.
    final class PreparedConnections: Sendable {
        private let state = NIOLockedValueBox<(connections: [ObjectIdentifier: SQLiteConnection], loops: Set<ObjectIdentifier>)>(([:], []))

        func isPrepared(loop: any EventLoop) -> Bool {
            state.withLockedValue { $0.loops.contains(ObjectIdentifier(loop)) }
        }

        /// Runs the pragmas on `connection` unless it has run them already.
        func prepare(_ connection: SQLiteConnection, loop: any EventLoop) -> EventLoopFuture<Void> {
            let id = ObjectIdentifier(connection)
            if state.withLockedValue({ $0.connections[id] != nil }) {
                state.withLockedValue { _ = $0.loops.insert(ObjectIdentifier(loop)) }
                return connection.eventLoop.makeSucceededVoidFuture()
            }
            var future = connection.eventLoop.makeSucceededVoidFuture()
            for pragma in SQLiteTuning.connectionPragmas {
                future = future.flatMap { connection.query(pragma, []).map { _ in } }
            }
            return future.map {
                self.state.withLockedValue {
                    $0.connections[id] = connection
                    $0.loops.insert(ObjectIdentifier(loop))
                }
            }
        }
    }

    struct TunedConfiguration: DatabaseConfiguration {
        var base: any DatabaseConfiguration
        let prepared: PreparedConnections
        let writers: AsyncGate
        let reads: DirectReads?

        var middleware: [any AnyModelMiddleware] {
            get { base.middleware }
            set { base.middleware = newValue }
        }

        func makeDriver(for databases: Databases) -> any DatabaseDriver {
            TunedDriver(base: base.makeDriver(for: databases), prepared: prepared, writers: writers, reads: reads)
        }
    }

    struct TunedDriver: DatabaseDriver {
        let base: any DatabaseDriver
        let prepared: PreparedConnections
        let writers: AsyncGate
        let reads: DirectReads?

        func makeDatabase(with context: DatabaseContext) -> any Database {
            TunedDatabase(base: base.makeDatabase(with: context), prepared: prepared, writers: writers, reads: reads, inTransaction: false)
        }
        func shutdown() {
            reads?.close()
            base.shutdown()
        }
        func shutdownAsync() async {
            reads?.close()
            await base.shutdownAsync()
        }
    }

    /// Fluent's SQLite database with prepared connections and immediate transactions. Inside a
    /// transaction it wraps the connection-bound database, so nested `transaction` calls join it.
    struct TunedDatabase: Database, SQLDatabase {
        let base: any Database
        let prepared: PreparedConnections
        let writers: AsyncGate
        /// Reads outside a transaction, on the calling thread (nil for a database that is not a file).
        let reads: DirectReads?
        let inTransaction: Bool

        var context: DatabaseContext { base.context }
        /// The driver's database as SQLKit's (cast once: the serializer asks for the dialect at
        /// every identifier and value).
        private let sql: any SQLDatabase

        init(base: any Database, prepared: PreparedConnections, writers: AsyncGate, reads: DirectReads?, inTransaction: Bool) {
            self.base = base
            self.prepared = prepared
            self.writers = writers
            self.reads = reads
            self.inTransaction = inTransaction
            sql = base as! any SQLDatabase
        }

        /// Runs `body` on a connection that has run the pragmas: directly when this event loop's
        /// connection is known to have, otherwise on the connection after preparing it.
        func onPrepared<T: Sendable>(_ body: @escaping @Sendable (any Database) -> EventLoopFuture<T>) -> EventLoopFuture<T> {
            if inTransaction || prepared.isPrepared(loop: base.eventLoop) { return body(base) }
            let prepared = self.prepared
            let loop = base.eventLoop
            return base.withConnection { bound in
                guard let sqlite = bound as? any SQLiteDatabase else { return body(bound) }
                return sqlite.withConnection { connection in prepared.prepare(connection, loop: loop) }
                    .flatMap { body(bound) }
            }
        }

        func execute(query: DatabaseQuery, onOutput: @escaping @Sendable (any DatabaseOutput) -> ()) -> EventLoopFuture<Void> {
            switch query.action {
            case .read, .aggregate:
                // Inside a transaction the driver converts and runs it (no second conversion here).
                guard !inTransaction, reads?.isEnabled == true else { break }
                // Fluent's reads (`query(on:)…all()`, `find`, `count`) are read directly too: the
                // query as the driver would write it, its rows as the driver would give them.
                do {
                    if let rows = try directRows(SQLQueryConverter(delegate: DirectRowOutput.ConverterDelegate()).convert(query)) {
                        // Fluent's future-based reads (eager loading) take their rows on the
                        // database's event loop, and assert that they do.
                        return base.eventLoop.submit { for row in rows { onOutput(DirectRowOutput(row: row, schema: nil)) } }
                    }
                } catch {
                    return base.eventLoop.makeFailedFuture(error)
                }
            default:
                break
            }
            return onPrepared { $0.execute(query: query, onOutput: onOutput) }
        }

        func execute(schema: DatabaseSchema) -> EventLoopFuture<Void> {
            onPrepared { $0.execute(schema: schema) }
        }

        func execute(enum: DatabaseEnum) -> EventLoopFuture<Void> {
            base.execute(enum: `enum`)
        }

        func withConnection<T: Sendable>(_ closure: @escaping @Sendable (any Database) -> EventLoopFuture<T>) -> EventLoopFuture<T> {
            if inTransaction { return closure(self) }
            let prepared = self.prepared
            let loop = base.eventLoop
            return base.withConnection { bound in
                let wrapped = TunedDatabase(base: bound, prepared: prepared, writers: writers, reads: reads, inTransaction: false)
                guard let sqlite = bound as? any SQLiteDatabase else { return closure(wrapped) }
                return sqlite.withConnection { connection in prepared.prepare(connection, loop: loop) }
                    .flatMap { closure(wrapped) }
            }
        }

        func transaction<T: Sendable>(_ closure: @escaping @Sendable (any Database) -> EventLoopFuture<T>) -> EventLoopFuture<T> {
            if inTransaction { return closure(self) }
            let writers = self.writers
            return base.eventLoop.makeFutureWithTask {
                // The connection is taken after the gate: waiting here holds nothing.
                try await writers.run { try await immediateTransaction(closure).get() }
            }
        }

        private func immediateTransaction<T: Sendable>(_ closure: @escaping @Sendable (any Database) -> EventLoopFuture<T>) -> EventLoopFuture<T> {
            let prepared = self.prepared
            let writers = self.writers
            let loop = base.eventLoop
            return base.withConnection { bound in
                let transaction = TunedDatabase(base: bound, prepared: prepared, writers: writers, reads: reads, inTransaction: true)
                let sql = bound as! any SQLDatabase
                let ready: EventLoopFuture<Void>
                if let sqlite = bound as? any SQLiteDatabase {
                    ready = sqlite.withConnection { connection in prepared.prepare(connection, loop: loop) }
                } else {
                    ready = bound.eventLoop.makeSucceededVoidFuture()
                }
                return ready
                    .flatMap { sql.raw("BEGIN IMMEDIATE").run() }
                    .flatMap {
                        closure(transaction)
                            .flatMap { result in sql.raw("COMMIT").run().map { result } }
                            .flatMapError { error in
                                sql.raw("ROLLBACK").run().flatMapErrorThrowing { _ in () }
                                    .flatMapThrowing { throw error }
                            }
                    }
            }
        }

        // SQLDatabase

        var logger: Logger { base.logger }
        var eventLoop: any EventLoop { base.eventLoop }
        var version: (any SQLDatabaseReportedVersion)? { sql.version }
        var dialect: any SQLDialect { sql.dialect }
        var queryLogLevel: Logger.Level? { sql.queryLogLevel }

        func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) -> EventLoopFuture<Void> {
            do {
                if let rows = try directRows(query) {
                    for row in rows { onRow(row) }
                    return base.eventLoop.makeSucceededVoidFuture()
                }
            } catch {
                return base.eventLoop.makeFailedFuture(error)
            }
            return onPrepared { ($0 as! any SQLDatabase).execute(sql: query, onRow) }
        }

        func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) async throws {
            if let rows = try directRows(query) {
                for row in rows { onRow(row) }
                return
            }
            try await onPrepared { ($0 as! any SQLDatabase).execute(sql: query, onRow) }.get()
        }

        /// A statement's rows read on this thread (see `DirectReads`) when it is a `SELECT` outside
        /// a transaction; nil for any other statement, which goes through the driver. Logged as
        /// SQLKit logs its statements (the query count and the query-plan tests read that log).
        func directRows(_ query: any SQLExpression) throws -> [DirectRow]? {
            guard !inTransaction, let reads, reads.isEnabled else { return nil }
            let (sql, values) = serialize(query)
            return try directRows(sql: sql, values: values)
        }

        /// The same for a statement of the hot reads, written without SQLKit (see `SQLText`).
        func directRows(_ text: SQLText) throws -> [DirectRow]? {
            guard !inTransaction, let reads, reads.isEnabled else { return nil }
            let (sql, values) = text.sqlite
            return try directRows(sql: sql, values: values)
        }

        private func directRows(sql: String, values: [any Encodable & Sendable]) throws -> [DirectRow]? {
            guard let reads, Self.isSelect(sql) else { return nil }
            if let level = queryLogLevel {
                logger.log(level: level, "Executing query", metadata: ["sql": .string(sql), "binds": .array(values.map { .string("\($0)") })])
            }
            return try reads.rows(sql, binds: values.map(Self.sqliteData))
        }

        /// A value as the driver binds it: it is configured with SQLiteKit's default encoder, which
        /// writes an id as its `uuidString` (formatted by `snprintf` on Linux; `canonicalText` is the
        /// same text) and a string as itself.
        private static func sqliteData(_ value: any Encodable & Sendable) throws -> SQLiteData {
            if let id = value as? UUID { return .text(id.canonicalText) }
            if let text = value as? String { return .text(text) }
            return try encoder.encode(value)
        }

        private static let encoder = SQLiteDataEncoder()

        /// One statement that only reads: it begins with `SELECT` (a `PRAGMA`, an `EXPLAIN` or a
        /// write goes through the driver).
        static func isSelect(_ sql: String) -> Bool {
            let isSpace = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\t") }
            let start = sql.utf8.drop(while: isSpace)
            guard let following = start.dropFirst(6).first, isSpace(following) else { return false }
            // ASCII letters compared without case (clearing bit 5 makes a lower-case letter upper case).
            return start.prefix(6).elementsEqual("SELECT".utf8, by: { $0 & 0xDF == $1 })
        }
    }
}

/// The file behind a throwaway SQLite database (`AppConfig.DatabaseChoice.sqliteMemory`),
/// deleted with its journal when the app shuts down.
struct ScratchDatabaseFile: LifecycleHandler {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("giaoban-scratch-\(UUID().canonicalText).sqlite").path

    func shutdownAsync(_ application: Application) async { Self.remove(path) }

    /// Removes a database file and whatever journal SQLite keeps beside it.
    static func remove(_ path: String) {
        for suffix in ["", "-journal", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }
}
