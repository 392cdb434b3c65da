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

    /// Every group's view of the week and what each is compared with, for the page and the
    /// document: one pass over the commune's week (`CompilationService.views`), then the week
    /// before for all groups at once (the year-to-date figures through it, and its ledger).
    static func load(user: CurrentUser, week: ReportWeek, now: Date, on db: any Database) async throws -> [(GroupWeekView, PreviousWeek)] {
        let groups = try await ReportGroup.query(on: db).filter(\.$communeID == user.communeID).filter(\.$active == true).sort(\.$sortOrder).all()
        let calendar = user.calendar
        let views = try await CompilationService.views(of: groups, week: week, calendar: calendar, now: now, on: db)
        let previous = calendar.week(containing: week.start.adding(days: -1))
        // A previous week in another year has other targets: nothing to compare.
        let targets = previous.id.year == week.id.year ? views.flatMap { $0.targets.map(\.target) } : []
        async let progressRead = TargetProgressQuery.progress(of: targets, through: previous.id, on: db)
        async let obligatedRead = LedgerService.obligated(communeID: user.communeID, groupIDs: Set(views.map(\.groupID)), on: db)
        let rows = try await LedgerService.rows(for: try await obligatedRead, weeks: [previous], calendar: calendar, now: now, on: db)
        let onTime = Set(rows.filter { $0.entry.status == .onTime }.map(\.obligated.personID))
        let progress = try await progressRead
        return views.map { view in
            var yearToDate: [UUID: Decimal] = [:]
            for line in view.targets { if let value = progress[line.target.id!]?.yearToDate { yearToDate[line.target.id!] = value } }
            return (view, PreviousWeek(yearToDate: yearToDate, onTime: view.members.filter { onTime.contains($0.personID) }.count))
        }
    }
}
