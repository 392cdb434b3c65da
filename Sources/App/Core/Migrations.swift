import Fluent
import SQLKit
import Vapor

/// Every migration, in the order it must run. Each is small, named for what it does, revertible,
/// and uses only Fluent schema types so that it runs on SQLite and PostgreSQL alike.
enum AppMigrations {
    static let all: [any AsyncMigration] = [
        CreateCommunes(),
        CreateUnits(),
        CreatePeople(),
        CreatePersonUnits(),
        CreateReportGroups(),
        CreateGroupMemberships(),
        CreateRooms(),
        CreatePartyCells(),
        CreateCellSupervisors(),
        CreateUserSessions(),
        CreateAPITokens(),
        CreateLoginAttempts(),
        CreateBriefingMoves(),
        CreateTargets(),
        CreateActivityTypes(),
        CreateWeeklyReports(),
        CreateAuditEntries(),
        CreateLeaves(),
        UpdatePeopleAddJoinedOn(),
        CreateIndexes(),
        CreateGroupWeeks(),
        CreateNotifications(),
        UpdateWeeklyReportsAddReturn(),
        CreateSchedule(),
        CreateCalendarFeeds(),
        UpdateRoomsAddKindAndHours(),
        CreatePartyCellRecords(),
        CreateMonthlyReports(),
        CreateOutbox(),
        UpdateCommunesAddRegion(),
        CreateCoveringIndexes(),
        CreateCommuneVersions(),
        CreatePersonVersions(),
        UpdateForLedgerRegime(),
        CreateTargetWeekFigures(),
        UpdatePeopleAddMustChangePassword(),
        UpdateCommunesAddLetterhead(),
        UpdateReportGroupsAddIssuingBody(),
        CreateLoginSlips(),
        CreateBriefingConclusions(),
        UpdateMonthlyReportsAddPerson(),
        DropDataVersions(),
        CreateReadPathIndexes(),
        AddRunningYearToDate(),
    ]
}

/// Indexes that hold every column the hot reads select (year-to-date figures, the ledger's first
/// submissions), so those reads never touch the tables themselves.
struct CreateCoveringIndexes: IndexMigration {
    static let indexes: [IndexSpec] = [
        ("idx_report_figures_progress", ReportFigure.schema, "target_id, week_year, week_number, submitted, completed, value"),
        ("idx_weekly_reports_person_week_first", WeeklyReport.schema, "person_id, week_id, first_submitted_at"),
    ]
}

/// Indexes for reads that scanned a whole table, found by `Benchmarks/query-plans.py` on a
/// province of 150 communes (issue 20): a group's targets (every group week, report form and
/// briefing: 6,000 rows scanned for 10), a unit's people (the schedule, 8,850 rows, 3.7 ms), the
/// groups a person approves (the signed-in context, on every request), a person's tokens and
/// feeds (the access page), and tables empty in the
/// generated data that a real commune fills week after week (schedule items, leaves, calendar
/// feeds, sign-in attempts by address).
struct CreateReadPathIndexes: IndexMigration {
    static let indexes: [IndexSpec] = [
        ("idx_targets_group_year", Target.schema, "group_id, year"),
        ("idx_person_units_unit", PersonUnit.schema, "unit_id"),
        ("idx_report_groups_approver", ReportGroup.schema, "approver_id"),
        ("idx_cell_supervisors_person", CellSupervisor.schema, "person_id"),
        ("idx_schedule_items_commune_week", ScheduleEntry.schema, "commune_id, week_id"),
        ("idx_schedule_items_commune_date", ScheduleEntry.schema, "commune_id, date"),
        ("idx_leaves_commune_from", LeaveRecord.schema, "commune_id, from_date"),
        ("idx_calendar_feeds_person_commune", CalendarFeed.schema, "person_id, commune_id"),
        ("idx_api_tokens_person", APIToken.schema, "person_id"),
        ("idx_login_attempts_address_at", LoginAttempt.schema, "remote_address, at"),
    ]
}

typealias IndexSpec = (name: String, table: String, columns: String)

/// A migration that only adds plain indexes (Fluent's schema builder has none): list them.
protocol IndexMigration: AsyncMigration {
    static var indexes: [IndexSpec] { get }
}

extension IndexMigration {
    func prepare(on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase else { return }
        for index in Self.indexes {
            try await sql.raw(SQLQueryString("CREATE INDEX IF NOT EXISTS \(unsafeRaw: index.name) ON \(unsafeRaw: index.table) (\(unsafeRaw: index.columns))")).run()
        }
    }

    func revert(on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase else { return }
        for index in Self.indexes {
            try await sql.raw(SQLQueryString("DROP INDEX IF EXISTS \(unsafeRaw: index.name)")).run()
        }
    }
}

struct UpdateCommunesAddRegion: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(Commune.schema).field("region_id", .uuid).update()
        if let sql = db as? any SQLDatabase {
            try await sql.raw("CREATE INDEX IF NOT EXISTS idx_communes_region ON communes (region_id)").run()
        }
    }
    func revert(on db: any Database) async throws {
        if let sql = db as? any SQLDatabase { try await sql.raw("DROP INDEX IF EXISTS idx_communes_region").run() }
        try await db.schema(Commune.schema).deleteField("region_id").update()
    }
}

struct CreateCommunes: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(Commune.schema).id()
            .field("name", .string, .required)
            .field("calendar_json", .string, .required)
            .field("created_at", .datetime)
            .create()
    }
    func revert(on db: any Database) async throws { try await db.schema(Commune.schema).delete() }
}

struct CreateUnits: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(OrgUnit.schema).id()
            .field("commune_id", .uuid, .required, .references(Commune.schema, "id"))
            .field("name", .string, .required)
            .field("kind", .string, .required)
            .field("active", .bool, .required)
            .unique(on: "commune_id", "name")
            .create()
    }
    func revert(on db: any Database) async throws { try await db.schema(OrgUnit.schema).delete() }
}

struct CreatePeople: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(Person.schema).id()
            .field("commune_id", .uuid, .required, .references(Commune.schema, "id"))
            .field("full_name", .string, .required)
            .field("folded_name", .string, .required)
            .field("username", .string, .required)
            .field("password_hash", .string, .required)
            .field("roles", .string, .required)
            .field("position", .string)
            .field("active", .bool, .required)
            .field("created_at", .datetime)
            .unique(on: "username")
            .create()
    }
    func revert(on db: any Database) async throws { try await db.schema(Person.schema).delete() }
}

struct CreatePersonUnits: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(PersonUnit.schema).id()
            .field("person_id", .uuid, .required, .references(Person.schema, "id", onDelete: .cascade))
            .field("unit_id", .uuid, .required, .references(OrgUnit.schema, "id", onDelete: .cascade))
            .unique(on: "person_id", "unit_id")
            .create()
    }
    func revert(on db: any Database) async throws { try await db.schema(PersonUnit.schema).delete() }
}

struct CreateReportGroups: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(ReportGroup.schema).id()
            .field("commune_id", .uuid, .required, .references(Commune.schema, "id"))
            .field("name", .string, .required)
            .field("approver_id", .uuid, .references(Person.schema, "id"))
            .field("active", .bool, .required)
            .field("position", .int, .required)
            .unique(on: "commune_id", "name")
            .create()
    }
    func revert(on db: any Database) async throws { try await db.schema(ReportGroup.schema).delete() }
}

struct CreateGroupMemberships: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(GroupMembership.schema).id()
            .field("group_id", .uuid, .required, .references(ReportGroup.schema, "id", onDelete: .cascade))
            .field("person_id", .uuid, .required, .references(Person.schema, "id", onDelete: .cascade))
            .field("kind", .string, .required)
            .unique(on: "group_id", "person_id", "kind")
            .create()
    }
    func revert(on db: any Database) async throws { try await db.schema(GroupMembership.schema).delete() }
}

struct CreateRooms: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(Room.schema).id()
            .field("commune_id", .uuid, .required, .references(Commune.schema, "id"))
            .field("name", .string, .required)
            .field("capacity", .int, .required)
            .field("active", .bool, .required)
            .unique(on: "commune_id", "name")
            .create()
    }
    func revert(on db: any Database) async throws { try await db.schema(Room.schema).delete() }
}

struct CreatePartyCells: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(PartyCell.schema).id()
            .field("commune_id", .uuid, .required, .references(Commune.schema, "id"))
            .field("name", .string, .required)
            .field("active", .bool, .required)
            .unique(on: "commune_id", "name")
            .create()
    }
    func revert(on db: any Database) async throws { try await db.schema(PartyCell.schema).delete() }
}

struct CreateCellSupervisors: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(CellSupervisor.schema).id()
            .field("cell_id", .uuid, .required, .references(PartyCell.schema, "id", onDelete: .cascade))
            .field("person_id", .uuid, .required, .references(Person.schema, "id", onDelete: .cascade))
            .unique(on: "cell_id", "person_id")
            .create()
    }
    func revert(on db: any Database) async throws { try await db.schema(CellSupervisor.schema).delete() }
}

struct CreateUserSessions: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(UserSession.schema).id()
            .field("token_hash", .string, .required)
            .field("person_id", .uuid, .required, .references(Person.schema, "id", onDelete: .cascade))
            .field("csrf_token", .string, .required)
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .unique(on: "token_hash")
            .create()
    }
    func revert(on db: any Database) async throws { try await db.schema(UserSession.schema).delete() }
}

struct CreateAPITokens: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(APIToken.schema).id()
            .field("token_hash", .string, .required)
            .field("person_id", .uuid, .required, .references(Person.schema, "id", onDelete: .cascade))
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .unique(on: "token_hash")
            .create()
    }
    func revert(on db: any Database) async throws { try await db.schema(APIToken.schema).delete() }
}

struct CreateLoginAttempts: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(LoginAttempt.schema).id()
            .field("username", .string, .required)
            .field("succeeded", .bool, .required)
            .field("at", .datetime, .required)
            .field("remote_address", .string)
            .create()
    }
    func revert(on db: any Database) async throws { try await db.schema(LoginAttempt.schema).delete() }
}

struct CreateBriefingMoves: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(BriefingMoveRecord.schema).id()
            .field("commune_id", .uuid, .required, .references(Commune.schema, "id"))
            .field("week_id", .string, .required)
            .field("slot_key", .string, .required)
            .field("date", .string, .required)
            .field("start_time", .string, .required)
            .field("end_time", .string, .required)
            .field("reason", .string, .required)
            .field("moved_by", .uuid, .required)
            .field("moved_at", .datetime, .required)
            .unique(on: "commune_id", "week_id", "slot_key")
            .create()
    }
    func revert(on db: any Database) async throws { try await db.schema(BriefingMoveRecord.schema).delete() }
}

/// Indexes for the queries every page runs (Fluent's schema builder has no plain index).
struct CreateIndexes: IndexMigration {
    static let indexes: [IndexSpec] = [
        ("idx_login_attempts_username_at", LoginAttempt.schema, "username, at"),
        ("idx_people_commune", Person.schema, "commune_id"),
        ("idx_group_memberships_person", GroupMembership.schema, "person_id"),
        ("idx_weekly_reports_commune_week", WeeklyReport.schema, "commune_id, week_id"),
        ("idx_report_figures_target_year", ReportFigure.schema, "target_id, week_year, week_number"),
        ("idx_report_work_items_report", ReportWorkItem.schema, "report_id"),
        ("idx_report_plan_items_report", ReportPlanItem.schema, "report_id"),
        ("idx_targets_commune_year", Target.schema, "commune_id, year"),
        ("idx_audit_entries_commune_at", AuditEntry.schema, "commune_id, at"),
        ("idx_leaves_person", LeaveRecord.schema, "person_id"),
    ]
}
