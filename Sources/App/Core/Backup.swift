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

    /// Copies are named `giaoban-<UTC yyyyMMdd-HHmmss>.sqlite` (`.dump` on PostgreSQL), so that
    /// their names sort by age.
    static let copyPrefix = "giaoban-"

    /// A timestamped copy in `folder`, then removes all but the newest `keep` copies there (only
    /// files this command names; nothing else in the folder is touched).
    static func rotatingBackup(_ app: Application, folder: String, keep: Int?, now: Date) async throws -> (written: String, removed: [String]) {
        if let keep, keep < 1 { throw Failure.invalidBackup("--keep phải ≥ 1 / --keep must be at least 1") }
        let manager = FileManager.default
        try manager.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        let isPostgres: Bool
        if case .postgres = app.giaobanConfig.database { isPostgres = true } else { isPostgres = false }
        let suffix = isPostgres ? ".dump" : ".sqlite"
        let stamp = formatter.string(from: now)
        var name = copyPrefix + stamp + suffix
        var counter = 1
        while manager.fileExists(atPath: (folder as NSString).appendingPathComponent(name)) {
            counter += 1
            name = copyPrefix + stamp + "-\(counter)" + suffix
        }
        let destination = (folder as NSString).appendingPathComponent(name)
        if case .postgres(let url) = app.giaobanConfig.database {
            try pgDump(url: url, to: destination)
        } else {
            try await backup(app, to: destination)
        }
        var removed: [String] = []
        if let keep {
            let copies = try manager.contentsOfDirectory(atPath: folder)
                .filter { $0.hasPrefix(copyPrefix) && ($0.hasSuffix(".sqlite") || $0.hasSuffix(".dump")) }
                .sorted { age($0) > age($1) }
            for old in copies.dropFirst(keep) {
                let path = (folder as NSString).appendingPathComponent(old)
                try manager.removeItem(atPath: path)
                removed.append(path)
            }
        }
        return (destination, removed)
    }

    /// Newer copies sort higher: by time stamp, then by the `-N` of copies made in the same second.
    private static func age(_ name: String) -> (String, Int) {
        let base = (name as NSString).deletingPathExtension
        let parts = base.split(separator: "-")
        let stamp = parts.count >= 3 ? parts[1] + "-" + parts[2] : Substring(base)
        return (String(stamp), parts.count >= 4 ? Int(parts[3]) ?? 1 : 1)
    }

    /// `pg_dump --format=custom` of the database at `url` (the PostgreSQL client must be installed).
    static func pgDump(url: String, to destination: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["pg_dump", "--format=custom", "--file=\(destination)", "--dbname=\(url)"]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            try? FileManager.default.removeItem(atPath: destination)
            throw Failure.invalidBackup("pg_dump thoát với mã \(process.terminationStatus) / pg_dump failed")
        }
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
/// `giaoban backup <dir> --keep N`: a timestamped copy in `dir` (created if missing), keeping the
/// newest N copies there (the daily systemd timer uses this form). On PostgreSQL the folder form
/// runs `pg_dump --format=custom` into the folder.
struct BackupCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "file", help: "Where to write the copy (must not exist), or a folder for timestamped copies")
        var file: String
        @Option(name: "keep", help: "Keep only the newest N copies in the folder (implies the folder form)")
        var keep: Int?
    }
    var help: String { "Sao lưu cơ sở dữ liệu khi máy chủ vẫn chạy / consistent online backup (a file, or a folder with --keep N)" }

    func run(using context: CommandContext, signature: Signature) async throws {
        do {
            var isFolder: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: signature.file, isDirectory: &isFolder)
            if signature.keep != nil || (exists && isFolder.boolValue) || signature.file.hasSuffix("/") {
                let result = try await DatabaseBackup.rotatingBackup(context.application, folder: signature.file,
                                                                     keep: signature.keep, now: context.application.clock.now())
                context.console.print("Đã sao lưu / backed up to \(result.written)")
                for removed in result.removed { context.console.print("Đã xoá bản cũ / removed old copy \(removed)") }
            } else {
                try await DatabaseBackup.backup(context.application, to: signature.file)
                context.console.print("Đã sao lưu / backed up to \(signature.file)")
            }
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
