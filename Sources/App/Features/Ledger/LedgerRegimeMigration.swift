import Fluent
import SQLKit

/// The columns that say when the regime applies (a person's last working day, whether they file
/// weekly), the commune's confirmed days off, and who filed a report on its author's behalf.
/// One column per statement: SQLite adds columns one at a time.
struct UpdateForLedgerRegime: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(Person.schema).field("left_on", .string).update()
        try await db.schema(Person.schema).field("reports_weekly", .bool, .required, .sql(.default(true))).update()
        try await db.schema(Commune.schema).field("days_off_json", .string, .required, .sql(.default("{}"))).update()
        try await db.schema(WeeklyReport.schema).field("filed_by", .uuid).update()
    }

    func revert(on db: any Database) async throws {
        try await db.schema(WeeklyReport.schema).deleteField("filed_by").update()
        try await db.schema(Commune.schema).deleteField("days_off_json").update()
        try await db.schema(Person.schema).deleteField("reports_weekly").update()
        try await db.schema(Person.schema).deleteField("left_on").update()
    }
}
