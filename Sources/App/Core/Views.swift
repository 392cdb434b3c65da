import Fluent
import SQLKit
import GiaoBanCore
import Leaf
import Vapor

/// What the layout shows on every page: where you are (commune, week, role) and what is due next.
struct PageChrome: Encodable, Sendable {
    struct NavItem: Encodable, Sendable {
        var href: String
        var label: String
        var current: Bool
    }
    var title: String
    /// The part of the app the page belongs to (the menu marks it).
    var section: String
    var communeName: String?
    var userName: String?
    var roleNames: String?
    var nav: [NavItem]
    var adminNav: [NavItem]
    var weekTitle: String?
    var nextDue: String?
    /// The same, short enough to share one line with the week on a phone ("Hạn báo cáo tuần: còn 2 ngày").
    var nextDueShort: String?
    var nextDueOverdue = false
    var csrf: String
    var flash: String?
    var unreadCount: Int
    var links = Links()

    /// The layout's own addresses: the brand, the bell, the account menu, signing out, and this
    /// week's report (linked from an overdue deadline).
    struct Links: Encodable, Sendable {
        var home = SiteRoute.home.path
        var notifications = SiteRoute.notifications.path
        var search = SiteRoute.search.path
        var password = SiteRoute.accountPassword.path
        var access = SiteRoute.accountAccess.path
        var logoutAction = SiteRoute.logout.path
        var currentReport = SiteRoute.currentReport.path
    }
}

/// Every page renders `{ chrome, view }`: the layout's model and the page's own. The words of the UI
/// are not part of it: templates ask for them with `#t("key")` (`StringsTag`), so no page carries
/// the whole strings table through Leaf's encoder.
struct Page<View: Encodable & Sendable>: Encodable, Sendable {
    var chrome: PageChrome
    var view: View
}

/// The model a page is rendered from, as JSON instead of HTML: only in the testing environment
/// and only when asked by header, so that tests snapshot what a page shows apart from how its
/// template lays it out (`PageModelSnapshotTests`).
enum PageModel {
    static let header = "X-GiaoBan-Page-Model"

    /// Only a test asks: a server in any other environment renders HTML whatever the headers say.
    static func isAsked(environment: Environment, headers: HTTPHeaders) -> Bool {
        environment == .testing && headers.first(name: header) != nil
    }

    static func response<View: Encodable & Sendable>(_ page: Page<View>, status: HTTPResponseStatus) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let response = Response(status: status, body: .init(data: try encoder.encode(page)))
        response.headers.contentType = .json
        return response
    }
}

/// What the header needs beyond the signed-in context, in one statement: unread notifications, the
/// active groups the person reports to, and when they first submitted this week's report.
struct ChromeFacts: Sendable {
    var week: ReportWeek
    var unread: Int
    var memberGroupIDs: Set<UUID>
    var firstSubmittedAt: Date?

    static func read(for user: CurrentUser, week: ReportWeek, on db: any Database) async throws -> ChromeFacts {
        let sql = try SQLAccess.sql(db)
        let row = try await sql.raw("""
            SELECT
              (SELECT COUNT(*) FROM notifications n WHERE n.person_id = \(bind: user.personID) AND n.read_at IS NULL) AS unread,
              (SELECT \(unsafeRaw: SQLAccess.idList(sql, "gm.group_id")) FROM group_memberships gm
                 JOIN report_groups g ON g.id = gm.group_id
                 WHERE gm.person_id = \(bind: user.personID) AND gm.kind = 'member' AND g.active = \(bind: true)) AS member_group_ids,
              (SELECT r.first_submitted_at FROM weekly_reports r
                 WHERE r.person_id = \(bind: user.personID) AND r.week_id = \(bind: week.id.description)) AS first_submitted_at
            """).first()
        guard let row else { return ChromeFacts(week: week, unread: 0, memberGroupIDs: [], firstSubmittedAt: nil) }
        return ChromeFacts(week: week, unread: try row.decode(column: "unread", as: Int.self),
                           memberGroupIDs: try SQLAccess.ids(row, "member_group_ids"),
                           firstSubmittedAt: try row.decode(column: "first_submitted_at", as: Date?.self))
    }
}

/// Flash notices travel as `?notice=key` after a redirect; only known keys are shown.
private let noticeKeys: Set<String> = ["saved", "logged_out", "password_changed", "week_move_done", "week_move_restored", "report_submitted", "reminded", "schedule_published"]

/// A page model that renders its own body in Swift (`HTML`) instead of through a Leaf template:
/// the pages read most (issue 20; docs/decisions.md, "Compiled views").
protocol CompiledView: Encodable, Sendable {
    func body(chrome: PageChrome) -> HTML
}

extension Request {
    /// A page whose body is a Leaf template (`Resources/Views/<template>.leaf`), in the layout.
    func render<View: Encodable & Sendable>(_ template: String, title: String, section: String,
                                             _ view: View, status: HTTPResponseStatus = .ok) async throws -> Response {
        try await respond(title: title, section: section, view, status: status) { page in
            let rendered = try await self.view.render(template, page)
            return HTML(alreadyEscaped: String(buffer: rendered.data))
        }
    }

    /// A page whose body is Swift (`CompiledView`), in the layout.
    func render<View: CompiledView>(title: String, section: String, _ view: View,
                                     status: HTTPResponseStatus = .ok) async throws -> Response {
        try await respond(title: title, section: section, view, status: status) { page in
            page.view.body(chrome: page.chrome)
        }
    }

    private func respond<View: Encodable & Sendable>(title: String, section: String, _ view: View, status: HTTPResponseStatus,
                                                      body: (Page<View>) async throws -> HTML) async throws -> Response {
        var chrome = makeChrome(title: title, section: section)
        if let user = currentUser {
            let facts = try await ChromeFacts.read(for: user, week: user.calendar.week(containing: now), on: db)
            chrome.unreadCount = facts.unread
            if let due = try await nextDue(for: user, facts: facts) {
                chrome.nextDue = due.text
                chrome.nextDueShort = due.short
                chrome.nextDueOverdue = due.overdue
            }
        }
        let page = Page(chrome: chrome, view: view)
        if PageModel.isAsked(environment: application.environment, headers: headers) {
            return try PageModel.response(page, status: status)
        }
        let html = PageLayout.page(chrome, body: try await body(page))
        var headers = HTTPHeaders()
        headers.contentType = .html
        return Response(status: status, headers: headers, body: .init(string: html.text))
    }

    private func makeChrome(title: String, section: String) -> PageChrome {
        let user = currentUser
        var nav: [PageChrome.NavItem] = []
        var adminNav: [PageChrome.NavItem] = []
        var weekTitle: String?
        if let user {
            // Each link is shown iff the policy allows the action its page checks, so the menu
            // never offers a 403 nor hides a page the person may open.
            let ledger: (route: SiteRoute, action: Action) = AccessPolicy.allows(user.actor, .readGroupLedgers)
                ? (.currentLedgerWeek, .readGroupLedgers)
                : (.ledgerPerson(user.personID), .readPersonReports(person: PersonFacts(id: user.personID, communeID: user.communeID)))
            let items: [(route: SiteRoute, key: String, section: String, action: Action)] = [
                (.rollups, "nav_rollups", "rollups", .readRollups),
                (.home, "nav_home", "home", .readHome),
                (.currentReport, "nav_report", "report", .readOwnReport),
                (.currentWeek, "nav_week", "week", .readCalendar),
                (.currentSchedule, "nav_schedule", "schedule", .readCalendar),
                (.targets(), "nav_targets", "targets", .readTargets),
                (.monthly(), "nav_monthly", "monthly", MonthlyService.openAction(user)),
                (.cells(), "nav_cell_meetings", "cell_meetings", .openCellMeetings),
                (.dashboard, "nav_dashboard", "dashboard", .viewBriefing),
                (.currentBriefing, "nav_briefing", "briefing", .viewBriefing),
                (.groups, "nav_groups_week", "groups", .openGroupWeeks),
                (ledger.route, "nav_ledger", "ledger", ledger.action),
            ]
            nav = items.filter { AccessPolicy.allows(user.actor, $0.action) }
                .map { .init(href: $0.route.path, label: t($0.key), current: section == $0.section) }
            if AccessPolicy.allows(user.actor, .manageOrganisation) {
                let items: [(SiteRoute.AdminSection, String)] = [
                    (.setup, "nav_setup"), (.units, "nav_units"), (.people, "nav_people"), (.groups, "nav_groups"),
                    (.rooms, "nav_rooms"), (.cells, "nav_cells"), (.settings, "nav_settings"), (.integrations, "nav_integrations"),
                ]
                // The admin menu's section names are the path segments.
                adminNav = items.map { .init(href: SiteRoute.admin($0.0).path, label: t($0.1), current: section == $0.0.rawValue) }
            }
            weekTitle = user.calendar.week(containing: now).title
        }
        let noticeKey = query[String.self, at: "notice"].flatMap { noticeKeys.contains($0) ? $0 : nil }
        return PageChrome(
            title: title,
            section: section,
            communeName: user?.commune.name,
            userName: user?.person.fullName,
            roleNames: user.map { roleNames($0) },
            nav: nav,
            adminNav: adminNav,
            weekTitle: weekTitle,
            nextDue: nil,
            csrf: CSRFMiddleware.token(for: self),
            flash: noticeKey.map { t($0) },
            unreadCount: 0
        )
    }

    /// "Báo cáo tuần: còn 2 ngày 3 giờ", or this week's report overdue while it is still owed.
    private func nextDue(for user: CurrentUser, facts: ChromeFacts) async throws -> (text: String, short: String, overdue: Bool)? {
        let calendar = user.calendar
        let week = facts.week
        let due = calendar.deadlines(for: week).weeklyReport
        let owes = !facts.memberGroupIDs.isEmpty && user.person.reportsWeekly
        // Past the deadline, the ledger's own entry for this week (submission, leave, first day).
        var entry: LedgerEntry?
        if owes, due > now, let submitted = facts.firstSubmittedAt {
            // Submitted before the deadline: on time, and the header moves on to what is next.
            entry = LedgerEntry(status: .onTime, submittedAt: submitted)
        }
        if owes, due <= now {
            let me = LedgerService.Obligated(personID: user.personID, communeID: user.communeID, fullName: user.person.fullName, groupIDs: Array(facts.memberGroupIDs),
                                             unitIDs: Array(user.actor.unitIDs), duty: user.person.reportingDuty)
            entry = try await LedgerService.rows(for: [me], weeks: [week], calendar: calendar, now: now, on: db).first?.entry
        }
        guard let item = PersonalDeadline.next(now: now, calendar: calendar, owesWeeklyReport: owes,
                                               currentWeekEntry: entry, isAggregator: user.actor.isAggregator,
                                               duty: user.person.reportingDuty) else { return nil }
        let label = item.kind == .weeklyReport ? t("deadline_weekly_report") : t("deadline_group_compilation")
        let left = TimeLeft.vietnamese(from: now, to: item.dueAt)
        let short = item.kind == .weeklyReport ? t("header_due_weekly_short") : t("header_due_compilation_short")
        return (item.overdue ? "\(label) \(t("header_not_submitted")): \(left)" : "\(label): \(left)",
                item.overdue ? "\(short) \(t("header_not_submitted")): \(left)" : "\(short): \(left)", item.overdue)
    }

    private func roleNames(_ user: CurrentUser) -> String {
        var names = user.actor.roles.sorted().map(\.vietnameseName)
        if user.actor.isAggregator { names.append("Đầu mối tổng hợp") }
        if user.actor.isCellSupervisor { names.append("Phụ trách chi bộ") }
        return names.joined(separator: ", ")
    }
}

/// The HTML face of an error: a 401 sends the browser to the login page, everything else gets a
/// plain page with a way back.
enum ErrorPage {
    struct View: Encodable, Sendable {
        var status: Int
        var message: String
        var homeHref = SiteRoute.home.path
    }

    static func render(_ error: AppError, for request: Request) async -> Response {
        if error.status == .unauthorized {
            return request.redirect(to: .login(next: request.url.path))
        }
        do {
            return try await request.render("error", title: request.t("error_title"), section: "",
                                            View(status: Int(error.status.code), message: error.message), status: error.status)
        } catch {
            let response = Response(status: .internalServerError, body: .init(string: "Có lỗi phía máy chủ."))
            response.headers.contentType = .plainText
            return response
        }
    }
}

/// Form values that come back to the page exactly as typed when the form is refused.
struct FieldErrors: Encodable, Sendable {
    var messages: [String: String] = [:]
    var isEmpty: Bool { messages.isEmpty }
    subscript(field: String) -> String? {
        get { messages[field] }
        set { messages[field] = newValue }
    }
    func encode(to encoder: any Encoder) throws { try messages.encode(to: encoder) }
}

/// One checkbox or select option in a form.
struct Choice: Encodable, Sendable {
    var value: String
    var label: String
    var selected: Bool
    var hint: String? = nil
}
