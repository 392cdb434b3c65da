import Fluent
import Foundation
import GiaoBanCore

/// The data of a briefing week, loaded once for the briefing page and for its printed pack
/// (`GroupDocuments.briefingPack`): every group's view of the week and what each is compared with.
enum BriefingWeek {
    typealias PreviousWeek = GroupWeekView.WeekBefore

    /// Every group's view of the week and what each is compared with, for the page and the
    /// document: one pass over the commune's week and the week before (`CompilationService.views`).
    static func load(user: CurrentUser, week: ReportWeek, now: Date, on db: any Database) async throws -> [(GroupWeekView, PreviousWeek)] {
        let groups = try await LedgerService.activeGroups(communeID: user.communeID, groupIDs: nil, on: db)
        let calendar = user.calendar
        let previous = calendar.week(containing: week.start.adding(days: -1))
        return try await CompilationService.views(of: groups, week: week, calendar: calendar, now: now, comparingWith: previous, on: db)
            .map { ($0, $0.weekBefore ?? PreviousWeek(yearToDate: [:], onTime: 0)) }
    }
}
