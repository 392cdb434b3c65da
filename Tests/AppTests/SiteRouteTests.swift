@testable import App
import Fluent
import Foundation
import GiaoBanCore
import Testing
import Vapor
import VaporTesting

/// The site's addresses are one typed enum (`SiteRoute`, issue 20): the paths it produces are the
/// ones the app always produced (they are a public contract), each is answered by a registered
/// route, and the literal links of the templates lead to registered routes too.
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

    @Test("A value can never add a segment, a parameter or a fragment: it is percent-encoded")
    func encoding() {
        #expect(SiteRoute.login(next: "/reports/2021-W33?personId=1&x=ý").path
                == "/login?next=%2Freports%2F2021-W33%3FpersonId%3D1%26x%3D%C3%BD")
        #expect(SiteRoute.audit(kind: "a&b=c#d/e f").path == "/audit?kind=a%26b%3Dc%23d%2Fe%20f")
        #expect(SiteRoute.loginSlips(token: "../x?y").path == "/api/v1/people/slips/..%2Fx%3Fy.docx")
        #expect(SiteRoute.home.path(notice: "a b&c") == "/?notice=a%20b%26c")
    }

    /// One sample of every case. The switch in `name` has no default, so a new case does not
    /// compile until it is named there; name it in `allNames` and give it a sample here too.
    static func samples(group: UUID, member: UUID, person: UUID, monthlyReporter: UUID, unit: UUID, target: UUID, cell: UUID,
                        supervisor: UUID, week: ReportWeekID, month: ReportMonth) -> [SiteRoute] {
        [
            .home, .login(), .login(next: "/groups"), .accountPassword, .accountChannels, .accountAccess, .notifications, .search,
            .currentWeek, .week(week), .currentReport, .report(week: week), .report(week: week, personID: member),
            .currentLedgerWeek, .ledgerWeek(week), .ledgerWeek(week, byStatus: true), .ledgerWeekExport(week), .ledgerPerson(person),
            .ledgerLeaves, .ledgerSummaryExport(year: week.year, month: month.month),
            .groups, .groupWeek(groupID: group, week: week), .memberReport(groupID: group, week: week, personID: member),
            .memberReportAPI(groupID: group, week: week, personID: member),
            .dashboard, .currentBriefing, .briefing(week), .briefingTasks(), .briefingTasks(all: true),
            .currentSchedule, .schedule(week), .calendarFeeds, .daysOff(), .daysOff(year: week.year),
            .cells(), .cells(month: month), .cellRotation(year: week.year, personID: supervisor), .cellRubric(year: week.year),
            .cellReport(month),
            .monthly(), .monthly(month: month), .monthlyCompilation(month), .monthlyUnit(month: month, unitID: unit),
            .monthlyPerson(month: month, personID: monthlyReporter),
            .targets(), .targets(year: week.year, groupID: group, week: week), .targetRow(year: week.year, groupID: group, targetID: target),
            .targetNew(year: week.year, groupID: group), .targetImport(year: week.year), .targetExport(year: week.year, groupID: group, week: week),
            .rollups, .audit(), .audit(personID: person, week: week.description, page: 2),
            .adminPeopleImport, .loginSlips(token: "no-such-token"),
        ] + SiteRoute.AdminSection.allCases.map { .admin($0) }
          + [.adminItem(.units, unit), .adminItem(.people, person), .adminItem(.groups, group), .adminItem(.cells, cell)]
    }

    static func name(_ route: SiteRoute) -> String {
        switch route {
        case .home: "home"
        case .login: "login"
        case .accountPassword: "accountPassword"
        case .accountChannels: "accountChannels"
        case .accountAccess: "accountAccess"
        case .notifications: "notifications"
        case .search: "search"
        case .currentWeek: "currentWeek"
        case .week: "week"
        case .currentReport: "currentReport"
        case .report: "report"
        case .currentLedgerWeek: "currentLedgerWeek"
        case .ledgerWeek: "ledgerWeek"
        case .ledgerWeekExport: "ledgerWeekExport"
        case .ledgerPerson: "ledgerPerson"
        case .ledgerLeaves: "ledgerLeaves"
        case .ledgerSummaryExport: "ledgerSummaryExport"
        case .groups: "groups"
        case .groupWeek: "groupWeek"
        case .memberReport: "memberReport"
        case .memberReportAPI: "memberReportAPI"
        case .dashboard: "dashboard"
        case .currentBriefing: "currentBriefing"
        case .briefing: "briefing"
        case .briefingTasks: "briefingTasks"
        case .currentSchedule: "currentSchedule"
        case .schedule: "schedule"
        case .calendarFeeds: "calendarFeeds"
        case .daysOff: "daysOff"
        case .cells: "cells"
        case .cellRotation: "cellRotation"
        case .cellRubric: "cellRubric"
        case .cellReport: "cellReport"
        case .monthly: "monthly"
        case .monthlyCompilation: "monthlyCompilation"
        case .monthlyUnit: "monthlyUnit"
        case .monthlyPerson: "monthlyPerson"
        case .targets: "targets"
        case .targetRow: "targetRow"
        case .targetNew: "targetNew"
        case .targetImport: "targetImport"
        case .targetExport: "targetExport"
        case .rollups: "rollups"
        case .audit: "audit"
        case .admin: "admin"
        case .adminItem: "adminItem"
        case .adminPeopleImport: "adminPeopleImport"
        case .loginSlips: "loginSlips"
        }
    }

    static let allNames: Set<String> = [
        "home", "login", "accountPassword", "accountChannels", "accountAccess", "notifications", "search", "currentWeek", "week",
        "currentReport", "report", "currentLedgerWeek", "ledgerWeek", "ledgerWeekExport", "ledgerPerson", "ledgerLeaves",
        "ledgerSummaryExport", "groups", "groupWeek", "memberReport", "memberReportAPI", "dashboard", "currentBriefing", "briefing",
        "briefingTasks", "currentSchedule", "schedule", "calendarFeeds", "daysOff", "cells", "cellRotation", "cellRubric", "cellReport",
        "monthly", "monthlyCompilation", "monthlyUnit", "monthlyPerson", "targets", "targetRow", "targetNew", "targetImport",
        "targetExport", "rollups", "audit", "admin", "adminItem", "adminPeopleImport", "loginSlips",
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

    @Test("Every case's path is answered by a registered route (not 404) for the signed-in office")
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
            let samples = Self.samples(group: membership.groupID, member: membership.personID, person: try office.requireID(),
                                       monthlyReporter: try reporter.requireID(),
                                       unit: try unit.requireID(), target: UUID(), cell: try cell.requireID(),
                                       supervisor: supervisor.personID, week: Self.week, month: Self.month)
            #expect(Set(samples.map(Self.name)) == Self.allNames, "every case has a sample")

            let router = Self.router(t.app, methods: [.GET])
            let browser = t.browser()
            try await browser.login(TestApp.Demo.office)
            for route in samples {
                let path = route.path
                #expect(Self.match(router, path) != nil, "no GET route answers \(path)")
                // The request itself: a 404 would mean the route or the page refuses the address.
                // (The slips' token is the key: an unknown one is a 404 by design.)
                guard Self.name(route) != "loginSlips" else { continue }
                let status = try await browser.get(path).status
                #expect(status != .notFound, "\(path) answered \(status)")
            }
        }
    }

    /// `href="/…"` and `action="/…"` in the templates, as (file, attribute, value).
    static func templateLinks() throws -> [(file: String, attribute: String, value: String)] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let views = root.appendingPathComponent("Resources/Views")
        let files = FileManager.default.enumerator(at: views, includingPropertiesForKeys: nil)?
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "leaf" } ?? []
        let pattern = try NSRegularExpression(pattern: #"\b(href|action)="(/[^"]*)""#)
        var links: [(String, String, String)] = []
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            let range = NSRange(text.startIndex..., in: text)
            for match in pattern.matches(in: text, range: range) {
                links.append((file.lastPathComponent, String(text[Range(match.range(at: 1), in: text)!]),
                              String(text[Range(match.range(at: 2), in: text)!])))
            }
        }
        return links
    }

    /// A template value as the paths it can produce: each `#if(…):…#endif` both with and without
    /// its text, each `#(…Query)` a query string ("?personId=…" or nothing), any other `#(…)` a
    /// parameter value.
    static func variants(_ value: String) throws -> [String] {
        let conditional = try NSRegularExpression(pattern: #"#if\([^)]*\):(.*?)#endif"#)
        var results = [value]
        while let index = results.firstIndex(where: { conditional.firstMatch(in: $0, range: NSRange($0.startIndex..., in: $0)) != nil }) {
            let text = results.remove(at: index)
            let match = conditional.firstMatch(in: text, range: NSRange(text.startIndex..., in: text))!
            let whole = Range(match.range, in: text)!, inner = Range(match.range(at: 1), in: text)!
            results.append(text.replacingCharacters(in: whole, with: text[inner]))
            results.append(text.replacingCharacters(in: whole, with: ""))
        }
        let query = try NSRegularExpression(pattern: #"#\([^)]*Query\)"#)
        let variable = try NSRegularExpression(pattern: #"#\([^)]*\)"#)
        return results.map { text in
            let queried = query.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: "?")
            return variable.stringByReplacingMatches(in: queried, range: NSRange(queried.startIndex..., in: queried), withTemplate: "PARAM")
        }
    }

    @Test("Every literal link and form target in the templates leads to a registered route (or a static file)")
    func templateLinksAreRouted() async throws {
        let links = try Self.templateLinks()
        #expect(links.count > 100, "the templates were read")
        let publicFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Public")
        try await withTestApp(demo: false) { t in
            // A link is followed with GET; a form posts (or, for a search form, gets).
            let pages = Self.router(t.app, methods: [.GET])
            let forms = Self.router(t.app, methods: [.GET, .POST])
            for (file, attribute, value) in links {
                for path in try Self.variants(value) {
                    let bare = String(path.prefix { $0 != "?" && $0 != "#" })
                    if bare.hasPrefix("/css/") || bare.hasPrefix("/js/") || bare == "/favicon.svg" {
                        #expect(FileManager.default.fileExists(atPath: publicFolder.path + bare), "\(file): \(value)")
                        continue
                    }
                    let matched = Self.match(attribute == "href" ? pages : forms, path)
                    #expect(matched != nil, "\(file): \(attribute)=\"\(value)\" (\(path)) has no route")
                }
            }
        }
    }
}
