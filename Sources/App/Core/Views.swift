import Fluent
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
}

/// Every page renders `{ chrome, t, view }`: the layout, the strings table and the page's own model.
struct Page<View: Encodable & Sendable>: Encodable, Sendable {
    var chrome: PageChrome
    var t: [String: String]
    var view: View
}

/// Flash notices travel as `?notice=key` after a redirect; only known keys are shown.
private let noticeKeys: Set<String> = ["saved", "logged_out", "password_changed", "week_move_done", "week_move_restored", "report_submitted", "reminded", "schedule_published"]

extension Request {
    func render<View: Encodable & Sendable>(_ template: String, title: String, section: String,
                                             _ view: View, status: HTTPResponseStatus = .ok) async throws -> Response {
        var chrome = makeChrome(title: title, section: section)
        if let user = currentUser {
            chrome.unreadCount = try await AppNotification.query(on: db).filter(\.$personID == user.personID)
                .filter(\.$readAt == nil).count()
            if let due = try await nextDue(for: user) {
                chrome.nextDue = due.text
                chrome.nextDueShort = due.short
                chrome.nextDueOverdue = due.overdue
            }
        }
        let page = Page(chrome: chrome, t: Strings.vietnamese, view: view)
        let rendered = try await self.view.render(template, page).encodeResponse(for: self)
        rendered.status = status
        return rendered
    }

    private func makeChrome(title: String, section: String) -> PageChrome {
        let user = currentUser
        var nav: [PageChrome.NavItem] = []
        var adminNav: [PageChrome.NavItem] = []
        var weekTitle: String?
        if let user {
            if AccessPolicy.allows(user.actor, .readRollups) {
                nav.append(.init(href: "/rollups", label: t("nav_rollups"), current: section == "rollups"))
            }
            nav.append(.init(href: "/", label: t("nav_home"), current: section == "home"))
            nav.append(.init(href: "/reports/current", label: t("nav_report"), current: section == "report"))
            nav.append(.init(href: "/weeks/current", label: t("nav_week"), current: section == "week"))
            nav.append(.init(href: "/schedule/current", label: t("nav_schedule"), current: section == "schedule"))
            nav.append(.init(href: "/targets", label: t("nav_targets"), current: section == "targets"))
            if AccessPolicy.allows(user.actor, .readMonthlyReports) || !user.actor.unitIDs.isEmpty {
                nav.append(.init(href: "/monthly", label: t("nav_monthly"), current: section == "monthly"))
            }
            if AccessPolicy.allows(user.actor, .readCellReports) || user.actor.isCellSupervisor {
                nav.append(.init(href: "/cells", label: t("nav_cell_meetings"), current: section == "cell_meetings"))
            }
            if AccessPolicy.allows(user.actor, .viewBriefing) {
                nav.append(.init(href: "/dashboard", label: t("nav_dashboard"), current: section == "dashboard"))
                nav.append(.init(href: "/briefing/current", label: t("nav_briefing"), current: section == "briefing"))
            }
            if AccessPolicy.allows(user.actor, .viewBriefing) || user.actor.isAggregator {
                nav.append(.init(href: "/groups", label: t("nav_groups_week"), current: section == "groups"))
            }
            if AccessPolicy.allows(user.actor, .readCommuneLedger) || user.actor.isAggregator {
                nav.append(.init(href: "/ledger/weeks/current", label: t("nav_ledger"), current: section == "ledger"))
            } else {
                nav.append(.init(href: "/ledger/people/\(user.personID)", label: t("nav_ledger"), current: section == "ledger"))
            }
            if AccessPolicy.allows(user.actor, .manageOrganisation) {
                let items: [(String, String, String)] = [
                    ("/admin/setup", "nav_setup", "setup"),
                    ("/admin/units", "nav_units", "units"), ("/admin/people", "nav_people", "people"),
                    ("/admin/groups", "nav_groups", "groups"), ("/admin/rooms", "nav_rooms", "rooms"),
                    ("/admin/cells", "nav_cells", "cells"), ("/admin/settings", "nav_settings", "settings"),
                    ("/admin/integrations", "nav_integrations", "integrations"),
                ]
                adminNav = items.map { .init(href: $0.0, label: t($0.1), current: section == $0.2) }
            }
            weekTitle = user.calendar.week(containing: now).title
        }
        let noticeKey = query[String.self, at: "notice"].flatMap { noticeKeys.contains($0) ? $0 : nil }
        return PageChrome(
            title: title,
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
    private func nextDue(for user: CurrentUser) async throws -> (text: String, short: String, overdue: Bool)? {
        let calendar = user.calendar
        let week = calendar.week(containing: now)
        let due = calendar.deadlines(for: week).weeklyReport
        let memberships = try await GroupMembership.query(on: db).filter(\.$personID == user.personID)
            .filter(\.$kind == .member).all()
        var owes = false
        if !memberships.isEmpty && user.person.reportsWeekly {
            owes = try await ReportGroup.query(on: db).filter(\.$id ~~ memberships.map(\.groupID))
                .filter(\.$active == true).count() > 0
        }
        // Past the deadline, the ledger's own entry for this week (submission, leave, first day).
        var entry: LedgerEntry?
        if owes, due > now, let submitted = try await WeeklyReport.query(on: db).filter(\.$personID == user.personID)
            .filter(\.$weekID == week.id.description).first()?.firstSubmittedAt {
            // Submitted before the deadline: on time, and the header moves on to what is next.
            entry = LedgerEntry(status: .onTime, submittedAt: submitted)
        }
        if owes, due <= now {
            let me = LedgerService.Obligated(person: user.person, personID: user.personID, groupIDs: memberships.map(\.groupID),
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
    }

    static func render(_ error: AppError, for request: Request) async -> Response {
        if error.status == .unauthorized {
            let next = request.url.path.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/"
            return request.redirect(to: "/login?next=\(next)")
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
