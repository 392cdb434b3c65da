import Foundation

/// One entry of the weekly work schedule (lịch công tác tuần, SPEC §9): a meeting, visit or task
/// on one day, from `start` to `end` (half-open: an item 10:00–11:00 and one 11:00–12:00 only touch).
///
/// Items never cross midnight. An item with `end <= start` is invalid (``validate()`` says so in
/// Vietnamese); conflict detection still looks at it, as the empty interval `[start, start)`: it
/// overlaps nothing, but is checked against its room's opening hours.
public struct ScheduleItem: Hashable, Codable, Sendable, Identifiable {
    public var id: UUID
    public var date: LocalDate
    public var start: LocalTime
    public var end: LocalTime
    /// The meeting room (or hall) the item takes place in, if any.
    public var roomID: UUID?
    /// The person chairing (chủ trì).
    public var chairID: UUID?
    /// People attending by name. May contain `chairID`; a person is booked once per item either way.
    public var participantIDs: Set<UUID>
    /// Units (cơ quan, đoàn thể) invited as a whole: all their people are expected to attend.
    public var unitIDs: Set<UUID>
    /// Other resources booked besides the room (projector, car…); they conflict like rooms.
    public var resourceIDs: Set<UUID>
    public var title: String

    public init(id: UUID = UUID(), date: LocalDate, start: LocalTime, end: LocalTime,
                roomID: UUID? = nil, chairID: UUID? = nil, participantIDs: Set<UUID> = [],
                unitIDs: Set<UUID> = [], resourceIDs: Set<UUID> = [], title: String = "") {
        self.id = id
        self.date = date
        self.start = start
        self.end = end
        self.roomID = roomID
        self.chairID = chairID
        self.participantIDs = participantIDs
        self.unitIDs = unitIDs
        self.resourceIDs = resourceIDs
        self.title = title
    }

    /// The chair and the participants (each person once).
    public var bookedPeople: Set<UUID> {
        var people = participantIDs
        if let chairID { people.insert(chairID) }
        return people
    }

    /// The room and the other resources (each once).
    public var bookedResources: Set<UUID> {
        var resources = resourceIDs
        if let roomID { resources.insert(roomID) }
        return resources
    }

    /// `end > start`. Invalid items are treated as empty intervals by the conflict checks.
    public var isValid: Bool { end > start }

    /// Length in minutes; 0 for an invalid item.
    public var durationMinutes: Int { max(0, end.minutesFromMidnight - start.minutesFromMidnight) }

    /// True if both items are on the same day and their half-open intervals share at least one
    /// minute. Touching items (one ends when the other starts) and empty items never overlap.
    public func overlaps(_ other: ScheduleItem) -> Bool {
        date == other.date && overlaps(start: other.start, end: other.end)
    }

    /// True if `[start, end)` of this item shares at least one minute with `[start, end)` given
    /// (same day assumed).
    public func overlaps(start otherStart: LocalTime, end otherEnd: LocalTime) -> Bool {
        max(start, otherStart) < min(end, otherEnd)
    }

    /// Problems that stop the item from being saved, in Vietnamese; empty if it is fine.
    /// A chair who is also listed as a participant is not a problem.
    public func validate() -> [String] {
        var problems: [String] = []
        if title.trimmedWhitespaceAndNewlines.isEmpty {
            problems.append("Chưa nhập nội dung công việc.")
        }
        if end <= start {
            problems.append("Giờ kết thúc (\(end.text)) phải sau giờ bắt đầu (\(start.text)).")
        }
        return problems
    }
}

/// Who an item of a person's weekly plan books (SPEC §5, §9). A plan line is the author's own
/// commitment, so the author is always booked in it, as an office compiling the schedule would
/// read it: with no chair named, the author is in charge (chủ trì) — it is their trip or their
/// meeting; when they named someone else to chair (a leader chairs, the author attends or
/// prepares), the author is a participant. Either way their own trips clash with their other
/// commitments and appear in their calendar feed.
public enum PlanOwnership {
    /// The chair and participants of a plan line written by `author`. The chair is never also
    /// listed as a participant (they are booked once either way, see ``ScheduleItem/bookedPeople``).
    public static func booking(chair: UUID?, participants: [UUID], author: UUID) -> (chair: UUID, participants: [UUID]) {
        let chairID = chair ?? author
        var seen: Set<UUID> = [chairID]
        var result: [UUID] = []
        for person in participants + [author] where seen.insert(person).inserted {
            result.append(person)
        }
        return (chairID, result)
    }
}

/// A bookable resource: a meeting room or hall, or equipment such as a projector or a car.
public struct ScheduleResource: Hashable, Codable, Sendable, Identifiable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// Phòng họp, hội trường.
        case room
        /// Máy chiếu, loa, …
        case equipment
        /// Xe ô tô.
        case vehicle

        public var vietnameseName: String {
            switch self {
            case .room: "Phòng họp"
            case .equipment: "Thiết bị"
            case .vehicle: "Phương tiện"
            }
        }
    }

    public var id: UUID
    public var name: String
    public var kind: Kind
    /// Seats (people a room or a car holds); 0 when it does not apply.
    public var capacity: Int
    /// Earliest start of use; nil means from midnight.
    public var opensAt: LocalTime?
    /// Latest end of use (an item may end exactly then); nil means until the end of the day.
    public var closesAt: LocalTime?
    /// Days the resource can be used; nil means every day.
    public var openWeekdays: Set<Weekday>?

    public init(id: UUID = UUID(), name: String, kind: Kind = .room, capacity: Int = 0,
                opensAt: LocalTime? = nil, closesAt: LocalTime? = nil, openWeekdays: Set<Weekday>? = nil) {
        self.id = id
        self.name = name
        self.kind = kind
        self.capacity = capacity
        self.opensAt = opensAt
        self.closesAt = closesAt
        self.openWeekdays = openWeekdays
    }

    /// True if the resource may be used on `date` for the whole of `[start, end)`.
    /// An empty or inverted interval counts as the single moment `start`.
    public func isOpen(on date: LocalDate, from start: LocalTime, to end: LocalTime) -> Bool {
        if let openWeekdays, !openWeekdays.contains(date.weekday) { return false }
        if let opensAt, start < opensAt { return false }
        if let closesAt, max(start, end) > closesAt { return false }
        return true
    }

    /// True if `item` falls within the opening days and hours.
    public func isOpen(for item: ScheduleItem) -> Bool {
        isOpen(on: item.date, from: item.start, to: item.end)
    }

    /// "07:00–17:00", "từ 07:30", "đến 17:00" or "cả ngày"; the days are not included.
    public var vietnameseHours: String {
        switch (opensAt, closesAt) {
        case let (open?, close?): "\(open.text)–\(close.text)"
        case let (open?, nil): "từ \(open.text)"
        case let (nil, close?): "đến \(close.text)"
        case (nil, nil): "cả ngày"
        }
    }

    /// Problems with the resource description, in Vietnamese; empty if it is fine.
    public func validate() -> [String] {
        var problems: [String] = []
        if name.trimmedWhitespaceAndNewlines.isEmpty {
            problems.append("Chưa nhập tên \(kind.vietnameseName.lowercased()).")
        }
        if capacity < 0 {
            problems.append("Sức chứa không được âm.")
        }
        if let opensAt, let closesAt, closesAt <= opensAt {
            problems.append("Giờ đóng cửa (\(closesAt.text)) phải sau giờ mở cửa (\(opensAt.text)).")
        }
        if let openWeekdays, openWeekdays.isEmpty {
            problems.append("Chưa chọn ngày nào được sử dụng.")
        }
        return problems
    }
}
