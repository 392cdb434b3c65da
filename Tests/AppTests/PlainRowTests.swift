@testable import App
import Fluent
import Foundation
import SQLKit
import Testing

@Suite("Plain rows read as SQLKit reads them")
struct PlainRowTests {
    @Test("Text, integers, instants and ids of the same rows, through PlainRow and through SQLKit")
    func sameValuesAsSQLKit() async throws {
        try await withTestApp { t in
            let nam = try await t.token(TestApp.Demo.reporter)
            for week in ["2021-W31", "2021-W32", "2021-W33"] {
                #expect(try await t.api(.POST, "/api/v1/reports/\(week)/submit", token: nam).status == .ok)
            }
            // An instant with a fraction of a second, as a real submission has.
            let report = try #require(try await WeeklyReport.query(on: t.db).filter(\.$firstSubmittedAt != nil).first())
            report.firstSubmittedAt = Date(timeIntervalSince1970: 1_629_252_000.123456)
            try await report.save(on: t.db)
            let query: SQLText = """
                SELECT person_id, week_id, week_number, first_submitted_at FROM weekly_reports
                WHERE first_submitted_at IS NOT NULL AND week_year = \(bind: 2021) ORDER BY person_id, week_id
                """
            let plain = try await SQLAccess.plainRows(query, on: t.db)
            // Inside a transaction a read goes through the driver (outside it is read directly, see `DirectReads`).
            let viaSQLKit = try await t.db.transaction { db in try await SQLAccess.sql(db).raw(query.query).all() }
            #expect(plain.count == viaSQLKit.count)
            #expect(plain.count >= 3)
            for (row, reference) in zip(plain, viaSQLKit) {
                #expect(try row.idText("person_id") == SQLAccess.idText(reference, "person_id"))
                #expect(try row.string("week_id") == reference.decode(column: "week_id", as: String.self))
                #expect(try row.int("week_number") == reference.decode(column: "week_number", as: Int.self))
                #expect(try row.date("first_submitted_at") == reference.decode(column: "first_submitted_at", as: Date.self))
            }
            #expect(try plain.contains { try $0.date("first_submitted_at") == report.firstSubmittedAt })
            let people: SQLText = "SELECT id, full_name, active FROM people ORDER BY id"
            let plainPeople = try await SQLAccess.plainRows(people, on: t.db)
            let peopleViaSQLKit = try await t.db.transaction { db in try await SQLAccess.sql(db).raw(people.query).all() }
            #expect(plainPeople.count == peopleViaSQLKit.count)
            for (row, reference) in zip(plainPeople, peopleViaSQLKit) {
                #expect(try row.id("id") == SQLAccess.id(reference, "id"))
                #expect(try row.bool("active") == reference.decode(column: "active", as: Bool.self))
            }
            #expect(try plainPeople.contains { try !$0.bool("active") } == peopleViaSQLKit.contains { try !$0.decode(column: "active", as: Bool.self) })
            // A column that is not there, or not of the type asked for, is an error, not a default.
            #expect(throws: (any Error).self) { try plain[0].int("no_such_column") }
            #expect(throws: (any Error).self) { try plain[0].date("week_id") }
        }
    }
}
