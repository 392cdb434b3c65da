import Fluent
import Foundation
import SQLKit
import Vapor

/// Consistent online copies of the SQLite database and bringing one back. PostgreSQL is backed
/// up with its own tools (`pg_dump`); the commands say how.
enum DatabaseBackup {
    enum Failure: Error, CustomStringConvertible {
        case notSQLite
        case exists(String)
        case invalidBackup(String)
        case inUse(String)

        var description: String {
            switch self {
            case .notSQLite:
                return """
                Cơ sở dữ liệu là PostgreSQL: hãy sao lưu bằng pg_dump / the database is PostgreSQL, use its tools:
                  pg_dump --format=custom --file=giaoban.dump "$DATABASE_URL"
                  pg_restore --clean --if-exists --no-owner --dbname="$DATABASE_URL" giaoban.dump
                Dừng các máy chủ trước khi khôi phục / stop the servers before restoring.
                """
            case .exists(let path): return "Tệp \(path) đã có; chọn tên khác / \(path) already exists."
            case .invalidBackup(let reason): return "Bản sao lưu không dùng được / unusable backup: \(reason)"
            case .inUse(let path):
                return "Cơ sở dữ liệu \(path) đang được dùng: dừng máy chủ trước khi khôi phục / \(path) is in use: stop the server before restoring."
            }
        }
    }

    /// Writes a consistent copy of the live database to `destination` with `VACUUM INTO`, which
    /// reads one snapshot while the server keeps serving (WAL mode) and writes a compact file.
    static func backup(_ app: Application, to destination: String) async throws {
        guard case .sqliteFile = app.giaobanConfig.database, let sql = app.db as? any SQLDatabase else { throw Failure.notSQLite }
        guard !FileManager.default.fileExists(atPath: destination) else { throw Failure.exists(destination) }
        let quoted = destination.replacingOccurrences(of: "'", with: "''")
        try await sql.raw(SQLQueryString("VACUUM INTO '\(unsafeRaw: quoted)'")).run()
    }

    /// Replaces the database file with `source` after checking that it is an intact GiaoBan
    /// database. The server must be stopped (the file is swapped underneath it otherwise); the
    /// previous file is kept next to it as `<name>.before-restore`.
    static func restore(from source: String, into target: String, app: Application) async throws {
        guard FileManager.default.fileExists(atPath: source) else { throw Failure.invalidBackup("không có tệp \(source)") }
        let header = try FileHandle(forReadingFrom: URL(fileURLWithPath: source)).read(upToCount: 16) ?? Data()
        guard header == Data("SQLite format 3\u{0}".utf8) else { throw Failure.invalidBackup("không phải tệp SQLite") }
        try await check(source, app: app)
        let manager = FileManager.default
        if manager.fileExists(atPath: target) {
            // The kept copy must hold everything committed, including what is still only in the
            // write-ahead log after a crash: the log is checkpointed into the file and the file
            // leaves WAL mode, which SQLite allows only when no other connection has it open —
            // so this is also the check that no server is using it.
            try await detach(target, app: app)
        }
        let staging = target + ".restoring"
        try? manager.removeItem(atPath: staging)
        try manager.copyItem(atPath: source, toPath: staging)
        if manager.fileExists(atPath: target) {
            let kept = target + ".before-restore"
            try? manager.removeItem(atPath: kept)
            for suffix in ["-wal", "-shm"] { try? manager.removeItem(atPath: kept + suffix) }
            try manager.moveItem(atPath: target, toPath: kept)
        }
        // Checkpointed above: what is left of a log belongs to no one.
        for suffix in ["-wal", "-shm"] { try? manager.removeItem(atPath: target + suffix) }
        try manager.moveItem(atPath: staging, toPath: target)
    }

    /// Opens `path` alone, merges its write-ahead log into it and takes it out of WAL mode;
    /// refuses (`inUse`) when another connection — a running server — has it open.
    static func detach(_ path: String, app: Application) async throws {
        let id = DatabaseID(string: "restore-target")
        let databases = Databases(threadPool: app.threadPool, on: app.eventLoopGroup)
        databases.use(.sqlite(.file(path)), as: id)
        let outcome: Result<Void, Failure>
        if let sql = databases.database(id, logger: app.logger, on: app.eventLoopGroup.any()) as? any SQLDatabase {
            outcome = await detach(sql, path: path)
        } else {
            outcome = .failure(.inUse(path))
        }
        await databases.shutdownAsync()
        try outcome.get()
    }

    private static func detach(_ sql: any SQLDatabase, path: String) async -> Result<Void, Failure> {
        struct Mode: Decodable { var journal_mode: String }
        do {
            // Wait a little for a lock, never forever (SQLiteNIO's own busy handler would).
            try await sql.raw("PRAGMA busy_timeout = 1000").run()
            try await sql.raw("PRAGMA wal_checkpoint(TRUNCATE)").run()
            let mode = try await sql.raw("PRAGMA journal_mode = DELETE").first(decoding: Mode.self)
            guard mode?.journal_mode.lowercased() == "delete" else { return .failure(.inUse(path)) }
            // A rollback-journal file (or one a server is writing to right now) must take an exclusive lock.
            try await sql.raw("BEGIN EXCLUSIVE").run()
            try await sql.raw("COMMIT").run()
            return .success(())
        } catch {
            if SQLiteTuning.isBusy(error) { return .failure(.inUse(path)) }
            return .failure(.invalidBackup("không mở được \(path): \(error)"))
        }
    }

    /// Opens the file on its own and checks SQLite's integrity and that it holds GiaoBan's tables.
    static func check(_ path: String, app: Application) async throws {
        let databases = Databases(threadPool: app.threadPool, on: app.eventLoopGroup)
        databases.use(.sqlite(.file(path)), as: .init(string: "backup-check"))
        guard let sql = databases.database(.init(string: "backup-check"), logger: app.logger, on: app.eventLoopGroup.any()) as? any SQLDatabase else {
            await databases.shutdownAsync()
            throw Failure.invalidBackup("không mở được")
        }
        do {
            try await verify(sql)
        } catch let failure as Failure {
            await databases.shutdownAsync()
            throw failure
        } catch {
            // "file is not a database", a torn page…: the backup is unusable, said as such.
            await databases.shutdownAsync()
            throw Failure.invalidBackup("không đọc được: \(error)")
        }
        await databases.shutdownAsync()
    }

    private static func verify(_ sql: any SQLDatabase) async throws {
        struct Row: Decodable { var integrity_check: String }
        let result = try await sql.raw("PRAGMA integrity_check").all(decoding: Row.self)
        guard result.first?.integrity_check == "ok" else { throw Failure.invalidBackup("kiểm tra toàn vẹn thất bại") }
        struct Table: Decodable { var name: String }
        let tables = Set(try await sql.raw("SELECT name FROM sqlite_master WHERE type = 'table'").all(decoding: Table.self).map(\.name))
        guard tables.isSuperset(of: ["communes", "people", "weekly_reports", "_fluent_migrations"]) else {
            throw Failure.invalidBackup("không phải cơ sở dữ liệu GiaoBan")
        }
    }
}

/// `giaoban backup <file>`: a consistent copy while the server runs.
struct BackupCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "file", help: "Where to write the copy (must not exist)")
        var file: String
    }
    var help: String { "Sao lưu cơ sở dữ liệu SQLite khi máy chủ vẫn chạy / consistent online backup of the SQLite database" }

    func run(using context: CommandContext, signature: Signature) async throws {
        do {
            try await DatabaseBackup.backup(context.application, to: signature.file)
            context.console.print("Đã sao lưu / backed up to \(signature.file)")
        } catch let failure as DatabaseBackup.Failure {
            context.console.error(failure.description)
            throw CommandFailed()
        } catch {
            context.console.error("Sao lưu thất bại / backup failed: \(error)")
            throw CommandFailed()
        }
    }
}

/// `giaoban restore <file>`: brings a backup back (server stopped).
struct RestoreCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "file", help: "The backup to restore")
        var file: String
    }
    var help: String { "Khôi phục từ bản sao lưu (dừng máy chủ trước) / restore a backup (stop the server first)" }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard case .sqliteFile(let target) = context.application.giaobanConfig.database else {
            context.console.error(DatabaseBackup.Failure.notSQLite.description)
            throw CommandFailed()
        }
        do {
            try await DatabaseBackup.restore(from: signature.file, into: target, app: context.application)
            context.console.print("Đã khôi phục \(signature.file) vào \(target) (bản cũ: \(target).before-restore) / restored")
        } catch let failure as DatabaseBackup.Failure {
            context.console.error(failure.description)
            throw CommandFailed()
        } catch {
            context.console.error("Khôi phục thất bại / restore failed: \(error)")
            throw CommandFailed()
        }
    }
}

/// A command that has printed why it failed: the process exits with status 1 and nothing more
/// (`main.swift`), never with a crash and a backtrace.
public struct CommandFailed: Error {}
