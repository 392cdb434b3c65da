import Fluent
import Foundation
import SQLKit
import GiaoBanCore
import Vapor

/// What a unit's monthly report says: the figures against its targets and the written parts.
/// Drafted from the weekly reports, then edited by the unit (SPEC §11).
struct MonthlyReportContent: Codable, Sendable, Equatable {
    struct Figure: Codable, Sendable, Equatable {
        var targetId: UUID
        var code: String
        var name: String
        var unitOfMeasure: String
        var planned: Decimal?
        var monthValue: Decimal?
        var yearToDate: Decimal?
        var percentOfPlan: Decimal?
        var note: String?
    }
    var figures: [Figure]
    /// Kết quả thực hiện nhiệm vụ trong tháng.
    var results: String
    /// Tồn tại, hạn chế.
    var shortcomings: String
    /// Nhiệm vụ trọng tâm tháng tới.
    var nextMonth: String
    /// Đề xuất, kiến nghị.
    var proposals: String

    static let empty = MonthlyReportContent(figures: [], results: "", shortcomings: "", nextMonth: "", proposals: "")
}

/// One monthly report (báo cáo tháng) of a unit or of one official: exactly one of `unitID` and
/// `personID` is set (a CHECK constraint holds it), one report per owner and month (unique
/// indexes). `firstSubmittedAt` is what the ledger counts: set once, never moved by corrections.
final class MonthlyReport: Model, @unchecked Sendable {
    static let schema = "monthly_reports"
    enum Status: String, Codable, Sendable { case draft, submitted }
    @ID(key: .id) var id: UUID?
    @Field(key: "commune_id") var communeID: UUID
    @OptionalField(key: "unit_id") var unitID: UUID?
    /// The official whose personal monthly report this is (when the commune asks people for one).
    @OptionalField(key: "person_id") var personID: UUID?
    @Field(key: "month") var month: String
    @Enum(key: "status") var status: Status
    @Field(key: "content_json") var contentJSON: String
    @OptionalField(key: "first_submitted_at") var firstSubmittedAt: Date?
    @OptionalField(key: "last_submitted_at") var lastSubmittedAt: Date?
    @OptionalField(key: "submitted_by") var submittedBy: UUID?
    @Field(key: "updated_at") var updatedAt: Date
    @Field(key: "updated_by") var updatedBy: UUID

    /// Listed here so FluentKit need not find them by reflection for every row it reads.
    var properties: [any AnyProperty] {
        [
            _id, _communeID, _unitID, _personID, _month, _status, _contentJSON, _firstSubmittedAt, _lastSubmittedAt, _submittedBy,
            _updatedAt, _updatedBy,
        ]
    }

    init() {}

    /// Throws `StoredDataError` when the stored JSON does not decode (never an empty report in its place).
    var content: MonthlyReportContent {
        get throws { try decodeStored(MonthlyReportContent.self, from: contentJSON, column: "content_json", communeID: communeID) }
    }

    func setContent(_ content: MonthlyReportContent) {
        contentJSON = AuditTrail.json(content)
    }
}

/// The office's (or the NTM focal point's) compiled monthly report for the Standing Committee, the
/// Executive Committee and the district: the units' reports plus an overall assessment.
final class MonthlyCompilation: Model, @unchecked Sendable {
    static let schema = "monthly_compilations"
    @ID(key: .id) var id: UUID?
    @Field(key: "commune_id") var communeID: UUID
    @Field(key: "month") var month: String
    @Field(key: "assessment") var assessment: String
    @Field(key: "next_month") var nextMonth: String
    @Field(key: "updated_at") var updatedAt: Date
    @Field(key: "updated_by") var updatedBy: UUID

    /// Listed here so FluentKit need not find them by reflection for every row it reads.
    var properties: [any AnyProperty] { [_id, _communeID, _month, _assessment, _nextMonth, _updatedAt, _updatedBy] }

    init() {}
}

struct CreateMonthlyReports: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(MonthlyReport.schema).id()
            .field("commune_id", .uuid, .required, .references(Commune.schema, "id"))
            .field("unit_id", .uuid, .required, .references(OrgUnit.schema, "id"))
            .field("month", .string, .required)
            .field("status", .string, .required)
            .field("content_json", .string, .required)
            .field("first_submitted_at", .datetime)
            .field("last_submitted_at", .datetime)
            .field("submitted_by", .uuid)
            .field("updated_at", .datetime, .required)
            .field("updated_by", .uuid, .required)
            .unique(on: "unit_id", "month")
            .create()
        try await db.schema(MonthlyCompilation.schema).id()
            .field("commune_id", .uuid, .required, .references(Commune.schema, "id"))
            .field("month", .string, .required)
            .field("assessment", .string, .required)
            .field("next_month", .string, .required)
            .field("updated_at", .datetime, .required)
            .field("updated_by", .uuid, .required)
            .unique(on: "commune_id", "month")
            .create()
    }

    func revert(on db: any Database) async throws {
        try await db.schema(MonthlyCompilation.schema).delete()
        try await db.schema(MonthlyReport.schema).delete()
    }
}

/// Lets one table hold the units' and the officials' monthly reports: `unit_id` becomes optional,
/// `person_id` is added, a CHECK keeps exactly one of them, and each owner has one report a
/// month. SQLite cannot drop NOT NULL from a column, so the table is rebuilt under a new name,
/// every row copied, and renamed back (the same statements on PostgreSQL). Reverting keeps the
/// units' reports and drops the personal ones, which the old table cannot hold.
struct UpdateMonthlyReportsAddPerson: AsyncMigration {
    static let columns = "id, commune_id, unit_id, month, status, content_json, first_submitted_at, last_submitted_at, submitted_by, updated_at, updated_by"

    private static func create(_ table: String, personal: Bool, on db: any Database) async throws {
        var schema = db.schema(table).id()
            .field("commune_id", .uuid, .required, .references(Commune.schema, "id"))
        if personal {
            schema = schema.field("unit_id", .uuid, .references(OrgUnit.schema, "id"))
                .field("person_id", .uuid, .references(Person.schema, "id"))
        } else {
            schema = schema.field("unit_id", .uuid, .required, .references(OrgUnit.schema, "id"))
        }
        schema = schema.field("month", .string, .required)
            .field("status", .string, .required)
            .field("content_json", .string, .required)
            .field("first_submitted_at", .datetime)
            .field("last_submitted_at", .datetime)
            .field("submitted_by", .uuid)
            .field("updated_at", .datetime, .required)
            .field("updated_by", .uuid, .required)
        if personal {
            // NULLs are distinct in a unique index (SQLite and PostgreSQL alike): a person's rows
            // never collide on unit_id, a unit's never on person_id.
            schema = schema.unique(on: "unit_id", "month", name: "monthly_reports_one_per_unit")
                .unique(on: "person_id", "month", name: "monthly_reports_one_per_person")
                .constraint(.sql(unsafeRaw: "CONSTRAINT monthly_reports_one_owner CHECK ((unit_id IS NULL) <> (person_id IS NULL))"))
        } else {
            schema = schema.unique(on: "unit_id", "month")
        }
        try await schema.create()
    }

    private static func rebuild(personal: Bool, on db: any Database) async throws {
        let sql = try SQLAccess.sql(db)
        let next = personal ? "monthly_reports_next" : "monthly_reports_previous"
        try await create(next, personal: personal, on: db)
        let filter = personal ? "" : " WHERE unit_id IS NOT NULL"
        try await sql.raw(SQLQueryString("INSERT INTO \(unsafeRaw: next) (\(unsafeRaw: columns)) SELECT \(unsafeRaw: columns) FROM \(unsafeRaw: MonthlyReport.schema)\(unsafeRaw: filter)")).run()
        try await db.schema(MonthlyReport.schema).delete()
        try await sql.raw(SQLQueryString("ALTER TABLE \(unsafeRaw: next) RENAME TO \(unsafeRaw: MonthlyReport.schema)")).run()
    }

    func prepare(on db: any Database) async throws {
        try await db.transaction { try await Self.rebuild(personal: true, on: $0) }
    }

    func revert(on db: any Database) async throws {
        try await db.transaction { try await Self.rebuild(personal: false, on: $0) }
    }
}
