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

        // Three rounds of independent reads (side by side on PostgreSQL, `PageReads`).
        let weekID = week.id
        let (reports, unitRows, groups, activityTypes, rooms, people) = try await PageReads.together(on: db,
            { try await SQLAccess.models(WeeklyReport.self,
                where: "person_id = \(bind: authorID) AND week_id IN (\(bind: weekID.description), \(bind: previousWeek.description))", on: db) },
            { try await SQLAccess.models(PersonUnit.self, where: "person_id = \(bind: authorID)", on: db) },
            { try await ReportService.authorGroups(author, on: db) },
            { try await SQLAccess.models(ActivityType.self, where: "commune_id = \(bind: communeID) AND active = \(bind: true)", on: db) },
            { try await SQLAccess.models(Room.self, where: "commune_id = \(bind: communeID) AND active = \(bind: true)", on: db) },
            { try await PersonName.all(communeID: communeID, on: db) })
        let report = reports.first { $0.weekID == weekID.description }
        let previous = reports.first { $0.weekID == previousWeek.description }
        let unitIDs = Set(unitRows.map(\.unitID))

        let showsSaved = try !typed && report?.typedDraft == nil
        let (targetList, saved, lastWeekPlans, forecasts, assignedTasks, lock) = try await PageReads.together(on: db,
            { try await ReportService.responsibleTargets(personID: authorID, communeID: communeID, unitIDs: Array(unitIDs),
                                                         year: weekID.year, on: db) },
            { showsSaved ? try await savedInput(of: report, on: db) : nil },
            { !typed && report == nil ? try await planLines(of: previous, on: db) : [] },
            { previous?.status == .submitted ? try await forecastLines(of: previous, on: db) : [] },
            { try await BriefingTaskQueries.reportBlock(personID: authorID, unitIDs: unitIDs, week: weekID, calendar: calendar, now: now, on: db) },
            { try await CompilationService.reportLock(personID: authorID, week: weekID, everSubmitted: report?.firstSubmittedAt != nil,
                                                      returned: report?.returnedAt != nil, on: db) })

        let targetIDs = targetList.compactMap(\.id)
        let (progress, currentFigures, entries) = try await PageReads.together(on: db,
            { try await TargetProgressQuery.progress(of: targetList, through: ReportWeekID(year: weekID.year, week: weekID.week - 1), on: db) },
            { try await TargetFigures.current(targetIDs: targetIDs, week: weekID, on: db) },
            { try await enteredBy(targetIDs: targetIDs, year: weekID.year, on: db) })

        return ReportFormReads(
            report: report, previous: previous, saved: saved, targets: targetList, progress: progress,
            currentFigures: currentFigures, entries: entries, groups: groups,
            activityTypes: activityTypes.sortedVietnamese(by: \.name), rooms: rooms.sortedVietnamese(by: \.name),
            people: people, lastWeekPlans: lastWeekPlans, forecasts: forecasts,
            assignedTasks: assignedTasks, lock: lock)
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
