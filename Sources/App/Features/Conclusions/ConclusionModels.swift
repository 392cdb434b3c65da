import Fluent
import Foundation
import GiaoBanCore
import SQLKit
import Vapor

/// What a week's briefing concluded (kết luận giao ban): one row per commune and report week.
final class BriefingConclusion: Model, @unchecked Sendable {
    static let schema = "briefing_conclusions"
    @ID(key: .id) var id: UUID?
    @Field(key: "commune_id") var communeID: UUID
    /// "2021-W33": the report week whose briefing this is.
    @Field(key: "week_id") var weekID: String
    /// The meeting slot it was recorded for ("general", "committeeBloc", "partyBloc"); nil: the
    /// week's first briefing. The party bloc's conclusions are issued by the Party Committee.
    @OptionalField(key: "meeting_key") var meetingKey: String?
    @Field(key: "text") var text: String
    @Field(key: "recorded_by") var recordedBy: UUID
    @Field(key: "recorded_at") var recordedAt: Date
    @Field(key: "updated_by") var updatedBy: UUID
    @Field(key: "updated_at") var updatedAt: Date

    /// Listed here so FluentKit need not find them by reflection for every row it reads.
    var properties: [any AnyProperty] {
        [_id, _communeID, _weekID, _meetingKey, _text, _recordedBy, _recordedAt, _updatedBy, _updatedAt]
    }

    init() {}

    init(communeID: UUID, week: ReportWeekID, meetingKey: String?, text: String, by personID: UUID, at now: Date) {
        self.communeID = communeID
        self.weekID = week.description
        self.meetingKey = meetingKey
        self.text = text
        self.recordedBy = personID
        self.recordedAt = now
        self.updatedBy = personID
        self.updatedAt = now
    }
}

/// A task a briefing assigned: to one person or one unit, with a due day; its assignee reports
/// its state and what was done.
final class BriefingTask: Model, @unchecked Sendable {
    static let schema = "briefing_tasks"
    @ID(key: .id) var id: UUID?
    @Field(key: "commune_id") var communeID: UUID
    @Field(key: "conclusion_id") var conclusionID: UUID
    /// The week of the briefing that assigned it (copied from the conclusions, for the queries).
    @Field(key: "week_id") var weekID: String
    @Field(key: "position") var position: Int
    @Field(key: "content") var content: String
    @OptionalField(key: "assignee_person_id") var assigneePersonID: UUID?
    @OptionalField(key: "assignee_unit_id") var assigneeUnitID: UUID?
    /// `yyyy-MM-dd`.
    @Field(key: "due_on") var dueOn: String
    @Field(key: "state") var stateCode: String
    @Field(key: "report") var report: String
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "updated_by") var updatedBy: UUID?
    @OptionalField(key: "updated_at") var updatedAt: Date?

    /// Listed here so FluentKit need not find them by reflection for every row it reads.
    var properties: [any AnyProperty] {
        [_id, _communeID, _conclusionID, _weekID, _position, _content, _assigneePersonID, _assigneeUnitID, _dueOn, _stateCode,
         _report, _createdAt, _updatedBy, _updatedAt]
    }

    init() {}

    init(id: UUID? = nil, communeID: UUID, conclusionID: UUID, week: ReportWeekID, position: Int, content: String,
         assignee: BriefingTaskAssignee, dueOn: LocalDate, createdAt: Date) {
        self.id = id
        self.communeID = communeID
        self.conclusionID = conclusionID
        self.weekID = week.description
        self.position = position
        self.content = content
        self.assignee = assignee
        self.dueOn = dueOn.iso
        self.stateCode = BriefingTaskState.open.rawValue
        self.report = ""
        self.createdAt = createdAt
    }

    var state: BriefingTaskState {
        get { BriefingTaskState(rawValue: stateCode) ?? .open }
        set { stateCode = newValue.rawValue }
    }

    var assignee: BriefingTaskAssignee {
        get {
            if let unit = assigneeUnitID { return .unit(unit) }
            return .person(assigneePersonID ?? UUID())
        }
        set {
            assigneePersonID = newValue.personID
            assigneeUnitID = newValue.unitID
        }
    }

    var due: LocalDate? { LocalDate(iso: dueOn) }

    var facts: BriefingTaskFacts? {
        guard let id, let week = ReportWeekID(weekID), let due else { return nil }
        return BriefingTaskFacts(id: id, briefingWeek: week, assignee: assignee, dueOn: due, state: state, position: position)
    }
}

struct CreateBriefingConclusions: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(BriefingConclusion.schema).id()
            .field("commune_id", .uuid, .required, .references(Commune.schema, "id"))
            .field("week_id", .string, .required)
            .field("meeting_key", .string)
            .field("text", .string, .required)
            .field("recorded_by", .uuid, .required, .references(Person.schema, "id"))
            .field("recorded_at", .datetime, .required)
            .field("updated_by", .uuid, .required, .references(Person.schema, "id"))
            .field("updated_at", .datetime, .required)
            .unique(on: "commune_id", "week_id")
            .create()
        try await db.schema(BriefingTask.schema).id()
            .field("commune_id", .uuid, .required, .references(Commune.schema, "id"))
            .field("conclusion_id", .uuid, .required, .references(BriefingConclusion.schema, "id", onDelete: .cascade))
            .field("week_id", .string, .required)
            .field("position", .int, .required)
            .field("content", .string, .required)
            .field("assignee_person_id", .uuid, .references(Person.schema, "id"))
            .field("assignee_unit_id", .uuid, .references(OrgUnit.schema, "id"))
            .field("due_on", .string, .required)
            .field("state", .string, .required)
            .field("report", .string, .required)
            .field("created_at", .datetime, .required)
            .field("updated_by", .uuid, .references(Person.schema, "id"))
            .field("updated_at", .datetime)
            .create()
        if let sql = db as? any SQLDatabase {
            // The assignee's open tasks, and a commune's tasks by briefing week.
            try await sql.raw("CREATE INDEX IF NOT EXISTS idx_briefing_tasks_person ON briefing_tasks (assignee_person_id, state)").run()
            try await sql.raw("CREATE INDEX IF NOT EXISTS idx_briefing_tasks_unit ON briefing_tasks (assignee_unit_id, state)").run()
            try await sql.raw("CREATE INDEX IF NOT EXISTS idx_briefing_tasks_commune_week ON briefing_tasks (commune_id, week_id)").run()
        }
    }

    func revert(on db: any Database) async throws {
        if let sql = db as? any SQLDatabase {
            for index in ["idx_briefing_tasks_person", "idx_briefing_tasks_unit", "idx_briefing_tasks_commune_week"] {
                try await sql.raw(SQLQueryString("DROP INDEX IF EXISTS \(unsafeRaw: index)")).run()
            }
        }
        try await db.schema(BriefingTask.schema).delete()
        try await db.schema(BriefingConclusion.schema).delete()
    }
}
