@testable import App
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

@Suite("Nothing lost: WAL, backup and restore")
struct DurabilityTests {
    @Test("The SQLite file runs in WAL mode with synchronous=FULL")
    func walMode() async throws {
        try await withTestApp(sharedDatabase: true) { t in
            guard case .sqliteFile = t.config.database, let sql = t.db as? any SQLDatabase else { return } // PostgreSQL run
            struct Mode: Decodable { var journal_mode: String }
            struct Sync: Decodable { var synchronous: Int }
            let mode = try await sql.raw("PRAGMA journal_mode").first(decoding: Mode.self)
            let sync = try await sql.raw("PRAGMA synchronous").first(decoding: Sync.self)
            #expect(mode?.journal_mode == "wal")
            #expect(sync?.synchronous == 2, "2 = FULL")
        }
    }

    @Test("A throwaway database leaves no file behind when its app shuts down")
    func scratchDatabaseDeleted() async throws {
        let app = try await Application.make(.testing)
        let path: String
        do {
            try await configure(app, config: AppConfig(database: .sqliteMemory, bcryptCost: 4, migrateOnStart: false))
            try await app.autoMigrate()
            struct File: Decodable { var file: String }
            path = try #require(try await (app.db as! any SQLDatabase).raw("PRAGMA database_list").first(decoding: File.self)?.file)
            #expect(FileManager.default.fileExists(atPath: path), "the database is a file while the app runs")
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(!FileManager.default.fileExists(atPath: path + "-journal"))
    }

    @Test("`backup` copies the live database consistently; `restore` brings it back after checking it")
    func backupAndRestore() async throws {
        try await withTestApp(sharedDatabase: true) { t in
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gb-backup-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let copy = folder.appendingPathComponent("copy.sqlite").path
            guard case .sqliteFile(let live) = t.config.database else {
                // PostgreSQL: the command refuses and says how to use pg_dump.
                await #expect(throws: DatabaseBackup.Failure.self) { try await DatabaseBackup.backup(t.app, to: copy) }
                #expect(DatabaseBackup.Failure.notSQLite.description.contains("pg_dump"))
                return
            }
            let nam = try await t.token(TestApp.Demo.reporter)
            #expect(try await t.api(.POST, "/api/v1/reports/2021-W33/submit", token: nam).status == .ok)
            try await DatabaseBackup.backup(t.app, to: copy)
            await #expect(throws: DatabaseBackup.Failure.self, "never overwrites") { try await DatabaseBackup.backup(t.app, to: copy) }
            // A change after the backup.
            #expect(try await t.api(.POST, "/api/v1/reports/2021-W32/submit", token: nam).status == .ok)

            // A broken file is refused.
            let junk = folder.appendingPathComponent("junk.sqlite").path
            try Data("not a database".utf8).write(to: URL(fileURLWithPath: junk))
            let target = folder.appendingPathComponent("restored.sqlite").path
            await #expect(throws: DatabaseBackup.Failure.self) { try await DatabaseBackup.restore(from: junk, into: target, app: t.app) }

            // Restore into a fresh path and open it as a server would.
            try await DatabaseBackup.restore(from: copy, into: target, app: t.app)
            let restored = try await Application.make(.testing)
            do {
                var config = t.config
                config.database = .sqliteFile(target)
                try await configure(restored, config: config)
                let reports = try await WeeklyReport.query(on: restored.db).filter(\.$status == .submitted).all().map(\.weekID)
                #expect(reports == ["2021-W33"], "the backup holds what was there when it was taken")
            } catch {
                try? await restored.asyncShutdown()
                throw error
            }
            try await restored.asyncShutdown()
            #expect(FileManager.default.fileExists(atPath: live))
        }
    }
}
