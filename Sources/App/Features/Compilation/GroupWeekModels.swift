import Fluent
import SQLKit
import Foundation
import GiaoBanCore
import Vapor

/// A report group's week: its compiled report, summary and approval (SPEC §7).
final class GroupWeek: Model, @unchecked Sendable {
    static let schema = "group_weeks"
    @ID(key: .id) var id: UUID?
    @Field(key: "commune_id") var communeID: UUID
    @Field(key: "group_id") var groupID: UUID
    @Field(key: "week_id") var weekID: String
    @Enum(key: "state") var state: GroupWeekState
    @Field(key: "summary") var summary: String
    /// What the compilation obligation counts in the ledger: set once.
    @OptionalField(key: "first_compiled_at") var firstCompiledAt: Date?
    @OptionalField(key: "compiled_at") var compiledAt: Date?
    @OptionalField(key: "compiled_by") var compiledBy: UUID?
    @OptionalField(key: "approved_at") var approvedAt: Date?
    @OptionalField(key: "approved_by") var approvedBy: UUID?
    @OptionalField(key: "approver_comment") var approverComment: String?
    /// A report of the group changed after the week was approved (then unlocked).
    @Field(key: "changed_after_approval") var changedAfterApproval: Bool
    @Field(key: "updated_at") var updatedAt: Date

    /// Listed here so FluentKit need not find them by reflection for every row it reads.
    var properties: [any AnyProperty] {
        [
            _id, _communeID, _groupID, _weekID, _state, _summary, _firstCompiledAt, _compiledAt, _compiledBy,
            _approvedAt, _approvedBy, _approverComment, _changedAfterApproval, _updatedAt,
        ]
    }

    init() {}
    init(communeID: UUID, groupID: UUID, week: ReportWeekID, now: Date) {
        self.communeID = communeID
        self.groupID = groupID
        self.weekID = week.description
        self.state = .open
        self.summary = ""
        self.changedAfterApproval = false
        self.updatedAt = now
    }
}

/// One message in a person's notification centre (reminders, returned reports, moved briefings).
final class AppNotification: Model, @unchecked Sendable {
    static let schema = "notifications"
    @ID(key: .id) var id: UUID?
    @Field(key: "commune_id") var communeID: UUID
    @Field(key: "person_id") var personID: UUID
    @Field(key: "kind") var kind: String
    @Field(key: "text") var text: String
    @Field(key: "url") var url: String
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "read_at") var readAt: Date?

    /// Listed here so FluentKit need not find them by reflection for every row it reads.
    var properties: [any AnyProperty] { [_id, _communeID, _personID, _kind, _text, _url, _createdAt, _readAt] }

    init() {}
    init(communeID: UUID, personID: UUID, kind: String, text: String, url: String, createdAt: Date) {
        self.communeID = communeID
        self.personID = personID
        self.kind = kind
        self.text = text
        self.url = url
        self.createdAt = createdAt
    }
}

struct CreateGroupWeeks: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(GroupWeek.schema).id()
            .field("commune_id", .uuid, .required, .references(Commune.schema, "id"))
            .field("group_id", .uuid, .required, .references(ReportGroup.schema, "id"))
            .field("week_id", .string, .required)
            .field("state", .string, .required)
            .field("summary", .string, .required)
            .field("first_compiled_at", .datetime)
            .field("compiled_at", .datetime)
            .field("compiled_by", .uuid)
            .field("approved_at", .datetime)
            .field("approved_by", .uuid)
            .field("approver_comment", .string)
            .field("changed_after_approval", .bool, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "group_id", "week_id")
            .create()
    }
    func revert(on db: any Database) async throws { try await db.schema(GroupWeek.schema).delete() }
}

struct CreateNotifications: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(AppNotification.schema).id()
            .field("commune_id", .uuid, .required, .references(Commune.schema, "id"))
            .field("person_id", .uuid, .required, .references(Person.schema, "id", onDelete: .cascade))
            .field("kind", .string, .required)
            .field("text", .string, .required)
            .field("url", .string, .required)
            .field("created_at", .datetime, .required)
            .field("read_at", .datetime)
            .create()
        if let sql = db as? any SQLDatabase {
            try await sql.raw("CREATE INDEX IF NOT EXISTS idx_notifications_person ON notifications (person_id, read_at)").run()
        }
    }
    func revert(on db: any Database) async throws { try await db.schema(AppNotification.schema).delete() }
}

/// A member's report can be returned by the focal point with a comment (SPEC §7).
struct UpdateWeeklyReportsAddReturn: AsyncMigration {
    func prepare(on db: any Database) async throws {
        // One column per statement: SQLite adds a single column per ALTER TABLE.
        try await db.schema(WeeklyReport.schema).field("returned_at", .datetime).update()
        try await db.schema(WeeklyReport.schema).field("returned_by", .uuid).update()
        try await db.schema(WeeklyReport.schema).field("return_comment", .string).update()
    }
    func revert(on db: any Database) async throws {
        for field in ["return_comment", "returned_by", "returned_at"] {
            try await db.schema(WeeklyReport.schema).deleteField(.string(field)).update()
        }
    }
}
