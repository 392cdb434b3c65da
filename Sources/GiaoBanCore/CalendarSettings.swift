import Foundation

/// A deadline that recurs every report week: the day of the week with `weekday` inside the
/// report week, at `time` in the commune zone.
public struct WeeklyDeadlineRule: Hashable, Codable, Sendable {
    public var weekday: Weekday
    public var time: LocalTime

    public init(weekday: Weekday, time: LocalTime) {
        self.weekday = weekday
        self.time = time
    }
}

/// A recurring briefing (giao ban) held on `weekday` of every report week.
public struct MeetingSlot: Hashable, Codable, Sendable {
    /// Stable identifier: "general", "committeeBloc", "partyBloc" for the letter's three.
    public var key: String
    public var title: String
    public var weekday: Weekday
    public var start: LocalTime
    public var end: LocalTime

    public init(key: String, title: String, weekday: Weekday, start: LocalTime, end: LocalTime) {
        self.key = key
        self.title = title
        self.weekday = weekday
        self.start = start
        self.end = end
    }
}

/// A monthly deadline: 00:00 (commune time) on `dayOfMonth`, i.e. "before the `dayOfMonth`th".
/// Which month it falls in depends on the obligation; see ``CommuneCalendar/cellReportDeadline(year:month:)``
/// and ``CommuneCalendar/monthlyReportDeadline(year:month:)``.
public struct MonthlyDeadlineRule: Hashable, Codable, Sendable {
    public var dayOfMonth: Int

    public init(dayOfMonth: Int) {
        self.dayOfMonth = dayOfMonth
    }
}

/// A commune's reporting regime. ``letterDefaults`` holds the values of letter 62-CV/ĐU.
public struct CalendarSettings: Hashable, Codable, Sendable {
    /// IANA zone of the commune, e.g. "Asia/Ho_Chi_Minh".
    public var timeZoneIdentifier: String
    /// First day of the report week (the letter: Saturday; work is counted Saturday 00:00 to Friday 24:00).
    public var weekStartDay: Weekday
    /// Every reporter → the group's focal point (the letter: Thursday 20:00).
    public var weeklyReportDeadline: WeeklyDeadlineRule
    /// Focal point → compiled group report (the letter: Friday 14:00).
    public var groupCompilationDeadline: WeeklyDeadlineRule
    /// Recurring briefings, in display order (ties in start time keep this order).
    public var meetingSlots: [MeetingSlot]
    /// The party-cell report for month M is due before this day of month M+1 (the letter: 10).
    public var cellReportDueDay: Int
    /// The monthly report for month M is due before this day of the same month M (the letter: 20).
    public var monthlyReportDueDay: Int
    /// Which days a monthly report covers: the state reporting rules' 15th-to-14th cut-off (the
    /// default, so that a report due before the 20th covers work that has ended), or the calendar
    /// month, whose report is then due on the 20th of the following month.
    public var monthlyPeriodRule: MonthlyPeriodRule
    /// The first day the commune runs its regime on GiaoBan. Obligations whose period ended
    /// before it were kept on paper and are not owed here (nil: since always).
    public var inUseSince: LocalDate?
    /// Who owes a monthly report: the units (the default), the officials themselves, or both
    /// (the letter asks organisations and individual officials; each commune chooses).
    public var monthlyReporters: MonthlyReporters

    public init(
        timeZoneIdentifier: String,
        weekStartDay: Weekday,
        weeklyReportDeadline: WeeklyDeadlineRule,
        groupCompilationDeadline: WeeklyDeadlineRule,
        meetingSlots: [MeetingSlot],
        cellReportDueDay: Int,
        monthlyReportDueDay: Int,
        monthlyPeriodRule: MonthlyPeriodRule = .stateCutOff,
        inUseSince: LocalDate? = nil,
        monthlyReporters: MonthlyReporters = .units
    ) {
        self.timeZoneIdentifier = timeZoneIdentifier
        self.weekStartDay = weekStartDay
        self.weeklyReportDeadline = weeklyReportDeadline
        self.groupCompilationDeadline = groupCompilationDeadline
        self.meetingSlots = meetingSlots
        self.cellReportDueDay = cellReportDueDay
        self.monthlyReportDueDay = monthlyReportDueDay
        self.monthlyPeriodRule = monthlyPeriodRule
        self.inUseSince = inUseSince
        self.monthlyReporters = monthlyReporters
    }

    private enum CodingKeys: String, CodingKey {
        case timeZoneIdentifier, weekStartDay, weeklyReportDeadline, groupCompilationDeadline, meetingSlots
        case cellReportDueDay, monthlyReportDueDay, monthlyPeriodRule, inUseSince, monthlyReporters
    }

    /// Settings stored before a field existed still decode: a missing `monthlyPeriodRule` is the
    /// state cut-off (the default), a missing `inUseSince` means since always, a missing
    /// `monthlyReporters` the units (what every commune had before people could owe one).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        timeZoneIdentifier = try c.decode(String.self, forKey: .timeZoneIdentifier)
        weekStartDay = try c.decode(Weekday.self, forKey: .weekStartDay)
        weeklyReportDeadline = try c.decode(WeeklyDeadlineRule.self, forKey: .weeklyReportDeadline)
        groupCompilationDeadline = try c.decode(WeeklyDeadlineRule.self, forKey: .groupCompilationDeadline)
        meetingSlots = try c.decode([MeetingSlot].self, forKey: .meetingSlots)
        cellReportDueDay = try c.decode(Int.self, forKey: .cellReportDueDay)
        monthlyReportDueDay = try c.decode(Int.self, forKey: .monthlyReportDueDay)
        monthlyPeriodRule = try c.decodeIfPresent(MonthlyPeriodRule.self, forKey: .monthlyPeriodRule) ?? .stateCutOff
        inUseSince = try c.decodeIfPresent(LocalDate.self, forKey: .inUseSince)
        monthlyReporters = try c.decodeIfPresent(MonthlyReporters.self, forKey: .monthlyReporters) ?? .units
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(timeZoneIdentifier, forKey: .timeZoneIdentifier)
        try c.encode(weekStartDay, forKey: .weekStartDay)
        try c.encode(weeklyReportDeadline, forKey: .weeklyReportDeadline)
        try c.encode(groupCompilationDeadline, forKey: .groupCompilationDeadline)
        try c.encode(meetingSlots, forKey: .meetingSlots)
        try c.encode(cellReportDueDay, forKey: .cellReportDueDay)
        try c.encode(monthlyReportDueDay, forKey: .monthlyReportDueDay)
        try c.encode(monthlyPeriodRule, forKey: .monthlyPeriodRule)
        try c.encodeIfPresent(inUseSince, forKey: .inUseSince)
        try c.encode(monthlyReporters, forKey: .monthlyReporters)
    }

    /// The defaults of letter 62-CV/ĐU (Sơn Kim 2, 19/08/2021). The letter prints the bloc
    /// briefings as "16h-7h30"; that is read as 16:00–17:30 (SPEC §3).
    public static let letterDefaults = CalendarSettings(
        timeZoneIdentifier: "Asia/Ho_Chi_Minh",
        weekStartDay: .saturday,
        weeklyReportDeadline: WeeklyDeadlineRule(weekday: .thursday, time: LocalTime(unchecked: 20, 0)),
        groupCompilationDeadline: WeeklyDeadlineRule(weekday: .friday, time: LocalTime(unchecked: 14, 0)),
        meetingSlots: [
            MeetingSlot(key: "general", title: "Giao ban chung", weekday: .friday,
                        start: LocalTime(unchecked: 14, 0), end: LocalTime(unchecked: 16, 0)),
            MeetingSlot(key: "committeeBloc", title: "Giao ban khối UBND", weekday: .friday,
                        start: LocalTime(unchecked: 16, 0), end: LocalTime(unchecked: 17, 30)),
            MeetingSlot(key: "partyBloc", title: "Giao ban khối Đảng, Mặt trận, đoàn thể", weekday: .friday,
                        start: LocalTime(unchecked: 16, 0), end: LocalTime(unchecked: 17, 30)),
        ],
        cellReportDueDay: 10,
        monthlyReportDueDay: 20
    )

    static let defaultZone: TimeZone = TimeZone(identifier: "Asia/Ho_Chi_Minh")
        ?? TimeZone(secondsFromGMT: 7 * 3600) ?? .gmt

    /// The commune zone; an unknown identifier falls back to Asia/Ho_Chi_Minh (use
    /// ``validated()`` to reject it instead).
    public var timeZone: TimeZone {
        TimeZone(identifier: timeZoneIdentifier) ?? CalendarSettings.defaultZone
    }

    /// Returns `self` if it is usable, otherwise throws ``CalendarError/invalidSettings(_:)`` with a
    /// Vietnamese message naming the first problem found.
    ///
    /// Checks: known time zone; meeting slots with a non-empty unique key and title and end after
    /// start; the compilation deadline not earlier in the week than the reporters' deadline;
    /// monthly due days in 1...28 (so that they exist in every month).
    public func validated() throws -> CalendarSettings {
        func fail(_ message: String) -> CalendarError { .invalidSettings(message) }

        let zoneID = timeZoneIdentifier.trimmedWhitespaceAndNewlines
        guard !zoneID.isEmpty, zoneID == timeZoneIdentifier, TimeZone(identifier: zoneID) != nil else {
            throw fail("Múi giờ “\(timeZoneIdentifier)” không hợp lệ (ví dụ đúng: Asia/Ho_Chi_Minh).")
        }
        var keys = Set<String>()
        for slot in meetingSlots {
            let key = slot.key.trimmedWhitespaceAndNewlines
            guard !key.isEmpty else { throw fail("Mỗi cuộc họp giao ban phải có mã.") }
            guard keys.insert(key).inserted else { throw fail("Mã cuộc họp “\(key)” bị trùng.") }
            guard !slot.title.trimmedWhitespaceAndNewlines.isEmpty else {
                throw fail("Cuộc họp “\(key)” chưa có tên.")
            }
            guard slot.end > slot.start else {
                throw fail("Cuộc họp “\(slot.title)”: giờ kết thúc (\(slot.end.text)) phải sau giờ bắt đầu (\(slot.start.text)).")
            }
        }
        guard weekPosition(weeklyReportDeadline) <= weekPosition(groupCompilationDeadline) else {
            throw fail("Hạn tổng hợp của đầu mối (\(describe(groupCompilationDeadline))) không được sớm hơn hạn nộp báo cáo tuần (\(describe(weeklyReportDeadline))).")
        }
        guard (1...28).contains(cellReportDueDay) else {
            throw fail("Hạn báo cáo sinh hoạt chi bộ phải là một ngày từ 1 đến 28 trong tháng.")
        }
        guard (1...28).contains(monthlyReportDueDay) else {
            throw fail("Hạn báo cáo tháng phải là một ngày từ 1 đến 28 trong tháng.")
        }
        _ = try monthlyPeriodRule.validated()
        return self
    }

    /// Minutes from the start of the report week to the rule's deadline.
    func weekPosition(_ rule: WeeklyDeadlineRule) -> Int {
        weekStartDay.days(to: rule.weekday) * 1440 + rule.time.minutesFromMidnight
    }

    private func describe(_ rule: WeeklyDeadlineRule) -> String {
        "\(rule.time.text) \(rule.weekday.vietnameseName)"
    }
}

public enum CalendarError: Error, Equatable, Sendable, LocalizedError {
    /// The text is not of the form `YYYY-Www`.
    case invalidWeekID(String)
    /// Well-formed but the week does not exist (week 53 of a 52-week year, week 0, year outside 1900...9999).
    case weekOutOfRange(ReportWeekID)
    /// The associated text is the Vietnamese message.
    case invalidSettings(String)
    /// The associated text is the Vietnamese message.
    case invalidMove(String)

    public var vietnameseMessage: String {
        switch self {
        case .invalidWeekID(let text):
            return "Mã tuần “\(text)” không hợp lệ; mã tuần có dạng NNNN-Wtt, ví dụ 2021-W33."
        case .weekOutOfRange(let id):
            guard CommuneCalendar.supportedYears.contains(id.year) else {
                return "Năm \(id.year) nằm ngoài phạm vi hỗ trợ (1900–9999)."
            }
            return "Năm \(id.year) không có tuần \(id.week) (năm này có \(WeekNaming.weeksInISOYear(id.year)) tuần)."
        case .invalidSettings(let message), .invalidMove(let message):
            return message
        }
    }

    public var errorDescription: String? { vietnameseMessage }
}
