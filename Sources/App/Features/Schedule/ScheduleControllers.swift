import Fluent
import Foundation
import GiaoBanCore
import Vapor

struct ScheduleDTO: Content {
    var week: String
    var published: Bool
    var publishedAt: String?
    var items: [ScheduleItemDTO]
    var conflicts: [ScheduleConflictDTO]
}

/// `/api/v1/schedule/{weekId}` and `/api/v1/rooms/…/free`.
struct ScheduleAPIController {
    private func context(_ req: Request) throws -> (CurrentUser, ReportWeek) {
        let user = try req.requireUser()
        return (user, try WeekLookup.week(req.parameters.get("weekID"), for: user, now: req.now))
    }

    /// The office, leaders and admins see the working schedule; everyone else the published one.
    func show(_ req: Request) async throws -> ScheduleDTO {
        let (user, week) = try context(req)
        let calendar = user.calendar
        let publication = try await ScheduleService.publication(communeID: user.communeID, week: week.id, on: req.db)
        let items = AccessPolicy.allows(user.actor, .manageSchedule)
            ? try await ScheduleService.items(communeID: user.communeID, week: week, calendar: calendar, on: req.db)
            : try ScheduleService.published(publication)
        return ScheduleDTO(week: week.id.description, published: publication != nil,
                           publishedAt: publication.map { calendar.isoString($0.publishedAt) }, items: items,
                           conflicts: try await ScheduleService.conflicts(items, communeID: user.communeID, on: req.db))
    }

    private func decode(_ req: Request) throws -> ScheduleService.ItemInput {
        do { return try req.content.decode(ScheduleService.ItemInput.self) } catch let refused as AppError { throw refused } catch {
            throw AppError(.badRequest, code: "malformed_body", message: "Nội dung gửi lên không đúng định dạng JSON mong đợi.")
        }
    }

    private func existing(_ req: Request, user: CurrentUser, week: ReportWeek) async throws -> ScheduleItemDTO {
        let items = try await ScheduleService.items(communeID: user.communeID, week: week, calendar: user.calendar, on: req.db)
        guard let id = req.parameters.get("itemID").flatMap(UUID.init(uuidString:)), let item = items.first(where: { $0.id == id }) else {
            throw AppError.notFound("Không có mục lịch này trong tuần.")
        }
        guard item.origin != "meeting" else {
            throw AppError.conflict("Cuộc giao ban cố định được dời ở trang lịch tuần, không sửa ở đây.")
        }
        return item
    }

    func create(_ req: Request) async throws -> Response {
        let user = try req.authorize(.manageSchedule)
        let week = try context(req).1
        let (item, problems) = try await ScheduleService.validate(try decode(req), existing: nil, week: week, communeID: user.communeID, on: req.db)
        guard problems.isEmpty else { throw AppError.invalid(problems) }
        let saved = try await ScheduleService.save(item, replacing: nil, week: week, communeID: user.communeID, actorID: user.personID,
                                                   now: req.now, on: req.db)
        return try await saved.encodeResponse(status: .created, for: req)
    }

    func update(_ req: Request) async throws -> ScheduleItemDTO {
        let user = try req.authorize(.manageSchedule)
        let week = try context(req).1
        let current = try await existing(req, user: user, week: week)
        let (item, problems) = try await ScheduleService.validate(try decode(req), existing: current, week: week, communeID: user.communeID, on: req.db)
        guard problems.isEmpty else { throw AppError.invalid(problems) }
        return try await ScheduleService.save(item, replacing: current, week: week, communeID: user.communeID, actorID: user.personID,
                                              now: req.now, on: req.db)
    }

    func delete(_ req: Request) async throws -> HTTPStatus {
        let user = try req.authorize(.manageSchedule)
        let week = try context(req).1
        let current = try await existing(req, user: user, week: week)
        try await ScheduleService.remove(current, week: week, communeID: user.communeID, actorID: user.personID, now: req.now, on: req.db)
        return .noContent
    }

    /// Publishing over open conflicts needs `confirmConflicts` (body or query); without it, 409
    /// with the conflicts listed, so a client shows them before asking again.
    func publish(_ req: Request) async throws -> Response {
        let user = try req.authorize(.manageSchedule)
        let week = try context(req).1
        struct Input: Content { var confirmConflicts: Bool? }
        var confirmed = req.query[Bool.self, at: "confirmConflicts"] ?? false
        if let body = req.body.data, body.readableBytes > 0 {
            do { confirmed = try req.content.decode(Input.self).confirmConflicts ?? confirmed } catch {
                throw AppError(.badRequest, code: "malformed_body", message: "Nội dung gửi lên không đúng định dạng JSON mong đợi.")
            }
        }
        let open = try await ScheduleService.publish(user: user, week: week, confirmConflicts: confirmed, now: req.now, on: req.db)
        guard open.isEmpty else {
            struct Refusal: Content {
                struct Detail: Content {
                    var code: String; var message: String; var fields: [String: String]; var conflicts: [ScheduleConflictDTO]
                }
                var error: Detail
            }
            let message = ScheduleService.unconfirmedConflictsMessage(open.count)
            return try await Refusal(error: .init(code: "schedule_conflicts", message: message, fields: ["confirmConflicts": message],
                                                  conflicts: open)).encodeResponse(status: .conflict, for: req)
        }
        return try await show(req).encodeResponse(for: req)
    }

    private func slot(_ req: Request) throws -> (LocalDate, LocalTime, LocalTime) {
        var fields: [String: String] = [:]
        let date = req.query[String.self, at: "date"].flatMap { LocalDate(iso: $0) }
        let start = req.query[String.self, at: "start"].flatMap { LocalTime(string: $0) }
        let end = req.query[String.self, at: "end"].flatMap { LocalTime(string: $0) }
        if date == nil { fields["date"] = "Ngày theo dạng yyyy-MM-dd." }
        if start == nil { fields["start"] = "Giờ theo dạng HH:mm." }
        if end == nil { fields["end"] = "Giờ theo dạng HH:mm." }
        if let start, let end, end <= start { fields["end"] = "Giờ kết thúc phải sau giờ bắt đầu." }
        guard fields.isEmpty, let date, let start, let end else {
            throw AppError(.badRequest, code: "invalid_parameter", message: "Tham số thời gian chưa hợp lệ.", fields: fields)
        }
        return (date, start, end)
    }

    private func dayItems(_ user: CurrentUser, date: LocalDate, on db: any Database) async throws -> [ScheduleItemDTO] {
        let week = user.calendar.week(containing: date)
        return try await ScheduleService.items(communeID: user.communeID, week: week, calendar: user.calendar, on: db)
    }

    /// `GET /api/v1/rooms/{id}/free?date=&start=&end=` → `{"free", "busy": [items]}`.
    func roomFree(_ req: Request) async throws -> Response {
        let user = try req.requireUser()
        let room = try await OrganisationService.find(Room.self, req.parameters.get("id"), communeField: \.$communeID, communeID: user.communeID, on: req.db)
        let (date, start, end) = try slot(req)
        let items = try await dayItems(user, date: date, on: req.db)
        let busyIDs = Set(RoomFinder.busy(roomID: room.id!, items: items.compactMap(\.domainItem), date: date, start: start, end: end).map(\.id))
        struct Answer: Content { var free: Bool; var busy: [ScheduleItemDTO] }
        let busy = items.filter { busyIDs.contains($0.id) }
        return try await Answer(free: busy.isEmpty, busy: busy).encodeResponse(for: req)
    }

    /// `GET /api/v1/rooms/free?date=&start=&end=&capacity=` → the rooms free then, smallest first.
    func freeRooms(_ req: Request) async throws -> ListDTO<RoomDTO> {
        let user = try req.requireUser()
        let (date, start, end) = try slot(req)
        var capacity = 0
        if let raw = req.query[String.self, at: "capacity"], !raw.isEmpty {
            guard let value = Int(raw), (0...100_000).contains(value) else {
                throw AppError(.badRequest, code: "invalid_parameter", message: "Sức chứa phải là số nguyên không âm.",
                               fields: ["capacity": "Sức chứa phải là số nguyên không âm."])
            }
            capacity = value
        }
        let items = try await dayItems(user, date: date, on: req.db).compactMap(\.domainItem)
        let rooms = try await ScheduleService.resources(communeID: user.communeID, on: req.db)
        let free = RoomFinder.free(rooms: rooms, items: items, date: date, start: start, end: end, capacity: max(0, capacity))
        let models = try await Room.query(on: req.db).filter(\.$id ~~ free.map(\.id)).all()
        let byID = Dictionary(uniqueKeysWithValues: models.map { ($0.id!, $0) })
        return ListDTO(items: try free.compactMap { byID[$0.id] }.map(RoomDTO.init))
    }
}

extension ScheduleService {
    static func unconfirmedConflictsMessage(_ count: Int) -> String {
        "Lịch còn \(count) chỗ trùng. Xem lại, hoặc xác nhận vẫn công bố (confirmConflicts)."
    }

    /// Publishes the working schedule. While it has conflicts and `confirmConflicts` is false,
    /// nothing is published and the open conflicts are returned (empty: published).
    @discardableResult
    static func publish(user: CurrentUser, week: ReportWeek, confirmConflicts: Bool, now: Date,
                        on db: any Database) async throws -> [ScheduleConflictDTO] {
        let items = try await items(communeID: user.communeID, week: week, calendar: user.calendar, on: db)
        if !confirmConflicts {
            let open = try await conflicts(items, communeID: user.communeID, on: db)
            if !open.isEmpty { return open }
        }
        try await db.transaction { db in
            let publication = try await ScheduleService.publication(communeID: user.communeID, week: week.id, on: db) ?? SchedulePublication()
            publication.communeID = user.communeID
            publication.weekID = week.id.description
            publication.publishedAt = now
            publication.publishedBy = user.personID
            publication.itemsJSON = AuditTrail.json(items)
            try await publication.save(on: db)
            try await AuditTrail.record(on: db, communeID: user.communeID, actorID: user.personID, at: now, kind: "schedule",
                                        action: "publish", subjectID: publication.id!, weekID: week.id.description,
                                        before: String?.none, after: ["items": String(items.count)])
        }
        return []
    }
}
