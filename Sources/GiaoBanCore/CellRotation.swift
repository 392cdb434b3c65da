import Foundation

// Rotation plans (letter point 3: "trường hợp được phân công phụ trách trên 01 chi bộ thì có kế
// hoạch luân phiên dự sinh hoạt của các chi bộ"; SPEC §10). All times are wall-clock times in the
// commune zone; meetings start and end on the same day.

/// The day of the month a cell holds its regular meeting.
public enum CellMeetingDay: Hashable, Codable, Sendable {
    /// Day `day` (1...31) of every month; in a shorter month, its last day ("ngày 30 hàng tháng"
    /// is 28/02 or 29/02 in February).
    case dayOfMonth(Int)
    /// The `ordinal`-th `weekday` of the month, `ordinal` 1...4, or -1 for the last one.
    case nthWeekday(ordinal: Int, weekday: Weekday)

    /// The meeting day in `month`.
    public func date(in month: ReportMonth) -> LocalDate {
        switch self {
        case .dayOfMonth(let day):
            return month.day(day)
        case .nthWeekday(let ordinal, let weekday):
            if ordinal < 0 {
                let last = month.lastDay
                return last.adding(days: -weekday.days(to: last.weekday))
            }
            let first = month.firstDay
            return first.adding(days: first.weekday.days(to: weekday) + 7 * (min(max(ordinal, 1), 4) - 1))
        }
    }

    /// "Ngày 3 hàng tháng", "Thứ Bảy tuần thứ 2 hàng tháng", "Chủ nhật cuối cùng của tháng".
    public var title: String {
        switch self {
        case .dayOfMonth(let day): "Ngày \(day) hàng tháng"
        case .nthWeekday(let ordinal, let weekday) where ordinal < 0: "\(weekday.vietnameseName) cuối cùng của tháng"
        case .nthWeekday(let ordinal, let weekday): "\(weekday.vietnameseName) tuần thứ \(ordinal) hàng tháng"
        }
    }
}

/// When a cell holds its regular monthly meeting.
public struct CellMeetingRule: Hashable, Codable, Sendable {
    public var day: CellMeetingDay
    public var start: LocalTime
    public var end: LocalTime
    /// Dates given by `day` on which the regular meeting does not take place (e.g. Tết): that
    /// month has no regular meeting to visit. Dates that are not meeting dates are ignored.
    public var exceptionDates: [LocalDate]

    public init(day: CellMeetingDay, start: LocalTime, end: LocalTime, exceptionDates: [LocalDate] = []) {
        self.day = day
        self.start = start
        self.end = end
        self.exceptionDates = exceptionDates
    }

    /// The regular meeting of `month`, or nil if its date is an exception.
    public func meetingDate(in month: ReportMonth) -> LocalDate? {
        let date = day.date(in: month)
        return exceptionDates.contains(date) ? nil : date
    }

    /// Vietnamese problems with this rule (empty if none): day of month outside 1...31, ordinal
    /// not 1...4 or -1, end not after start.
    public func problems() -> [String] {
        var problems: [String] = []
        switch day {
        case .dayOfMonth(let d) where !(1...31).contains(d):
            problems.append("Ngày sinh hoạt trong tháng phải từ 1 đến 31.")
        case .nthWeekday(let ordinal, _) where !((1...4).contains(ordinal) || ordinal == -1):
            problems.append("Tuần sinh hoạt trong tháng phải là tuần thứ 1 đến 4 hoặc tuần cuối cùng.")
        default:
            break
        }
        if end <= start {
            problems.append("Giờ kết thúc (\(end.text)) phải sau giờ bắt đầu (\(start.text)).")
        }
        return problems
    }
}

/// Proposing and checking rotation plans. Everything is deterministic: the same input always
/// gives the same plan and the same clashes, in the same order.
public enum CellRotation {
    /// A cell the supervisor is in charge of.
    public struct Cell: Hashable, Codable, Sendable {
        public var key: String
        public var name: String
        public var rule: CellMeetingRule

        public init(key: String, name: String, rule: CellMeetingRule) {
            self.key = key
            self.name = name
            self.rule = rule
        }
    }

    /// The supervisor attends `cellKey`'s meeting on `date` from `start` to `end`. The visit counts
    /// for the month of `date`.
    public struct Visit: Hashable, Codable, Sendable {
        public var cellKey: String
        public var date: LocalDate
        public var start: LocalTime
        public var end: LocalTime

        public init(cellKey: String, date: LocalDate, start: LocalTime, end: LocalTime) {
            self.cellKey = cellKey
            self.date = date
            self.start = start
            self.end = end
        }

        public var month: ReportMonth { ReportMonth(date) }
    }

    /// A supervisor's rotation for one year. Proposed by ``propose(person:cells:year:busy:)``,
    /// then freely edited (change, add or remove visits) and checked with ``validate(_:cells:)`` and
    /// ``check(_:cells:otherCommitments:)``.
    public struct Plan: Hashable, Codable, Sendable {
        /// The supervisor's person ID.
        public var person: String
        public var year: Int
        /// Sorted by date and start when proposed.
        public var visits: [Visit]

        public init(person: String, year: Int, visits: [Visit]) {
            self.person = person
            self.year = year
            self.visits = visits
        }

        /// Visits in `month` (1...12) of the plan's year.
        public func visits(inMonth month: Int) -> [Visit] {
            visits.filter { $0.date.year == year && $0.date.month == month }
        }

        /// Months 1...12 of the plan's year without any visit.
        public var monthsWithoutVisit: [Int] {
            let months = Set(visits.filter { $0.date.year == year }.map(\.date.month))
            return (1...12).filter { !months.contains($0) }
        }

        /// Number of visits per cell key (keys of `cells` with no visit map to 0).
        public func visitCounts(cells: [Cell]) -> [String: Int] {
            var counts = Dictionary(uniqueKeysWithValues: cells.map { ($0.key, 0) })
            for visit in visits { counts[visit.cellKey, default: 0] += 1 }
            return counts
        }

        /// Keys of `cells` (in their order) that the plan never visits.
        public func unvisitedCells(_ cells: [Cell]) -> [String] {
            let visited = Set(visits.map(\.cellKey))
            return cells.map(\.key).filter { !visited.contains($0) }
        }

        /// The plan as attendances of `person`, labelled "Sinh hoạt chi bộ <name> tháng M/YYYY".
        public func attendances(cells: [Cell]) -> [Attendance] {
            let names = Dictionary(cells.map { ($0.key, $0.name) }, uniquingKeysWith: { first, _ in first })
            return visits.map { visit in
                Attendance(person: person,
                           label: "Sinh hoạt chi bộ \(names[visit.cellKey] ?? visit.cellKey) \(visit.month.title.lowercased())",
                           date: visit.date, start: visit.start, end: visit.end)
            }
        }
    }

    /// One person planned into one meeting (a cell visit, a briefing, any other commitment).
    public struct Attendance: Hashable, Codable, Sendable {
        /// Person ID.
        public var person: String
        /// What it is, shown in clash messages.
        public var label: String
        public var date: LocalDate
        public var start: LocalTime
        public var end: LocalTime

        public init(person: String, label: String, date: LocalDate, start: LocalTime, end: LocalTime) {
            self.person = person
            self.label = label
            self.date = date
            self.start = start
            self.end = end
        }

        /// Minutes since 1970-01-01 00:00 wall time.
        var startMinute: Int { date.dayNumber * 1440 + start.minutesFromMidnight }
        var endMinute: Int { date.dayNumber * 1440 + end.minutesFromMidnight }

        /// "Sinh hoạt chi bộ Thôn 1 tháng 3/2026 (03/03/2026 19:30–21:00)".
        public var text: String { "\(label) (\(date.vietnamese) \(start.text)–\(end.text))" }

        /// True when both take some common time. Meetings that only touch (one ends at 16:00, the
        /// next starts at 16:00) do not overlap; an empty interval (end ≤ start) overlaps nothing.
        public func overlaps(_ other: Attendance) -> Bool {
            startMinute < other.endMinute && other.startMinute < endMinute
                && startMinute < endMinute && other.startMinute < other.endMinute
        }
    }

    /// The same person is planned into two meetings whose times overlap. `first` starts no later
    /// than `second`.
    public struct Clash: Hashable, Sendable {
        public var person: String
        public var first: Attendance
        public var second: Attendance

        /// "“A” (03/03/2026 08:00–10:00) trùng giờ với “B” (03/03/2026 09:00–11:00)."
        public var message: String {
            "“\(first.label)” (\(first.date.vietnamese) \(first.start.text)–\(first.end.text)) trùng giờ với “\(second.label)” (\(second.date.vietnamese) \(second.start.text)–\(second.end.text))."
        }
    }

    // MARK: Proposing

    /// Proposes `person`'s rotation over `cells` for `year`: at most one visit per month, to the
    /// regular meeting of a cell that meets that month (exception dates skipped) and whose meeting
    /// does not overlap one of `person`'s `busy` commitments (other people's are ignored).
    ///
    /// Cells are visited in turn: each month the candidate with the fewest visits so far is chosen;
    /// ties go to the cell with fewer meetings left in the year (so a cell that rarely meets is not
    /// missed), then to the one visited longest ago (never visited first), then to the earlier one
    /// in `cells`. When every cell meets every month this is a plain round robin in the order of
    /// `cells` and visit counts differ by at most one; one cell is visited every month.
    ///
    /// Throws ``CellMeetingError/invalidRotation(_:)`` for a year outside 1900...9999, a blank or
    /// duplicate cell key, or an invalid meeting rule.
    public static func propose(person: String, cells: [Cell], year: Int, busy: [Attendance] = []) throws -> Plan {
        try validate(cells: cells, year: year)
        let mine = busy.filter { $0.person == person }
        // meetings[i][m - 1]: cell i's usable meeting in month m.
        let meetings: [[Visit?]] = cells.map { cell in
            (1...12).map { month in
                let reportMonth = ReportMonth(normalising: year, month)
                guard let date = cell.rule.meetingDate(in: reportMonth) else { return nil }
                let visit = Visit(cellKey: cell.key, date: date, start: cell.rule.start, end: cell.rule.end)
                let probe = Attendance(person: person, label: cell.name, date: date, start: visit.start, end: visit.end)
                return mine.contains { $0.overlaps(probe) } ? nil : visit
            }
        }
        var counts = Array(repeating: 0, count: cells.count)
        var lastVisited = Array(repeating: 0, count: cells.count)  // month of the last visit, 0 = never
        var visits: [Visit] = []
        for month in 1...12 {
            let candidates = cells.indices.filter { meetings[$0][month - 1] != nil }
            let remaining = { (i: Int) in meetings[i][(month - 1)...].reduce(0) { $0 + ($1 == nil ? 0 : 1) } }
            guard let chosen = candidates.min(by: { a, b in
                (counts[a], remaining(a), lastVisited[a], a) < (counts[b], remaining(b), lastVisited[b], b)
            }), let visit = meetings[chosen][month - 1] else { continue }
            counts[chosen] += 1
            lastVisited[chosen] = month
            visits.append(visit)
        }
        return Plan(person: person, year: year, visits: visits)
    }

    // MARK: Checking

    /// Hard problems with an edited plan, thrown as ``CellMeetingError/invalidRotation(_:)``
    /// (Vietnamese, in visit order): a visit to a cell not in `cells`, a visit outside the plan's
    /// year, a visit whose end is not after its start. Cells and year are checked as in
    /// ``propose(person:cells:year:busy:)``. Overlaps are reported by ``check(_:cells:otherCommitments:)``.
    public static func validate(_ plan: Plan, cells: [Cell]) throws {
        try validate(cells: cells, year: plan.year)
        let keys = Set(cells.map(\.key))
        var problems: [String] = []
        for visit in plan.visits {
            if !keys.contains(visit.cellKey) {
                problems.append("Ngày \(visit.date.vietnamese): chi bộ “\(visit.cellKey)” không thuộc danh sách chi bộ được phân công phụ trách.")
            }
            if visit.date.year != plan.year {
                problems.append("Ngày \(visit.date.vietnamese) không thuộc năm \(plan.year) của kế hoạch.")
            }
            if visit.end <= visit.start {
                problems.append("Ngày \(visit.date.vietnamese): giờ kết thúc (\(visit.end.text)) phải sau giờ bắt đầu (\(visit.start.text)).")
            }
        }
        if !problems.isEmpty { throw CellMeetingError.invalidRotation(problems) }
    }

    /// Clashes between `plan`'s visits (as attendances of the plan's person) and
    /// `otherCommitments` (anyone's: other supervisors' plans, briefings, …). See ``check(_:)``.
    public static func check(_ plan: Plan, cells: [Cell], otherCommitments: [Attendance]) -> [Clash] {
        check(plan.attendances(cells: cells) + otherCommitments)
    }

    /// Every pair of attendances of the same person whose times overlap (touching is fine). An
    /// attendance listed twice with identical values counts once. Sorted by person, then by the
    /// first meeting's start, then the second's; each pair is reported once.
    public static func check(_ attendances: [Attendance]) -> [Clash] {
        var seen = Set<Attendance>()
        let unique = attendances.filter { seen.insert($0).inserted }
        let byPerson = Dictionary(grouping: unique, by: \.person)
        var clashes: [Clash] = []
        for person in byPerson.keys.sorted() {
            let sorted = byPerson[person, default: []].sorted(by: order)
            for i in sorted.indices {
                for j in sorted.indices.dropFirst(i + 1) {
                    guard sorted[j].startMinute < sorted[i].endMinute else { break }
                    if sorted[i].overlaps(sorted[j]) {
                        clashes.append(Clash(person: person, first: sorted[i], second: sorted[j]))
                    }
                }
            }
        }
        return clashes
    }

    // MARK: Internals

    /// Total order: start, end, label, date… so that results do not depend on input order.
    private static func order(_ a: Attendance, _ b: Attendance) -> Bool {
        (a.startMinute, a.endMinute, a.label) < (b.startMinute, b.endMinute, b.label)
    }

    private static func validate(cells: [Cell], year: Int) throws {
        var problems: [String] = []
        if !(1900...9999).contains(year) {
            problems.append("Năm \(year) nằm ngoài phạm vi hỗ trợ (1900–9999).")
        }
        var keys = Set<String>()
        for (index, cell) in cells.enumerated() {
            let name = cell.name.trimmedWhitespaceAndNewlines.isEmpty ? "thứ \(index + 1)" : "“\(cell.name)”"
            if cell.key.trimmedWhitespaceAndNewlines.isEmpty {
                problems.append("Chi bộ \(name) chưa có mã.")
            } else if !keys.insert(cell.key).inserted {
                problems.append("Mã chi bộ “\(cell.key)” bị trùng.")
            }
            problems += cell.rule.problems().map { "Chi bộ \(name): \($0)" }
        }
        if !problems.isEmpty { throw CellMeetingError.invalidRotation(problems) }
    }
}
