@testable import App
import Fluent
import Foundation
import SQLKit
import Testing

/// Reads outside a transaction run on connections of their own (`DirectReads`); inside a
/// transaction they go through the driver. Both must read the same rows and the same models.
@Suite("Direct reads on SQLite read what the driver reads")
struct DirectReadsTests {
    /// The same Fluent read outside a transaction (direct) and inside one (through the driver),
    /// as JSON with sorted keys.
    private func bothReadings<M: Model>(_ type: M.Type, on db: any Database) async throws -> (direct: Data, driver: Data) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let direct = try await M.query(on: db).sort(.id).all()
        let driver = try await db.transaction { db in try await M.query(on: db).sort(.id).all() }
        return (try encoder.encode(direct), try encoder.encode(driver))
    }

    @Test("Models, plain SQL and every kind of value read the same directly and through the driver")
    func sameAsTheDriver() async throws {
        try await withTestApp { t in
            guard let tuned = t.db as? SQLiteTuning.TunedDatabase else { return } // PostgreSQL: no direct reads
            #expect(tuned.reads != nil)
            let nam = try await t.token(TestApp.Demo.reporter)
            let (coverage, count, _) = try await FiguresAndContentTests.targets(t)
            let figures = FiguresAndContentTests.Body(targets: [.init(targetId: try coverage.requireID(), value: "84.5"),
                                                                .init(targetId: try count.requireID(), value: "10")])
            #expect(try await t.api(.PUT, "/api/v1/reports/2021-W33", token: nam, json: figures).status == .ok)
            #expect(try await t.api(.POST, "/api/v1/reports/2021-W33/submit", token: nam).status == .ok)
            // Models with optional fields, instants, booleans, JSON columns and numbers as text.
            let readings = [("people", try await bothReadings(Person.self, on: t.db)), ("reports", try await bothReadings(WeeklyReport.self, on: t.db)),
                            ("targets", try await bothReadings(Target.self, on: t.db)), ("communes", try await bothReadings(Commune.self, on: t.db)),
                            ("groups", try await bothReadings(ReportGroup.self, on: t.db)), ("figures", try await bothReadings(TargetWeekFigure.self, on: t.db))]
            for (table, (direct, driver)) in readings {
                #expect(direct == driver, "\(table)")
                #expect(direct.count > 2, "\(table)")
            }
            // Aggregates and `find`.
            let people = try await Person.query(on: t.db).count()
            #expect(people == (try await t.db.transaction { db in try await Person.query(on: db).count() }))
            #expect(people > 0)
            let someone = try #require(try await Person.query(on: t.db).first())
            #expect(try await Person.find(someone.id, on: t.db)?.fullName == someone.fullName)
            // Every storage class, read as SQLKit decodes it: text with a NUL inside, integers,
            // reals, NULL and a blob.
            let values: SQLQueryString = """
                SELECT 'Hồ Sỹ Nam' || char(0) || 'x' AS text, 9007199254740993 AS integer, 2.5 AS real, NULL AS missing_value, x'00ff10' AS blob
                """
            let direct = try #require(try await SQLAccess.sql(t.db).raw(values).first())
            #expect(direct is DirectRow)
            let driver = try #require(try await t.db.transaction { db in try await SQLAccess.sql(db).raw(values).first() })
            #expect(!(driver is DirectRow))
            // Text is read by its length, so a NUL inside is kept (SQLiteNIO reads up to the NUL).
            #expect(try direct.decode(column: "text", as: String.self) == "Hồ Sỹ Nam\u{0}x")
            #expect(try driver.decode(column: "text", as: String.self).hasPrefix("Hồ Sỹ Nam"))
            #expect(try direct.decode(column: "integer", as: Int.self) == 9_007_199_254_740_993)
            #expect(try direct.decode(column: "real", as: Double.self) == driver.decode(column: "real", as: Double.self))
            #expect(try direct.decodeNil(column: "missing_value") && driver.decodeNil(column: "missing_value"))
            #expect(try direct.decode(column: "blob", as: Data.self) == Data([0, 0xFF, 0x10]))
            #expect(try direct.decode(column: "blob", as: Data.self) == driver.decode(column: "blob", as: Data.self))
            #expect(direct.allColumns == driver.allColumns)
            // The types read without the decoder, optional or not, as the decoder reads them.
            let typed: SQLQueryString = """
                SELECT 'b9a6e0c4-1d2f-4e5a-8b7c-0123456789ab' AS id, 'Ánh' AS name, 42 AS number, 1 AS flag, 1629252000.123456 AS instant,
                  NULL AS missing_value, 'not an id' AS bad_id
                """
            let directTyped = try #require(try await SQLAccess.sql(t.db).raw(typed).first())
            let driverTyped = try #require(try await t.db.transaction { db in try await SQLAccess.sql(db).raw(typed).first() })
            for row in [directTyped, driverTyped] {
                #expect(try row.decode(column: "id", as: UUID.self) == UUID(uuidString: "B9A6E0C4-1D2F-4E5A-8B7C-0123456789AB"))
                #expect(try row.decode(column: "id", as: UUID?.self) == UUID(uuidString: "B9A6E0C4-1D2F-4E5A-8B7C-0123456789AB"))
                #expect(try row.decode(column: "missing_value", as: UUID?.self) == nil)
                #expect(try row.decode(column: "name", as: String?.self) == "Ánh")
                #expect(try row.decode(column: "missing_value", as: String?.self) == nil)
                #expect(try row.decode(column: "number", as: Int?.self) == 42)
                #expect(try row.decode(column: "flag", as: Bool.self))
                #expect(try row.decode(column: "missing_value", as: Bool?.self) == nil)
                #expect(try row.decode(column: "instant", as: Date?.self) == Date(timeIntervalSince1970: 1_629_252_000.123456))
                #expect(try row.decode(column: "number", as: Double.self) == 42)
                #expect(throws: (any Error).self) { try row.decode(column: "bad_id", as: UUID.self) }
                #expect(throws: (any Error).self) { try row.decode(column: "bad_id", as: UUID?.self) }
                #expect(throws: (any Error).self) { try row.decode(column: "missing_value", as: String.self) }
                #expect(throws: (any Error).self) { try row.decode(column: "name", as: Int.self) }
            }
            #expect(throws: (any Error).self) { try direct.decode(column: "missing", as: String.self) }
        }
    }

    @Test("A hot read's SQL is written as SQLKit writes it: same text, same values in the same order, same rows")
    func sqlTextAsSQLKit() async throws {
        try await withTestApp { t in
            let sql = try SQLAccess.sql(t.db)
            let people = try await Person.query(on: t.db).sort(\.$id).limit(3).all()
            let ids = try people.map { try $0.requireID() }
            #expect(ids.count == 3)
            let none: [UUID] = []
            let part: SQLText = " AND p.active = \(bind: true)"
            let statements: [SQLText] = [
                "SELECT id FROM people ORDER BY id",
                "SELECT id FROM people WHERE id = \(bind: ids[0]) AND full_name >= \(bind: "A")",
                "SELECT p.id FROM people p WHERE p.id IN (\(list: ids)) AND p.full_name <> \(bind: "Nam")\(part) ORDER BY p.id",
                "SELECT id FROM people WHERE id IN (\(list: none)) OR id = \(bind: ids[1])",
                "SELECT \(unsafeRaw: "id, full_name") FROM people WHERE " + "active = \(bind: true) AND id IN (\(list: ids)) ORDER BY id",
            ]
            for statement in statements {
                let (text, values) = statement.sqlite
                let reference = sql.serialize(statement.query)
                if sql.dialect.name == "sqlite" { #expect(text == reference.sql) }
                #expect(values.map { "\($0)" } == reference.binds.map { "\($0)" }, "\(text)")
                // Both ways read the same rows.
                let plain = try await SQLAccess.plainRows(statement, on: t.db).map { try $0.id("id") }
                let viaSQLKit = try await sql.raw(statement.query).all().map { try SQLAccess.id($0, "id") }
                #expect(plain == viaSQLKit, "\(text)")
                #expect(!plain.isEmpty, "\(text)")
            }
        }
    }

    @Test("A direct read sees every commit made before it; a transaction reads its own writes")
    func readsWhatIsCommitted() async throws {
        try await withTestApp { t in
            guard t.db is SQLiteTuning.TunedDatabase else { return }
            let person = try #require(try await Person.query(on: t.db).first())
            let before = person.fullName
            try await t.db.transaction { db in
                let renamed = try #require(try await Person.find(person.id, on: db))
                renamed.fullName = "Tên Mới"
                try await renamed.save(on: db)
                // Inside the transaction its own write is seen…
                #expect(try await Person.find(person.id, on: db)?.fullName == "Tên Mới")
                // …and outside it, not yet (the read's snapshot is the last commit).
                #expect(try await Person.find(person.id, on: t.db)?.fullName == before)
            }
            #expect(try await Person.find(person.id, on: t.db)?.fullName == "Tên Mới")
            // A write outside a transaction goes through the driver and is seen by the next read.
            try await SQLAccess.sql(t.db).raw("UPDATE people SET full_name = \(bind: "Tên Khác") WHERE id = \(bind: person.id!)").run()
            #expect(try await Person.find(person.id, on: t.db)?.fullName == "Tên Khác")
        }
    }

    @Test("Only a SELECT is read directly, and a direct connection cannot write")
    func onlySelects() async throws {
        for sql in ["SELECT 1", "select id FROM people", "\n  SELECT\tx", "Select * from t"] {
            #expect(SQLiteTuning.TunedDatabase.isSelect(sql), "\(sql)")
        }
        for sql in ["UPDATE people SET x = 1", "PRAGMA journal_mode", "EXPLAIN QUERY PLAN SELECT 1", "SELECTED", "SELECT", "",
                    "WITH x AS (SELECT 1) DELETE FROM people", "DELETE FROM people WHERE id IN (SELECT 1)", "INSERT INTO t SELECT 1"] {
            #expect(!SQLiteTuning.TunedDatabase.isSelect(sql), "\(sql)")
        }
        try await withTestApp { (t: TestApp) async throws in
            guard let reads = (t.db as? SQLiteTuning.TunedDatabase)?.reads else { return }
            #expect(throws: DirectReads.Failure.self) { try reads.rows("DELETE FROM people", binds: []) }
            #expect(try await Person.query(on: t.db).count() > 0)
            // A statement SQLite refuses is an error with SQLite's message, and the connection stays usable.
            #expect(throws: DirectReads.Failure.self) { try reads.rows("SELECT no_such_column FROM people", binds: []) }
            #expect(try reads.rows("SELECT count(*) AS n FROM people WHERE active = ?", binds: [.integer(1)]).count == 1)
        }
    }
    @Test("Fluent's future-based reads get their rows on the event loop; a disabled or closed pool sends reads elsewhere")
    func futuresDisablingAndClosing() async throws {
        try await withTestApp { (t: TestApp) async throws in
            guard let tuned = t.db as? SQLiteTuning.TunedDatabase, let reads = tuned.reads else { return }
            // The future-based query builder asserts (in debug builds) that rows come on the loop.
            let future: EventLoopFuture<[Person]> = Person.query(on: t.db).all()
            let people = try await future.get()
            #expect(people.count == (try await Person.query(on: t.db).count()))
            // Disabled (a file not in WAL mode): the driver reads.
            reads.disable()
            let row = try #require(try await SQLAccess.sql(t.db).raw("SELECT count(*) AS n FROM people").first())
            #expect(!(row is DirectRow))
            #expect(try row.decode(column: "n", as: Int.self) == people.count)
            // Closed (shut down): no connection is opened any more.
            let other = DirectReads(path: reads.path)
            #expect(try other.rows("SELECT 1 AS one", binds: []).count == 1)
            other.close()
            #expect(throws: DirectReads.Closed.self) { try other.rows("SELECT 1 AS one", binds: []) }
        }
    }
}
