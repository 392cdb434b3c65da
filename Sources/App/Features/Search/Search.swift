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

/// Search across people, targets, reports and schedule items of the caller's commune, with the
/// rule of `SearchMatcher` (GiaoBanCore): a query typed with Vietnamese marks matches exactly; one
/// typed without marks matches the letters as typed with any tone ("nam" finds Nam, not năm), and
/// ignores every mark only for a kind where that found nothing ("nuong" finds Nương); known
/// abbreviations ("bhyt", "ntm", "hđnd") find what they stand for. Matching runs in Swift on
/// the commune's rows, so `%` and `_` typed are letters, never SQL wildcards. Reports are searched
/// only where the caller may read them.
enum SearchService {
    static let maxQueryLength = 100
    static let perKind = 20

    static func search(_ raw: String, user: CurrentUser, on db: any Database) async throws -> [SearchResultDTO] {
        let matcher = SearchMatcher(raw)
        guard !matcher.isEmpty else { return [] }
        let communeID = user.communeID

        // Everything the caller may find, read first; matched below in Swift.
        // People in the order of a Vietnamese list (a commune has a few hundred at most).
        let people = try await Person.query(on: db).filter(\.$communeID == communeID).filter(\.$active == true).all()
            .sortedByVietnameseName(\.fullName)
        let targets = try await Target.query(on: db).filter(\.$communeID == communeID).filter(\.$active == true)
            .sort(\.$year, .descending).sort(\.$sortOrder).all()
        let lines = try await reportLines(user: user, on: db)
        let items = try await scheduleItems(user: user, on: db)

        func hits<T>(_ all: [T], _ texts: (T) -> [String?]) -> Int { matcher.filter(all, .strict, texts: texts).count }
        let passes = matcher.passes(strictHits: [
            // A target's name is a phrase like a report line ("Diện tích lúa cả năm"): free text.
            (.name, hits(people) { [$0.fullName] }), (.freeText, hits(targets) { [$0.name, $0.code] }),
            (.freeText, hits(lines.all) { [$0.text] }), (.freeText, hits(items) { [$0.title, $0.place] }),
        ])

        var results: [SearchResultDTO] = []
        results += matcher.filter(people, passes[0]) { [$0.fullName] }.prefix(perKind).map {
            SearchResultDTO(kind: "person", id: $0.id!, title: $0.fullName, url: SiteRoute.ledgerPerson($0.id!).path, detail: $0.position)
        }
        // A target result opens the target's own row in the year's table.
        results += matcher.filter(targets, passes[1]) { [$0.name, $0.code] }.prefix(perKind).map {
            SearchResultDTO(kind: "target", id: $0.id!, title: "\($0.code) · \($0.name) (\($0.year))",
                            url: SiteRoute.targetRow(year: $0.year, groupID: $0.groupID, targetID: $0.id!).path, detail: nil)
        }
        // One result per report, newest week first, showing the line that matched.
        var seen = Set<UUID>()
        for line in matcher.filter(lines.all, passes[2], texts: { [$0.text] }) where seen.insert(line.report.id!).inserted {
            let report = line.report
            // The week's year and number are written with its name, by the one initialiser.
            let week = ReportWeekID(year: report.weekYear, week: report.weekNumber)
            let url = report.personID == user.personID || lines.groupOf[report.personID] == nil
                ? SiteRoute.report(week: week).path
                : SiteRoute.groupWeek(groupID: lines.groupOf[report.personID]!, week: week).path
            results.append(SearchResultDTO(kind: "report", id: report.id!,
                                           title: "Báo cáo tuần \(report.weekNumber)/\(report.weekYear) · \(lines.names[report.personID] ?? "")",
                                           url: url, detail: line.text))
            if seen.count >= perKind { break }
        }
        results += matcher.filter(items, passes[3]) { [$0.title, $0.place] }.prefix(perKind).map {
            SearchResultDTO(kind: "schedule", id: $0.id, title: "\(LocalDate(iso: $0.date)?.vietnamese ?? $0.date) \($0.start) · \($0.title)",
                            url: Self.schedulePath($0.weekID), detail: $0.place)
        }
        return results
    }

    struct ReportLines {
        struct Line { var report: WeeklyReport; var text: String }
        /// Other work and plan lines, newest week first.
        var all: [Line] = []
        var names: [UUID: String] = [:]
        var groupOf: [UUID: UUID] = [:]
    }

    /// The other work and plans of the submitted reports the caller may read.
    static func reportLines(user: CurrentUser, on db: any Database) async throws -> ReportLines {
        let communeID = user.communeID
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
        guard !reports.isEmpty else { return ReportLines() }
        let reportsByID = Dictionary(uniqueKeysWithValues: reports.map { ($0.id!, $0) })
        let ids = Array(reportsByID.keys)
        let work = try await ReportWorkItem.query(on: db).filter(\.$reportID ~~ ids).all()
        let plans = try await ReportPlanItem.query(on: db).filter(\.$reportID ~~ ids).all()
        var result = ReportLines()
        result.names = Dictionary(try await Person.query(on: db).filter(\.$communeID == communeID).all().map { ($0.id!, $0.fullName) },
                                  uniquingKeysWith: { a, _ in a })
        result.groupOf = Dictionary(try await GroupMembership.query(on: db).filter(\.$kind == .member)
            .filter(\.$personID ~~ Array(Set(reports.map(\.personID)))).all().map { ($0.personID, $0.groupID) }, uniquingKeysWith: { a, _ in a })
        let texts = work.map { ($0.reportID, $0.description) } + plans.map { ($0.reportID, $0.title) }
        result.all = texts.compactMap { id, text in reportsByID[id].map { ReportLines.Line(report: $0, text: text) } }
            .sorted { $0.report.weekID > $1.report.weekID }
        return result
    }

    /// A schedule item's week page. Its week name was written from a `ReportWeekID`; one that does
    /// not read back (a stored-data fault) still leads to the schedule, this week's.
    static func schedulePath(_ weekID: String) -> String {
        (ReportWeekID(weekID).map { SiteRoute.schedule($0) } ?? .currentSchedule).path
    }

    struct ScheduleHit { var id: UUID; var weekID: String; var date: String; var start: String; var title: String; var place: String? }

    /// The office's working schedule for those who keep it, the published schedule for everyone
    /// else (what is not published yet is not theirs to read); newest first.
    static func scheduleItems(user: CurrentUser, on db: any Database) async throws -> [ScheduleHit] {
        if AccessPolicy.allows(user.actor, .manageSchedule) {
            return try await ScheduleEntry.query(on: db).filter(\.$communeID == user.communeID).filter(\.$hidden == false)
                .sort(\.$date, .descending).all()
                .map { ScheduleHit(id: $0.id!, weekID: $0.weekID, date: $0.date, start: $0.start, title: $0.title, place: $0.place) }
        }
        let publications = try await SchedulePublication.query(on: db).filter(\.$communeID == user.communeID)
            .sort(\.$weekID, .descending).all()
        return try publications.flatMap { publication in
            try ScheduleService.published(publication).sorted { ($0.date, $0.start) > ($1.date, $1.start) }
                .map { ScheduleHit(id: $0.id, weekID: publication.weekID, date: $0.date, start: $0.start, title: $0.title, place: $0.place) }
        }
    }

    static func query(_ req: Request) throws -> String {
        let raw = (req.query[String.self, at: "q"] ?? "").trimmedWhitespaceAndNewlines
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
    struct View: Encodable, Sendable {
        var query: String; var results: [Row]; var searched: Bool; var error: String?
        var action = SiteRoute.search.path
    }

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
