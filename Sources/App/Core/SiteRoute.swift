import Foundation
import GiaoBanCore
import Vapor

/// Every address of the site that the app links or redirects to, one case per page (or page
/// family), with typed parameters. Links, redirects and the URLs stored with notifications are
/// built from it, and the page routes with parameters are registered from `Pattern`, the same
/// component lists the links are filled from, so an address and its route cannot drift apart.
/// (After SwiftPackageIndex-Server's `SiteURL`.)
///
/// The addresses are a public contract (bookmarks, stored notification URLs, documents): a case
/// produces exactly the path the app produced before it existed.
enum SiteRoute: Hashable, Sendable {
    // Accounts.
    case home
    /// The sign-in page; `next` is where to go afterwards (checked again by `LocalRedirect` there).
    case login(next: String? = nil)
    case accountPassword
    case accountChannels
    case accountAccess
    case notifications
    case search

    // Weeks and weekly reports. The `current…` cases name the week containing today, which the
    // page resolves itself (the menu links to them; they stay valid across weeks).
    case currentWeek
    case week(ReportWeekID)
    case currentReport
    /// A weekly report; `personID` when written on someone else's behalf.
    case report(week: ReportWeekID, personID: UUID? = nil)

    // Ledgers.
    case currentLedgerWeek
    /// A week's ledger; `byStatus` sorts it by status instead of by name.
    case ledgerWeek(ReportWeekID, byStatus: Bool = false)
    case ledgerWeekExport(ReportWeekID, byStatus: Bool = false)
    case ledgerPerson(UUID)
    case ledgerLeaves
    case ledgerSummaryExport(year: Int, month: Int? = nil)

    // Group weeks (compilation).
    case groups
    case groupWeek(groupID: UUID, week: ReportWeekID)
    case memberReport(groupID: UUID, week: ReportWeekID, personID: UUID)
    /// The JSON of a member's report, linked from its page.
    case memberReportAPI(groupID: UUID, week: ReportWeekID, personID: UUID)

    // Briefing, dashboard, schedule, calendar.
    case dashboard
    case currentBriefing
    case briefing(ReportWeekID)
    case briefingTasks(all: Bool = false)
    case currentSchedule
    case schedule(ReportWeekID)
    case calendarFeeds
    case daysOff(year: Int? = nil)

    // Party cells.
    case cells(month: ReportMonth? = nil)
    case cellRotation(year: Int, personID: UUID? = nil)
    case cellRubric(year: Int)
    case cellReport(ReportMonth)

    // Monthly reports.
    case monthly(month: ReportMonth? = nil)
    case monthlyCompilation(ReportMonth)
    case monthlyUnit(month: ReportMonth, unitID: UUID)
    case monthlyPerson(month: ReportMonth, personID: UUID)

    // Targets.
    case targets(year: Int? = nil, groupID: UUID? = nil, week: ReportWeekID? = nil)
    /// One target's row in its year's table, filtered to its group so the row is near the top.
    case targetRow(year: Int, groupID: UUID, targetID: UUID)
    case targetNew(year: Int, groupID: UUID? = nil)
    case targetImport(year: Int)
    case targetExport(year: Int, groupID: UUID?, week: ReportWeekID)

    // Rollups and audit.
    case rollups
    case audit(personID: UUID? = nil, week: String? = nil, kind: String? = nil, page: Int? = nil)

    // Administration.
    case admin(AdminSection)
    case adminItem(AdminCollection, UUID)
    case adminPeopleImport

    /// A login-slips document: the token in its name is the key (no session needed).
    case loginSlips(token: String)

    /// The sections under `/admin`; the raw value is the path segment.
    enum AdminSection: String, Hashable, Sendable, CaseIterable {
        case setup, units, people, groups, rooms, cells, settings, integrations
    }

    /// The sections whose items have a page of their own (`/admin/{section}/{id}`).
    enum AdminCollection: String, Hashable, Sendable, CaseIterable {
        case units, people, groups, rooms, cells
    }

    /// The registered shape of each page family with parameters. Routes are registered from these
    /// and `SiteRoute` fills the same lists, in order, to build a link.
    enum Pattern {
        static let week: [PathComponent] = ["weeks", ":weekID"]
        static let report: [PathComponent] = ["reports", ":weekID"]
        static let ledgerWeek: [PathComponent] = ["ledger", "weeks", ":weekID"]
        static let ledgerPerson: [PathComponent] = ["ledger", "people", ":personID"]
        static let groupWeek: [PathComponent] = ["groups", ":id", "weeks", ":weekID"]
        static let memberReport: [PathComponent] = groupWeek + ["members", ":personId"]
        /// Under `/api/v1`.
        static let memberReportAPI: [PathComponent] = memberReport + ["report"]
        static let briefing: [PathComponent] = ["briefing", ":weekID"]
        static let schedule: [PathComponent] = ["schedule", ":weekID"]
        static let cellReport: [PathComponent] = ["cells", "reports", ":month"]
        static let monthlyCompilation: [PathComponent] = ["monthly", ":month"]
        static let monthlyUnit: [PathComponent] = monthlyCompilation + ["units", ":unitID"]
        static let monthlyPerson: [PathComponent] = monthlyCompilation + ["people", ":personID"]
        /// Under `/api/v1`.
        static let loginSlips: [PathComponent] = ["people", "slips", ":file"]

        static let api: [PathComponent] = ["api", "v1"]
        /// The word a week parameter takes for "the week containing today".
        static let currentWeek = "current"

        /// `pattern` with its parameters replaced, in order, by `values`.
        static func fill(_ pattern: [PathComponent], _ values: String...) -> [String] {
            var values = values[...]
            let segments = pattern.map { component -> String in
                switch component {
                case .constant(let text): return text
                case .parameter:
                    guard let value = values.popFirst() else { preconditionFailure("too few values for \(pattern.string)") }
                    return value
                case .anything, .catchall: preconditionFailure("a link cannot fill \(pattern.string)")
                }
            }
            precondition(values.isEmpty, "too many values for \(pattern.string)")
            return segments
        }
    }

    /// The address: path, this route's own query, then `notice` (the message key the page shows
    /// once) and `fragment`.
    func path(notice: String? = nil, fragment: String? = nil) -> String {
        let (segments, ownQuery, ownFragment) = parts
        var query = ownQuery
        if let notice { query.append(("notice", notice)) }
        var result = "/" + segments.map(Self.encoded).joined(separator: "/")
        if !query.isEmpty {
            result += "?" + query.map { "\(Self.encoded($0.0))=\(Self.encoded($0.1))" }.joined(separator: "&")
        }
        if let fragment = fragment ?? ownFragment { result += "#" + Self.encoded(fragment) }
        return result
    }

    /// The address without a notice.
    var path: String { path() }

    /// The path segments, the query pairs in order (empty values left out) and a fragment.
    private var parts: (segments: [String], query: [(String, String)], fragment: String?) {
        typealias P = Pattern
        func query(_ pairs: [(String, String?)]) -> [(String, String)] {
            pairs.compactMap { key, value in value.flatMap { $0.isEmpty ? nil : (key, $0) } }
        }
        switch self {
        case .home: return ([], [], nil)
        case .login(let next): return (["login"], query([("next", next)]), nil)
        case .accountPassword: return (["account", "password"], [], nil)
        case .accountChannels: return (["account", "channels"], [], nil)
        case .accountAccess: return (["account", "access"], [], nil)
        case .notifications: return (["notifications"], [], nil)
        case .search: return (["search"], [], nil)

        case .currentWeek: return (P.fill(P.week, P.currentWeek), [], nil)
        case .week(let week): return (P.fill(P.week, week.description), [], nil)
        case .currentReport: return (P.fill(P.report, P.currentWeek), [], nil)
        case .report(let week, let personID):
            return (P.fill(P.report, week.description), query([("personId", personID?.uuidString)]), nil)

        case .currentLedgerWeek: return (P.fill(P.ledgerWeek, P.currentWeek), [], nil)
        case .ledgerWeek(let week, let byStatus):
            return (P.fill(P.ledgerWeek, week.description), query([("sort", byStatus ? "status" : nil)]), nil)
        case .ledgerWeekExport(let week, let byStatus):
            // Answered by the week's own route (`{week}.xlsx`, as `summary.xlsx` beside the summary).
            return (P.fill(P.ledgerWeek, week.description + ".xlsx"), query([("sort", byStatus ? "status" : nil)]), nil)
        case .ledgerPerson(let id): return (P.fill(P.ledgerPerson, id.uuidString), [], nil)
        case .ledgerLeaves: return (["ledger", "leaves"], [], nil)
        case .ledgerSummaryExport(let year, let month):
            return (["ledger", "summary.xlsx"], query([("year", String(year)), ("month", month.map(String.init))]), nil)

        case .groups: return (["groups"], [], nil)
        case .groupWeek(let groupID, let week):
            return (P.fill(P.groupWeek, groupID.uuidString, week.description), [], nil)
        case .memberReport(let groupID, let week, let personID):
            return (P.fill(P.memberReport, groupID.uuidString, week.description, personID.uuidString), [], nil)
        case .memberReportAPI(let groupID, let week, let personID):
            return (P.fill(P.api + P.memberReportAPI, groupID.uuidString, week.description, personID.uuidString), [], nil)

        case .dashboard: return (["dashboard"], [], nil)
        case .currentBriefing: return (P.fill(P.briefing, P.currentWeek), [], nil)
        case .briefing(let week): return (P.fill(P.briefing, week.description), [], nil)
        case .briefingTasks(let all): return (["briefings", "tasks"], query([("all", all ? "1" : nil)]), nil)
        case .currentSchedule: return (P.fill(P.schedule, P.currentWeek), [], nil)
        case .schedule(let week): return (P.fill(P.schedule, week.description), [], nil)
        case .calendarFeeds: return (["calendar"], [], nil)
        case .daysOff(let year): return (["calendar", "days-off"], query([("year", year.map(String.init))]), nil)

        case .cells(let month): return (["cells"], query([("month", month?.description)]), nil)
        case .cellRotation(let year, let personID):
            return (["cells", "rotation"], query([("year", String(year)), ("personId", personID?.uuidString)]), nil)
        case .cellRubric(let year): return (["cells", "rubric"], query([("year", String(year))]), nil)
        case .cellReport(let month): return (P.fill(P.cellReport, month.description), [], nil)

        case .monthly(let month): return (["monthly"], query([("month", month?.description)]), nil)
        case .monthlyCompilation(let month): return (P.fill(P.monthlyCompilation, month.description), [], nil)
        case .monthlyUnit(let month, let unitID): return (P.fill(P.monthlyUnit, month.description, unitID.uuidString), [], nil)
        case .monthlyPerson(let month, let personID):
            return (P.fill(P.monthlyPerson, month.description, personID.uuidString), [], nil)

        case .targets(let year, let groupID, let week):
            return (["targets"], query([("year", year.map(String.init)), ("group", groupID?.uuidString), ("week", week?.description)]), nil)
        case .targetRow(let year, let groupID, let targetID):
            return (["targets"], query([("year", String(year)), ("group", groupID.uuidString)]), "target-\(targetID.uuidString)")
        case .targetNew(let year, let groupID):
            return (["targets", "new"], query([("year", String(year)), ("group", groupID?.uuidString)]), nil)
        case .targetImport(let year): return (["targets", "import"], query([("year", String(year))]), nil)
        case .targetExport(let year, let groupID, let week):
            // This one's parameter is `groupId` (the export's API spelling), not the page's `group`.
            return (["targets", "export.xlsx"],
                    query([("year", String(year)), ("groupId", groupID?.uuidString), ("week", week.description)]), nil)

        case .rollups: return (["rollups"], [], nil)
        case .audit(let personID, let week, let kind, let page):
            return (["audit"], query([("personId", personID?.uuidString), ("week", week), ("kind", kind),
                                      ("page", page.map(String.init))]), nil)

        case .admin(let section): return (["admin", section.rawValue], [], nil)
        case .adminItem(let collection, let id): return (["admin", collection.rawValue, id.uuidString], [], nil)
        case .adminPeopleImport: return (["admin", "people", "import"], [], nil)
        case .loginSlips(let token): return (P.fill(P.api + P.loginSlips, token + ".docx"), [], nil)
        }
    }

    /// RFC 3986 unreserved characters stay as they are (ids, week and month names, "summary.xlsx"
    /// read the same as before); everything else is percent-encoded, so a value can never add a
    /// segment, a parameter or a fragment.
    private static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    private static func encoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
    }
}

extension Request {
    /// A redirect to one of the site's pages, with the notice it should show once.
    func redirect(to route: SiteRoute, notice: String? = nil, fragment: String? = nil,
                  redirectType: Redirect = .normal) -> Response {
        redirect(to: route.path(notice: notice, fragment: fragment), redirectType: redirectType)
    }
}
