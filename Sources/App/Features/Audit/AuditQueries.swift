import Fluent
import Foundation
import GiaoBanCore
import Vapor

/// Any JSON value, so that the before/after snapshots are returned as JSON, not as strings.
indirect enum JSONValue: Codable, Sendable, Equatable {
    case null, bool(Bool), number(Double), string(String), array([JSONValue]), object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([JSONValue].self) { self = .array(value) }
        else { self = .object(try container.decode([String: JSONValue].self)) }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// The snapshot as JSON, nil without one. Unlike the typed JSON columns (`StoredDataError`),
    /// a snapshot that does not parse is not an error here: the trail displays arbitrary JSON,
    /// nothing is computed from it, so the raw text is shown as a string instead (nothing hidden,
    /// nothing invented).
    static func parse(_ text: String?) -> JSONValue? {
        guard let text else { return nil }
        return (try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))) ?? .string(text)
    }
}

struct AuditEntryDTO: Content {
    var id: UUID
    var at: String
    var actorId: UUID
    var actorName: String?
    var kind: String
    var action: String
    var subjectId: UUID
    var week: String?
    var before: JSONValue?
    var after: JSONValue?
}

/// Reading the audit trail: who changed what, when, before and after. Nothing here (or anywhere
/// in the product) edits or deletes an entry.
enum AuditQueries {
    struct Filter: Sendable {
        var personID: UUID?
        var week: String?
        var kind: String?
        var limit: Int = 100
        /// Entries skipped, newest first (the page's pagination).
        var offset: Int = 0
    }

    static let maxLimit = 1000

    static func filter(_ req: Request) throws -> Filter {
        var filter = Filter()
        if let raw = req.query[String.self, at: "personId"], !raw.isEmpty {
            guard let id = UUID(uuidString: raw) else {
                throw AppError(.badRequest, code: "invalid_parameter", message: "Mã cán bộ không hợp lệ.", fields: ["personId": "Mã cán bộ không hợp lệ."])
            }
            filter.personID = id
        }
        if let raw = req.query[String.self, at: "week"], !raw.isEmpty {
            guard ReportWeekID(raw) != nil else {
                throw AppError(.badRequest, code: "invalid_parameter", message: "Mã tuần không hợp lệ (ví dụ 2021-W33).", fields: ["week": "Mã tuần không hợp lệ."])
            }
            filter.week = raw
        }
        if let raw = req.query[String.self, at: "kind"], !raw.isEmpty { filter.kind = raw }
        if let raw = req.query[String.self, at: "limit"], !raw.isEmpty {
            guard let limit = Int(raw), limit > 0 else {
                throw AppError(.badRequest, code: "invalid_parameter", message: "Số dòng không hợp lệ.", fields: ["limit": "Số dòng không hợp lệ."])
            }
            filter.limit = min(limit, maxLimit)
        }
        return filter
    }

    /// Newest first. `personID` matches the person who acted or the person the entry is about.
    static func entries(communeID: UUID, filter: Filter, calendar: CommuneCalendar, on db: any Database) async throws -> [AuditEntryDTO] {
        var query = AuditEntry.query(on: db).filter(\.$communeID == communeID)
        if let personID = filter.personID {
            query = query.group(.or) { $0.filter(\.$actorID == personID).filter(\.$subjectID == personID) }
        }
        if let week = filter.week { query = query.filter(\.$weekID == week) }
        if let kind = filter.kind { query = query.filter(\.$kind == kind) }
        let entries = try await query.sort(\.$at, .descending).sort(\.$id, .descending)
            .range(filter.offset..<(filter.offset + filter.limit)).all()
        let actorIDs = Array(Set(entries.map(\.actorID)))
        let names = actorIDs.isEmpty ? [:] : Dictionary(try await Person.query(on: db).filter(\.$id ~~ actorIDs).all().map { ($0.id!, $0.fullName) },
                                                         uniquingKeysWith: { a, _ in a })
        return entries.map { entry in
            AuditEntryDTO(id: entry.id!, at: calendar.isoString(entry.at), actorId: entry.actorID, actorName: names[entry.actorID],
                          kind: entry.kind, action: entry.action, subjectId: entry.subjectID, week: entry.weekID,
                          before: JSONValue.parse(entry.beforeJSON), after: JSONValue.parse(entry.afterJSON))
        }
    }

    /// The kinds present in the commune's trail, for the filter.
    static func kinds(communeID: UUID, on db: any Database) async throws -> [String] {
        let sql = try await AuditEntry.query(on: db).filter(\.$communeID == communeID).field(\.$kind).unique().all(\.$kind)
        return sql.sorted()
    }
}

/// `GET /api/v1/audit` and the `/audit` page (leaders, the office and the admin).
struct AuditController {
    func list(_ req: Request) async throws -> ListDTO<AuditEntryDTO> {
        let user = try req.authorize(.readCommuneLedger)
        let filter = try AuditQueries.filter(req)
        return ListDTO(items: try await AuditQueries.entries(communeID: user.communeID, filter: filter, calendar: user.calendar, on: req.db))
    }

    struct Row: Encodable, Sendable {
        var at: String; var actor: String; var kind: String; var action: String; var week: String?; var before: String?; var after: String?
    }
    struct View: Encodable, Sendable {
        var rows: [Row]; var people: [Choice]; var kinds: [Choice]; var week: String
        var page: Int; var previousHref: String?; var nextHref: String?; var rangeText: String
        var action = SiteRoute.audit().path
    }

    /// Entries per page: the page stays well under the 100 KB budget (137 KB unpaginated).
    static let pageSize = 50

    /// The page's address with the filters kept.
    static func href(_ filter: AuditQueries.Filter, page: Int) -> String {
        SiteRoute.audit(personID: filter.personID, week: filter.week, kind: filter.kind, page: page > 1 ? page : nil).path
    }

    static func pretty(_ value: JSONValue?) -> String? {
        guard let value, value != .null else { return nil }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) }
    }

    func page(_ req: Request) async throws -> Response {
        let user = try req.authorize(.readCommuneLedger)
        var filter = try AuditQueries.filter(req)
        let pageText = req.query[String.self, at: "page"] ?? ""
        guard pageText.isEmpty || Int(pageText).map({ (1...100_000).contains($0) }) == true else {
            throw AppError.badRequest("Số trang không hợp lệ.")
        }
        let page = Int(pageText) ?? 1
        // One more than a page tells whether there is a next one.
        filter.limit = Self.pageSize + 1
        filter.offset = (page - 1) * Self.pageSize
        let calendar = user.calendar
        var entries = try await AuditQueries.entries(communeID: user.communeID, filter: filter, calendar: calendar, on: req.db)
        let hasNext = entries.count > Self.pageSize
        entries = Array(entries.prefix(Self.pageSize))
        let people = try await Person.query(on: req.db).filter(\.$communeID == user.communeID).all().sortedByVietnameseName(\.fullName)
        let kinds = try await AuditQueries.kinds(communeID: user.communeID, on: req.db)
        let formatter = ISO8601DateFormatter()
        let rows = entries.map { entry in
            Row(at: formatter.date(from: entry.at).map { calendar.vietnameseDateTime($0) } ?? entry.at, actor: entry.actorName ?? entry.actorId.canonicalText,
                kind: Strings.label("audit_kind_", entry.kind),
                action: Strings.label("audit_action_", entry.action), week: entry.week, before: Self.pretty(entry.before), after: Self.pretty(entry.after))
        }
        let view = View(rows: rows,
                        people: people.map { Choice(value: $0.id!.canonicalText, label: $0.fullName, selected: $0.id == filter.personID) },
                        kinds: kinds.map { Choice(value: $0, label: Strings.label("audit_kind_", $0), selected: $0 == filter.kind) },
                        week: filter.week ?? "", page: page,
                        previousHref: page > 1 ? Self.href(filter, page: page - 1) : nil,
                        nextHref: hasNext ? Self.href(filter, page: page + 1) : nil,
                        rangeText: entries.isEmpty ? "" : req.t("audit_range", String(filter.offset + 1), String(filter.offset + entries.count)))
        return try await req.render("audit", title: req.t("audit_title"), section: "audit", view)
    }
}
