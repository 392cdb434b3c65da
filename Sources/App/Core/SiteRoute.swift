import Foundation
import GiaoBanCore
import Vapor

/// Every address of the site that the app links, posts or redirects to, one case per page (or
/// page family) and per form target, with typed parameters. Links, form targets, redirects and
/// the URLs stored with notifications are built from it, and every route is registered from
/// `Pattern` (pages) or `APIRoute` (the JSON API), the same component lists the links are filled
/// from, so an address and its route cannot drift apart. (After SwiftPackageIndex-Server's
/// `SiteURL`.)
///
/// The addresses are a public contract (bookmarks, stored notification URLs, documents): a case
/// produces exactly the path the app produced before it existed.
enum SiteRoute: Hashable, Sendable {
    // Accounts.
    case home
    /// The sign-in page; `next` is where to go afterwards (checked again by `LocalRedirect` there).
    case login(next: String? = nil)
    case logout
    case accountPassword
    case accountChannels
    case accountAccess
    /// Revokes one of the person's API tokens.
    case accountTokenRevoke(UUID)
    /// Revokes the person's calendar feed address.
    case accountCalendarRevoke
    case notifications
    /// Marks every notification read.
    case notificationsRead
    case search

    // Weeks and weekly reports. The `current…` cases name the week containing today, which the
    // page resolves itself (the menu links to them; they stay valid across weeks).
    case currentWeek
    case week(ReportWeekID)
    /// Moves the week's briefing (form target).
    case weekMove(ReportWeekID)
    /// Puts the week's briefing back on its usual day (form target).
    case weekRestore(ReportWeekID)
    case currentReport
    /// A weekly report; `personID` when written on someone else's behalf.
    case report(week: ReportWeekID, personID: UUID? = nil)
    /// The report form's background save.
    case reportAutosave(week: ReportWeekID, personID: UUID? = nil)
    /// Confirms that line `index` of the week's forecast was done as written.
    case reportForecastConfirm(week: ReportWeekID, index: Int, personID: UUID? = nil)
    /// The quantity a work line's text suggests (read by the report form's script).
    case reportProposal

    // Ledgers.
    case currentLedgerWeek
    /// A week's ledger; `byStatus` sorts it by status instead of by name.
    case ledgerWeek(ReportWeekID, byStatus: Bool = false)
    case ledgerWeekExport(ReportWeekID, byStatus: Bool = false)
    case ledgerPerson(UUID, year: Int? = nil)
    case ledgerSummary(year: Int? = nil)
    case ledgerMonthly(year: Int? = nil)
    case ledgerLeaves
    case ledgerLeaveDelete(UUID)
    case ledgerSummaryExport(year: Int, month: Int? = nil)

    // Group weeks (compilation).
    case groups
    case groupWeek(groupID: UUID, week: ReportWeekID)
    /// One of the group week's forms (submit, approve, return…).
    case groupWeekAction(groupID: UUID, week: ReportWeekID, GroupWeekForm)
    case groupWeekDocument(groupID: UUID, week: ReportWeekID)
    case memberReport(groupID: UUID, week: ReportWeekID, personID: UUID)
    /// The JSON of a member's report, linked from its page.
    case memberReportAPI(groupID: UUID, week: ReportWeekID, personID: UUID)

    // Briefing, dashboard, schedule, calendar.
    case dashboard
    case currentBriefing
    case briefing(ReportWeekID)
    case briefingPack(ReportWeekID)
    /// The briefing's conclusions (form target).
    case briefingConclusions(ReportWeekID)
    case briefingConclusionsDocument(ReportWeekID)
    case briefingTasks(all: Bool = false)
    case currentSchedule
    case schedule(ReportWeekID)
    /// A new schedule item (form target).
    case scheduleItems(ReportWeekID)
    case scheduleItem(week: ReportWeekID, itemID: UUID)
    case scheduleItemDelete(week: ReportWeekID, itemID: UUID)
    case schedulePublish(ReportWeekID)
    case scheduleDocument(ReportWeekID)
    /// One room's bookings in a week.
    case roomWeek(roomID: UUID, week: ReportWeekID)
    case calendarFeeds
    /// A calendar feed (read by calendar apps): the token in its name is the key.
    case calendarFeed(token: String)
    /// A new address for the person's own feed (form target).
    case calendarRegenerate
    /// A new address for the commune's feed (form target).
    case calendarRegenerateCommune
    case daysOff(year: Int? = nil)
    /// A year's days off (form target).
    case daysOffYear(Int)

    // Party cells.
    case cells(month: ReportMonth? = nil)
    case cellMeetingNew(cellID: UUID, month: ReportMonth? = nil)
    /// A new meeting of the cell (form target).
    case cellMeetings(cellID: UUID)
    case cellMeeting(cellID: UUID, meetingID: UUID)
    case cellMeetingDelete(cellID: UUID, meetingID: UUID)
    case cellReportSubmit(cellID: UUID, month: ReportMonth)
    /// A year's rotation plan; `propose` asks for a fresh proposal instead of the saved plan.
    case cellRotation(year: Int? = nil, personID: UUID? = nil, propose: Bool = false)
    /// A year's rotation plan (form target).
    case cellRotationYear(Int)
    case cellRubric(year: Int)
    /// A year's rubric (form target).
    case cellRubricYear(Int)
    case cellReport(ReportMonth)
    case cellReportDocument(ReportMonth)

    // Monthly reports.
    case monthly(month: ReportMonth? = nil)
    case monthlyCompilation(ReportMonth)
    /// The compiled text of the month (form target).
    case monthlyCompilationText(ReportMonth)
    case monthlyDocument(ReportMonth)
    /// A unit's monthly report; `redraft` fills the form afresh from the period's weekly reports.
    case monthlyUnit(month: ReportMonth, unitID: UUID, redraft: Bool = false)
    case monthlyPerson(month: ReportMonth, personID: UUID, redraft: Bool = false)

    // Targets.
    case targets(year: Int? = nil, groupID: UUID? = nil, week: ReportWeekID? = nil)
    /// One target's row in its year's table, filtered to its group so the row is near the top.
    case targetRow(year: Int, groupID: UUID, targetID: UUID)
    case target(UUID)
    case targetActive(UUID)
    case targetNew(year: Int, groupID: UUID? = nil)
    case targetImport(year: Int? = nil)
    case targetImportConfirm
    case targetExport(year: Int, groupID: UUID?, week: ReportWeekID)

    // Rollups and audit.
    case rollups
    case audit(personID: UUID? = nil, week: String? = nil, kind: String? = nil, page: Int? = nil)

    // Administration.
    case admin(AdminSection)
    case adminNew(AdminCollection)
    case adminItem(AdminCollection, UUID)
    /// Turns an item on or off (form target).
    case adminItemActive(AdminCollection, UUID)
    /// Gives a person a new one-time password (form target).
    case adminPersonPassword(UUID)
    /// Turns in-app reminders on from the setup checklist (form target).
    case adminSetupInAppReminders
    case adminPeopleImport
    case adminPeopleImportConfirm

    /// A login-slips document: the token in its name is the key (no session needed).
    case loginSlips(token: String)

    /// The sections under `/admin`; the raw value is the path segment.
    enum AdminSection: String, Hashable, Sendable, CaseIterable {
        case setup, units, people, groups, rooms, cells, settings, integrations
    }

    /// The sections whose items have a page of their own (`/admin/{section}/{id}`); the same five
    /// collections are the API's organisation resources.
    enum AdminCollection: String, Hashable, Sendable, CaseIterable {
        case units, people, groups, rooms, cells

        var section: AdminSection { AdminSection(rawValue: rawValue)! }
    }

    /// The forms of a group week's page; the raw value is the last path segment (`:action`).
    enum GroupWeekForm: String, Hashable, Sendable, CaseIterable {
        case remind, submit, approve, unlock, reopen
        case returnReport = "return"
    }

    /// The registered shape of every address outside the JSON API: `routes.swift` registers each
    /// route from one of these and `SiteRoute` fills the same lists, in order, to build a link.
    enum Pattern: RoutePattern {
        // Operations and files read by other programs.
        case health, readiness, metrics, openAPI
        /// A calendar feed: the secret in the file name is the key.
        case calendarFeed

        // Accounts.
        case home, login, logout
        case accountPassword, accountChannels, accountAccess, accountTokenRevoke, accountCalendarRevoke
        case notifications, notificationsRead, search

        // Weeks and weekly reports.
        case week, weekMove, weekRestore
        case currentReport, reportProposal, report, reportAutosave, reportForecastConfirm

        // Ledgers.
        case ledger, ledgerWeek, ledgerPerson, ledgerSummary, ledgerMonthly, ledgerSummaryExport
        case ledgerLeaves, ledgerLeaveDelete

        // Group weeks, briefing, schedule, calendar.
        case groups, groupWeek, groupWeekAction, groupWeekDocument, memberReport
        case briefing, briefingPack, briefingConclusions, briefingConclusionsDocument, briefingTasks
        case schedule, scheduleItems, scheduleItem, scheduleItemDelete, schedulePublish, scheduleDocument
        case roomWeek
        case calendarFeeds, calendarRegenerate, calendarRegenerateCommune, daysOff, daysOffYear

        // Party cells.
        case cells, cellMeetingNew, cellMeetings, cellMeeting, cellMeetingDelete, cellReportSubmit
        case cellReport, cellReportDocument, cellRotation, cellRotationYear, cellRubric, cellRubricYear

        // Monthly reports.
        case monthly, monthlyCompilation, monthlyCompilationText, monthlyDocument, monthlyUnit, monthlyPerson

        // Dashboard, rollups, audit.
        case dashboard, rollups, audit

        // Targets.
        case targets, targetNew, targetExport, targetImport, targetImportConfirm, target, targetActive

        // Administration.
        case admin
        case adminSection(AdminSection)
        case adminNew(AdminCollection), adminItem(AdminCollection), adminItemActive(AdminCollection)
        case adminPersonPassword, adminSetupInAppReminders, adminPeopleImport, adminPeopleImportConfirm

        static let prefix: [PathComponent] = []
        static let linkTemplates = makeLinkTemplates()

        static let all: [Pattern] = [
            .health, .readiness, .metrics, .openAPI, .calendarFeed,
            .home, .login, .logout, .accountPassword, .accountChannels, .accountAccess, .accountTokenRevoke, .accountCalendarRevoke,
            .notifications, .notificationsRead, .search,
            .week, .weekMove, .weekRestore, .currentReport, .reportProposal, .report, .reportAutosave, .reportForecastConfirm,
            .ledger, .ledgerWeek, .ledgerPerson, .ledgerSummary, .ledgerMonthly, .ledgerSummaryExport, .ledgerLeaves, .ledgerLeaveDelete,
            .groups, .groupWeek, .groupWeekAction, .groupWeekDocument, .memberReport,
            .briefing, .briefingPack, .briefingConclusions, .briefingConclusionsDocument, .briefingTasks,
            .schedule, .scheduleItems, .scheduleItem, .scheduleItemDelete, .schedulePublish, .scheduleDocument, .roomWeek,
            .calendarFeeds, .calendarRegenerate, .calendarRegenerateCommune, .daysOff, .daysOffYear,
            .cells, .cellMeetingNew, .cellMeetings, .cellMeeting, .cellMeetingDelete, .cellReportSubmit,
            .cellReport, .cellReportDocument, .cellRotation, .cellRotationYear, .cellRubric, .cellRubricYear,
            .monthly, .monthlyCompilation, .monthlyCompilationText, .monthlyDocument, .monthlyUnit, .monthlyPerson,
            .dashboard, .rollups, .audit,
            .targets, .targetNew, .targetExport, .targetImport, .targetImportConfirm, .target, .targetActive,
            .admin, .adminPersonPassword, .adminSetupInAppReminders, .adminPeopleImport, .adminPeopleImportConfirm,
        ] + AdminSection.allCases.map(Pattern.adminSection)
          + AdminCollection.allCases.flatMap { [Pattern.adminNew($0), .adminItem($0), .adminItemActive($0)] }

        /// The word a week parameter takes for "the week containing today".
        static let currentWeek = "current"

        var components: [PathComponent] {
            switch self {
            case .health: ["healthz"]
            case .readiness: ["readyz"]
            case .metrics: ["metrics"]
            case .openAPI: ["api", "openapi.yaml"]
            case .calendarFeed: ["calendar", ":file"]

            case .home: []
            case .login: ["login"]
            case .logout: ["logout"]
            case .accountPassword: ["account", "password"]
            case .accountChannels: ["account", "channels"]
            case .accountAccess: ["account", "access"]
            case .accountTokenRevoke: ["account", "tokens", ":id", "revoke"]
            case .accountCalendarRevoke: ["account", "calendar", "revoke"]
            case .notifications: ["notifications"]
            case .notificationsRead: ["notifications", "read"]
            case .search: ["search"]

            case .week: ["weeks", ":weekID"]
            case .weekMove: Self.week.components + ["move"]
            case .weekRestore: Self.week.components + ["restore"]
            case .currentReport: ["reports", .constant(Self.currentWeek)]
            case .reportProposal: ["reports", "proposal"]
            case .report: ["reports", ":weekID"]
            case .reportAutosave: Self.report.components + ["autosave"]
            case .reportForecastConfirm: Self.report.components + ["work", ":index", "confirm"]

            case .ledger: ["ledger"]
            case .ledgerWeek: ["ledger", "weeks", ":weekID"]
            case .ledgerPerson: ["ledger", "people", ":personID"]
            case .ledgerSummary: ["ledger", "summary"]
            case .ledgerMonthly: ["ledger", "monthly"]
            case .ledgerSummaryExport: ["ledger", "summary.xlsx"]
            case .ledgerLeaves: ["ledger", "leaves"]
            case .ledgerLeaveDelete: Self.ledgerLeaves.components + [":id", "delete"]

            case .groups: ["groups"]
            case .groupWeek: ["groups", ":id", "weeks", ":weekID"]
            case .groupWeekAction: Self.groupWeek.components + [":action"]
            case .groupWeekDocument: Self.groupWeek.components + ["report.docx"]
            case .memberReport: Self.groupWeek.components + ["members", ":personId"]

            case .briefing: ["briefing", ":weekID"]
            case .briefingPack: Self.briefing.components + ["pack.docx"]
            case .briefingConclusions: Self.briefing.components + ["conclusions"]
            case .briefingConclusionsDocument: Self.briefing.components + ["conclusions.docx"]
            case .briefingTasks: ["briefings", "tasks"]

            case .schedule: ["schedule", ":weekID"]
            case .scheduleItems: Self.schedule.components + ["items"]
            case .scheduleItem: Self.scheduleItems.components + [":itemID"]
            case .scheduleItemDelete: Self.scheduleItem.components + ["delete"]
            case .schedulePublish: Self.schedule.components + ["publish"]
            case .scheduleDocument: Self.schedule.components + ["schedule.docx"]
            case .roomWeek: ["rooms", ":id", "weeks", ":weekID"]

            case .calendarFeeds: ["calendar"]
            case .calendarRegenerate: ["calendar", "regenerate"]
            case .calendarRegenerateCommune: ["calendar", "commune", "regenerate"]
            case .daysOff: ["calendar", "days-off"]
            case .daysOffYear: Self.daysOff.components + [":year"]

            case .cells: ["cells"]
            case .cellMeetings: ["cells", ":id", "meetings"]
            case .cellMeetingNew: Self.cellMeetings.components + ["new"]
            case .cellMeeting: Self.cellMeetings.components + [":meetingID"]
            case .cellMeetingDelete: Self.cellMeeting.components + ["delete"]
            case .cellReportSubmit: ["cells", ":id", "reports", ":month", "submit"]
            case .cellReport: ["cells", "reports", ":month"]
            case .cellReportDocument: Self.cellReport.components + ["report.docx"]
            case .cellRotation: ["cells", "rotation"]
            case .cellRotationYear: Self.cellRotation.components + [":year"]
            case .cellRubric: ["cells", "rubric"]
            case .cellRubricYear: Self.cellRubric.components + [":year"]

            case .monthly: ["monthly"]
            case .monthlyCompilation: ["monthly", ":month"]
            case .monthlyCompilationText: Self.monthlyCompilation.components + ["compilation"]
            case .monthlyDocument: Self.monthlyCompilation.components + ["report.docx"]
            case .monthlyUnit: Self.monthlyCompilation.components + ["units", ":unitID"]
            case .monthlyPerson: Self.monthlyCompilation.components + ["people", ":personID"]

            case .dashboard: ["dashboard"]
            case .rollups: ["rollups"]
            case .audit: ["audit"]

            case .targets: ["targets"]
            case .targetNew: ["targets", "new"]
            case .targetExport: ["targets", "export.xlsx"]
            case .targetImport: ["targets", "import"]
            case .targetImportConfirm: Self.targetImport.components + ["confirm"]
            case .target: ["targets", ":id"]
            case .targetActive: Self.target.components + ["active"]

            case .admin: ["admin"]
            case .adminSection(let section): ["admin", .constant(section.rawValue)]
            case .adminNew(let collection): Self.adminSection(collection.section).components + ["new"]
            case .adminItem(let collection): Self.adminSection(collection.section).components + [":id"]
            case .adminItemActive(let collection): Self.adminItem(collection).components + ["active"]
            case .adminPersonPassword: Self.adminItem(.people).components + ["password"]
            case .adminSetupInAppReminders: Self.adminSection(.setup).components + ["in-app-reminders"]
            case .adminPeopleImport: Self.adminSection(.people).components + ["import"]
            case .adminPeopleImportConfirm: Self.adminPeopleImport.components + ["confirm"]
            }
        }
    }

    /// The address: path, this route's own query, then `notice` (the message key the page shows
    /// once) and `fragment`.
    func path(notice: String? = nil, fragment: String? = nil) -> String {
        var (result, query, ownFragment) = parts
        if let notice { query.append(("notice", notice)) }
        for (index, pair) in query.enumerated() {
            result += index == 0 ? "?" : "&"
            PathText.append(pair.0, to: &result)
            result += "="
            PathText.append(pair.1, to: &result)
        }
        if let fragment = fragment ?? ownFragment {
            result += "#"
            PathText.append(fragment, to: &result)
        }
        return result
    }

    /// The address without a notice.
    var path: String { path() }

    /// The path, the query pairs in order (empty values left out) and a fragment.
    private var parts: (path: String, query: [(String, String)], fragment: String?) {
        typealias P = Pattern
        func query(_ pairs: [(String, String?)]) -> [(String, String)] {
            pairs.compactMap { key, value in value.flatMap { $0.isEmpty ? nil : (key, $0) } }
        }
        func plain(_ path: String) -> (String, [(String, String)], String?) { (path, [], nil) }
        switch self {
        case .home: return plain(P.home.fill())
        case .login(let next): return (P.login.fill(), query([("next", next)]), nil)
        case .logout: return plain(P.logout.fill())
        case .accountPassword: return plain(P.accountPassword.fill())
        case .accountChannels: return plain(P.accountChannels.fill())
        case .accountAccess: return plain(P.accountAccess.fill())
        case .accountTokenRevoke(let id): return plain(P.accountTokenRevoke.fill(id.canonicalText))
        case .accountCalendarRevoke: return plain(P.accountCalendarRevoke.fill())
        case .notifications: return plain(P.notifications.fill())
        case .notificationsRead: return plain(P.notificationsRead.fill())
        case .search: return plain(P.search.fill())

        case .currentWeek: return plain(P.week.fill(P.currentWeek))
        case .week(let week): return plain(P.week.fill(week.description))
        case .weekMove(let week): return plain(P.weekMove.fill(week.description))
        case .weekRestore(let week): return plain(P.weekRestore.fill(week.description))
        case .currentReport: return plain(P.currentReport.fill())
        case .report(let week, let personID):
            return (P.report.fill(week.description), query([("personId", personID?.canonicalText)]), nil)
        case .reportAutosave(let week, let personID):
            return (P.reportAutosave.fill(week.description), query([("personId", personID?.canonicalText)]), nil)
        case .reportForecastConfirm(let week, let index, let personID):
            return (P.reportForecastConfirm.fill(week.description, String(index)), query([("personId", personID?.canonicalText)]), nil)
        case .reportProposal: return plain(P.reportProposal.fill())

        case .currentLedgerWeek: return plain(P.ledgerWeek.fill(P.currentWeek))
        case .ledgerWeek(let week, let byStatus):
            return (P.ledgerWeek.fill(week.description), query([("sort", byStatus ? "status" : nil)]), nil)
        case .ledgerWeekExport(let week, let byStatus):
            // Answered by the week's own route (`{week}.xlsx`, as `summary.xlsx` beside the summary).
            return (P.ledgerWeek.fill(week.description + ".xlsx"), query([("sort", byStatus ? "status" : nil)]), nil)
        case .ledgerPerson(let id, let year): return (P.ledgerPerson.fill(id.canonicalText), query([("year", year.map(String.init))]), nil)
        case .ledgerSummary(let year): return (P.ledgerSummary.fill(), query([("year", year.map(String.init))]), nil)
        case .ledgerMonthly(let year): return (P.ledgerMonthly.fill(), query([("year", year.map(String.init))]), nil)
        case .ledgerLeaves: return plain(P.ledgerLeaves.fill())
        case .ledgerLeaveDelete(let id): return plain(P.ledgerLeaveDelete.fill(id.canonicalText))
        case .ledgerSummaryExport(let year, let month):
            return (P.ledgerSummaryExport.fill(), query([("year", String(year)), ("month", month.map(String.init))]), nil)

        case .groups: return plain(P.groups.fill())
        case .groupWeek(let groupID, let week): return plain(P.groupWeek.fill(groupID.canonicalText, week.description))
        case .groupWeekAction(let groupID, let week, let form):
            return plain(P.groupWeekAction.fill(groupID.canonicalText, week.description, form.rawValue))
        case .groupWeekDocument(let groupID, let week): return plain(P.groupWeekDocument.fill(groupID.canonicalText, week.description))
        case .memberReport(let groupID, let week, let personID):
            return plain(P.memberReport.fill(groupID.canonicalText, week.description, personID.canonicalText))
        case .memberReportAPI(let groupID, let week, let personID):
            return plain(APIRoute.memberReport.fill(groupID.canonicalText, week.description, personID.canonicalText))

        case .dashboard: return plain(P.dashboard.fill())
        case .currentBriefing: return plain(P.briefing.fill(P.currentWeek))
        case .briefing(let week): return plain(P.briefing.fill(week.description))
        case .briefingPack(let week): return plain(P.briefingPack.fill(week.description))
        case .briefingConclusions(let week): return plain(P.briefingConclusions.fill(week.description))
        case .briefingConclusionsDocument(let week): return plain(P.briefingConclusionsDocument.fill(week.description))
        case .briefingTasks(let all): return (P.briefingTasks.fill(), query([("all", all ? "1" : nil)]), nil)
        case .currentSchedule: return plain(P.schedule.fill(P.currentWeek))
        case .schedule(let week): return plain(P.schedule.fill(week.description))
        case .scheduleItems(let week): return plain(P.scheduleItems.fill(week.description))
        case .scheduleItem(let week, let itemID): return plain(P.scheduleItem.fill(week.description, itemID.canonicalText))
        case .scheduleItemDelete(let week, let itemID): return plain(P.scheduleItemDelete.fill(week.description, itemID.canonicalText))
        case .schedulePublish(let week): return plain(P.schedulePublish.fill(week.description))
        case .scheduleDocument(let week): return plain(P.scheduleDocument.fill(week.description))
        case .roomWeek(let roomID, let week): return plain(P.roomWeek.fill(roomID.canonicalText, week.description))
        case .calendarFeeds: return plain(P.calendarFeeds.fill())
        case .calendarFeed(let token): return plain(P.calendarFeed.fill(token + ".ics"))
        case .calendarRegenerate: return plain(P.calendarRegenerate.fill())
        case .calendarRegenerateCommune: return plain(P.calendarRegenerateCommune.fill())
        case .daysOff(let year): return (P.daysOff.fill(), query([("year", year.map(String.init))]), nil)
        case .daysOffYear(let year): return plain(P.daysOffYear.fill(String(year)))

        case .cells(let month): return (P.cells.fill(), query([("month", month?.description)]), nil)
        case .cellMeetingNew(let cellID, let month):
            return (P.cellMeetingNew.fill(cellID.canonicalText), query([("month", month?.description)]), nil)
        case .cellMeetings(let cellID): return plain(P.cellMeetings.fill(cellID.canonicalText))
        case .cellMeeting(let cellID, let meetingID): return plain(P.cellMeeting.fill(cellID.canonicalText, meetingID.canonicalText))
        case .cellMeetingDelete(let cellID, let meetingID): return plain(P.cellMeetingDelete.fill(cellID.canonicalText, meetingID.canonicalText))
        case .cellReportSubmit(let cellID, let month): return plain(P.cellReportSubmit.fill(cellID.canonicalText, month.description))
        case .cellRotation(let year, let personID, let propose):
            return (P.cellRotation.fill(), query([("year", year.map(String.init)), ("personId", personID?.canonicalText),
                                                  ("propose", propose ? "1" : nil)]), nil)
        case .cellRotationYear(let year): return plain(P.cellRotationYear.fill(String(year)))
        case .cellRubric(let year): return (P.cellRubric.fill(), query([("year", String(year))]), nil)
        case .cellRubricYear(let year): return plain(P.cellRubricYear.fill(String(year)))
        case .cellReport(let month): return plain(P.cellReport.fill(month.description))
        case .cellReportDocument(let month): return plain(P.cellReportDocument.fill(month.description))

        case .monthly(let month): return (P.monthly.fill(), query([("month", month?.description)]), nil)
        case .monthlyCompilation(let month): return plain(P.monthlyCompilation.fill(month.description))
        case .monthlyCompilationText(let month): return plain(P.monthlyCompilationText.fill(month.description))
        case .monthlyDocument(let month): return plain(P.monthlyDocument.fill(month.description))
        case .monthlyUnit(let month, let unitID, let redraft):
            return (P.monthlyUnit.fill(month.description, unitID.canonicalText), query([("redraft", redraft ? "1" : nil)]), nil)
        case .monthlyPerson(let month, let personID, let redraft):
            return (P.monthlyPerson.fill(month.description, personID.canonicalText), query([("redraft", redraft ? "1" : nil)]), nil)

        case .targets(let year, let groupID, let week):
            return (P.targets.fill(), query([("year", year.map(String.init)), ("group", groupID?.canonicalText), ("week", week?.description)]), nil)
        case .targetRow(let year, let groupID, let targetID):
            return (P.targets.fill(), query([("year", String(year)), ("group", groupID.canonicalText)]), "target-\(targetID.canonicalText)")
        case .target(let id): return plain(P.target.fill(id.canonicalText))
        case .targetActive(let id): return plain(P.targetActive.fill(id.canonicalText))
        case .targetNew(let year, let groupID):
            return (P.targetNew.fill(), query([("year", String(year)), ("group", groupID?.canonicalText)]), nil)
        case .targetImport(let year): return (P.targetImport.fill(), query([("year", year.map(String.init))]), nil)
        case .targetImportConfirm: return plain(P.targetImportConfirm.fill())
        case .targetExport(let year, let groupID, let week):
            // This one's parameter is `groupId` (the export's API spelling), not the page's `group`.
            return (P.targetExport.fill(),
                    query([("year", String(year)), ("groupId", groupID?.canonicalText), ("week", week.description)]), nil)

        case .rollups: return plain(P.rollups.fill())
        case .audit(let personID, let week, let kind, let page):
            return (P.audit.fill(), query([("personId", personID?.canonicalText), ("week", week), ("kind", kind),
                                           ("page", page.map(String.init))]), nil)

        case .admin(let section): return plain(P.adminSection(section).fill())
        case .adminNew(let collection): return plain(P.adminNew(collection).fill())
        case .adminItem(let collection, let id): return plain(P.adminItem(collection).fill(id.canonicalText))
        case .adminItemActive(let collection, let id): return plain(P.adminItemActive(collection).fill(id.canonicalText))
        case .adminPersonPassword(let id): return plain(P.adminPersonPassword.fill(id.canonicalText))
        case .adminSetupInAppReminders: return plain(P.adminSetupInAppReminders.fill())
        case .adminPeopleImport: return plain(P.adminPeopleImport.fill())
        case .adminPeopleImportConfirm: return plain(P.adminPeopleImportConfirm.fill())
        case .loginSlips(let token): return plain(APIRoute.loginSlips.fill(token + ".docx"))
        }
    }
}

extension Request {
    /// A redirect to one of the site's pages, with the notice it should show once.
    func redirect(to route: SiteRoute, notice: String? = nil, fragment: String? = nil,
                  redirectType: Redirect = .normal) -> Response {
        redirect(to: route.path(notice: notice, fragment: fragment), redirectType: redirectType)
    }
}
