import Fluent
import Foundation
import GiaoBanCore
import SQLKit

// The schema of a commune's first afternoon: one-time passwords, phone numbers, letterheads from
// settings, the issuing body of each group, and the login slips waiting to be printed.

struct UpdatePeopleAddMustChangePassword: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(Person.schema).field("must_change_password", .bool, .required, .sql(.default(false))).update()
        try await db.schema(Person.schema).field("phone", .string).update()
    }

    func revert(on db: any Database) async throws {
        try await db.schema(Person.schema).deleteField("phone").update()
        try await db.schema(Person.schema).deleteField("must_change_password").update()
    }
}

struct UpdateCommunesAddLetterhead: AsyncMigration {
    static let textFields = ["party_parent_body", "state_parent_body", "party_body", "state_body"]

    func prepare(on db: any Database) async throws {
        for field in Self.textFields {
            try await db.schema(Commune.schema).field(FieldKey.string(field), .string).update()
        }
        try await db.schema(Commune.schema).field("in_app_reminders_accepted", .bool, .required, .sql(.default(false))).update()
    }

    func revert(on db: any Database) async throws {
        try await db.schema(Commune.schema).deleteField("in_app_reminders_accepted").update()
        for field in Self.textFields.reversed() {
            try await db.schema(Commune.schema).deleteField(FieldKey.string(field)).update()
        }
    }
}

/// Each group's issuing body becomes a setting. Existing groups keep the header they printed
/// before (the old guess: a name containing "Đảng" issued as the Party Committee), and a group
/// with an approver is marked as needing approval.
struct UpdateReportGroupsAddIssuingBody: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(ReportGroup.schema).field("issuing_body", .string, .required, .sql(.default("state"))).update()
        try await db.schema(ReportGroup.schema).field("requires_approval", .bool, .required, .sql(.default(false))).update()
        // Plain SQL, so that later fields of the model do not break this migration.
        let sql = try SQLAccess.sql(db)
        try await sql.raw("UPDATE report_groups SET requires_approval = (approver_id IS NOT NULL)").run()
        for row in try await sql.raw("SELECT id, name FROM report_groups").all() {
            let id = try row.decode(column: "id", as: UUID.self), name = try row.decode(column: "name", as: String.self)
            guard VietnameseText.folded(name).contains("dang") else { continue }
            try await sql.raw("UPDATE report_groups SET issuing_body = 'party' WHERE id = \(bind: id)").run()
        }
    }

    func revert(on db: any Database) async throws {
        try await db.schema(ReportGroup.schema).deleteField("requires_approval").update()
        try await db.schema(ReportGroup.schema).deleteField("issuing_body").update()
    }
}

struct CreateLoginSlips: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(PendingLoginSlips.schema)
            .id()
            .field("token_hash", .string, .required)
            .field("commune_id", .uuid, .required)
            .field("created_by", .uuid, .required)
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .field("slip_count", .int, .required)
            .field("sealed", .string, .required)
            .unique(on: "token_hash")
            .create()
    }

    func revert(on db: any Database) async throws {
        try await db.schema(PendingLoginSlips.schema).delete()
    }
}
