@testable import App
import Fluent
import FluentPostgresDriver
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

/// Upgrades: a database made by an earlier schema (`Fixtures/upgrade-df69a08.*.sql`, written by
/// `scripts/make-upgrade-fixture.sh`) migrates to the current one with every row intact.
@Suite("Upgrading a database made by an earlier version")
struct UpgradeTests {
    /// The schema of commit df69a08: every migration up to this one (the ones after it are what
    /// an upgrade from that version applies).
    static let lastMigrationOfFixture = "App.CreatePersonVersions"

    /// Tables a later migration drops on purpose (`DropDataVersions`, issue 20): their rows are not
    /// expected after the upgrade, and the tables are checked to be gone.
    static let retiredTables: Set<String> = ["commune_versions", "person_versions"]

    enum Dialect { case sqlite, postgres }

    @Test("A database of commit df69a08's schema migrates to the current one with every row intact")
    func upgradeKeepsEveryRow() async throws {
        let adminURL = ProcessInfo.processInfo.environment["GIAOBAN_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
        let dialect: Dialect = adminURL == nil ? .sqlite : .postgres
        let fixture = try Self.fixture(dialect)
        let app = try await Application.make(.testing)
        var scratch: String?
        var file: String?
        defer { if let file { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: file + suffix) } } }
        do {
            let database: AppConfig.DatabaseChoice
            if let adminURL {
                let name = "gb_upgrade_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
                try await PostgresScratch.create(name, adminURL: adminURL)
                scratch = name
                database = .postgres(url: PostgresScratch.url(adminURL, database: name))
            } else {
                file = FileManager.default.temporaryDirectory.appendingPathComponent("gb-upgrade-\(UUID().uuidString).sqlite").path
                database = .sqliteFile(file!)
            }
            let config = AppConfig(database: database, bcryptCost: 4, migrateOnStart: false)
            try await configure(app, config: config)
            let sql = try #require(app.db as? any SQLDatabase)
            for statement in Self.statements(fixture) { try await sql.raw(SQLQueryString(statement)).run() }

            // What the old version left: the migrations it knew, every table and row.
            let pending = try await Operations.pendingMigrations(on: app.db)
            #expect(!pending.isEmpty, "the fixture is older than the current schema")
            #expect(!pending.contains(Self.lastMigrationOfFixture))
            let columns = try await Self.columns(sql, dialect)
            #expect(columns.count >= 30, "tables in the fixture: \(columns.count)")
            let before = try await Self.rows(sql, dialect, columns: columns)
            #expect((before["people"]?.count ?? 0) >= 30)
            #expect((before["weekly_reports"]?.count ?? 0) > 100)
            #expect((before["audit_entries"]?.count ?? 0) > 0)

            try await app.autoMigrate()

            #expect(try await Operations.pendingMigrations(on: app.db).isEmpty)
            let after = try await Self.rows(sql, dialect, columns: columns.filter { !Self.retiredTables.contains($0.key) })
            #expect(Set(try await Self.columns(sql, dialect).keys).isDisjoint(with: Self.retiredTables))
            for (table, rows) in before where table != "_fluent_migrations" && !Self.retiredTables.contains(table) {
                #expect(after[table]?.count == rows.count, "\(table): \(rows.count) rows before, \(after[table]?.count ?? -1) after")
                #expect(after[table] == rows, "\(table): rows changed by the upgrade")
            }
            // The new columns have their defaults on the old rows.
            #expect(try await Person.query(on: app.db).all().allSatisfy { $0.reportsWeekly && $0.leftOn == nil })
            // The upgraded database works: the old accounts sign in and pages render.
            #expect(try await app.testing().sendRequest(.GET, "/readyz").status == .ok)
            let browser = Browser(app: app)
            try await browser.login("admin")
            #expect(try await browser.get("/").status == .ok)
            #expect(Set(after["_fluent_migrations"] ?? []).isSuperset(of: before["_fluent_migrations"] ?? []))
            #expect(after["_fluent_migrations"]?.count == AppMigrations.all.count)
            let ledger = try await browser.get("/ledger")
            #expect(ledger.status == .ok || ledger.status == .seeOther, "ledger: \(ledger.status)")
        } catch {
            try? await app.asyncShutdown()
            if let scratch, let adminURL { try? await PostgresScratch.drop(scratch, adminURL: adminURL) }
            throw error
        }
        try await app.asyncShutdown()
        if let scratch, let adminURL { try await PostgresScratch.drop(scratch, adminURL: adminURL) }
    }

    static func fixture(_ dialect: Dialect) throws -> String {
        let name = dialect == .sqlite ? "upgrade-df69a08.sqlite" : "upgrade-df69a08.postgres"
        let url = try #require(Bundle.module.url(forResource: name, withExtension: "sql", subdirectory: "Fixtures"))
        return try String(contentsOf: url, encoding: .utf8)
    }

    /// Splits a dump into statements at `;` at the end of a line outside quotes; comments and
    /// transaction control (each statement runs on its own) are left out.
    static func statements(_ dump: String) -> [String] {
        var statements: [String] = []
        var current = ""
        var inQuote = false
        for line in dump.split(separator: "\n", omittingEmptySubsequences: false) {
            if !inQuote, current.isEmpty, line.hasPrefix("--") || line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            current += line
            for character in line where character == "'" { inQuote.toggle() }
            if !inQuote, line.hasSuffix(";") {
                let statement = current.trimmingCharacters(in: .whitespacesAndNewlines)
                let upper = statement.uppercased()
                if !["BEGIN TRANSACTION;", "COMMIT;", "PRAGMA FOREIGN_KEYS=OFF;"].contains(upper) { statements.append(statement) }
                current = ""
            } else {
                current += "\n"
            }
        }
        return statements
    }

    /// Every table of the database and its columns.
    static func columns(_ sql: any SQLDatabase, _ dialect: Dialect) async throws -> [String: [String]] {
        struct Column: Decodable { var table_name: String; var column_name: String }
        let rows: [Column]
        switch dialect {
        case .sqlite:
            rows = try await sql.raw("""
                SELECT m.name AS table_name, p.name AS column_name FROM sqlite_master m, pragma_table_info(m.name) p
                WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY m.name, p.cid
                """).all(decoding: Column.self)
        case .postgres:
            rows = try await sql.raw("""
                SELECT table_name::text AS table_name, column_name::text AS column_name FROM information_schema.columns
                WHERE table_schema = 'public' ORDER BY table_name, ordinal_position
                """).all(decoding: Column.self)
        }
        return Dictionary(grouping: rows, by: \.table_name).mapValues { $0.map(\.column_name) }
    }

    /// Each table's rows as text (the given columns only, quoted as SQL literals), sorted.
    static func rows(_ sql: any SQLDatabase, _ dialect: Dialect, columns: [String: [String]]) async throws -> [String: [String]] {
        struct Row: Decodable { var row: String }
        var result: [String: [String]] = [:]
        for (table, names) in columns {
            let quoted = names.map { name -> String in
                let column = "\"\(name)\""
                return dialect == .sqlite ? "quote(\(column))" : "quote_nullable(\(column))"
            }
            let expression = dialect == .sqlite ? quoted.joined(separator: " || '|' || ") : "concat_ws('|', \(quoted.joined(separator: ", ")))"
            let rows = try await sql.raw(SQLQueryString("SELECT \(unsafeRaw: expression) AS row FROM \"\(unsafeRaw: table)\""))
                .all(decoding: Row.self)
            result[table] = rows.map(\.row).sorted()
        }
        return result
    }

    /// `GIAOBAN_WRITE_UPGRADE_FIXTURE=<sqlite file or postgres URL>`: writes the database the
    /// fixture is dumped from (run by `scripts/make-upgrade-fixture.sh`, not in CI): the demo
    /// commune with its history, an API token, a sign-in, reminders planned, on the schema of
    /// commit df69a08 — all migrations, then the newer ones reverted (their `revert` drops what
    /// they added; building df69a08 itself would take a second full build).
    @Test("Writes the upgrade fixture's database", .enabled(if: ProcessInfo.processInfo.environment["GIAOBAN_WRITE_UPGRADE_FIXTURE"] != nil))
    func writeFixtureDatabase() async throws {
        let target = try #require(ProcessInfo.processInfo.environment["GIAOBAN_WRITE_UPGRADE_FIXTURE"])
        let app = try await Application.make(.testing)
        app.clock = ManualClock(Date(timeIntervalSince1970: 1_634_713_200))  // Wednesday 20/10/2021 14:00 in Hà Nội
        do {
            let config = AppConfig(database: target.hasPrefix("postgres") ? .postgres(url: target) : .sqliteFile(target),
                                   bcryptCost: 4, loadDemoData: true, migrateOnStart: false)
            try await configure(app, config: config)
            let index = try #require(AppMigrations.all.firstIndex { $0.name == Self.lastMigrationOfFixture })
            try await app.autoMigrate()
            try await DemoCommune.loadIfEmpty(app)
            let token = try await app.testing().sendRequest(.POST, "/api/v1/auth/token", beforeRequest: { req in
                try req.content.encode(["username": "admin", "password": DemoCommune.password], as: .json)
            })
            #expect(token.status == .ok)
            _ = try await ReminderService.tick(app: app, now: app.clock.now(), instance: "fixture")
            // Back to df69a08's schema: the newer migrations reverted, newest first, and forgotten.
            let sql = try #require(app.db as? any SQLDatabase)
            for migration in AppMigrations.all[(index + 1)...].reversed() {
                try await migration.revert(on: app.db)
                try await sql.delete(from: "_fluent_migrations").where("name", .equal, migration.name).run()
            }
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }
}
