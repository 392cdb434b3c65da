import Fluent
import SQLKit
import Foundation
import GiaoBanCore
import Vapor

struct ScheduleItemDTO: Content, Equatable {
    var id: UUID
    var date: String
    var start: String
    var end: String
    var title: String
    var roomId: UUID?
    var place: String?
    var chairId: UUID?
    var participantIds: [UUID]
    var unitIds: [UUID]
    var preparedBy: String?
    var sourceReportId: UUID?
    /// "plan" (a reporter's next-week plan), "office" (added or edited by the office) or "meeting" (a fixed briefing).
    var origin: String
    /// The author of the weekly plan the item comes from (also for the office's edited copy of
    /// one); nil for the office's own items and the briefings. The author is booked in the item
    /// (`PlanOwnership`): chair when the plan names none, else a participant.
    var ownerId: UUID? = nil

    var domainItem: ScheduleItem? {
        guard let day = LocalDate(iso: date), let from = LocalTime(string: start), let to = LocalTime(string: end) else { return nil }
        return ScheduleItem(id: id, date: day, start: from, end: to, roomID: roomId, chairID: chairId,
                            participantIDs: Set(participantIds), unitIDs: Set(unitIds), title: title)
    }
}

struct ScheduleConflictDTO: Content {
    var kind: String
    var itemIds: [UUID]
    var roomId: UUID?
    var personId: UUID?
    var unitId: UUID?
    var message: String
    /// The items in conflict by title, day, time, room and chair (added for the publish warning).
    var items: String = ""
}

/// The weekly work schedule (SPEC §9): everyone's next-week plan items, the office's own items
/// and the fixed briefings, with conflicts recomputed on every read.
enum ScheduleService {
    /// A stable id for a fixed briefing, so that clients can refer to it.
    static func meetingID(_ week: ReportWeekID, _ slot: String) -> UUID {
        let digest = Array(SHA256.hash(data: Data("meeting|\(week)|\(slot)".utf8)))
        return UUID(uuid: (digest[0], digest[1], digest[2], digest[3], digest[4], digest[5], digest[6] & 0x0F | 0x50, digest[7],
                           digest[8] & 0x3F | 0x80, digest[9], digest[10], digest[11], digest[12], digest[13], digest[14], digest[15]))
    }

    /// The working schedule of a week, as the office sees it.
    /// `names` (from `nameLookup`) when the caller has them already, so a page reads them once.
    static func items(communeID: UUID, week: ReportWeek, calendar: CommuneCalendar, names known: [UUID: String]? = nil,
                      on db: any Database) async throws -> [ScheduleItemDTO] {
        let previous = calendar.week(containing: week.start.adding(days: -1))
        // Plans made last week for this week. Only which report is whose: a report's draft and
        // the rest are not needed here.
        let (entries, authors) = try await PageReads.together(on: db,
            { try await SQLAccess.models(ScheduleEntry.self, where: "commune_id = \(bind: communeID) AND week_id = \(bind: week.id.description)", on: db) },
            { try await reportAuthors(communeID: communeID, week: previous.id, on: db) })
        let reportIDs = Array(authors.keys)
        // The columns the schedule shows, as plain values (decoding whole plan items as models was
        // a tenth of the page).
        let plans = reportIDs.isEmpty ? [] : try await SQLAccess.plainRows("""
            SELECT id, report_id, position, date, start_time, end_time, title, room_id, place, chair_id, participant_ids, prepared_by
            FROM report_plan_items WHERE report_id IN (\(list: reportIDs))
            """, on: db)
        let overridden = Set(entries.compactMap(\.sourcePlanKey))
        var result: [ScheduleItemDTO] = []
        for plan in plans {
            guard let id = try plan.id("id"), let reportID = try plan.id("report_id") else { throw SQLAccess.UnreadableID(column: "report_plan_items.id") }
            guard !overridden.contains("\(reportID):\(try plan.int("position"))") else { continue }
            let day = try plan.string("date")
            guard let date = LocalDate(iso: day), week.contains(date) else { continue }
            var chair = try plan.optionalID("chair_id")
            var participants = try StoredJSON.idList(try plan.string("participant_ids"), table: ReportPlanItem.schema, column: "participant_ids",
                                                     rowID: id, communeID: communeID)
            let author = authors[reportID]
            if let author {
                (chair, participants) = PlanOwnership.booking(chair: chair, participants: participants, author: author)
            }
            result.append(ScheduleItemDTO(id: id, date: day, start: try plan.string("start_time"), end: try plan.string("end_time"),
                                          title: try plan.string("title"), roomId: try plan.optionalID("room_id"),
                                          place: try plan.optionalString("place"), chairId: chair, participantIds: participants,
                                          unitIds: [], preparedBy: try plan.optionalString("prepared_by"), sourceReportId: reportID,
                                          origin: "plan", ownerId: author))
        }
        for entry in entries where !entry.hidden {
            result.append(ScheduleItemDTO(id: entry.id!, date: entry.date, start: entry.start, end: entry.end, title: entry.title,
                                          roomId: entry.roomID, place: entry.place, chairId: entry.chairID,
                                          participantIds: try entry.participantIDs, unitIds: try entry.unitIDs, preparedBy: entry.preparedBy,
                                          sourceReportId: entry.sourceReportID, origin: "office",
                                          ownerId: entry.sourceReportID.flatMap { authors[$0] }))
        }
        let moves = try await BriefingMoveRecord.moves(communeID: communeID, weeks: [week.id], on: db)
        for meeting in calendar.meetings(for: week, moves: moves) {
            result.append(ScheduleItemDTO(id: meetingID(week.id, meeting.slotKey), date: meeting.date.iso, start: meeting.start.text,
                                          end: meeting.end.text, title: meeting.title, roomId: nil, place: nil, chairId: nil,
                                          participantIds: [], unitIds: [], preparedBy: "Văn phòng", sourceReportId: nil, origin: "meeting"))
        }
        // Same time and title (two officials' "làm việc với thôn…"): by whose it is, then where, so
        // that the order never depends on random ids.
        let names: [UUID: String]
        if let known { names = known } else { names = try await nameLookup(communeID: communeID, on: db) }
        func tieBreak(_ item: ScheduleItemDTO) -> String {
            [item.ownerId, item.chairId, item.roomId].map { $0.flatMap { names[$0] } ?? "" }.joined(separator: "\u{1}")
                + "\u{1}" + (item.place ?? "")
        }
        // Positions are sorted, not the items: moving whole items about was a tenth of the page.
        let keys = result.map { ($0.date, $0.start, $0.end, $0.title, tieBreak($0)) }
        return result.indices.sorted { keys[$0] < keys[$1] }.map { result[$0] }
    }

    static func resources(communeID: UUID, on db: any Database) async throws -> [ScheduleResource] {
        try await Room.query(on: db).filter(\.$communeID == communeID).filter(\.$active == true).all().map(resource)
    }

    /// A room (or hall, or car) as the schedule books it.
    static func resource(_ room: Room) -> ScheduleResource {
        ScheduleResource(id: room.id!, name: room.name, kind: room.resourceKind.flatMap(ScheduleResource.Kind.init(rawValue:)) ?? .room,
                         capacity: room.capacity, opensAt: room.opensAt.flatMap(LocalTime.init(string:)),
                         closesAt: room.closesAt.flatMap(LocalTime.init(string:)))
    }

    /// Each unit's people, in one statement.
    static func unitMembers(communeID: UUID, on db: any Database) async throws -> [UUID: Set<UUID>] {
        let rows = try await SQLAccess.sql(db).raw("""
            SELECT pu.unit_id, pu.person_id FROM person_units pu JOIN units u ON u.id = pu.unit_id WHERE u.commune_id = \(bind: communeID)
            """).all()
        var members: [UUID: Set<UUID>] = [:]
        for row in rows {
            guard let unit = try SQLAccess.id(row, "unit_id"), let person = try SQLAccess.id(row, "person_id") else { continue }
            members[unit, default: []].insert(person)
        }
        return members
    }

    /// The author of each weekly report of a commune's week, by report id.
    static func reportAuthors(communeID: UUID, week: ReportWeekID, on db: any Database) async throws -> [UUID: UUID] {
        let rows = try await SQLAccess.sql(db).raw("""
            SELECT id, person_id FROM weekly_reports WHERE commune_id = \(bind: communeID) AND week_id = \(bind: week.description)
            """).all()
        var authors: [UUID: UUID] = [:]
        for row in rows {
            guard let report = try SQLAccess.id(row, "id"), let person = try SQLAccess.id(row, "person_id") else { continue }
            authors[report] = person
        }
        return authors
    }

    static func conflicts(_ items: [ScheduleItemDTO], communeID: UUID, names known: [UUID: String]? = nil,
                          on db: any Database) async throws -> [ScheduleConflictDTO] {
        let (rooms, members, names) = try await PageReads.together(on: db,
            { try await resources(communeID: communeID, on: db) },
            { try await unitMembers(communeID: communeID, on: db) },
            {
                if let known { return known }
                return try await nameLookup(communeID: communeID, on: db)
            })
        return conflicts(items, rooms: rooms, unitMembers: members, names: names)
    }

    /// The clashes among `items`, worded, from what the caller has read.
    static func conflicts(_ items: [ScheduleItemDTO], rooms: [ScheduleResource], unitMembers members: [UUID: Set<UUID>],
                          names: [UUID: String]) -> [ScheduleConflictDTO] {
        let found = ScheduleConflicts.detect(items: items.compactMap(\.domainItem), rooms: rooms, unitMembers: members)
        let byID = Dictionary(items.compactMap(\.domainItem).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        return found.map {
            ScheduleConflictDTO(kind: $0.kind.rawValue, itemIds: $0.itemIDs, roomId: $0.roomID, personId: $0.personID, unitId: $0.unitID,
                                message: $0.vietnameseDescription(names: names), items: $0.vietnameseItems(byID) { names[$0] })
        }
    }

    /// The cells of one item as the schedule's table prints them, on the page and in the .docx
    /// alike. An empty cell reads "—" so that it never looks like missing data; an item from a
    /// person's plan names its author, who also prepares it unless the plan says otherwise.
    struct RowText: Equatable {
        var chair: String
        var participants: String
        var place: String
        var preparedBy: String
        /// The plan's author ("Hồ Sỹ Nam") for an item from a weekly plan; nil otherwise.
        var owner: String?
    }

    /// Plain names of an item's people, rooms and units (no honorific: `Comrade.title` adds it).
    static func rowText(_ item: ScheduleItemDTO, names: [UUID: String]) -> RowText {
        func name(_ id: UUID?) -> String? { id.flatMap { names[$0] }.flatMap { $0.isEmpty ? nil : $0 } }
        func orDash(_ parts: [String?]) -> String {
            let text = parts.compactMap { $0?.trimmedWhitespace }.filter { !$0.isEmpty }.joined(separator: ", ")
            return text.isEmpty ? "—" : text
        }
        let owner = name(item.ownerId)
        return RowText(chair: orDash([name(item.chairId)]),
                       participants: orDash(item.participantIds.map(name) + item.unitIds.map(name)),
                       place: orDash([name(item.roomId), item.place]),
                       preparedBy: orDash([item.preparedBy ?? owner]),
                       owner: owner)
    }

    /// The domain conflict behind an API conflict (to describe it from one of its items).
    static func domainConflict(_ dto: ScheduleConflictDTO) -> ScheduleConflict {
        ScheduleConflict(kind: ConflictKind(rawValue: dto.kind) ?? .person, itemIDs: dto.itemIds, roomID: dto.roomId,
                         personID: dto.personId, unitID: dto.unitId)
    }

    /// The names of the commune's people, rooms and units by id, from all of them read already
    /// (the schedule names whoever and whatever its items refer to, active or not).
    static func nameLookup(people: [PersonName], rooms: [Room], units: [OrgUnit]) -> [UUID: String] {
        var names: [UUID: String] = [:]
        names.reserveCapacity(people.count + rooms.count + units.count)
        for person in people { names[person.id] = person.fullName }
        for room in rooms { if let id = room.id { names[id] = room.name } }
        for unit in units { if let id = unit.id { names[id] = unit.name } }
        return names
    }

    /// The same in one statement of two columns, for the pages and documents that do not read
    /// the people, rooms and units themselves.
    static func nameLookup(communeID: UUID, on db: any Database) async throws -> [UUID: String] {
        let rows = try await SQLAccess.sql(db).raw("""
            SELECT id, full_name AS name FROM people WHERE commune_id = \(bind: communeID)
            UNION ALL SELECT id, name FROM rooms WHERE commune_id = \(bind: communeID)
            UNION ALL SELECT id, name FROM units WHERE commune_id = \(bind: communeID)
            """).all()
        var names: [UUID: String] = [:]
        names.reserveCapacity(rows.count)
        for row in rows {
            guard let id = try SQLAccess.id(row, "id") else { continue }
            names[id] = try row.decode(column: "name", as: String.self)
        }
        return names
    }

    static func publication(communeID: UUID, week: ReportWeekID, on db: any Database) async throws -> SchedulePublication? {
        try await SQLAccess.models(SchedulePublication.self, where: "commune_id = \(bind: communeID) AND week_id = \(bind: week.description)", on: db).first
    }

    static func published(_ publication: SchedulePublication?) throws -> [ScheduleItemDTO] {
        try publication?.items ?? []
    }

    /// The office's input for an item, checked by the domain rules.
    struct ItemInput: Content {
        var date: String?
        var start: String?
        var end: String?
        var title: String?
        var roomId: UUID?
        var place: String?
        var chairId: UUID?
        var participantIds: [UUID]?
        var unitIds: [UUID]?
        var preparedBy: String?
    }

    static func validate(_ input: ItemInput, existing: ScheduleItemDTO?, week: ReportWeek, communeID: UUID,
                         on db: any Database) async throws -> (ScheduleItemDTO, [String: String]) {
        var problems: [String: String] = [:]
        let dateText = (input.date ?? existing?.date ?? "").trimmedWhitespace
        let date = LocalDate(iso: dateText) ?? LocalDate(vietnamese: dateText)
        if date == nil { problems["date"] = "Ngày theo dạng yyyy-MM-dd hoặc dd/mm/yyyy." }
        else if !week.contains(date!) { problems["date"] = "Ngày phải trong tuần \(week.start.vietnamese) – \(week.end.vietnamese)." }
        let start = LocalTime(string: (input.start ?? existing?.start ?? "").trimmedWhitespace)
        let end = LocalTime(string: (input.end ?? existing?.end ?? "").trimmedWhitespace)
        if start == nil { problems["start"] = "Giờ bắt đầu theo dạng HH:mm." }
        if end == nil { problems["end"] = "Giờ kết thúc theo dạng HH:mm." }
        if let start, let end, end <= start { problems["end"] = "Giờ kết thúc phải sau giờ bắt đầu." }
        let title = VietnameseText.nfc(input.title ?? existing?.title ?? "")
        if title.isEmpty { problems["title"] = "Ghi rõ nội dung công việc." }
        let roomID = input.roomId ?? existing?.roomId
        if let roomID, try await Room.query(on: db).filter(\.$id == roomID).filter(\.$communeID == communeID).count() == 0 {
            problems["roomId"] = "Phòng họp không tồn tại."
        }
        let people = Set((input.participantIds ?? existing?.participantIds ?? []) + [input.chairId ?? existing?.chairId].compactMap { $0 })
        if !people.isEmpty, try await Person.query(on: db).filter(\.$id ~~ Array(people)).filter(\.$communeID == communeID).count() != people.count {
            problems["participantIds"] = "Có người không tồn tại."
        }
        let units = Set(input.unitIds ?? existing?.unitIds ?? [])
        if !units.isEmpty, try await OrgUnit.query(on: db).filter(\.$id ~~ Array(units)).filter(\.$communeID == communeID).count() != units.count {
            problems["unitIds"] = "Có đơn vị không tồn tại."
        }
        let item = ScheduleItemDTO(id: existing?.id ?? UUID(), date: date?.iso ?? dateText, start: start?.text ?? "", end: end?.text ?? "",
                                   title: title, roomId: roomID, place: (input.place ?? existing?.place).map(VietnameseText.nfc),
                                   chairId: input.chairId ?? existing?.chairId,
                                   participantIds: input.participantIds ?? existing?.participantIds ?? [],
                                   unitIds: input.unitIds ?? existing?.unitIds ?? [],
                                   preparedBy: (input.preparedBy ?? existing?.preparedBy).map(VietnameseText.nfc),
                                   sourceReportId: existing?.sourceReportId, origin: "office", ownerId: existing?.ownerId)
        return (item, problems)
    }

    /// Saves an office item; editing a reporter's plan item stores the office's copy in its place.
    static func save(_ item: ScheduleItemDTO, replacing existing: ScheduleItemDTO?, week: ReportWeek, communeID: UUID, actorID: UUID,
                     now: Date, on db: any Database) async throws -> ScheduleItemDTO {
        let entry: ScheduleEntry
        if let existing, existing.origin == "office", let found = try await ScheduleEntry.find(existing.id, on: db) {
            entry = found
        } else {
            entry = ScheduleEntry()
            entry.communeID = communeID
            entry.weekID = week.id.description
            entry.hidden = false
            if let existing, existing.origin == "plan", let plan = try await ReportPlanItem.find(existing.id, on: db) {
                entry.sourcePlanKey = "\(plan.reportID):\(plan.position)"
                entry.sourceReportID = plan.reportID
            }
        }
        entry.date = item.date
        entry.start = item.start
        entry.end = item.end
        entry.title = item.title
        entry.roomID = item.roomId
        entry.place = item.place?.isEmpty == true ? nil : item.place
        entry.chairID = item.chairId
        entry.setParticipantIDs(item.participantIds)
        entry.setUnitIDs(item.unitIds)
        entry.preparedBy = item.preparedBy?.isEmpty == true ? nil : item.preparedBy
        entry.updatedBy = actorID
        entry.updatedAt = now
        try await entry.save(on: db)
        try await AuditTrail.record(on: db, communeID: communeID, actorID: actorID, at: now, kind: "schedule",
                                    action: existing == nil ? "create" : "update", subjectID: entry.id!, weekID: week.id.description,
                                    before: existing, after: item)
        var saved = item
        saved.id = entry.id!
        saved.sourceReportId = entry.sourceReportID
        return saved
    }

    /// Removes an item from the week: an office item is deleted, a plan item is hidden (a
    /// duplicate merged into another, or cancelled).
    static func remove(_ existing: ScheduleItemDTO, week: ReportWeek, communeID: UUID, actorID: UUID, now: Date, on db: any Database) async throws {
        if existing.origin == "office", let entry = try await ScheduleEntry.find(existing.id, on: db) {
            try await entry.delete(on: db)
        } else if existing.origin == "plan", let plan = try await ReportPlanItem.find(existing.id, on: db) {
            let entry = ScheduleEntry()
            entry.communeID = communeID
            entry.weekID = week.id.description
            entry.date = plan.date
            entry.start = plan.start
            entry.end = plan.end
            entry.title = plan.title
            entry.setParticipantIDs([])
            entry.setUnitIDs([])
            entry.sourcePlanKey = "\(plan.reportID):\(plan.position)"
            entry.sourceReportID = plan.reportID
            entry.hidden = true
            entry.updatedBy = actorID
            entry.updatedAt = now
            try await entry.save(on: db)
        }
        try await AuditTrail.record(on: db, communeID: communeID, actorID: actorID, at: now, kind: "schedule", action: "delete",
                                    subjectID: existing.id, weekID: week.id.description, before: existing, after: String?.none)
    }
}
