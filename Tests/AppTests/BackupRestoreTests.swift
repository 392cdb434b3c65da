@testable import App
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor

@Suite("Backup and restore keep everything and fail cleanly (issue 18)")
struct BackupRestoreTests {
    @Test("restore refuses while a server has the database open, and the kept copy holds what was only in the WAL")
    func restoreKeepsTheLog() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gb-restore-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let backup = folder.appendingPathComponent("backup.sqlite").path
        let crashed = folder.appendingPathComponent("crashed.sqlite").path
        try await withTestApp(sharedDatabase: true) { t in
            guard case .sqliteFile(let live) = t.config.database else { return } // PostgreSQL run
            try await DatabaseBackup.backup(t.app, to: backup)
            // Written after the backup, while the server runs: in the write-ahead log.
            let nam = try await t.token(TestApp.Demo.reporter)
            for week in 1...5 {
                let body = ReportBody(work: [.init(description: "Sau sao lưu \(week)", quantity: "1", unit: "việc", activityType: nil)])
                #expect(try await t.api(.PUT, "/api/v1/reports/2021-W0\(week)", token: nam, json: body).status == .ok)
            }
            let expected = try await WeeklyReport.query(on: t.db).count()
            // The server is running: refused, nothing moved.
            let refused = await #expect(throws: DatabaseBackup.Failure.self) {
                try await DatabaseBackup.restore(from: backup, into: live, app: t.app)
            }
            #expect(refused?.description.contains("đang được dùng") == true)
            #expect(FileManager.default.fileExists(atPath: live))
            #expect(!FileManager.default.fileExists(atPath: live + ".before-restore"))
            #expect(try await WeeklyReport.query(on: t.db).count() == expected, "the running server still has its data")
            // What a `kill -9` leaves: the file and its log, copied while the server held them.
            for suffix in ["", "-wal"] where FileManager.default.fileExists(atPath: live + suffix) {
                try FileManager.default.copyItem(atPath: live + suffix, toPath: crashed + suffix)
            }
            #expect(FileManager.default.fileExists(atPath: crashed + "-wal"), "the reports are in the log, not yet in the file")
            try await DatabaseBackup.restore(from: backup, into: crashed, app: t.app)
            #expect(!FileManager.default.fileExists(atPath: crashed + "-wal"))
            let kept = try await Self.count("weekly_reports", in: crashed + ".before-restore", app: t.app)
            #expect(kept == expected, "the kept copy has every committed report")
            #expect(try await Self.count("weekly_reports", in: crashed, app: t.app) < expected, "the backup is in place")
        }
    }

    static func count(_ table: String, in path: String, app: Application) async throws -> Int {
        let databases = Databases(threadPool: app.threadPool, on: app.eventLoopGroup)
        databases.use(.sqlite(.file(path)), as: .init(string: "count"))
        let sql = databases.database(.init(string: "count"), logger: app.logger, on: app.eventLoopGroup.any()) as! any SQLDatabase
        struct Row: Decodable { var n: Int }
        let result = try await sql.raw("SELECT COUNT(*) AS n FROM \(ident: table)").first(decoding: Row.self)
        await databases.shutdownAsync()
        return result?.n ?? -1
    }

    /// The built `giaoban` executable, when the tests run from a checkout that has it.
    static var binary: String? {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let path = root.appendingPathComponent(".build/debug/giaoban").path
        return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }

    static func run(_ arguments: [String], database: String) throws -> (status: Int32, output: String) {
        try run(arguments, environment: ["DATABASE_PATH": database])
    }

    /// The built executable run with `arguments`, `PATH` and `environment` only, in `directory`
    /// when given: its exit status and everything it printed.
    static func run(_ arguments: [String], environment: [String: String], in directory: URL? = nil) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(binary))
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        process.environment = ["PATH": "/usr/bin:/bin"].merging(environment) { $1 }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test("backup onto an existing file and restore of a damaged file print why and exit 1, no crash",
          .enabled(if: BackupRestoreTests.binary != nil))
    func commandFailuresExitOne() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gb-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = folder.appendingPathComponent("db.sqlite").path
        let existing = folder.appendingPathComponent("existing.sqlite").path
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: existing))
        let backup = try Self.run(["backup", existing], database: database)
        #expect(backup.status == 1, "\(backup.output)")
        #expect(backup.output.contains("đã có"))
        #expect(!backup.output.contains("Fatal error") && !backup.output.contains("Backtrace"))
        #expect(try String(contentsOfFile: existing, encoding: .utf8) == "keep me")

        let damaged = folder.appendingPathComponent("damaged.sqlite").path
        var bytes = Data("SQLite format 3\u{0}".utf8)
        bytes.append(Data(repeating: 0xAB, count: 8192))
        try bytes.write(to: URL(fileURLWithPath: damaged))
        let restore = try Self.run(["restore", damaged], database: database)
        #expect(restore.status == 1, "\(restore.output)")
        #expect(restore.output.contains("không dùng được"))
        #expect(!restore.output.contains("Fatal error") && !restore.output.contains("Backtrace"))
    }
}
