import Foundation

/// Room look-ups for the weekly schedule: which rooms are free, what keeps a room busy, and a
/// room's week at a glance. Same time rules as ``ScheduleConflicts``: half-open intervals, so a
/// room booked until 11:00 is free from 11:00.
public enum RoomFinder {
    /// One day of a resource's bookings.
    public struct Day: Hashable, Sendable {
        public let date: LocalDate
        /// Items booking the resource that day, by start time.
        public let items: [ScheduleItem]
    }

    /// Resources of `kind` (rooms by default; nil for any kind) that are free on `date` for the
    /// whole of `[start, end)`, hold at least `capacity`, and are open then. Smallest sufficient
    /// capacity first, then by name (ignoring case and diacritics).
    ///
    /// `excluding` names an item to leave out, such as the one being edited, so that its own
    /// booking does not make its room look busy. An empty or inverted interval (`end <= start`)
    /// gives no suggestion.
    public static func free(rooms: [ScheduleResource], items: [ScheduleItem], date: LocalDate,
                            start: LocalTime, end: LocalTime, capacity: Int = 0,
                            kind: ScheduleResource.Kind? = .room, excluding: UUID? = nil) -> [ScheduleResource] {
        guard end > start else { return [] }
        var taken = Set<UUID>()
        for item in items where item.id != excluding && item.date == date && item.overlaps(start: start, end: end) {
            taken.formUnion(item.bookedResources)
        }
        return rooms
            .filter { room in
                (kind == nil || room.kind == kind) && room.capacity >= capacity && !taken.contains(room.id)
                    && room.isOpen(on: date, from: start, to: end)
            }
            .map { (room: $0, key: VietnameseText.folded($0.name)) }
            .sorted { l, r in
                if l.room.capacity != r.room.capacity { return l.room.capacity < r.room.capacity }
                if l.key != r.key { return l.key < r.key }
                if l.room.name != r.room.name { return l.room.name < r.room.name }
                return ScheduleConflicts.uuidLess(l.room.id, r.room.id)
            }
            .map(\.room)
    }

    /// The items that book `roomID` (as room or other resource) on `date` and overlap
    /// `[start, end)`, by start time. Without `start`/`end`, the whole day.
    public static func busy(roomID: UUID, items: [ScheduleItem], date: LocalDate,
                            start: LocalTime = .midnight, end: LocalTime? = nil) -> [ScheduleItem] {
        items
            .filter { item in
                item.date == date && item.bookedResources.contains(roomID)
                    && (end.map { item.overlaps(start: start, end: $0) } ?? (item.isValid && item.end > start))
            }
            .sorted(by: chronological)
    }

    /// A resource's bookings for each of `days` (empty days included), e.g. `week.days` of a
    /// ``ReportWeek``. Items with `end <= start` are listed too, so nothing booked goes unseen.
    public static func week(roomID: UUID, items: [ScheduleItem], days: [LocalDate]) -> [Day] {
        var byDate: [LocalDate: [ScheduleItem]] = [:]
        for item in items where item.bookedResources.contains(roomID) {
            byDate[item.date, default: []].append(item)
        }
        return days.map { Day(date: $0, items: (byDate[$0] ?? []).sorted(by: chronological)) }
    }

    /// ``week(roomID:items:days:)`` for the seven days of `week`.
    public static func week(roomID: UUID, items: [ScheduleItem], week: ReportWeek) -> [Day] {
        self.week(roomID: roomID, items: items, days: week.days)
    }

    /// Date, start, end, title, then ID: a total order, so listings are deterministic.
    static func chronological(_ l: ScheduleItem, _ r: ScheduleItem) -> Bool {
        if l.date != r.date { return l.date < r.date }
        if l.start != r.start { return l.start < r.start }
        if l.end != r.end { return l.end < r.end }
        if l.title != r.title { return l.title < r.title }
        return ScheduleConflicts.uuidLess(l.id, r.id)
    }
}
