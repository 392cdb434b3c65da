import Fluent
import SQLKit
import Foundation
import GiaoBanCore
import Vapor

/// One party-cell meeting (sinh hoạt chi bộ) as the committee member in charge records it
/// (SPEC §10, letter point 3). Attendance, rubric points and the rating are stored as recorded;
/// the rating is recomputed only when the points change.
final class CellMeeting: Model, @unchecked Sendable {
    static let schema = "cell_meetings"
    @ID(key: .id) var id: UUID?
    @Field(key: "commune_id") var communeID: UUID
    @Field(key: "cell_id") var cellID: UUID
    /// `CellMeetingKind` raw value: "thuong_ky" or "bat_thuong".
    @Field(key: "kind") var kind: String
    /// "yyyy-MM-dd" and "yyyy-MM" (the month the meeting counts in, for cheap month queries).
    @Field(key: "date") var date: String
    @Field(key: "month") var month: String
    @Field(key: "start_time") var start: String
    @Field(key: "end_time") var end: String
    @Field(key: "recorded_by") var recordedBy: UUID
    @Field(key: "supervisor_attended") var supervisorAttended: Bool
    @Field(key: "summoned") var summoned: Int
    @Field(key: "present") var present: Int
    @Field(key: "absent_with_reason") var absentWithReason: Int
    @Field(key: "absent_without_reason") var absentWithoutReason: Int
    /// Names as JSON arrays of strings.
    @Field(key: "absent_with_reason_names") var absentWithReasonNamesJSON: String
    @Field(key: "absent_without_reason_names") var absentWithoutReasonNamesJSON: String
    @Field(key: "chair") var chair: String
    @Field(key: "secretary") var secretary: String
    @Field(key: "content") var content: String
    @Field(key: "conclusions") var conclusions: String
    /// Party members' thoughts, aspirations and feedback (tư tưởng, nguyện vọng, kiến nghị).
    @Field(key: "feedback") var feedback: String
    /// The rubric points as `{"criterionKey": "decimal text"}`; nil when the meeting was not rated.
    @OptionalField(key: "points_json") var pointsJSON: String?
    @OptionalField(key: "rubric_year") var rubricYear: Int?
    @OptionalField(key: "score_total") var scoreTotal: String?
    @OptionalField(key: "rating_key") var ratingKey: String?
    @OptionalField(key: "rating_title") var ratingTitle: String?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    /// Listed here so FluentKit need not find them by reflection for every row it reads.
    var properties: [any AnyProperty] {
        [
            _id, _communeID, _cellID, _kind, _date, _month, _start, _end, _recordedBy, _supervisorAttended, _summoned,
            _present, _absentWithReason, _absentWithoutReason, _absentWithReasonNamesJSON,
            _absentWithoutReasonNamesJSON, _chair, _secretary, _content, _conclusions, _feedback, _pointsJSON,
            _rubricYear, _scoreTotal, _ratingKey, _ratingTitle, _createdAt, _updatedAt,
        ]
    }

    init() {}

    var meetingKind: CellMeetingKind { CellMeetingKind(rawValue: kind) ?? .regular }
    var localDate: LocalDate? { LocalDate(iso: date) }

    var absentWithReasonNames: [String] {
        get throws { try decodeStoredList(String.self, from: absentWithReasonNamesJSON, column: "absent_with_reason_names", communeID: communeID) }
    }

    var absentWithoutReasonNames: [String] {
        get throws {
            try decodeStoredList(String.self, from: absentWithoutReasonNamesJSON, column: "absent_without_reason_names", communeID: communeID)
        }
    }

    var attendance: CellAttendance {
        get throws {
            CellAttendance(summoned: summoned, present: present, absentWithReason: absentWithReason,
                           absentWithoutReason: absentWithoutReason,
                           absentWithReasonNames: try absentWithReasonNames, absentWithoutReasonNames: try absentWithoutReasonNames)
        }
    }

    /// Nil when the meeting was not scored; throws `StoredDataError` when the JSON does not decode.
    var points: [String: Decimal]? {
        get throws {
            guard let pointsJSON else { return nil }
            return try decodeStored([String: String].self, from: pointsJSON, column: "points_json", communeID: communeID)
                .mapValues { try storedDecimal($0, column: "points_json", communeID: communeID) }
        }
    }

    /// The stored total of the score; throws `StoredDataError` when it is not a decimal.
    var storedScoreTotal: Decimal? {
        get throws { try scoreTotal.map { try storedDecimal($0, column: "score_total", communeID: communeID) } }
    }

    /// The stored score, rebuilt without the rubric (enough for the month's compilation).
    var score: RubricScore? {
        get throws {
            guard let points = try points, let year = rubricYear, let key = ratingKey,
                  let total = try storedScoreTotal else { return nil }
            return RubricScore(year: year, points: points, total: total, maxTotal: points.values.reduce(0, +),
                               rating: RatingThreshold(key: key, title: ratingTitle ?? key, minPoints: 0))
        }
    }
}

/// The month's cell report (báo cáo sinh hoạt chi bộ): the member in charge confirms the month's
/// meetings, due before the 10th of the next month. `firstSubmittedAt` is what the ledger counts.
final class CellMonthReport: Model, @unchecked Sendable {
    static let schema = "cell_month_reports"
    @ID(key: .id) var id: UUID?
    @Field(key: "commune_id") var communeID: UUID
    @Field(key: "cell_id") var cellID: UUID
    @Field(key: "month") var month: String
    @Field(key: "first_submitted_at") var firstSubmittedAt: Date
    @Field(key: "last_submitted_at") var lastSubmittedAt: Date
    @Field(key: "submitted_by") var submittedBy: UUID
    /// Remarks of the member in charge (e.g. why a cell held no regular meeting).
    @Field(key: "note") var note: String

    /// Listed here so FluentKit need not find them by reflection for every row it reads.
    var properties: [any AnyProperty] {
        [
            _id, _communeID, _cellID, _month, _firstSubmittedAt, _lastSubmittedAt, _submittedBy, _note,
        ]
    }

    init() {}
}

/// The quality-evaluation rubric a commune set for one year (`MeetingRubric` as JSON).
final class MeetingRubricRecord: Model, @unchecked Sendable {
    static let schema = "meeting_rubrics"
    @ID(key: .id) var id: UUID?
    @Field(key: "commune_id") var communeID: UUID
    @Field(key: "year") var year: Int
    @Field(key: "rubric_json") var rubricJSON: String
    @Field(key: "updated_at") var updatedAt: Date
    @Field(key: "updated_by") var updatedBy: UUID

    /// Listed here so FluentKit need not find them by reflection for every row it reads.
    var properties: [any AnyProperty] { [_id, _communeID, _year, _rubricJSON, _updatedAt, _updatedBy] }

    init() {}

    var rubric: MeetingRubric {
        get throws { try decodeStored(MeetingRubric.self, from: rubricJSON, column: "rubric_json", communeID: communeID) }
    }
}

/// A committee member's rotation plan for a year (`[CellRotation.Visit]` as JSON, cell keys being
/// cell ids).
final class CellRotationPlan: Model, @unchecked Sendable {
    static let schema = "cell_rotation_plans"
    @ID(key: .id) var id: UUID?
    @Field(key: "commune_id") var communeID: UUID
    @Field(key: "person_id") var personID: UUID
    @Field(key: "year") var year: Int
    @Field(key: "visits_json") var visitsJSON: String
    @Field(key: "updated_at") var updatedAt: Date
    @Field(key: "updated_by") var updatedBy: UUID

    /// Listed here so FluentKit need not find them by reflection for every row it reads.
    var properties: [any AnyProperty] { [_id, _communeID, _personID, _year, _visitsJSON, _updatedAt, _updatedBy] }

    init() {}

    var visits: [CellRotation.Visit] {
        get throws { try decodeStoredList(CellRotation.Visit.self, from: visitsJSON, column: "visits_json", communeID: communeID) }
    }
}

/// Lists of names kept as a JSON array in one text column (read with `decodeStoredList`).
enum StringList {
    static func encode(_ items: [String]) -> String {
        String(decoding: (try? JSONEncoder().encode(items)) ?? Data("[]".utf8), as: UTF8.self)
    }
}

struct CreatePartyCellRecords: AsyncMigration {
    func prepare(on db: any Database) async throws {
        // SQLite adds one column per ALTER TABLE.
        try await db.schema(PartyCell.schema).field("meeting_rule_json", .string).update()
        try await db.schema(CellMeeting.schema).id()
            .field("commune_id", .uuid, .required, .references(Commune.schema, "id"))
            .field("cell_id", .uuid, .required, .references(PartyCell.schema, "id"))
            .field("kind", .string, .required)
            .field("date", .string, .required)
            .field("month", .string, .required)
            .field("start_time", .string, .required)
            .field("end_time", .string, .required)
            .field("recorded_by", .uuid, .required, .references(Person.schema, "id"))
            .field("supervisor_attended", .bool, .required)
            .field("summoned", .int, .required)
            .field("present", .int, .required)
            .field("absent_with_reason", .int, .required)
            .field("absent_without_reason", .int, .required)
            .field("absent_with_reason_names", .string, .required)
            .field("absent_without_reason_names", .string, .required)
            .field("chair", .string, .required)
            .field("secretary", .string, .required)
            .field("content", .string, .required)
            .field("conclusions", .string, .required)
            .field("feedback", .string, .required)
            .field("points_json", .string)
            .field("rubric_year", .int)
            .field("score_total", .string)
            .field("rating_key", .string)
            .field("rating_title", .string)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()
        try await db.schema(CellMonthReport.schema).id()
            .field("commune_id", .uuid, .required, .references(Commune.schema, "id"))
            .field("cell_id", .uuid, .required, .references(PartyCell.schema, "id"))
            .field("month", .string, .required)
            .field("first_submitted_at", .datetime, .required)
            .field("last_submitted_at", .datetime, .required)
            .field("submitted_by", .uuid, .required, .references(Person.schema, "id"))
            .field("note", .string, .required)
            .unique(on: "cell_id", "month")
            .create()
        try await db.schema(MeetingRubricRecord.schema).id()
            .field("commune_id", .uuid, .required, .references(Commune.schema, "id"))
            .field("year", .int, .required)
            .field("rubric_json", .string, .required)
            .field("updated_at", .datetime, .required)
            .field("updated_by", .uuid, .required)
            .unique(on: "commune_id", "year")
            .create()
        try await db.schema(CellRotationPlan.schema).id()
            .field("commune_id", .uuid, .required, .references(Commune.schema, "id"))
            .field("person_id", .uuid, .required, .references(Person.schema, "id"))
            .field("year", .int, .required)
            .field("visits_json", .string, .required)
            .field("updated_at", .datetime, .required)
            .field("updated_by", .uuid, .required)
            .unique(on: "person_id", "year")
            .create()
        if let sql = db as? any SQLDatabase {
            try await sql.raw("CREATE INDEX IF NOT EXISTS idx_cell_meetings_cell_month ON cell_meetings (cell_id, month)").run()
        }
    }

    func revert(on db: any Database) async throws {
        try await db.schema(CellRotationPlan.schema).delete()
        try await db.schema(MeetingRubricRecord.schema).delete()
        try await db.schema(CellMonthReport.schema).delete()
        try await db.schema(CellMeeting.schema).delete()
        try await db.schema(PartyCell.schema).deleteField("meeting_rule_json").update()
    }
}
