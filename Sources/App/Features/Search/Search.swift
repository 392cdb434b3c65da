import Fluent
import FluentSQL
import Foundation
import GiaoBanCore
import Vapor

struct SearchResultDTO: Content, Equatable {
    /// "person", "target", "report" or "schedule".
    var kind: String
    var id: UUID
    var title: String
    var url: String
    /// What matched, when it is not the title (a work line of a report, a schedule item's place).
    var detail: String?
}

struct SearchResponse: Content {
    var query: String
    var results: [SearchResultDTO]
}

/// Search across people, targets, reports and schedule items of the caller's commune, ignoring
/// diacritics and case ("nuong" finds "Nương", "dang" finds "Đặng"): every text is compared in
/// its folded form (`VietnameseText.folded`). Reports are searched only where the caller may read
/// them.
enum SearchService {
    static let maxQueryLength = 100
    static let perKind = 20

    /// `text` for a LIKE pattern with `\\` as the escape character: `%`, `_` and `\\` match themselves.
    static func likeEscaped(_ text: String) -> String {
        var escaped = ""
        for character in text {
            if character == "%" || character == "_" || character == "\\" { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }

    static func matches(_ text: String?, _ folded: String) -> Bool {
        guard let text else { return false }
        return VietnameseText.folded(text).contains(folded)
    }

    static func search(_ raw: String, user: CurrentUser, on db: any Database) async throws -> [SearchResultDTO] {
        let folded = VietnameseText.folded(raw)
        guard !folded.isEmpty else { return [] }
        let communeID = user.communeID
        var results: [SearchResultDTO] = []

        // People: the folded name is stored, so the database does the matching.
        // `%` and `_` typed by the person are letters to look for, not LIKE wildcards.
        let pattern = "%" + likeEscaped(folded) + "%"
        let people = try await Person.query(on: db).filter(\.$communeID == communeID).filter(\.$active == true)
            .filter(.sql(embed: "\(ident: "folded_name") LIKE \(bind: pattern) ESCAPE '\\'"))
            .sort(\.$foldedName).limit(perKind).all()
        results += people.map { SearchResultDTO(kind: "person", id: $0.id!, title: $0.fullName, url: "/ledger/people/\($0.id!)", detail: $0.position) }

        // Targets: code or name.
        let targets = try await Target.query(on: db).filter(\.$communeID == communeID).filter(\.$active == true)
            .sort(\.$year, .descending).sort(\.$sortOrder).all()
        results += targets.filter { matches($0.name, folded) || matches($0.code, folded) }.prefix(perKind).map {
            SearchResultDTO(kind: "target", id: $0.id!, title: "\($0.code) · \($0.name) (\($0.year))", url: "/targets?year=\($0.year)", detail: nil)
        }

        // Reports: other work and plans of the submitted reports the caller may read, newest first.
        var reportQuery = WeeklyReport.query(on: db).filter(\.$communeID == communeID).filter(\.$status == .submitted)
        if !user.actor.readsWholeCommune {
            var readable: Set<UUID> = [user.personID]
            if user.actor.isAggregator {
                readable.formUnion(try await GroupMembership.query(on: db).filter(\.$groupID ~~ Array(user.actor.aggregatedGroupIDs))
                    .filter(\.$kind == .member).all().map(\.personID))
            }
            reportQuery = reportQuery.filter(\.$personID ~~ Array(readable))
        }
        let reports = try await reportQuery.sort(\.$weekID, .descending).all()
        let reportsByID = Dictionary(uniqueKeysWithValues: reports.map { ($0.id!, $0) })
        if !reports.isEmpty {
            let ids = Array(reportsByID.keys)
            let work = try await ReportWorkItem.query(on: db).filter(\.$reportID ~~ ids).all()
            let plans = try await ReportPlanItem.query(on: db).filter(\.$reportID ~~ ids).all()
            let names = Dictionary(try await Person.query(on: db).filter(\.$communeID == communeID).all().map { ($0.id!, $0.fullName) },
                                   uniquingKeysWith: { a, _ in a })
            let groupOf = Dictionary(try await GroupMembership.query(on: db).filter(\.$kind == .member)
                .filter(\.$personID ~~ Array(Set(reports.map(\.personID)))).all().map { ($0.personID, $0.groupID) }, uniquingKeysWith: { a, _ in a })
            var seen = Set<UUID>()
            var found: [SearchResultDTO] = []
            let hits = work.filter { matches($0.description, folded) }.map { ($0.reportID, $0.description) }
                + plans.filter { matches($0.title, folded) }.map { ($0.reportID, $0.title) }
            for (reportID, text) in hits.sorted(by: { (reportsByID[$0.0]?.weekID ?? "") > (reportsByID[$1.0]?.weekID ?? "") }) {
                guard let report = reportsByID[reportID], seen.insert(reportID).inserted else { continue }
                let url = report.personID == user.personID || groupOf[report.personID] == nil
                    ? "/reports/\(report.weekID)" : "/groups/\(groupOf[report.personID]!)/weeks/\(report.weekID)"
                found.append(SearchResultDTO(kind: "report", id: reportID,
                                             title: "Báo cáo tuần \(report.weekNumber)/\(report.weekYear) · \(names[report.personID] ?? "")",
                                             url: url, detail: text))
                if found.count >= perKind { break }
            }
            results += found
        }

        // Schedule items: the office's working schedule for those who keep it, the published
        // schedule for everyone else (what is not published yet is not theirs to read).
        if AccessPolicy.allows(user.actor, .manageSchedule) {
            let entries = try await ScheduleEntry.query(on: db).filter(\.$communeID == communeID).filter(\.$hidden == false)
                .sort(\.$date, .descending).all()
            results += entries.filter { matches($0.title, folded) || matches($0.place, folded) }.prefix(perKind).map {
                SearchResultDTO(kind: "schedule", id: $0.id!, title: "\(LocalDate(iso: $0.date)?.vietnamese ?? $0.date) \($0.start) · \($0.title)",
                                url: "/schedule/\($0.weekID)", detail: $0.place)
            }
        } else {
            let publications = try await SchedulePublication.query(on: db).filter(\.$communeID == communeID)
                .sort(\.$weekID, .descending).all()
            var found: [SearchResultDTO] = []
            for publication in publications where found.count < perKind {
                let items = ScheduleService.published(publication).sorted { ($0.date, $0.start) > ($1.date, $1.start) }
                for item in items where matches(item.title, folded) || matches(item.place, folded) {
                    found.append(SearchResultDTO(kind: "schedule", id: item.id,
                                                 title: "\(LocalDate(iso: item.date)?.vietnamese ?? item.date) \(item.start) · \(item.title)",
                                                 url: "/schedule/\(publication.weekID)", detail: item.place))
                    if found.count >= perKind { break }
                }
            }
            results += found
        }
        return results
    }

    static func query(_ req: Request) throws -> String {
        let raw = (req.query[String.self, at: "q"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard raw.count <= maxQueryLength else {
            throw AppError.invalid(["q": "Từ khóa tìm kiếm không quá \(maxQueryLength) ký tự."])
        }
        return raw
    }
}

/// `GET /api/v1/search?q=` and the `/search` page.
struct SearchController {
    func api(_ req: Request) async throws -> SearchResponse {
        let user = try req.requireUser()
        let query = try SearchService.query(req)
        return SearchResponse(query: query, results: try await SearchService.search(query, user: user, on: req.db))
    }

    struct Row: Encodable, Sendable { var kind: String; var title: String; var url: String; var detail: String? }
    struct View: Encodable, Sendable { var query: String; var results: [Row]; var searched: Bool; var error: String? }

    func page(_ req: Request) async throws -> Response {
        let user = try req.requireUser()
        do {
            let query = try SearchService.query(req)
            let results = try await SearchService.search(query, user: user, on: req.db)
            let rows = results.map { Row(kind: req.t("search_kind_\($0.kind)"), title: $0.title, url: $0.url, detail: $0.detail) }
            return try await req.render("search", title: req.t("search_title"), section: "search",
                                        View(query: query, results: rows, searched: !query.isEmpty, error: nil))
        } catch let error as AppError where error.status == .unprocessableEntity {
            return try await req.render("search", title: req.t("search_title"), section: "search",
                                        View(query: String((req.query[String.self, at: "q"] ?? "").prefix(SearchService.maxQueryLength)),
                                             results: [], searched: false, error: error.fields["q"]), status: .unprocessableEntity)
        }
    }
}
