import Fluent
import Foundation
import GiaoBanCore
import Vapor

/// A secret address for a calendar feed: one per person, and one for the whole commune.
final class CalendarFeed: Model, @unchecked Sendable {
    static let schema = "calendar_feeds"
    @ID(key: .id) var id: UUID?
    @Field(key: "commune_id") var communeID: UUID
    /// nil for the commune's feed.
    @OptionalField(key: "person_id") var personID: UUID?
    @Field(key: "token") var token: String
    @Field(key: "created_at") var createdAt: Date

    /// Listed here so FluentKit need not find them by reflection for every row it reads.
    var properties: [any AnyProperty] { [_id, _communeID, _personID, _token, _createdAt] }

    init() {}
    init(communeID: UUID, personID: UUID?, token: String, createdAt: Date) {
        self.communeID = communeID
        self.personID = personID
        self.token = token
        self.createdAt = createdAt
    }

    /// The feed of a person (or, with `personID` nil, of the commune), created on first use.
    static func feed(communeID: UUID, personID: UUID?, now: Date, on db: any Database) async throws -> CalendarFeed {
        var query = CalendarFeed.query(on: db).filter(\.$communeID == communeID)
        query = personID.map { id in query.filter(\.$personID == id) } ?? query.filter(\.$personID == nil)
        if let existing = try await query.first() { return existing }
        let feed = CalendarFeed(communeID: communeID, personID: personID, token: SecretToken.make(), createdAt: now)
        try await feed.save(on: db)
        return feed
    }
}

struct CreateCalendarFeeds: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(CalendarFeed.schema).id()
            .field("commune_id", .uuid, .required, .references(Commune.schema, "id"))
            .field("person_id", .uuid, .references(Person.schema, "id", onDelete: .cascade))
            .field("token", .string, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "token")
            .create()
    }
    func revert(on db: any Database) async throws { try await db.schema(CalendarFeed.schema).delete() }
}

struct CalendarFeedsController {
    struct View: Encodable, Sendable {
        var personal: String; var commune: String; var mayRotateCommune: Bool
        var regenerateAction = SiteRoute.calendarRegenerate.path
        var regenerateCommuneAction = SiteRoute.calendarRegenerateCommune.path
    }

    /// The page with the two subscription addresses.
    func page(_ req: Request) async throws -> Response {
        let user = try req.requireUser()
        let personal = try await CalendarFeed.feed(communeID: user.communeID, personID: user.personID, now: req.now, on: req.db)
        let commune = try await CalendarFeed.feed(communeID: user.communeID, personID: nil, now: req.now, on: req.db)
        let base = Self.baseURL(req)
        return try await req.render("schedule/calendar", title: req.t("calendar_title"), section: "schedule",
                                    View(personal: base + SiteRoute.calendarFeed(token: personal.token).path, commune: base + SiteRoute.calendarFeed(token: commune.token).path,
                                         mayRotateCommune: AccessPolicy.allows(user.actor, .manageSchedule)))
    }

    /// A new secret for the person's feed (the old address stops working).
    func regenerate(_ req: Request) async throws -> Response {
        let user = try req.requireUser()
        try await CalendarFeed.query(on: req.db).filter(\.$personID == user.personID).delete()
        _ = try await CalendarFeed.feed(communeID: user.communeID, personID: user.personID, now: req.now, on: req.db)
        return req.redirect(to: .calendarFeeds, notice: "saved")
    }

    /// A new secret for the commune's feed (the office or the admin): the old address stops working,
    /// for when it was shared beyond the commune.
    func regenerateCommune(_ req: Request) async throws -> Response {
        let user = try req.authorize(.manageSchedule)
        try await CalendarFeed.query(on: req.db).filter(\.$communeID == user.communeID).filter(\.$personID == nil).delete()
        _ = try await CalendarFeed.feed(communeID: user.communeID, personID: nil, now: req.now, on: req.db)
        try await AuditTrail.record(on: req.db, communeID: user.communeID, actorID: user.personID, at: req.now, kind: "settings",
                                    action: "calendar_feed_rotated", subjectID: user.communeID,
                                    before: Optional<String>.none, after: Optional<String>.none)
        return req.redirect(to: .calendarFeeds, notice: "saved")
    }

    static func baseURL(_ req: Request) -> String {
        let host = req.headers.first(name: .host) ?? "127.0.0.1:8080"
        let scheme = req.headers.first(name: "X-Forwarded-Proto") ?? (req.application.giaobanConfig.secureCookies ? "https" : "http")
        return "\(scheme)://\(host)"
    }

    /// `GET /calendar/{token}.ics`: the published schedule of the last week to three weeks ahead.
    func ics(_ req: Request) async throws -> Response {
        guard let file = req.parameters.get("file"), file.hasSuffix(".ics"),
              let feed = try await CalendarFeed.query(on: req.db).filter(\.$token == String(file.dropLast(4))).first(),
              let commune = try await Commune.find(feed.communeID, on: req.db) else { throw AppError.notFound() }
        var owner: Person?
        if let personID = feed.personID {
            // A feed lives as long as its owner's account: a deactivated person's address is gone.
            guard let person = try await Person.find(personID, on: req.db), person.active else {
                throw AppError(.gone, code: "feed_gone", message: "Địa chỉ lịch này không còn hiệu lực.")
            }
            owner = person
        }
        let calendar = try commune.calendar
        var week = calendar.week(containing: calendar.week(containing: req.now).start.adding(days: -1))
        var items: [ScheduleItemDTO] = []
        for _ in 0..<5 {
            items += try ScheduleService.published(try await ScheduleService.publication(communeID: commune.id!, week: week.id, on: req.db))
            week = calendar.week(containing: week.end.adding(days: 1))
        }
        var title = "Lịch công tác - \(commune.name)"
        if let personID = feed.personID {
            let units = Set(try await PersonUnit.query(on: req.db).filter(\.$personID == personID).all().map(\.unitID))
            items = items.filter { $0.chairId == personID || $0.participantIds.contains(personID) || !units.isDisjoint(with: $0.unitIds)
                || $0.origin == "meeting" }
            if let owner { title = "Lịch công tác - \(owner.fullName)" }
        }
        let names = try await ScheduleService.nameLookup(communeID: commune.id!, on: req.db)
        let events = items.compactMap { item -> ICalendar.Event? in
            guard let date = LocalDate(iso: item.date), let start = LocalTime(string: item.start), let end = LocalTime(string: item.end) else { return nil }
            let place = [item.roomId.flatMap { names[$0] }, item.place].compactMap { $0 }.joined(separator: ", ")
            let chair = item.chairId.flatMap { names[$0] }.map { "Chủ trì: \(Comrade.title($0))" }
            return ICalendar.Event(uid: "\(item.id.canonicalText.lowercased())@giaoban", date: date, start: start, end: end, summary: item.title,
                                   location: place, description: [chair, item.preparedBy.map { "Chuẩn bị: \($0)" }].compactMap { $0 }.joined(separator: "\n"))
        }
        let body = ICalendar.calendar(name: title, events: events, zone: calendar.timeZone, generatedAt: req.now)
        let response = Response(status: .ok, body: .init(string: body))
        response.headers.contentType = HTTPMediaType(type: "text", subType: "calendar", parameters: ["charset": "utf-8"])
        return response
    }
}
