@testable import App
import Fluent
import Foundation
import GiaoBanCore
import Testing
import Vapor
import VaporTesting

/// The site's addresses are one typed enum (`SiteRoute`, issue 20): the paths it produces are the
/// ones the app always produced (they are a public contract), each is answered by a registered
/// route, every route is registered from a declared pattern, and no template types a path.
@Suite("Site routes: one typed address per page, each answered by a route")
struct SiteRouteTests {
    static let week = ReportWeekID(year: 2021, week: 33)
    static let month = ReportMonth(year: 2021, month: 8)!
    static let g = UUID(uuidString: "0F6D4B0C-1A52-4E43-9D0C-2B7A4E9F2A01")!
    static let p = UUID(uuidString: "7C1E0E8A-5B6C-4D7E-8F90-A1B2C3D4E5F6")!

    @Test("Paths are exactly the ones the app built by hand before the enum")
    func exactPaths() {
        let (g, p, week, month) = (Self.g, Self.p, Self.week, Self.month)
        #expect(SiteRoute.home.path == "/")
        #expect(SiteRoute.home.path(notice: "password_changed") == "/?notice=password_changed")
        #expect(SiteRoute.login().path(notice: "logged_out") == "/login?notice=logged_out")
        #expect(SiteRoute.groupWeek(groupID: g, week: week).path(notice: "saved") == "/groups/\(g)/weeks/2021-W33?notice=saved")
        #expect(SiteRoute.memberReport(groupID: g, week: week, personID: p).path == "/groups/\(g)/weeks/2021-W33/members/\(p)")
        #expect(SiteRoute.memberReportAPI(groupID: g, week: week, personID: p).path
                == "/api/v1/groups/\(g)/weeks/2021-W33/members/\(p)/report")
        #expect(SiteRoute.report(week: week).path(notice: "saved") == "/reports/2021-W33?notice=saved")
        #expect(SiteRoute.report(week: week, personID: p).path(notice: "report_submitted")
                == "/reports/2021-W33?personId=\(p)&notice=report_submitted")
        #expect(SiteRoute.currentReport.path == "/reports/current")
        #expect(SiteRoute.currentLedgerWeek.path == "/ledger/weeks/current")
        #expect(SiteRoute.ledgerWeek(week, byStatus: true).path == "/ledger/weeks/2021-W33?sort=status")
        #expect(SiteRoute.ledgerWeekExport(week).path == "/ledger/weeks/2021-W33.xlsx")
        #expect(SiteRoute.ledgerSummaryExport(year: 2021, month: 8).path == "/ledger/summary.xlsx?year=2021&month=8")
        #expect(SiteRoute.ledgerSummaryExport(year: 2021).path == "/ledger/summary.xlsx?year=2021")
        #expect(SiteRoute.briefing(week).path(notice: "saved", fragment: "conclusions") == "/briefing/2021-W33?notice=saved#conclusions")
        #expect(SiteRoute.briefingTasks(all: true).path(notice: "saved") == "/briefings/tasks?all=1&notice=saved")
        #expect(SiteRoute.briefingTasks().path == "/briefings/tasks")
        #expect(SiteRoute.cells(month: month).path(notice: "report_submitted") == "/cells?month=2021-08&notice=report_submitted")
        #expect(SiteRoute.cellRotation(year: 2021, personID: p).path(notice: "saved") == "/cells/rotation?year=2021&personId=\(p)&notice=saved")
        #expect(SiteRoute.monthlyPerson(month: month, personID: p).path == "/monthly/2021-08/people/\(p)")
        #expect(SiteRoute.monthlyUnit(month: month, unitID: g).path(notice: "saved") == "/monthly/2021-08/units/\(g)?notice=saved")
        #expect(SiteRoute.monthly(month: month).path == "/monthly?month=2021-08")
        #expect(SiteRoute.targetRow(year: 2021, groupID: g, targetID: p).path == "/targets?year=2021&group=\(g)#target-\(p)")
        #expect(SiteRoute.targets(year: 2021, groupID: g).path(notice: "saved") == "/targets?year=2021&group=\(g)&notice=saved")
        #expect(SiteRoute.targetExport(year: 2021, groupID: nil, week: week).path == "/targets/export.xlsx?year=2021&week=2021-W33")
        #expect(SiteRoute.daysOff(year: 2021).path(notice: "saved") == "/calendar/days-off?year=2021&notice=saved")
        #expect(SiteRoute.admin(.settings).path(fragment: "letterhead") == "/admin/settings#letterhead")
        #expect(SiteRoute.adminItem(.groups, g).path == "/admin/groups/\(g)")
        #expect(SiteRoute.audit(personID: p, week: "2021-W33", page: 2).path == "/audit?personId=\(p)&week=2021-W33&page=2")
        #expect(SiteRoute.loginSlips(token: "abc-DEF_1").path == "/api/v1/people/slips/abc-DEF_1.docx")
    }

    @Test("A value with characters outside the unreserved set is percent-encoded in its segment, query or fragment; a plain one is copied")
    func encodedValues() {
        #expect(SiteRoute.calendarFeed(token: "a b/c?d#e").path == "/calendar/a%20b%2Fc%3Fd%23e.ics")
        #expect(SiteRoute.calendarFeed(token: "Lộc").path == "/calendar/L%E1%BB%99c.ics")
        #expect(SiteRoute.loginSlips(token: "x&y").path == "/api/v1/people/slips/x%26y.docx")
        #expect(SiteRoute.login(next: "/groups?x=1&y=2").path == "/login?next=%2Fgroups%3Fx%3D1%26y%3D2")
        #expect(SiteRoute.audit(week: "2021 W33").path(fragment: "a b") == "/audit?week=2021%20W33#a%20b")
        #expect(SiteRoute.ledgerPerson(Self.p).path == "/ledger/people/\(Self.p)")
        #expect(SiteRoute.Pattern.ledgerSummaryExport.address == "/ledger/summary.xlsx")
        #expect(SiteRoute.Pattern.home.address == "/")
    }

    @Test("The links and form targets the templates used to type by hand: the same paths, now from the enum")
    func exactTemplatePaths() {
        let (g, p, week, month) = (Self.g, Self.p, Self.week, Self.month)
        // Accounts.
        #expect(SiteRoute.logout.path == "/logout")
        #expect(SiteRoute.accountTokenRevoke(p).path == "/account/tokens/\(p)/revoke")
        #expect(SiteRoute.accountCalendarRevoke.path == "/account/calendar/revoke")
        #expect(SiteRoute.notificationsRead.path == "/notifications/read")
        // Weeks and reports.
        #expect(SiteRoute.weekMove(week).path == "/weeks/2021-W33/move")
        #expect(SiteRoute.weekRestore(week).path == "/weeks/2021-W33/restore")
        #expect(SiteRoute.reportAutosave(week: week).path == "/reports/2021-W33/autosave")
        #expect(SiteRoute.reportAutosave(week: week, personID: p).path == "/reports/2021-W33/autosave?personId=\(p)")
        #expect(SiteRoute.reportForecastConfirm(week: week, index: 2).path == "/reports/2021-W33/work/2/confirm")
        #expect(SiteRoute.reportForecastConfirm(week: week, index: 0, personID: p).path == "/reports/2021-W33/work/0/confirm?personId=\(p)")
        #expect(SiteRoute.reportProposal.path == "/reports/proposal")
        // Ledgers.
        #expect(SiteRoute.ledgerPerson(p).path == "/ledger/people/\(p)")
        #expect(SiteRoute.ledgerPerson(p, year: 2021).path == "/ledger/people/\(p)?year=2021")
        #expect(SiteRoute.ledgerSummary().path == "/ledger/summary")
        #expect(SiteRoute.ledgerSummary(year: 2021).path == "/ledger/summary?year=2021")
        #expect(SiteRoute.ledgerMonthly().path == "/ledger/monthly")
        #expect(SiteRoute.ledgerMonthly(year: 2020).path == "/ledger/monthly?year=2020")
        #expect(SiteRoute.ledgerLeaves.path == "/ledger/leaves")
        #expect(SiteRoute.ledgerLeaveDelete(p).path == "/ledger/leaves/\(p)/delete")
        // Group weeks and briefings.
        for form in SiteRoute.GroupWeekForm.allCases {
            #expect(SiteRoute.groupWeekAction(groupID: g, week: week, form).path == "/groups/\(g)/weeks/2021-W33/\(form.rawValue)")
        }
        #expect(SiteRoute.groupWeekAction(groupID: g, week: week, .returnReport).path == "/groups/\(g)/weeks/2021-W33/return")
        #expect(SiteRoute.groupWeekDocument(groupID: g, week: week).path == "/groups/\(g)/weeks/2021-W33/report.docx")
        #expect(SiteRoute.briefingPack(week).path == "/briefing/2021-W33/pack.docx")
        #expect(SiteRoute.briefingConclusions(week).path == "/briefing/2021-W33/conclusions")
        #expect(SiteRoute.briefingConclusionsDocument(week).path == "/briefing/2021-W33/conclusions.docx")
        // Schedule and calendar.
        #expect(SiteRoute.scheduleItems(week).path == "/schedule/2021-W33/items")
        #expect(SiteRoute.scheduleItem(week: week, itemID: p).path == "/schedule/2021-W33/items/\(p)")
        #expect(SiteRoute.scheduleItemDelete(week: week, itemID: p).path == "/schedule/2021-W33/items/\(p)/delete")
        #expect(SiteRoute.schedulePublish(week).path == "/schedule/2021-W33/publish")
        #expect(SiteRoute.scheduleDocument(week).path == "/schedule/2021-W33/schedule.docx")
        #expect(SiteRoute.schedule(week).path(fragment: "free-rooms") == "/schedule/2021-W33#free-rooms")
        #expect(SiteRoute.roomWeek(roomID: g, week: week).path == "/rooms/\(g)/weeks/2021-W33")
        #expect(SiteRoute.calendarFeeds.path == "/calendar")
        #expect(SiteRoute.calendarFeed(token: "abc-DEF_1").path == "/calendar/abc-DEF_1.ics")
        #expect(SiteRoute.calendarRegenerate.path == "/calendar/regenerate")
        #expect(SiteRoute.calendarRegenerateCommune.path == "/calendar/commune/regenerate")
        #expect(SiteRoute.daysOff().path == "/calendar/days-off")
        #expect(SiteRoute.daysOffYear(2022).path == "/calendar/days-off/2022")
        // Party cells.
        #expect(SiteRoute.cells().path == "/cells")
        #expect(SiteRoute.cellMeetingNew(cellID: g, month: month).path == "/cells/\(g)/meetings/new?month=2021-08")
        #expect(SiteRoute.cellMeetings(cellID: g).path == "/cells/\(g)/meetings")
        #expect(SiteRoute.cellMeeting(cellID: g, meetingID: p).path == "/cells/\(g)/meetings/\(p)")
        #expect(SiteRoute.cellMeetingDelete(cellID: g, meetingID: p).path == "/cells/\(g)/meetings/\(p)/delete")
        #expect(SiteRoute.cellReportSubmit(cellID: g, month: month).path == "/cells/\(g)/reports/2021-08/submit")
        #expect(SiteRoute.cellReport(month).path == "/cells/reports/2021-08")
        #expect(SiteRoute.cellReportDocument(month).path == "/cells/reports/2021-08/report.docx")
        #expect(SiteRoute.cellRotation().path == "/cells/rotation")
        #expect(SiteRoute.cellRotation(year: 2021).path == "/cells/rotation?year=2021")
        #expect(SiteRoute.cellRotation(year: 2021, personID: p, propose: true).path == "/cells/rotation?year=2021&personId=\(p)&propose=1")
        #expect(SiteRoute.cellRotationYear(2021).path == "/cells/rotation/2021")
        #expect(SiteRoute.cellRubric(year: 2021).path == "/cells/rubric?year=2021")
        #expect(SiteRoute.cellRubricYear(2021).path == "/cells/rubric/2021")
        // Monthly reports.
        #expect(SiteRoute.monthly().path == "/monthly")
        #expect(SiteRoute.monthlyCompilation(month).path == "/monthly/2021-08")
        #expect(SiteRoute.monthlyCompilationText(month).path == "/monthly/2021-08/compilation")
        #expect(SiteRoute.monthlyDocument(month).path == "/monthly/2021-08/report.docx")
        #expect(SiteRoute.monthlyUnit(month: month, unitID: g, redraft: true).path == "/monthly/2021-08/units/\(g)?redraft=1")
        #expect(SiteRoute.monthlyPerson(month: month, personID: p, redraft: true).path == "/monthly/2021-08/people/\(p)?redraft=1")
        // Targets.
        #expect(SiteRoute.targets().path == "/targets")
        #expect(SiteRoute.target(p).path == "/targets/\(p)")
        #expect(SiteRoute.targetActive(p).path == "/targets/\(p)/active")
        #expect(SiteRoute.targetImport().path == "/targets/import")
        #expect(SiteRoute.targetImport(year: 2021).path == "/targets/import?year=2021")
        #expect(SiteRoute.targetImportConfirm.path == "/targets/import/confirm")
        // Administration.
        for collection in SiteRoute.AdminCollection.allCases {
            #expect(SiteRoute.admin(collection.section).path == "/admin/\(collection.rawValue)")
            #expect(SiteRoute.adminNew(collection).path == "/admin/\(collection.rawValue)/new")
            #expect(SiteRoute.adminItem(collection, p).path == "/admin/\(collection.rawValue)/\(p)")
            #expect(SiteRoute.adminItemActive(collection, p).path == "/admin/\(collection.rawValue)/\(p)/active")
        }
        #expect(SiteRoute.admin(.setup).path == "/admin/setup")
        #expect(SiteRoute.admin(.integrations).path == "/admin/integrations")
        #expect(SiteRoute.adminPersonPassword(p).path == "/admin/people/\(p)/password")
        #expect(SiteRoute.adminSetupInAppReminders.path == "/admin/setup/in-app-reminders")
        #expect(SiteRoute.adminPeopleImport.path == "/admin/people/import")
        #expect(SiteRoute.adminPeopleImportConfirm.path == "/admin/people/import/confirm")
        // The layout's own links.
        #expect(SiteRoute.search.path == "/search")
        #expect(SiteRoute.notifications.path == "/notifications")
        #expect(SiteRoute.accountPassword.path == "/account/password")
        #expect(SiteRoute.accountAccess.path == "/account/access")
        #expect(SiteRoute.accountChannels.path == "/account/channels")
    }

    @Test("A value can never add a segment, a parameter or a fragment: it is percent-encoded")
    func encoding() {
        #expect(SiteRoute.login(next: "/reports/2021-W33?personId=1&x=ý").path
                == "/login?next=%2Freports%2F2021-W33%3FpersonId%3D1%26x%3D%C3%BD")
        #expect(SiteRoute.audit(kind: "a&b=c#d/e f").path == "/audit?kind=a%26b%3Dc%23d%2Fe%20f")
        #expect(SiteRoute.loginSlips(token: "../x?y").path == "/api/v1/people/slips/..%2Fx%3Fy.docx")
        #expect(SiteRoute.home.path(notice: "a b&c") == "/?notice=a%20b%26c")
        #expect(SiteRoute.schedule(Self.week).path(fragment: "a b#c") == "/schedule/2021-W33#a%20b%23c")
    }

    @Test("Every ASCII character and a few others are encoded exactly as Foundation's encoder does")
    func encodingMatchesFoundation() {
        let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        for value in (1...127).map({ String(UnicodeScalar(UInt8($0))) }) + ["ý", "Đ", "😀", "a b", "2021-W33", ""] {
            let encoded = value.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
            #expect(SiteRoute.audit(kind: "k" + value).path == "/audit?kind=k" + encoded, "\(value.unicodeScalars.map(\.value))")
        }
    }

    /// What the samples are filled with: records of the demo commune, so that a page asked for
    /// one of them finds it.
    struct SampleIDs {
        var group: UUID, member: UUID, person: UUID, monthlyReporter: UUID, unit: UUID, target: UUID, cell: UUID
        var supervisor: UUID, room: UUID, week: ReportWeekID, month: ReportMonth
        /// Records the demo has not got (a schedule item, a cell meeting, a leave, a token): their
        /// addresses are matched against the routes, not requested.
        var missing: UUID
    }

    /// One sample of every case the app reads with GET, each opened by the office in the test.
    /// The switch in `name` has no default, so a new case does not compile until it is named
    /// there; name it in `allNames` and give it a sample here or in `formTargets`.
    static func pages(_ ids: SampleIDs) -> [SiteRoute] {
        let (week, month) = (ids.week, ids.month)
        return [
            .home, .login(), .login(next: "/groups"), .accountPassword, .accountChannels, .accountAccess, .notifications, .search,
            .currentWeek, .week(week), .currentReport, .report(week: week), .report(week: week, personID: ids.member), .reportProposal,
            .currentLedgerWeek, .ledgerWeek(week), .ledgerWeek(week, byStatus: true), .ledgerWeekExport(week), .ledgerPerson(ids.person),
            .ledgerPerson(ids.person, year: week.year), .ledgerSummary(), .ledgerSummary(year: week.year), .ledgerMonthly(),
            .ledgerMonthly(year: week.year), .ledgerLeaves, .ledgerSummaryExport(year: week.year, month: month.month),
            .groups, .groupWeek(groupID: ids.group, week: week), .groupWeekDocument(groupID: ids.group, week: week),
            .memberReport(groupID: ids.group, week: week, personID: ids.member),
            .memberReportAPI(groupID: ids.group, week: week, personID: ids.member),
            .dashboard, .currentBriefing, .briefing(week), .briefingPack(week), .briefingConclusionsDocument(week),
            .briefingTasks(), .briefingTasks(all: true),
            .currentSchedule, .schedule(week), .scheduleDocument(week), .scheduleItem(week: week, itemID: ids.missing),
            .roomWeek(roomID: ids.room, week: week), .calendarFeeds, .calendarFeed(token: "no-such-token"), .daysOff(), .daysOff(year: week.year),
            .cells(), .cells(month: month), .cellMeetingNew(cellID: ids.cell, month: month),
            .cellMeeting(cellID: ids.cell, meetingID: ids.missing),
            .cellRotation(), .cellRotation(year: week.year, personID: ids.supervisor),
            .cellRotation(year: week.year, personID: ids.supervisor, propose: true), .cellRubric(year: week.year),
            .cellReport(month), .cellReportDocument(month),
            .monthly(), .monthly(month: month), .monthlyCompilation(month), .monthlyDocument(month),
            .monthlyUnit(month: month, unitID: ids.unit), .monthlyUnit(month: month, unitID: ids.unit, redraft: true), .monthlyPerson(month: month, personID: ids.monthlyReporter),
            .targets(), .targets(year: week.year, groupID: ids.group, week: week),
            .targetRow(year: week.year, groupID: ids.group, targetID: ids.target), .target(ids.target),
            .targetNew(year: week.year, groupID: ids.group), .targetImport(), .targetImport(year: week.year),
            .targetExport(year: week.year, groupID: ids.group, week: week),
            .rollups, .audit(), .audit(personID: ids.person, week: week.description, page: 2),
            .adminPeopleImport, .loginSlips(token: "no-such-token"),
        ] + SiteRoute.AdminSection.allCases.map { .admin($0) }
          + SiteRoute.AdminCollection.allCases.map { .adminNew($0) }
          + [.adminItem(.units, ids.unit), .adminItem(.people, ids.person), .adminItem(.groups, ids.group),
             .adminItem(.rooms, ids.room), .adminItem(.cells, ids.cell)]
    }

    /// One sample of every form target (posted, never opened with GET): matched against the
    /// POST routes only, since posting would change the commune.
    static func formTargets(_ ids: SampleIDs) -> [SiteRoute] {
        let (week, month) = (ids.week, ids.month)
        return [
            .logout, .accountTokenRevoke(ids.missing), .accountCalendarRevoke, .notificationsRead,
            .weekMove(week), .weekRestore(week), .reportAutosave(week: week), .reportAutosave(week: week, personID: ids.member),
            .reportForecastConfirm(week: week, index: 0), .reportForecastConfirm(week: week, index: 1, personID: ids.member),
            .ledgerLeaveDelete(ids.missing),
            .briefingConclusions(week), .scheduleItems(week), .scheduleItemDelete(week: week, itemID: ids.missing),
            .schedulePublish(week), .calendarRegenerate, .calendarRegenerateCommune, .daysOffYear(week.year),
            .cellMeetings(cellID: ids.cell), .cellMeetingDelete(cellID: ids.cell, meetingID: ids.missing),
            .cellReportSubmit(cellID: ids.cell, month: month), .cellRotationYear(week.year), .cellRubricYear(week.year),
            .monthlyCompilationText(month), .targetActive(ids.target), .targetImportConfirm,
            .adminPersonPassword(ids.person), .adminSetupInAppReminders, .adminPeopleImportConfirm,
        ] + SiteRoute.GroupWeekForm.allCases.map { .groupWeekAction(groupID: ids.group, week: week, $0) }
          + SiteRoute.AdminCollection.allCases.map { .adminItemActive($0, ids.missing) }
    }

    /// Pages whose sample names a record the demo has not got, and the addresses whose token is
    /// the key (an unknown one is a 404 by design): matched against the routes, not requested.
    static func isRequested(_ route: SiteRoute) -> Bool {
        switch route {
        case .loginSlips, .calendarFeed, .scheduleItem, .cellMeeting: false
        // The conclusions' document exists once the briefing's conclusions are recorded.
        case .briefingConclusionsDocument: false
        default: true
        }
    }

    static func name(_ route: SiteRoute) -> String {
        switch route {
        case .home: "home"
        case .login: "login"
        case .logout: "logout"
        case .accountPassword: "accountPassword"
        case .accountChannels: "accountChannels"
        case .accountAccess: "accountAccess"
        case .accountTokenRevoke: "accountTokenRevoke"
        case .accountCalendarRevoke: "accountCalendarRevoke"
        case .notifications: "notifications"
        case .notificationsRead: "notificationsRead"
        case .search: "search"
        case .currentWeek: "currentWeek"
        case .week: "week"
        case .weekMove: "weekMove"
        case .weekRestore: "weekRestore"
        case .currentReport: "currentReport"
        case .report: "report"
        case .reportAutosave: "reportAutosave"
        case .reportForecastConfirm: "reportForecastConfirm"
        case .reportProposal: "reportProposal"
        case .currentLedgerWeek: "currentLedgerWeek"
        case .ledgerWeek: "ledgerWeek"
        case .ledgerWeekExport: "ledgerWeekExport"
        case .ledgerPerson: "ledgerPerson"
        case .ledgerSummary: "ledgerSummary"
        case .ledgerMonthly: "ledgerMonthly"
        case .ledgerLeaves: "ledgerLeaves"
        case .ledgerLeaveDelete: "ledgerLeaveDelete"
        case .ledgerSummaryExport: "ledgerSummaryExport"
        case .groups: "groups"
        case .groupWeek: "groupWeek"
        case .groupWeekAction: "groupWeekAction"
        case .groupWeekDocument: "groupWeekDocument"
        case .memberReport: "memberReport"
        case .memberReportAPI: "memberReportAPI"
        case .dashboard: "dashboard"
        case .currentBriefing: "currentBriefing"
        case .briefing: "briefing"
        case .briefingPack: "briefingPack"
        case .briefingConclusions: "briefingConclusions"
        case .briefingConclusionsDocument: "briefingConclusionsDocument"
        case .briefingTasks: "briefingTasks"
        case .currentSchedule: "currentSchedule"
        case .schedule: "schedule"
        case .scheduleItems: "scheduleItems"
        case .scheduleItem: "scheduleItem"
        case .scheduleItemDelete: "scheduleItemDelete"
        case .schedulePublish: "schedulePublish"
        case .scheduleDocument: "scheduleDocument"
        case .roomWeek: "roomWeek"
        case .calendarFeeds: "calendarFeeds"
        case .calendarFeed: "calendarFeed"
        case .calendarRegenerate: "calendarRegenerate"
        case .calendarRegenerateCommune: "calendarRegenerateCommune"
        case .daysOff: "daysOff"
        case .daysOffYear: "daysOffYear"
        case .cells: "cells"
        case .cellMeetingNew: "cellMeetingNew"
        case .cellMeetings: "cellMeetings"
        case .cellMeeting: "cellMeeting"
        case .cellMeetingDelete: "cellMeetingDelete"
        case .cellReportSubmit: "cellReportSubmit"
        case .cellRotation: "cellRotation"
        case .cellRotationYear: "cellRotationYear"
        case .cellRubric: "cellRubric"
        case .cellRubricYear: "cellRubricYear"
        case .cellReport: "cellReport"
        case .cellReportDocument: "cellReportDocument"
        case .monthly: "monthly"
        case .monthlyCompilation: "monthlyCompilation"
        case .monthlyCompilationText: "monthlyCompilationText"
        case .monthlyDocument: "monthlyDocument"
        case .monthlyUnit: "monthlyUnit"
        case .monthlyPerson: "monthlyPerson"
        case .targets: "targets"
        case .targetRow: "targetRow"
        case .target: "target"
        case .targetActive: "targetActive"
        case .targetNew: "targetNew"
        case .targetImport: "targetImport"
        case .targetImportConfirm: "targetImportConfirm"
        case .targetExport: "targetExport"
        case .rollups: "rollups"
        case .audit: "audit"
        case .admin: "admin"
        case .adminNew: "adminNew"
        case .adminItem: "adminItem"
        case .adminItemActive: "adminItemActive"
        case .adminPersonPassword: "adminPersonPassword"
        case .adminSetupInAppReminders: "adminSetupInAppReminders"
        case .adminPeopleImport: "adminPeopleImport"
        case .adminPeopleImportConfirm: "adminPeopleImportConfirm"
        case .loginSlips: "loginSlips"
        }
    }

    static let allNames: Set<String> = [
        "home", "login", "logout", "accountPassword", "accountChannels", "accountAccess", "accountTokenRevoke",
        "accountCalendarRevoke", "notifications", "notificationsRead", "search",
        "currentWeek", "week", "weekMove", "weekRestore", "currentReport", "report", "reportAutosave", "reportForecastConfirm",
        "reportProposal",
        "currentLedgerWeek", "ledgerWeek", "ledgerWeekExport", "ledgerPerson", "ledgerSummary", "ledgerMonthly", "ledgerLeaves",
        "ledgerLeaveDelete", "ledgerSummaryExport",
        "groups", "groupWeek", "groupWeekAction", "groupWeekDocument", "memberReport", "memberReportAPI",
        "dashboard", "currentBriefing", "briefing", "briefingPack", "briefingConclusions", "briefingConclusionsDocument",
        "briefingTasks", "currentSchedule", "schedule", "scheduleItems", "scheduleItem", "scheduleItemDelete", "schedulePublish",
        "scheduleDocument", "roomWeek", "calendarFeeds", "calendarFeed", "calendarRegenerate", "calendarRegenerateCommune", "daysOff", "daysOffYear",
        "cells", "cellMeetingNew", "cellMeetings", "cellMeeting", "cellMeetingDelete", "cellReportSubmit", "cellRotation",
        "cellRotationYear", "cellRubric", "cellRubricYear", "cellReport", "cellReportDocument",
        "monthly", "monthlyCompilation", "monthlyCompilationText", "monthlyDocument", "monthlyUnit", "monthlyPerson",
        "targets", "targetRow", "target", "targetActive", "targetNew", "targetImport", "targetImportConfirm", "targetExport",
        "rollups", "audit", "admin", "adminNew", "adminItem", "adminItemActive", "adminPersonPassword", "adminSetupInAppReminders",
        "adminPeopleImport", "adminPeopleImportConfirm", "loginSlips",
    ]

    /// The app's routes for some methods, matched to a path as Vapor's router matches a request.
    struct Router {
        let trie = TrieRouter<String>()
        /// The trie refuses an empty path: whether "/" itself is routed.
        var root = false
    }

    static func router(_ app: Application, methods: [HTTPMethod]) -> Router {
        var router = Router()
        for route in app.routes.all where methods.contains(route.method) {
            if route.path.isEmpty { router.root = true } else { router.trie.register(route.path.string, at: route.path) }
        }
        return router
    }

    /// The route pattern that answers `path` (query and fragment cut off), if any.
    static func match(_ router: Router, _ path: String) -> String? {
        let bare = String(path.prefix { $0 != "?" && $0 != "#" })
        let segments = bare.split(separator: "/", omittingEmptySubsequences: true).map { String($0).removingPercentEncoding ?? String($0) }
        if segments.isEmpty { return router.root ? "/" : nil }
        var parameters = Parameters()
        return router.trie.route(path: segments, parameters: &parameters)
    }

    @Test("Every case's path is answered by a registered route: pages open (not 404) for the signed-in office, forms post")
    func everyRouteIsRegistered() async throws {
        try await withTestApp { t in
            let office = try await t.person(TestApp.Demo.office)
            // Personal monthly reports exist once the commune asks officials for them too.
            try await PersonalMonthlyTests.setReporters(t, "both")
            let reporter = try await t.person(TestApp.Demo.reporter)
            let membership = try #require(try await GroupMembership.query(on: t.db).filter(\.$kind == .member).first())
            let unit = try #require(try await OrgUnit.query(on: t.db).first())
            let cell = try #require(try await PartyCell.query(on: t.db).first())
            let supervisor = try #require(try await CellSupervisor.query(on: t.db).first())
            let room = try #require(try await Room.query(on: t.db).first())
            try await t.loadDemoTargets([Self.week.year])
            let target = try #require(try await Target.query(on: t.db).filter(\.$year == Self.week.year).first())
            let ids = SampleIDs(group: membership.groupID, member: membership.personID, person: try office.requireID(),
                                monthlyReporter: try reporter.requireID(), unit: try unit.requireID(), target: try target.requireID(),
                                cell: try cell.requireID(), supervisor: supervisor.personID, room: try room.requireID(),
                                week: Self.week, month: Self.month, missing: UUID())
            let pages = Self.pages(ids), formTargets = Self.formTargets(ids)
            #expect(Set((pages + formTargets).map(Self.name)) == Self.allNames, "every case has a sample")

            let router = Self.router(t.app, methods: [.GET])
            let posts = Self.router(t.app, methods: [.POST])
            let browser = t.browser()
            try await browser.login(TestApp.Demo.office)
            for route in pages {
                let path = route.path
                #expect(Self.match(router, path) != nil, "no GET route answers \(path)")
                // The request itself: a 404 would mean the route or the page refuses the address.
                guard Self.isRequested(route) else { continue }
                let status = try await browser.get(path).status
                #expect(status != .notFound, "\(path) answered \(status)")
            }
            for route in formTargets {
                #expect(Self.match(posts, route.path) != nil, "no POST route answers \(route.path)")
            }
        }
    }

    /// Every `attribute="/…"` of the templates and of the views written in Swift (a link, a form
    /// target, a script's address, a hidden field), as (file, attribute, value).
    static func templatePaths() throws -> [(file: String, attribute: String, value: String)] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        func files(under folder: String, _ isView: (URL) -> Bool) -> [URL] {
            FileManager.default.enumerator(at: root.appendingPathComponent(folder), includingPropertiesForKeys: nil)?
                .compactMap { $0 as? URL }.filter(isView) ?? []
        }
        let templates = files(under: "Resources/Views") { $0.pathExtension == "leaf" }
        // A compiled view is a Swift file that builds `HTML` (the layout, the hottest pages).
        let compiled = files(under: "Sources/App") {
            $0.pathExtension == "swift" && ((try? String(contentsOf: $0, encoding: .utf8))?.contains("-> HTML") ?? false)
        }
        let pattern = try NSRegularExpression(pattern: #"([A-Za-z-]+)="(/[^"]*)""#)
        var paths: [(String, String, String)] = []
        for file in templates + compiled {
            let text = try String(contentsOf: file, encoding: .utf8)
            let range = NSRange(text.startIndex..., in: text)
            for match in pattern.matches(in: text, range: range) {
                paths.append((file.path.replacingOccurrences(of: root.path + "/", with: ""),
                              String(text[Range(match.range(at: 1), in: text)!]), String(text[Range(match.range(at: 2), in: text)!])))
            }
        }
        #expect(templates.count > 40, "the templates were read")
        #expect(compiled.contains { $0.lastPathComponent == "PageLayout.swift" }, "the compiled views were read")
        return paths
    }

    @Test("No template types a site path: every link and form target comes from the page model (static files excepted)")
    func templatesTypeNoSitePath() throws {
        let publicFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Public")
        let paths = try Self.templatePaths()
        for (file, attribute, value) in paths {
            // A file of `Public/` (a style sheet, a script, the icon) is no page: its literal path is
            // the file's own name, and it must exist.
            let isStaticFile = !value.contains("#") && !value.contains("?")
                && FileManager.default.fileExists(atPath: publicFolder.path + value)
            #expect(isStaticFile, "\(file): \(attribute)=\"\(value)\" is a hand-typed site path: put a SiteRoute in the page's model")
        }
        // The layout's style sheet, icon and scripts are still there: the test reads what it means to.
        #expect(paths.count >= 5)
    }

    @Test("Every registered route is a declared pattern, every pattern is registered, and no two patterns share a path")
    func routesAreDeclaredPatterns() async throws {
        try await withTestApp(demo: false) { t in
            let declared = SiteRoute.Pattern.all.map(\.path.string) + APIRoute.all.map(\.path.string)
            #expect(Set(declared).count == declared.count, "two patterns name the same path")
            let registered = Set(t.app.routes.all.map(\.path.string))
            for route in t.app.routes.all {
                #expect(Set(declared).contains(route.path.string), "\(route.method) /\(route.path.string) is registered without a pattern")
            }
            for path in declared {
                #expect(registered.contains(path), "the pattern /\(path) is declared but no route is registered with it")
            }
        }
    }
}
