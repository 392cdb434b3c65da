import Fluent
import Foundation
import GiaoBanCore
import Vapor

/// One person's weekly report (SPEC §5). `firstSubmittedAt` is what the ledger counts: set once,
/// never moved by later corrections, never set by hand.
final class WeeklyReport: Model, @unchecked Sendable {
    static let schema = "weekly_reports"
    enum Status: String, Codable, Sendable { case draft, submitted }

    @ID(key: .id) var id: UUID?
    @Field(key: "commune_id") var communeID: UUID
    @Field(key: "person_id") var personID: UUID
    @Field(key: "week_id") var weekID: String
    @Field(key: "week_year") var weekYear: Int
    @Field(key: "week_number") var weekNumber: Int
    @Enum(key: "status") var status: Status
    @OptionalField(key: "first_submitted_at") var firstSubmittedAt: Date?
    @OptionalField(key: "last_submitted_at") var lastSubmittedAt: Date?
    @Field(key: "updated_at") var updatedAt: Date
    /// How many times the content changed after the first submission (each one is audited).
    @Field(key: "revision") var revision: Int
    /// What was typed and saved automatically but not yet saved for real (it may not pass the
    /// checks yet): a `WeeklyReportInput` as JSON, so nothing typed is lost.
    @OptionalField(key: "draft_json") var draftJSON: String?
    @OptionalField(key: "draft_saved_at") var draftSavedAt: Date?
    /// Set when the focal point returns the report with a comment; cleared when resubmitted.
    @OptionalField(key: "returned_at") var returnedAt: Date?
    @OptionalField(key: "returned_by") var returnedBy: UUID?
    @OptionalField(key: "return_comment") var returnComment: String?
    /// Who submitted it when not its author (nộp thay: the office, or a focal point for a member
    /// without a computer); nil when the author filed it.
    @OptionalField(key: "filed_by") var filedByID: UUID?
    /// Khó khăn, vướng mắc, đề xuất, kiến nghị.
    @OptionalField(key: "difficulties") var difficulties: String?

    /// Listed here so FluentKit need not find them by reflection for every row it reads.
    var properties: [any AnyProperty] {
        [
            _id, _communeID, _personID, _weekID, _weekYear, _weekNumber, _status, _firstSubmittedAt, _lastSubmittedAt,
            _updatedAt, _revision, _draftJSON, _draftSavedAt, _returnedAt, _returnedBy, _returnComment, _filedByID, _difficulties,
        ]
    }

    /// Nil without a draft; throws `StoredDataError` when the draft's JSON does not decode.
    var typedDraft: WeeklyReportInput? {
        get throws { try draftJSON.map { try decodeStored(WeeklyReportInput.self, from: $0, column: "draft_json", communeID: communeID) } }
    }

    init() {}
    /// A new report of `person`'s, in their commune: the ledger reads a commune's reports by the
    /// commune's column, so it is never written apart from the person's.
    init(of person: Person, week: ReportWeekID, now: Date) throws {
        self.communeID = person.communeID
        self.personID = try person.requireID()
        self.weekID = week.description
        self.weekYear = week.year
        self.weekNumber = week.week
        self.status = .draft
        self.updatedAt = now
        self.revision = 0
    }
}

/// A figure against a target. `week_year`/`week_number` are copied from the report so that
/// year-to-date sums read one table.
final class ReportFigure: Model, @unchecked Sendable {
    static let schema = "report_figures"
    @ID(key: .id) var id: UUID?
    @Field(key: "report_id") var reportID: UUID
    @Field(key: "target_id") var targetID: UUID
    @Field(key: "week_year") var weekYear: Int
    @Field(key: "week_number") var weekNumber: Int
    @Field(key: "value") var valueText: String
    @Field(key: "completed") var completed: Bool
    /// Copied from the report: only submitted figures count in progress and year-to-date.
    @Field(key: "submitted") var submitted: Bool
    /// A `latest` value more than ten times last week's, confirmed by the reporter.
    @Field(key: "unusual_jump") var unusualJump: Bool

    /// Listed here so FluentKit need not find them by reflection for every row it reads.
    var properties: [any AnyProperty] {
        [
            _id, _reportID, _targetID, _weekYear, _weekNumber, _valueText, _completed, _submitted, _unusualJump,
        ]
    }

    init() {}
    init(reportID: UUID, targetID: UUID, week: ReportWeekID, value: Decimal, completed: Bool, submitted: Bool) {
        self.reportID = reportID
        self.targetID = targetID
        self.weekYear = week.year
        self.weekNumber = week.week
        self.valueText = DecimalText.store(value)
        self.completed = completed
        self.submitted = submitted
        self.unusualJump = false
    }
    /// Throws `StoredDataError` when the stored text is not a decimal (never read as 0).
    var value: Decimal { get throws { try storedDecimal(valueText, column: "value", communeID: nil) } }
}

/// A line of "other work done", always with a quantity and a unit (the letter insists).
final class ReportWorkItem: Model, @unchecked Sendable {
    static let schema = "report_work_items"
    @ID(key: .id) var id: UUID?
    @Field(key: "report_id") var reportID: UUID
    @Field(key: "position") var position: Int
    @Field(key: "description") var description: String
    @Field(key: "quantity") var quantityText: String
    @Field(key: "unit") var unit: String
    @OptionalField(key: "activity_type") var activityType: String?
    @OptionalField(key: "place") var place: String?
    @OptionalField(key: "dates") var dates: String?
    /// The groups whose compilation carries the line, as a JSON id list; empty for lines written
    /// before lines had groups (they belong to all of their author's groups).
    @Field(key: "group_ids") var groupJSON: String
    /// Expected by Friday when the report was due (dự kiến), until the author confirms it.
    @Field(key: "forecast") var forecast: Bool

    /// Listed here so FluentKit need not find them by reflection for every row it reads.
    var properties: [any AnyProperty] {
        [
            _id, _reportID, _position, _description, _quantityText, _unit, _activityType, _place, _dates, _groupJSON, _forecast,
        ]
    }

    init() {
        groupJSON = IDList.encode([])
        forecast = false
    }

    /// Throws `StoredDataError` when the stored text is not a decimal (never read as 0).
    var quantity: Decimal { get throws { try storedDecimal(quantityText, column: "quantity", communeID: nil) } }
}

/// A next-week plan item; it feeds the weekly work schedule.
final class ReportPlanItem: Model, @unchecked Sendable {
    static let schema = "report_plan_items"
    @ID(key: .id) var id: UUID?
    @Field(key: "report_id") var reportID: UUID
    @Field(key: "commune_id") var communeID: UUID
    @Field(key: "position") var position: Int
    @Field(key: "date") var date: String
    @Field(key: "start_time") var start: String
    @Field(key: "end_time") var end: String
    @Field(key: "title") var title: String
    @OptionalField(key: "room_id") var roomID: UUID?
    @OptionalField(key: "place") var place: String?
    @OptionalField(key: "chair_id") var chairID: UUID?
    /// Participant ids as a JSON array: read with the item, never queried on their own here.
    @Field(key: "participant_ids") var participantJSON: String
    @OptionalField(key: "prepared_by") var preparedBy: String?
    /// As for work lines: the groups whose compilation carries the plan (empty: all the author's).
    @Field(key: "group_ids") var groupJSON: String

    /// Listed here so FluentKit need not find them by reflection for every row it reads.
    var properties: [any AnyProperty] {
        [
            _id, _reportID, _communeID, _position, _date, _start, _end, _title, _roomID, _place, _chairID,
            _participantJSON, _preparedBy, _groupJSON,
        ]
    }

    init() {
        groupJSON = IDList.encode([])
    }

    var participantIDs: [UUID] {
        get throws { try decodeStoredList(UUID.self, from: participantJSON, column: "participant_ids", communeID: communeID) }
    }

    func setParticipantIDs(_ ids: [UUID]) { participantJSON = IDList.encode(ids) }
}

struct CreateWeeklyReports: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(WeeklyReport.schema).id()
            .field("commune_id", .uuid, .required, .references(Commune.schema, "id"))
            .field("person_id", .uuid, .required, .references(Person.schema, "id"))
            .field("week_id", .string, .required)
            .field("week_year", .int, .required)
            .field("week_number", .int, .required)
            .field("status", .string, .required)
            .field("first_submitted_at", .datetime)
            .field("last_submitted_at", .datetime)
            .field("updated_at", .datetime, .required)
            .field("revision", .int, .required)
            .field("draft_json", .string)
            .field("draft_saved_at", .datetime)
            .unique(on: "person_id", "week_id")
            .create()
        try await db.schema(ReportFigure.schema).id()
            .field("report_id", .uuid, .required, .references(WeeklyReport.schema, "id", onDelete: .cascade))
            .field("target_id", .uuid, .required, .references(Target.schema, "id"))
            .field("week_year", .int, .required)
            .field("week_number", .int, .required)
            .field("value", .string, .required)
            .field("completed", .bool, .required)
            .field("submitted", .bool, .required)
            .unique(on: "report_id", "target_id")
            .create()
        try await db.schema(ReportWorkItem.schema).id()
            .field("report_id", .uuid, .required, .references(WeeklyReport.schema, "id", onDelete: .cascade))
            .field("position", .int, .required)
            .field("description", .string, .required)
            .field("quantity", .string, .required)
            .field("unit", .string, .required)
            .field("activity_type", .string)
            .field("place", .string)
            .field("dates", .string)
            .create()
        try await db.schema(ReportPlanItem.schema).id()
            .field("report_id", .uuid, .required, .references(WeeklyReport.schema, "id", onDelete: .cascade))
            .field("commune_id", .uuid, .required, .references(Commune.schema, "id"))
            .field("position", .int, .required)
            .field("date", .string, .required)
            .field("start_time", .string, .required)
            .field("end_time", .string, .required)
            .field("title", .string, .required)
            .field("room_id", .uuid, .references(Room.schema, "id"))
            .field("place", .string)
            .field("chair_id", .uuid, .references(Person.schema, "id"))
            .field("participant_ids", .string, .required)
            .field("prepared_by", .string)
            .create()
    }
    func revert(on db: any Database) async throws {
        try await db.schema(ReportPlanItem.schema).delete()
        try await db.schema(ReportWorkItem.schema).delete()
        try await db.schema(ReportFigure.schema).delete()
        try await db.schema(WeeklyReport.schema).delete()
    }
}

/// Lists of ids kept as a JSON array in one text column (read with their row, never queried).
/// A line of a report that goes to some of its author's groups (work done, plans).
protocol GroupedLine: Model where IDValue == UUID {
    var groupJSON: String { get set }
    /// For the error when the groups do not decode; nil where the row does not carry it.
    var lineCommuneID: UUID? { get }
}

extension GroupedLine {
    var groupIDs: [UUID] {
        get throws { try decodeStoredList(UUID.self, from: groupJSON, column: "group_ids", communeID: lineCommuneID) }
    }

    func setGroupIDs(_ ids: [UUID]) { groupJSON = IDList.encode(ids) }

    /// Whether the line belongs to `groupID`'s compilation: lines written before lines had
    /// groups belong to all of their author's groups.
    func belongs(to groupID: UUID) throws -> Bool {
        let groups = try groupIDs
        return groups.isEmpty || groups.contains(groupID)
    }
}

extension ReportWorkItem: GroupedLine {
    var lineCommuneID: UUID? { nil }
}
extension ReportPlanItem: GroupedLine {
    var lineCommuneID: UUID? { communeID }
}

/// Id lists kept as a JSON array in one text column (read with `decodeStoredList`).
enum IDList {
    static func encode(_ ids: [UUID]) -> String {
        String(decoding: (try? JSONEncoder().encode(ids)) ?? Data("[]".utf8), as: UTF8.self)
    }
}
