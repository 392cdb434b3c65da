import Foundation

/// One reporting week: seven consecutive days starting on the commune's week start day.
/// Obtain weeks from ``CommuneCalendar``; see ``ReportWeekID`` for the naming rule.
public struct ReportWeek: Hashable, Sendable {
    public let id: ReportWeekID
    /// First day (a Saturday with the letter's settings).
    public let start: LocalDate
    /// Last day, `start + 6` (a Friday with the letter's settings).
    public let end: LocalDate
    /// `start` at 00:00 in the commune zone.
    public let startInstant: Date
    /// The day after `end` at 00:00 in the commune zone; exclusive. Usually 7 × 24 h after
    /// `startInstant`, but an hour more or less in a week with a daylight-saving change.
    public let endInstant: Date

    init(id: ReportWeekID, start: LocalDate, startInstant: Date, endInstant: Date) {
        self.id = id
        self.start = start
        self.end = start.adding(days: 6)
        self.startInstant = startInstant
        self.endInstant = endInstant
    }

    /// The seven days, `start` first.
    public var days: [LocalDate] { (0..<7).map { start.adding(days: $0) } }

    /// "Tuần 33/2021: 14/08 – 20/08" (week number not zero-padded; en dash with spaces).
    public var title: String { "Tuần \(id.week)/\(id.year): \(start.dayMonth) – \(end.dayMonth)" }

    public func contains(_ date: LocalDate) -> Bool { start <= date && date <= end }

    /// The day of this week that falls on `weekday`.
    public func date(of weekday: Weekday) -> LocalDate {
        start.adding(days: start.weekday.days(to: weekday))
    }
}

/// A briefing as it takes place in a given week (after applying any move).
public struct Meeting: Hashable, Codable, Sendable {
    public var slotKey: String
    public var title: String
    public var date: LocalDate
    public var start: LocalTime
    public var end: LocalTime
    public var startInstant: Date
    public var endInstant: Date
    /// True when a ``BriefingMove`` put it away from its regular day/time.
    public var moved: Bool

    public init(slotKey: String, title: String, date: LocalDate, start: LocalTime, end: LocalTime,
                startInstant: Date, endInstant: Date, moved: Bool) {
        self.slotKey = slotKey
        self.title = title
        self.date = date
        self.start = start
        self.end = end
        self.startInstant = startInstant
        self.endInstant = endInstant
        self.moved = moved
    }
}

/// Moves the briefing of slot `slotKey` of report week `week` (letter: "chuyển sáng thứ 2 đầu tuần
/// sau"). Report content and deadlines stay with the original week.
public struct BriefingMove: Hashable, Codable, Sendable {
    public var week: ReportWeekID
    public var slotKey: String
    public var date: LocalDate
    public var start: LocalTime
    public var end: LocalTime
    public var reason: String

    public init(week: ReportWeekID, slotKey: String, date: LocalDate, start: LocalTime, end: LocalTime, reason: String) {
        self.week = week
        self.slotKey = slotKey
        self.date = date
        self.start = start
        self.end = end
        self.reason = reason
    }
}

public struct WeekDeadlines: Hashable, Sendable {
    /// Reporters → focal point (the letter: Thursday 20:00).
    public let weeklyReport: Date
    /// Focal point → compiled report (the letter: Friday 14:00).
    public let groupCompilation: Date

    public init(weeklyReport: Date, groupCompilation: Date) {
        self.weeklyReport = weeklyReport
        self.groupCompilation = groupCompilation
    }
}

/// All date and time rules of one commune. Pure: every answer depends only on `settings` and the
/// arguments — never on the process time zone, locale or the current time.
/// How days off change one week (``CommuneCalendar/daysOffEffects(inYear:)``).
public enum DaysOffEffect: Sendable, Equatable {
    /// Fewer than two working days: no weekly report, no compilation; the work goes in next week's.
    case noWeeklyReport(ReportWeek)
    /// Reports and the compilation (the briefing) are due at these instants instead of the usual ones.
    case moved(ReportWeek, WeekDeadlines)

    public var week: ReportWeek {
        switch self {
        case .noWeeklyReport(let week), .moved(let week, _): week
        }
    }
}

public struct CommuneCalendar: Sendable {
    public let settings: CalendarSettings
    /// The commune's days off: they move deadlines and briefings to earlier working days.
    public let daysOff: DaysOffSchedule
    private let zone: TimeZone

    /// Years for which ``week(_:)`` accepts week IDs.
    public static let supportedYears = 1900...9999

    /// Does not validate `settings` (call ``CalendarSettings/validated()`` where they are edited);
    /// an unknown zone identifier falls back to Asia/Ho_Chi_Minh.
    public init(settings: CalendarSettings = .letterDefaults, daysOff: DaysOffSchedule = .none) {
        self.settings = settings
        self.daysOff = daysOff
        self.zone = settings.timeZone
    }

    /// The commune zone.
    public var timeZone: TimeZone { zone }

    // MARK: Weeks

    /// The report week that contains `date`. A Saturday belongs to the week it starts (with the
    /// letter's settings), i.e. to the week *after* the Friday before it.
    public func week(containing date: LocalDate) -> ReportWeek {
        let start = date.adding(days: -settings.weekStartDay.days(to: date.weekday))
        return makeWeek(start: start)
    }

    /// The report week that contains `instant`, judged by the calendar day in the commune zone.
    public func week(containing instant: Date) -> ReportWeek {
        week(containing: localDate(of: instant))
    }

    /// The week named `id`. Throws ``CalendarError/weekOutOfRange(_:)`` if the year is outside
    /// 1900...9999 or the week number outside 1...52/53 for that year.
    public func week(_ id: ReportWeekID) throws -> ReportWeek {
        guard CommuneCalendar.supportedYears.contains(id.year),
              (1...WeekNaming.weeksInISOYear(id.year)).contains(id.week) else {
            throw CalendarError.weekOutOfRange(id)
        }
        return uncheckedWeek(id)
    }

    /// Parses `YYYY-Www` and returns that week; ``CalendarError/invalidWeekID(_:)`` for a malformed
    /// string, ``CalendarError/weekOutOfRange(_:)`` for a week that does not exist.
    public func week(parsing text: String) throws -> ReportWeek {
        guard let id = ReportWeekID(text) else { throw CalendarError.invalidWeekID(text) }
        return try week(id)
    }

    /// All weeks of reporting year `year` in order (52 or 53); empty outside 1900...9999.
    public func weeks(inYear year: Int) -> [ReportWeek] {
        guard CommuneCalendar.supportedYears.contains(year) else { return [] }
        return (1...WeekNaming.weeksInISOYear(year)).map { uncheckedWeek(ReportWeekID(year: year, week: $0)) }
    }

    /// The week after `week`.
    public func week(after week: ReportWeek) -> ReportWeek { makeWeek(start: week.start.adding(days: 7)) }

    /// The week before `week`.
    public func week(before week: ReportWeek) -> ReportWeek { makeWeek(start: week.start.adding(days: -7)) }

    // MARK: Deadlines and meetings

    /// The working days of `week` (see ``DaysOffSchedule/isWorkingDay(_:)``).
    public func workingDays(in week: ReportWeek) -> [LocalDate] {
        week.days.filter(daysOff.isWorkingDay)
    }

    /// A week with fewer than two working days (Tết, a long national holiday) owes no weekly
    /// report and no compilation: its work is reported with the next week's.
    public func owesWeeklyReport(_ week: ReportWeek) -> Bool {
        workingDays(in: week).count >= 2
    }

    /// The day of `week` on which the briefing is held, after days off: the regular day (the
    /// compilation deadline's weekday, Friday with the letter's settings) or, when that day is
    /// off, the last working day of the week before it. Nil when the week has no such day.
    public func briefingDay(of week: ReportWeek) -> LocalDate? {
        lastWorkingDay(onOrBefore: week.date(of: settings.groupCompilationDeadline.weekday), in: week)
    }

    /// What the year's days off change, week by week, against the same regime without days off:
    /// the weeks that owe no report and the weeks whose deadlines or briefing moved. Weeks that
    /// days off leave as they are do not appear (the days-off page lists exactly these).
    public func daysOffEffects(inYear year: Int) -> [DaysOffEffect] {
        let plain = CommuneCalendar(settings: settings)
        return weeks(inYear: year).compactMap { week in
            guard owesWeeklyReport(week) else { return .noWeeklyReport(week) }
            let moved = deadlines(for: week)
            guard moved != plain.deadlines(for: week) else { return nil }
            return .moved(week, moved)
        }
    }

    /// Deadlines after days off (SPEC §2, the letter): the compilation is due on the briefing
    /// day at its usual time; reports are due at their usual time on the reports' regular day or,
    /// when that is off or no longer before the briefing day, on the last working day before the
    /// briefing day. A week without days off keeps the regime's own days, whatever they are.
    /// Moving a briefing to another day (``BriefingMove``) never changes these.
    public func deadlines(for week: ReportWeek) -> WeekDeadlines {
        let reportRule = settings.weeklyReportDeadline
        let compilationRule = settings.groupCompilationDeadline
        let regularBriefing = week.date(of: compilationRule.weekday)
        let regularReportDay = week.date(of: reportRule.weekday)
        let briefing = briefingDay(of: week) ?? regularBriefing
        var reportDay = regularReportDay
        if daysOff.isHoliday(regularReportDay) || (regularReportDay < regularBriefing && regularReportDay >= briefing) {
            let latest = regularReportDay < regularBriefing ? min(regularReportDay, briefing.adding(days: -1)) : regularReportDay
            reportDay = lastWorkingDay(onOrBefore: latest, in: week) ?? regularReportDay
        }
        return WeekDeadlines(weeklyReport: instant(reportDay, reportRule.time),
                             groupCompilation: instant(briefing, compilationRule.time))
    }

    /// The week's briefings sorted by start (ties keep the order of `settings.meetingSlots`).
    /// A slot whose day is off is held on the last working day of the week before it; a week
    /// without a report (``owesWeeklyReport(_:)``) has no briefing. A move whose `week` and
    /// `slotKey` match replaces that slot's meeting (`moved == true`); if several match, the last
    /// one wins. Moves for other weeks or unknown slots are ignored.
    public func meetings(for week: ReportWeek, moves: [BriefingMove] = []) -> [Meeting] {
        let held = owesWeeklyReport(week)
        let meetings = settings.meetingSlots.enumerated().compactMap { index, slot -> (Int, Meeting)? in
            if let move = moves.last(where: { $0.week == week.id && $0.slotKey == slot.key }) {
                return (index, meeting(slot, date: move.date, start: move.start, end: move.end, moved: true))
            }
            guard held else { return nil }
            var date = week.date(of: slot.weekday)
            if daysOff.isHoliday(date) {
                guard let working = lastWorkingDay(onOrBefore: date, in: week) else { return nil }
                date = working
            }
            return (index, meeting(slot, date: date, start: slot.start, end: slot.end, moved: false))
        }
        return meetings
            .sorted { ($0.1.startInstant, $0.0) < ($1.1.startInstant, $1.0) }
            .map(\.1)
    }

    /// Whether the commune ran its regime on GiaoBan on `date` (``CalendarSettings/inUseSince``).
    public func isInUse(on date: LocalDate) -> Bool {
        settings.inUseSince.map { $0 <= date } ?? true
    }

    /// Throws ``CalendarError/invalidMove(_:)`` (Vietnamese message) unless: the move names `week`
    /// and an existing slot; ends after it starts; is not before the week's first day; and is at
    /// most 14 days after the week's last day.
    public func validate(_ move: BriefingMove, for week: ReportWeek) throws {
        func fail(_ message: String) -> CalendarError { .invalidMove(message) }
        guard move.week == week.id else {
            throw fail("Lịch dời thuộc tuần \(move.week), không phải tuần \(week.id).")
        }
        guard settings.meetingSlots.contains(where: { $0.key == move.slotKey }) else {
            throw fail("Không có cuộc họp giao ban “\(move.slotKey)”.")
        }
        guard move.end > move.start else {
            throw fail("Giờ kết thúc (\(move.end.text)) phải sau giờ bắt đầu (\(move.start.text)).")
        }
        guard move.date >= week.start else {
            throw fail("Không thể dời cuộc họp sang ngày \(move.date.vietnamese), trước khi tuần bắt đầu (\(week.start.vietnamese)).")
        }
        let latest = week.end.adding(days: 14)
        guard move.date <= latest else {
            throw fail("Chỉ có thể dời cuộc họp đến muộn nhất ngày \(latest.vietnamese) (14 ngày sau khi tuần kết thúc).")
        }
    }

    /// The earliest briefing starting at or after `instant`. Looks at the week containing
    /// `instant` and the next two, and also at the two previous weeks because their briefings
    /// may have been moved (up to 14 days) into the future.
    public func nextMeeting(after instant: Date, moves: [BriefingMove]) -> Meeting? {
        let current = week(containing: instant)
        return (-2...2)
            .map { makeWeek(start: current.start.adding(days: 7 * $0)) }
            .flatMap { meetings(for: $0, moves: moves) }
            .filter { $0.startInstant >= instant }
            .min { $0.startInstant < $1.startInstant }
    }

    /// The party-cell report for month `month` of `year` is due at 00:00 (commune time) on day
    /// `cellReportDueDay` of the *following* month ("trước ngày 10 hàng tháng"); December's is due
    /// in January of the next year. A month outside 1...12 is normalised (13 = January of the
    /// next year); a due day past the month's end is clamped to its last day.
    public func cellReportDeadline(year: Int, month: Int) -> Date {
        monthDeadline(year: year, month: month + 1, day: settings.cellReportDueDay)
    }

    /// The monthly report for month `month` of `year` is due at 00:00 (commune time) on day
    /// `monthlyReportDueDay` (letter point 4: "trước ngày 20 hàng tháng"), never before its
    /// period has ended: in the same month under a cut-off period that ends before that day (the
    /// 15th–14th period is due before the 20th), otherwise in the following month (a calendar
    /// month's report is due on the 20th of the next month). Month normalisation and clamping as
    /// in ``cellReportDeadline(year:month:)``.
    public func monthlyReportDeadline(year: Int, month: Int) -> Date {
        let rule = settings.monthlyPeriodRule
        let periodEndsBeforeDueDay = rule != .calendarMonth && rule.cutOffDay <= settings.monthlyReportDueDay
        return monthDeadline(year: year, month: periodEndsBeforeDueDay ? month : month + 1, day: settings.monthlyReportDueDay)
    }

    // MARK: Instants

    /// Wall time `time` on `date` in the commune zone → instant. Across daylight-saving changes an
    /// ambiguous time gives the earlier instant and a skipped time is moved forward by the gap.
    public func instant(_ date: LocalDate, _ time: LocalTime) -> Date {
        ZoneMath.instant(localSeconds: date.dayNumber * 86_400 + time.minutesFromMidnight * 60, in: zone)
    }

    /// Calendar day of `instant` in the commune zone.
    public func localDate(of instant: Date) -> LocalDate {
        LocalDate.inZone(instant, zone)
    }

    /// Wall time of `instant` in the commune zone (seconds dropped).
    public func localTime(of instant: Date) -> LocalTime {
        let seconds = LocalDate.floorMod(ZoneMath.localSeconds(of: instant, in: zone), 86_400)
        return LocalTime(unchecked: seconds / 3600, seconds % 3600 / 60)
    }

    /// "19/08/2021 20:00" in the commune zone.
    public func vietnameseDateTime(_ instant: Date) -> String {
        "\(localDate(of: instant).vietnamese) \(localTime(of: instant).text)"
    }

    /// ISO 8601 with the commune zone's offset and no fractional seconds (they are truncated):
    /// "2021-08-19T20:00:00+07:00".
    public func isoString(_ instant: Date) -> String {
        let local = ZoneMath.localSeconds(of: instant, in: zone)
        if (local - Int(instant.timeIntervalSince1970.rounded(.down))) % 60 != 0 {
            // Historical local mean time (before 1911 in Hà Nội) is not a whole minute from UTC, which
            // RFC 3339 cannot write: such instants are given in UTC.
            let utc = Int(instant.timeIntervalSince1970.rounded(.down))
            let day = LocalDate(dayNumber: LocalDate.floorDiv(utc, 86_400))
            let t = LocalDate.floorMod(utc, 86_400)
            return "\(day.iso)T\(ASCII.padded(t / 3600, 2)):\(ASCII.padded(t % 3600 / 60, 2)):\(ASCII.padded(t % 60, 2))Z"
        }
        let date = LocalDate(dayNumber: LocalDate.floorDiv(local, 86_400))
        let s = LocalDate.floorMod(local, 86_400)
        let offset = local - Int(instant.timeIntervalSince1970.rounded(.down))
        let sign = offset < 0 ? "-" : "+"
        let abs = offset.magnitude
        let zoneText = "\(sign)\(ASCII.padded(Int(abs / 3600), 2)):\(ASCII.padded(Int(abs % 3600 / 60), 2))"
        return "\(date.iso)T\(ASCII.padded(s / 3600, 2)):\(ASCII.padded(s % 3600 / 60, 2)):\(ASCII.padded(s % 60, 2))\(zoneText)"
    }

    // MARK: Internals

    private func makeWeek(start: LocalDate) -> ReportWeek {
        let end = start.adding(days: 6)
        return ReportWeek(id: WeekNaming.isoWeek(of: end), start: start,
                          startInstant: instant(start, .midnight),
                          endInstant: instant(end.adding(days: 1), .midnight))
    }

    /// The week whose last day is the `lastWeekday` of ISO week `id` (no range check).
    private func uncheckedWeek(_ id: ReportWeekID) -> ReportWeek {
        let lastWeekday = settings.weekStartDay.rawValue == 1 ? 7 : settings.weekStartDay.rawValue - 1
        let end = WeekNaming.monday(ofISOWeek: id.week, year: id.year).adding(days: lastWeekday - 1)
        return makeWeek(start: end.adding(days: -6))
    }

    private func lastWorkingDay(onOrBefore date: LocalDate, in week: ReportWeek) -> LocalDate? {
        var day = date
        while day >= week.start {
            if daysOff.isWorkingDay(day) { return day }
            day = day.adding(days: -1)
        }
        return nil
    }

    private func meeting(_ slot: MeetingSlot, date: LocalDate, start: LocalTime, end: LocalTime, moved: Bool) -> Meeting {
        Meeting(slotKey: slot.key, title: slot.title, date: date, start: start, end: end,
                startInstant: instant(date, start), endInstant: instant(date, end), moved: moved)
    }

    private func monthDeadline(year: Int, month: Int, day: Int) -> Date {
        let index = year * 12 + (month - 1)
        let y = LocalDate.floorDiv(index, 12)
        let m = LocalDate.floorMod(index, 12) + 1
        let d = min(max(day, 1), LocalDate.daysInMonth(year: y, month: m))
        return instant(LocalDate(unchecked: y, m, d), .midnight)
    }
}
