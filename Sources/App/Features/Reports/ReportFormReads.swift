import Fluent
import Foundation
import GiaoBanCore
import SQLKit

/// Everything the weekly report form shows that comes from the database, read in three rounds of
/// statements run side by side (each round needs the one before: the reports, then what hangs on
/// them and on the targets). Plain columns through SQL where the form needs only a name or a pair.
struct ReportFormReads: Sendable {
    var report: WeeklyReport?
    var previous: WeeklyReport?
    /// What the saved report holds (read only when the form shows it: nothing typed and no draft).
    var saved: WeeklyReportInput?
    var targets: [Target]
    var progress: [UUID: TargetProgress]
    var currentFigures: [UUID: TargetWeekFigure]
    /// Who has entered a figure of which target this year (`ReportTargetSplit`).
    var entries: [ReportTargetSplit.Entry]
    var groups: [ReportGroup]
    var activityTypes: [ActivityType]
    var rooms: [Room]
    /// The commune's people, active or not, in Vietnamese order.
    var people: [PersonName]
    /// Last week's plan lines (read only to be offered as the work of a week with no report yet).
    var lastWeekPlans: [ReportPlanItem]
    /// Last week's forecast lines, once last week's report was submitted.
    var forecasts: [ReportWorkItem]
    var assignedTasks: AssignedTasksBlock
    var lock: CompilationService.ReportLockInfo?

    var names: [UUID: String] { Dictionary(people.map { ($0.id, $0.fullName) }, uniquingKeysWith: { first, _ in first }) }

    /// `typed`: the form shows what was just typed, so neither the saved report nor last week's
    /// plan is read.
    static func load(author: Person, week: ReportWeek, previousWeek: ReportWeekID, typed: Bool,
                     calendar: CommuneCalendar, now: Date, on db: any Database) async throws -> ReportFormReads {
        let authorID = try author.requireID()
        let communeID = author.communeID

        async let reportRows = SQLAccess.models(WeeklyReport.self,
            where: "person_id = \(bind: authorID) AND week_id IN (\(bind: week.id.description), \(bind: previousWeek.description))", on: db)
        async let unitRows = SQLAccess.models(PersonUnit.self, where: "person_id = \(bind: authorID)", on: db)
        async let groups = ReportService.authorGroups(author, on: db)
        async let activityTypes = SQLAccess.models(ActivityType.self, where: "commune_id = \(bind: communeID) AND active = \(bind: true)", on: db)
        async let rooms = SQLAccess.models(Room.self, where: "commune_id = \(bind: communeID) AND active = \(bind: true)", on: db)
        async let people = PersonName.all(communeID: communeID, on: db)
        let reports = try await reportRows
        let report = reports.first { $0.weekID == week.id.description }
        let previous = reports.first { $0.weekID == previousWeek.description }
        let unitIDs = Set(try await unitRows.map(\.unitID))

        async let targets = ReportService.responsibleTargets(personID: authorID, communeID: communeID, unitIDs: Array(unitIDs),
                                                             year: week.id.year, on: db)
        let showsSaved = try !typed && report?.typedDraft == nil
        async let saved = showsSaved ? savedInput(of: report, on: db) : nil
        async let lastWeekPlans = !typed && report == nil ? planLines(of: previous, on: db) : []
        async let forecasts = previous?.status == .submitted ? forecastLines(of: previous, on: db) : []
        async let assignedTasks = BriefingTaskQueries.reportBlock(personID: authorID, unitIDs: unitIDs, week: week.id,
                                                                  calendar: calendar, now: now, on: db)
        async let lock = CompilationService.reportLock(personID: authorID, week: week.id, everSubmitted: report?.firstSubmittedAt != nil,
                                                       returned: report?.returnedAt != nil, on: db)

        let targetList = try await targets
        let targetIDs = targetList.compactMap(\.id)
        async let progress = TargetProgressQuery.progress(of: targetList, through: ReportWeekID(year: week.id.year, week: week.id.week - 1), on: db)
        async let currentFigures = TargetFigures.current(targetIDs: targetIDs, week: week.id, on: db)
        async let entries = enteredBy(targetIDs: targetIDs, year: week.id.year, on: db)

        return ReportFormReads(
            report: report, previous: previous, saved: try await saved, targets: targetList, progress: try await progress,
            currentFigures: try await currentFigures, entries: try await entries, groups: try await groups,
            activityTypes: try await activityTypes.sortedVietnamese(by: \.name), rooms: try await rooms.sortedVietnamese(by: \.name),
            people: try await people, lastWeekPlans: try await lastWeekPlans, forecasts: try await forecasts,
            assignedTasks: try await assignedTasks, lock: try await lock)
    }

    static func savedInput(of report: WeeklyReport?, on db: any Database) async throws -> WeeklyReportInput? {
        guard let report else { return nil }
        return try await ReportService.content(of: report, on: db).input
    }

    static func planLines(of report: WeeklyReport?, on db: any Database) async throws -> [ReportPlanItem] {
        guard let report else { return [] }
        return try await SQLAccess.models(ReportPlanItem.self, where: "report_id = \(bind: try report.requireID())",
                                          orderBy: [\ReportPlanItem.$position], on: db)
    }

    static func forecastLines(of report: WeeklyReport?, on db: any Database) async throws -> [ReportWorkItem] {
        guard let report else { return [] }
        return try await SQLAccess.models(ReportWorkItem.self, where: "report_id = \(bind: try report.requireID()) AND forecast = \(bind: true)",
                                          orderBy: [\ReportWorkItem.$position], on: db)
    }

    /// Who has entered a figure of which of these targets in the year: one entry per week's
    /// figure (the split counts them), read as counted pairs.
    static func enteredBy(targetIDs: [UUID], year: Int, on db: any Database) async throws -> [ReportTargetSplit.Entry] {
        guard !targetIDs.isEmpty else { return [] }
        let rows = try await SQLAccess.sql(db).select().column("target_id").column("entered_by")
            .column(SQLFunction("COUNT", args: SQLLiteral.all), as: "figures")
            .from(TargetWeekFigure.schema).where("week_year", .equal, year).where("target_id", .in, targetIDs)
            .groupBy("target_id").groupBy("entered_by").all()
        return try rows.flatMap { row -> [ReportTargetSplit.Entry] in
            guard let target = try SQLAccess.id(row, "target_id"), let enterer = try SQLAccess.id(row, "entered_by") else { return [] }
            return Array(repeating: ReportTargetSplit.Entry(targetID: target, enteredBy: enterer),
                         count: try row.decode(column: "figures", as: Int.self))
        }
    }
}
