import Foundation

/// What a schedule conflict is about. The raw values are the API's `kind` strings.
public enum ConflictKind: String, Codable, Sendable, CaseIterable {
    /// The same room (or other resource) in two overlapping items.
    case room
    /// The same person, as chair or participant, in two overlapping items.
    case person
    /// A unit invited as a whole while one of its people is booked in an overlapping item,
    /// or the same unit invited as a whole to two overlapping items.
    case unit
    /// An item outside the opening days or hours of its room (or other resource).
    case hours

    /// Order in which conflicts of the same moment are listed.
    var rank: Int {
        switch self {
        case .room: 0
        case .person: 1
        case .unit: 2
        case .hours: 3
        }
    }
}

/// One conflict in the weekly schedule.
///
/// - `.room`: two items (`itemIDs`) book the resource `roomID` at overlapping times.
/// - `.person`: two items book the person `personID` at overlapping times.
/// - `.unit`: `itemIDs` has two items; one invites the whole unit `unitID`, the other books
///   `personID`, one of its people. `personID` is nil when both items invite the whole unit.
/// - `.hours`: one item lies outside the opening days or hours of the resource `roomID`.
///
/// `itemIDs` is always sorted (by `uuidString`). Codable in the API shape
/// `{"kind", "itemIds", "roomId", "personId", "unitId"}` (absent values are written as null).
public struct ScheduleConflict: Hashable, Codable, Sendable, CustomStringConvertible {
    public let kind: ConflictKind
    public let itemIDs: [UUID]
    public let roomID: UUID?
    public let personID: UUID?
    public let unitID: UUID?

    public init(kind: ConflictKind, itemIDs: [UUID], roomID: UUID? = nil, personID: UUID? = nil, unitID: UUID? = nil) {
        self.kind = kind
        self.itemIDs = itemIDs.sorted(by: ScheduleConflicts.uuidLess)
        self.roomID = roomID
        self.personID = personID
        self.unitID = unitID
    }

    public func involves(_ itemID: UUID) -> Bool { itemIDs.contains(itemID) }

    /// A short Vietnamese message. `names` maps the IDs of rooms, people and units to their plain
    /// names (the honorific "Đ/c" is added here, by ``Comrade/title(_:)``, never by the caller).
    ///
    /// "Phòng họp tầng 2 bị trùng lịch: 2 cuộc họp cùng lúc", "Đ/c Hồ Sỹ Nam có 2 lịch trùng giờ",
    /// "Đơn vị Hội Nông dân được mời cả đơn vị trong khi Đ/c Lê Văn Hải có lịch khác",
    /// "Đơn vị Hội Nông dân được mời cả đơn vị vào 2 lịch trùng giờ",
    /// "Ngoài giờ sử dụng của Phòng họp tầng 2".
    public func vietnameseDescription(names: [UUID: String]) -> String {
        vietnameseDescription { names[$0] }
    }

    /// As ``vietnameseDescription(names:)``, with the names looked up by a function.
    public func vietnameseDescription(name: (UUID) -> String?) -> String {
        func lookup(_ id: UUID?) -> String? {
            guard let id, let text = name(id)?.trimmedWhitespaceAndNewlines, !text.isEmpty else { return nil }
            return text
        }
        let count = itemIDs.count
        switch kind {
        case .room:
            return "\(lookup(roomID) ?? "Phòng") bị trùng lịch: \(count) cuộc họp cùng lúc"
        case .person:
            return "\(lookup(personID).map(Comrade.title) ?? "Một đồng chí") có \(count) lịch trùng giờ"
        case .unit:
            let unit = lookup(unitID).map { "Đơn vị \($0)" } ?? "Một đơn vị"
            if personID == nil {
                return "\(unit) được mời cả đơn vị vào \(count) lịch trùng giờ"
            }
            let person = lookup(personID).map(Comrade.title) ?? "một đồng chí của đơn vị"
            return "\(unit) được mời cả đơn vị trong khi \(person) có lịch khác"
        case .hours:
            return lookup(roomID).map { "Ngoài giờ sử dụng của \($0)" } ?? "Ngoài giờ sử dụng của phòng"
        }
    }

    /// What the conflict is with, seen from the item `itemID`: the other item(s) by title, day,
    /// time, room and chair, so a reporter knows which commitment to move. `items` holds the
    /// schedule's items by id; `name` gives plain names (rooms, people). Empty when the conflict
    /// involves no other item (`.hours`) or `itemID` is not one of its items.
    ///
    /// "Trùng với «Họp Ban chỉ đạo NTM» (Thứ Hai 14/12, 08:00–10:00, Phòng họp tầng 2; chủ trì: Đ/c Lê Văn Hải)"
    public func vietnameseClashDetail(from itemID: UUID, items: [UUID: ScheduleItem], name: (UUID) -> String?) -> String {
        guard itemIDs.contains(itemID) else { return "" }
        let others = itemIDs.filter { $0 != itemID }.compactMap { items[$0] }
        guard !others.isEmpty else { return "" }
        return "Trùng với " + others.map { Self.vietnameseItem($0, name: name) }.joined(separator: ", ")
    }

    /// The conflict's items, for a list of every conflict of the week (the publish warning):
    /// "«Họp A» (Thứ Hai 14/12, 08:00–10:00, Phòng họp tầng 2) và «Họp B» (…)".
    public func vietnameseItems(_ items: [UUID: ScheduleItem], name: (UUID) -> String?) -> String {
        // In the order of the week (day, start, title), not of the ids, which are random.
        itemIDs.compactMap { items[$0] }
            .sorted { ($0.date, $0.start, $0.title, $0.id.uuidString) < ($1.date, $1.start, $1.title, $1.id.uuidString) }
            .map { Self.vietnameseItem($0, name: name) }.joined(separator: " và ")
    }

    /// "«title» (Thứ Hai 14/12, 08:00–10:00, room; chủ trì: Đ/c …)".
    static func vietnameseItem(_ item: ScheduleItem, name: (UUID) -> String?) -> String {
        func clean(_ id: UUID?) -> String? {
            guard let id, let text = name(id)?.trimmedWhitespaceAndNewlines, !text.isEmpty else { return nil }
            return text
        }
        var facts = ["\(item.date.weekday.vietnameseName) \(item.date.dayMonth)", "\(item.start.text)–\(item.end.text)"]
        if let room = clean(item.roomID) { facts.append(room) }
        var text = "«\(item.title)» (\(facts.joined(separator: ", "))"
        if let chair = clean(item.chairID) { text += "; chủ trì: \(Comrade.title(chair))" }
        return text + ")"
    }

    public var description: String {
        var parts = ["\(kind.rawValue)", itemIDs.map(\.uuidString).joined(separator: ",")]
        if let roomID { parts.append("room=\(roomID.uuidString)") }
        if let personID { parts.append("person=\(personID.uuidString)") }
        if let unitID { parts.append("unit=\(unitID.uuidString)") }
        return parts.joined(separator: " ")
    }

    // MARK: Codable in the API shape

    private enum CodingKeys: String, CodingKey {
        case kind, itemIds, roomId, personId, unitId
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(kind: try c.decode(ConflictKind.self, forKey: .kind),
                  itemIDs: try c.decode([UUID].self, forKey: .itemIds),
                  roomID: try c.decodeIfPresent(UUID.self, forKey: .roomId),
                  personID: try c.decodeIfPresent(UUID.self, forKey: .personId),
                  unitID: try c.decodeIfPresent(UUID.self, forKey: .unitId))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kind, forKey: .kind)
        try c.encode(itemIDs, forKey: .itemIds)
        try c.encode(roomID, forKey: .roomId)
        try c.encode(personID, forKey: .personId)
        try c.encode(unitID, forKey: .unitId)
    }
}

/// The honorific of a person in the schedule's texts ("Đ/c Hồ Sỹ Nam"). The one place that adds
/// it: name lookups hand out plain names, so it can never be printed twice.
public enum Comrade {
    public static func title(_ name: String) -> String { "Đ/c \(name)" }
}

/// Conflict detection for the weekly work schedule (SPEC §9).
///
/// Rules:
/// - Times are half-open `[start, end)` on one day: items that only touch do not conflict.
///   Items with `end <= start` are empty, so they overlap nothing (``ScheduleItem/validate()``
///   reports them); they are still checked against their room's hours.
/// - Conflicts are pairwise: one conflict per pair of overlapping items per shared room/resource
///   (`.room`) and per shared person (`.person`). The chair counts as booked whether or not they
///   are also listed as a participant, and never once per role.
/// - `.unit`: item A invites unit U as a whole and an overlapping item B books a person P of U
///   (chair or participant) → `unit` conflict with `unitID` U, `personID` P and both items. An item
///   that invites U and also names P is not in conflict with itself. Two overlapping items that both
///   invite U give one `unit` conflict with `personID` nil. (A person who belongs to two different
///   units invited to overlapping items is not reported.)
/// - `.hours`: an item booking a resource outside its `openWeekdays`, before `opensAt` or ending
///   after `closesAt`; one conflict per item and resource. Resources missing from `rooms` are not
///   checked for hours (they still conflict by ID).
/// - Two entries with the same `id` are never compared with each other.
///
/// The result has no duplicates and a fixed order that does not depend on the order of the input:
/// by day, then by the moment the clash starts, then room/person/unit/hours, then by IDs.
public enum ScheduleConflicts {
    /// Every conflict in `items`. Works day by day with a sort and sweep per room, person and unit,
    /// so the cost grows with the number of items plus the number of conflicts found, not with the
    /// square of the week's size.
    ///
    /// `unitMembers` maps each unit to its people.
    public static func detect(items: [ScheduleItem], rooms: [ScheduleResource] = [],
                              unitMembers: [UUID: Set<UUID>] = [:]) -> [ScheduleConflict] {
        var found = Collector()
        let resources = resourceIndex(rooms)

        var byResource: [DayKey: [Span]] = [:]
        var byPerson: [DayKey: [Span]] = [:]
        var byUnit: [DayKey: [Span]] = [:]
        for item in items {
            checkHours(item, resources, into: &found)
            guard item.isValid else { continue }
            let day = item.date.dayNumber
            let span = Span(id: item.id, start: item.start.minutesFromMidnight, end: item.end.minutesFromMidnight)
            for resource in item.bookedResources { byResource[DayKey(subject: resource, day: day), default: []].append(span) }
            for person in item.bookedPeople { byPerson[DayKey(subject: person, day: day), default: []].append(span) }
            for unit in item.unitIDs { byUnit[DayKey(subject: unit, day: day), default: []].append(span) }
        }

        for (key, spans) in byResource {
            sweep(spans) { a, b, from in
                found.add(ScheduleConflict(kind: .room, itemIDs: [a, b], roomID: key.subject), day: key.day, minute: from)
            }
        }
        for (key, spans) in byPerson {
            sweep(spans) { a, b, from in
                found.add(ScheduleConflict(kind: .person, itemIDs: [a, b], personID: key.subject), day: key.day, minute: from)
            }
        }
        for (key, spans) in byUnit {
            sweep(spans) { a, b, from in
                found.add(ScheduleConflict(kind: .unit, itemIDs: [a, b], unitID: key.subject), day: key.day, minute: from)
            }
        }

        // Whole-unit invitations against individual bookings of the unit's people.
        if !byUnit.isEmpty {
            var unitsOfPerson: [UUID: [UUID]] = [:]
            for (unit, members) in unitMembers {
                for person in members { unitsOfPerson[person, default: []].append(unit) }
            }
            for (key, bookings) in byPerson {
                guard let units = unitsOfPerson[key.subject] else { continue }
                for unit in units {
                    guard let invitations = byUnit[DayKey(subject: unit, day: key.day)] else { continue }
                    sweep(invitations, against: bookings) { a, b, from in
                        found.add(ScheduleConflict(kind: .unit, itemIDs: [a, b], personID: key.subject, unitID: unit),
                                  day: key.day, minute: from)
                    }
                }
            }
        }
        return found.sorted()
    }

    /// The conflicts between `candidate` and the `published` schedule, to tell a reporter at once
    /// when the item they are saving clashes with it; also `candidate`'s own `.hours` conflicts.
    /// A published entry with the candidate's `id` (the item being edited) is ignored. Conflicts
    /// among the published items themselves are not reported. Same rules and order as
    /// ``detect(items:rooms:unitMembers:)``: the result equals the conflicts involving the
    /// candidate that `detect` finds in `published` (minus its old version) plus `candidate`.
    public static func conflicts(of candidate: ScheduleItem, against published: [ScheduleItem],
                                 rooms: [ScheduleResource] = [],
                                 unitMembers: [UUID: Set<UUID>] = [:]) -> [ScheduleConflict] {
        var found = Collector()
        checkHours(candidate, resourceIndex(rooms), into: &found)
        let day = candidate.date.dayNumber
        let people = candidate.bookedPeople
        let resources = candidate.bookedResources
        for other in published where other.id != candidate.id && candidate.overlaps(other) {
            let from = max(candidate.start, other.start).minutesFromMidnight
            let pair = [candidate.id, other.id]
            for resource in resources.intersection(other.bookedResources) {
                found.add(ScheduleConflict(kind: .room, itemIDs: pair, roomID: resource), day: day, minute: from)
            }
            let otherPeople = other.bookedPeople
            for person in people.intersection(otherPeople) {
                found.add(ScheduleConflict(kind: .person, itemIDs: pair, personID: person), day: day, minute: from)
            }
            for unit in candidate.unitIDs.intersection(other.unitIDs) {
                found.add(ScheduleConflict(kind: .unit, itemIDs: pair, unitID: unit), day: day, minute: from)
            }
            for (inviter, booked) in [(candidate.unitIDs, otherPeople), (other.unitIDs, people)] {
                for unit in inviter {
                    guard let members = unitMembers[unit] else { continue }
                    for person in members.intersection(booked) {
                        found.add(ScheduleConflict(kind: .unit, itemIDs: pair, personID: person, unitID: unit),
                                  day: day, minute: from)
                    }
                }
            }
        }
        return found.sorted()
    }

    /// The conflicts that involve the item `itemID` (for showing them on the item).
    public static func conflicts(involving itemID: UUID, in conflicts: [ScheduleConflict]) -> [ScheduleConflict] {
        conflicts.filter { $0.involves(itemID) }
    }

    // MARK: Internals

    /// Total order on UUIDs by their canonical (uppercase) string, i.e. by their bytes.
    static func uuidLess(_ a: UUID, _ b: UUID) -> Bool { a.uuidString < b.uuidString }

    private struct DayKey: Hashable {
        let subject: UUID
        let day: Int
    }

    /// A non-empty interval of minutes `[start, end)` of one item.
    private struct Span {
        let id: UUID
        let start: Int
        let end: Int
    }

    private static func resourceIndex(_ rooms: [ScheduleResource]) -> [UUID: ScheduleResource] {
        Dictionary(rooms.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    private static func checkHours(_ item: ScheduleItem, _ resources: [UUID: ScheduleResource], into found: inout Collector) {
        for id in item.bookedResources {
            guard let resource = resources[id], !resource.isOpen(for: item) else { continue }
            found.add(ScheduleConflict(kind: .hours, itemIDs: [item.id], roomID: id),
                      day: item.date.dayNumber, minute: item.start.minutesFromMidnight)
        }
    }

    /// Calls `emit(a, b, overlapStart)` for every pair of overlapping spans (with different IDs).
    private static func sweep(_ spans: [Span], emit: (UUID, UUID, Int) -> Void) {
        guard spans.count > 1 else { return }
        var active: [Span] = []
        for span in spans.sorted(by: { $0.start < $1.start }) {
            // Sorted by start: anything ending by now cannot overlap this span or any later one.
            active.removeAll { $0.end <= span.start }
            for other in active where other.id != span.id {
                emit(other.id, span.id, span.start)
            }
            active.append(span)
        }
    }

    /// Calls `emit(a, b, overlapStart)` for every overlapping pair with `a` from `first` and `b`
    /// from `second` (with different IDs).
    private static func sweep(_ first: [Span], against second: [Span], emit: (UUID, UUID, Int) -> Void) {
        let a = first.sorted { $0.start < $1.start }
        let b = second.sorted { $0.start < $1.start }
        var activeA: [Span] = []
        var activeB: [Span] = []
        var i = 0
        var j = 0
        while i < a.count || j < b.count {
            if j == b.count || (i < a.count && a[i].start <= b[j].start) {
                let span = a[i]
                i += 1
                activeB.removeAll { $0.end <= span.start }
                for other in activeB where other.id != span.id { emit(span.id, other.id, span.start) }
                activeA.append(span)
            } else {
                let span = b[j]
                j += 1
                activeA.removeAll { $0.end <= span.start }
                for other in activeA where other.id != span.id { emit(other.id, span.id, span.start) }
                activeB.append(span)
            }
        }
    }

    /// Deduplicates conflicts and sorts them deterministically.
    private struct Collector {
        /// Each conflict with the earliest (day, minute) it was found at.
        private var moments: [ScheduleConflict: (day: Int, minute: Int)] = [:]

        mutating func add(_ conflict: ScheduleConflict, day: Int, minute: Int) {
            if let known = moments[conflict], (known.day, known.minute) <= (day, minute) { return }
            moments[conflict] = (day, minute)
        }

        func sorted() -> [ScheduleConflict] {
            func text(_ id: UUID?) -> String { id?.uuidString ?? "" }
            let keyed = moments.map { conflict, moment in
                (conflict: conflict, day: moment.day, minute: moment.minute, rank: conflict.kind.rank,
                 ids: [text(conflict.roomID), text(conflict.personID), text(conflict.unitID)]
                    + conflict.itemIDs.map(\.uuidString))
            }
            return keyed.sorted { l, r in
                if (l.day, l.minute, l.rank) != (r.day, r.minute, r.rank) {
                    return (l.day, l.minute, l.rank) < (r.day, r.minute, r.rank)
                }
                return l.ids.lexicographicallyPrecedes(r.ids)
            }.map(\.conflict)
        }
    }
}
