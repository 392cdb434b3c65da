import Fluent
import Foundation
import GiaoBanCore

/// The data of a briefing week, loaded once for the briefing page and for its printed pack
/// (`GroupDocuments.briefingPack`): every group's view of the week and what each is compared with.
enum BriefingWeek {
    /// What the briefing compares with: each target's year-to-date figure and the on-time count
    /// of the week before (a previous week in another year has other targets: nothing to compare).
    struct PreviousWeek: Sendable {
        var yearToDate: [UUID: Decimal]
        var onTime: Int
    }

    /// Every group's view of the week, for the page and the document.
    static func load(user: CurrentUser, week: ReportWeek, now: Date, on db: any Database) async throws -> [GroupWeekView] {
        let groups = try await ReportGroup.query(on: db).filter(\.$communeID == user.communeID).filter(\.$active == true).sort(\.$sortOrder).all()
        let calendar = user.calendar
        return try await groups.concurrentMap { group in
            try await CompilationService.view(group: group, week: week, calendar: calendar, now: now, on: db)
        }
    }

    /// The week before, only as far as the page compares: far cheaper than a second group view.
    static func previousWeek(of view: GroupWeekView, calendar: CommuneCalendar, now: Date, on db: any Database) async throws -> PreviousWeek {
        let previous = calendar.week(containing: view.week.start.adding(days: -1))
        var yearToDate: [UUID: Decimal] = [:]
        if previous.id.year == view.week.id.year {
            let progress = try await TargetProgressQuery.progress(of: view.targets.map(\.target), through: previous.id, on: db)
            for (id, line) in progress { if let value = line.yearToDate { yearToDate[id] = value } }
        }
        let obligated = try await LedgerService.obligated(communeID: view.group.communeID, groupIDs: [view.groupID], on: db)
        let rows = try await LedgerService.rows(for: obligated, weeks: [previous], calendar: calendar, now: now, on: db)
        return PreviousWeek(yearToDate: yearToDate, onTime: rows.filter { $0.entry.status == .onTime }.count)
    }
}
