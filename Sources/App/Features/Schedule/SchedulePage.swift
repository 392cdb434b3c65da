import Fluent
import Foundation
import GiaoBanCore
import Vapor

/// The weekly work schedule page: the office compiles, edits and publishes; everyone reads the
/// published schedule (and it prints on one A4 landscape page).
struct SchedulePageController {
    struct ItemRow: Encodable, Sendable {
        var id: String; var time: String; var title: String; var place: String; var chair: String; var participants: String
        var preparedBy: String; var origin: String; var conflicts: [String]; var editable: Bool
        /// The author of the weekly plan the item comes from; nil for the office's items.
        var owner: String?
        var editHref: String; var deleteAction: String
    }
    struct DayRow: Encodable, Sendable { var label: String; var items: [ItemRow] }
    struct FormView: Encodable, Sendable {
        var id: String?; var dates: [Choice]; var start: String; var end: String; var title: String; var rooms: [Choice]
        var place: String; var chairs: [Choice]; var participants: [Choice]; var units: [Choice]; var preparedBy: String
        /// A new item, or the item being edited.
        var action: String
    }
    struct FreeRoom: Encodable, Sendable {
        var id: String; var name: String; var capacity: Int
        /// The room's bookings in the page's week.
        var weekHref: String
    }
    struct RoomFinderView: Encodable, Sendable {
        var date: String; var start: String; var end: String; var capacity: String; var searched: Bool; var rooms: [FreeRoom]; var error: String?
    }
    struct View: Encodable, Sendable {
        var weekID: String; var title: String; var previousID: String; var nextID: String
        var canManage: Bool; var published: Bool; var publishedAt: String?
        var days: [DayRow]; var conflicts: [String]; var form: FormView; var errors: FieldErrors
        var finder: RoomFinderView; var allRooms: [FreeRoom]
        /// Set when the office tried to publish over conflicts without ticking the confirmation.
        var publishError: String?
        var previousHref: String; var nextHref: String; var publishAction: String; var documentHref: String
        var calendarHref = SiteRoute.calendarFeeds.path
        /// The room finder asks this page again and comes back to its own section.
        var freeRoomsAction: String
    }
    struct Form: Content {
        var date: String?; var start: String?; var end: String?; var title: String?; var roomId: String?; var place: String?
        var chairId: String?; var participantIds: [String]?; var unitIds: [String]?; var preparedBy: String?
        var input: ScheduleService.ItemInput {
            .init(date: date, start: start, end: end, title: title, roomId: roomId.flatMap(UUID.init(uuidString:)), place: place,
                  chairId: chairId.flatMap(UUID.init(uuidString:)), participantIds: (participantIds ?? []).compactMap(UUID.init(uuidString:)),
                  unitIds: (unitIds ?? []).compactMap(UUID.init(uuidString:)), preparedBy: preparedBy)
        }
    }

    func show(_ req: Request) async throws -> Response {
        let user = try req.requireUser()
        if req.parameters.get("weekID") == "current" {
            // Next week's schedule is what people look at once the week's plans are in.
            let calendar = user.calendar
            return req.redirect(to: .schedule(calendar.week(containing: req.now).id))
        }
        let week = try WeekLookup.week(req.parameters.get("weekID"), for: user, now: req.now)
        return try await render(req, user: user, week: week, form: nil, editing: nil, errors: .init(), status: .ok)
    }

    private func render(_ req: Request, user: CurrentUser, week: ReportWeek, form: Form?, editing: ScheduleItemDTO?,
                        errors: FieldErrors, status: HTTPResponseStatus, publishError: String? = nil) async throws -> Response {
        let calendar = user.calendar
        let canManage = AccessPolicy.allows(user.actor, .manageSchedule)
        let communeID = user.communeID, db = req.db
        // The independent reads side by side; the rooms serve the form, the room finder and the clashes.
        // People, rooms and units are read whole (former ones too): an older item may name them.
        let weekID = week.id
        let (publication, allRooms, allPeople, allUnits, members) = try await PageReads.together(on: db,
            { try await ScheduleService.publication(communeID: communeID, week: weekID, on: db) },
            { try await SQLAccess.models(Room.self, where: "commune_id = \(bind: communeID)", on: db) },
            { try await PersonName.all(communeID: communeID, on: db) },
            { try await OrganisationQueries.units(communeID: communeID, on: db) },
            { try await ScheduleService.unitMembers(communeID: communeID, on: db) })
        let names = ScheduleService.nameLookup(people: allPeople, rooms: allRooms, units: allUnits)
        let items = canManage ? try await ScheduleService.items(communeID: communeID, week: week, calendar: calendar, names: names, on: db)
                              : try ScheduleService.published(publication)
        let rooms = allRooms.filter(\.active).sortedVietnamese(by: \.name)
        let resources = rooms.map(ScheduleService.resource)
        let conflicts = ScheduleService.conflicts(items, rooms: resources, unitMembers: members, names: names)
        let byID = Dictionary(items.compactMap(\.domainItem).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let days = week.days.map { day in
            DayRow(label: "\(day.weekday.vietnameseName) \(day.vietnamese)", items: items.filter { $0.date == day.iso }.map { item in
                let text = ScheduleService.rowText(item, names: names)
                // Each clash says what it is with, so the reader knows which commitment to move.
                let clashes = conflicts.filter { $0.itemIds.contains(item.id) }.map { conflict in
                    let detail = ScheduleService.domainConflict(conflict).vietnameseClashDetail(from: item.id, items: byID) { names[$0] }
                    return detail.isEmpty ? conflict.message : "\(conflict.message). \(detail)"
                }
                return ItemRow(id: item.id.canonicalText, time: "\(item.start) – \(item.end)", title: item.title, place: text.place,
                               chair: text.chair, participants: text.participants, preparedBy: text.preparedBy, origin: item.origin,
                               conflicts: clashes, editable: canManage && item.origin != "meeting", owner: text.owner.map(Comrade.title),
                               editHref: SiteRoute.scheduleItem(week: week.id, itemID: item.id).path,
                               deleteAction: SiteRoute.scheduleItemDelete(week: week.id, itemID: item.id).path)
            })
        }
        let source = editing
        let typed = form
        let selectedDate = typed?.date ?? source.flatMap { LocalDate(iso: $0.date)?.vietnamese } ?? ""
        let people = allPeople.filter(\.active)
        let units = allUnits.filter(\.active)
        let roomID = typed?.roomId ?? source?.roomId?.canonicalText ?? ""
        let chairID = typed?.chairId ?? source?.chairId?.canonicalText ?? ""
        let participantIDs = Set(typed?.participantIds ?? source?.participantIds.map(\.canonicalText) ?? [])
        let unitIDs = Set(typed?.unitIds ?? source?.unitIds.map(\.canonicalText) ?? [])
        let formView = FormView(
            id: source?.id.canonicalText,
            dates: week.days.map { Choice(value: $0.vietnamese, label: "\($0.weekday.vietnameseName) \($0.dayMonth)", selected: $0.vietnamese == selectedDate) },
            start: typed?.start ?? source?.start ?? "", end: typed?.end ?? source?.end ?? "", title: typed?.title ?? source?.title ?? "",
            rooms: [Choice(value: "", label: "—", selected: roomID.isEmpty)]
                + rooms.map { Choice(value: $0.id!.canonicalText, label: "\($0.name) (\($0.capacity))", selected: $0.id!.canonicalText == roomID) },
            place: typed?.place ?? source?.place ?? "",
            chairs: [Choice(value: "", label: "—", selected: chairID.isEmpty)]
                + people.map { Choice(value: $0.id.canonicalText, label: $0.fullName, selected: $0.id.canonicalText == chairID) },
            participants: people.map { Choice(value: $0.id.canonicalText, label: $0.fullName, selected: participantIDs.contains($0.id.canonicalText)) },
            units: units.map { Choice(value: $0.id!.canonicalText, label: $0.name, selected: unitIDs.contains($0.id!.canonicalText)) },
            preparedBy: typed?.preparedBy ?? source?.preparedBy ?? "",
            action: source.map { SiteRoute.scheduleItem(week: week.id, itemID: $0.id).path } ?? SiteRoute.scheduleItems(week.id).path)
        // "Find a free room": date, time and capacity from the query string.
        var finder = RoomFinderView(date: req.query[String.self, at: "freeDate"] ?? "", start: req.query[String.self, at: "freeStart"] ?? "",
                                    end: req.query[String.self, at: "freeEnd"] ?? "", capacity: req.query[String.self, at: "freeCapacity"] ?? "",
                                    searched: false, rooms: [], error: nil)
        if !finder.date.isEmpty {
            finder.searched = true
            if let date = LocalDate(vietnamese: finder.date) ?? LocalDate(iso: finder.date), let from = LocalTime(string: finder.start),
               let to = LocalTime(string: finder.end), to > from {
                let dayItems = try await ScheduleService.items(communeID: user.communeID, week: calendar.week(containing: date),
                                                               calendar: calendar, on: req.db).compactMap(\.domainItem)
                finder.rooms = RoomFinder.free(rooms: resources, items: dayItems, date: date, start: from, end: to,
                                               capacity: Int(finder.capacity) ?? 0)
                    .map { FreeRoom(id: $0.id.canonicalText, name: $0.name, capacity: $0.capacity,
                                    weekHref: SiteRoute.roomWeek(roomID: $0.id, week: week.id).path) }
            } else {
                finder.error = req.t("err_free_room_query")
            }
        }
        let previous = calendar.week(containing: week.start.adding(days: -1)).id
        let next = calendar.week(containing: week.end.adding(days: 1)).id
        let view = View(weekID: week.id.description, title: week.title,
                        previousID: previous.description, nextID: next.description,
                        canManage: canManage, published: publication != nil,
                        publishedAt: publication.map { calendar.vietnameseDateTime($0.publishedAt) },
                        days: days, conflicts: canManage ? conflicts.map(Self.conflictLine) : [], form: formView, errors: errors,
                        finder: finder,
                        allRooms: rooms.map { FreeRoom(id: $0.id!.canonicalText, name: $0.name, capacity: $0.capacity,
                                                       weekHref: SiteRoute.roomWeek(roomID: $0.id!, week: week.id).path) },
                        publishError: publishError,
                        previousHref: SiteRoute.schedule(previous).path, nextHref: SiteRoute.schedule(next).path,
                        publishAction: SiteRoute.schedulePublish(week.id).path, documentHref: SiteRoute.scheduleDocument(week.id).path,
                        freeRoomsAction: SiteRoute.schedule(week.id).path(fragment: "free-rooms"))
        return try await req.render(title: req.t("schedule_title"), section: "schedule", view, status: status)
    }

    /// A line of the week's conflict list: what clashes, and between which items.
    static func conflictLine(_ conflict: ScheduleConflictDTO) -> String {
        conflict.items.isEmpty ? conflict.message : "\(conflict.message): \(conflict.items)"
    }

    private func find(_ req: Request, user: CurrentUser, week: ReportWeek) async throws -> ScheduleItemDTO {
        let items = try await ScheduleService.items(communeID: user.communeID, week: week, calendar: user.calendar, on: req.db)
        guard let id = req.parameters.get("itemID").flatMap(UUID.init(uuidString:)),
              let item = items.first(where: { $0.id == id && $0.origin != "meeting" }) else { throw AppError.notFound() }
        return item
    }

    func edit(_ req: Request) async throws -> Response {
        let user = try req.authorize(.manageSchedule)
        let week = try WeekLookup.week(req.parameters.get("weekID"), for: user, now: req.now)
        let item = try await find(req, user: user, week: week)
        return try await render(req, user: user, week: week, form: nil, editing: item, errors: .init(), status: .ok)
    }

    func save(_ req: Request) async throws -> Response {
        let user = try req.authorize(.manageSchedule)
        let week = try WeekLookup.week(req.parameters.get("weekID"), for: user, now: req.now)
        let existing = req.parameters.get("itemID") == nil ? nil : try await find(req, user: user, week: week)
        let form = try req.content.decode(Form.self)
        let (item, problems) = try await ScheduleService.validate(form.input, existing: existing, week: week, communeID: user.communeID, on: req.db)
        guard problems.isEmpty else {
            return try await render(req, user: user, week: week, form: form, editing: existing, errors: .init(messages: problems),
                                    status: .unprocessableEntity)
        }
        _ = try await ScheduleService.save(item, replacing: existing, week: week, communeID: user.communeID, actorID: user.personID,
                                           now: req.now, on: req.db)
        return req.redirect(to: .schedule(week.id), notice: "saved")
    }

    func delete(_ req: Request) async throws -> Response {
        let user = try req.authorize(.manageSchedule)
        let week = try WeekLookup.week(req.parameters.get("weekID"), for: user, now: req.now)
        let item = try await find(req, user: user, week: week)
        try await ScheduleService.remove(item, week: week, communeID: user.communeID, actorID: user.personID, now: req.now, on: req.db)
        return req.redirect(to: .schedule(week.id), notice: "saved")
    }

    /// Over open conflicts the office must tick "publish anyway": otherwise the page comes back
    /// (422) with the conflicts listed next to the publish button.
    func publish(_ req: Request) async throws -> Response {
        let user = try req.authorize(.manageSchedule)
        let week = try WeekLookup.week(req.parameters.get("weekID"), for: user, now: req.now)
        struct PublishForm: Content { var confirmConflicts: String? }
        let confirmed = ["on", "1", "true"].contains((try? req.content.decode(PublishForm.self))?.confirmConflicts ?? "")
        let open = try await ScheduleService.publish(user: user, week: week, confirmConflicts: confirmed, now: req.now, on: req.db)
        guard open.isEmpty else {
            return try await render(req, user: user, week: week, form: nil, editing: nil, errors: .init(),
                                    status: .unprocessableEntity, publishError: req.t("schedule_publish_confirm_needed"))
        }
        return req.redirect(to: .schedule(week.id), notice: "schedule_published")
    }
}

/// A room's week at a glance: what keeps it busy, day by day.
struct RoomWeekController {
    struct Row: Encodable, Sendable { var time: String; var title: String }
    struct Day: Encodable, Sendable { var label: String; var items: [Row] }
    struct View: Encodable, Sendable {
        var roomID: String; var name: String; var capacity: Int; var hours: String
        var weekID: String; var title: String; var previousID: String; var nextID: String; var days: [Day]
        var previousHref: String; var nextHref: String; var scheduleHref: String
    }

    func show(_ req: Request) async throws -> Response {
        let user = try req.requireUser()
        let room = try await OrganisationService.find(Room.self, req.parameters.get("id"), communeField: \.$communeID, communeID: user.communeID, on: req.db)
        let calendar = user.calendar
        let week = try WeekLookup.week(req.parameters.get("weekID"), for: user, now: req.now)
        let items = try await ScheduleService.items(communeID: user.communeID, week: week, calendar: calendar, on: req.db)
        let titles = Dictionary(items.map { ($0.id, $0.title) }, uniquingKeysWith: { first, _ in first })
        let resource = try await ScheduleService.resources(communeID: user.communeID, on: req.db).first { $0.id == room.id }
        let days = RoomFinder.week(roomID: room.id!, items: items.compactMap(\.domainItem), week: week).map { day in
            Day(label: "\(day.date.weekday.vietnameseName) \(day.date.vietnamese)",
                items: day.items.map { Row(time: "\($0.start.text) – \($0.end.text)", title: titles[$0.id] ?? $0.title) })
        }
        let previous = calendar.week(containing: week.start.adding(days: -1)).id
        let next = calendar.week(containing: week.end.adding(days: 1)).id
        let view = View(roomID: room.id!.canonicalText, name: room.name, capacity: room.capacity, hours: resource?.vietnameseHours ?? "",
                        weekID: week.id.description, title: week.title,
                        previousID: previous.description, nextID: next.description, days: days,
                        previousHref: SiteRoute.roomWeek(roomID: room.id!, week: previous).path,
                        nextHref: SiteRoute.roomWeek(roomID: room.id!, week: next).path,
                        scheduleHref: SiteRoute.schedule(week.id).path)
        return try await req.render("schedule/room", title: room.name, section: "schedule", view)
    }
}
