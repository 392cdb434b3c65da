import Foundation

// Monthly reporting periods (SPEC §11, letter point 4) and the month a party-cell report is for
// (SPEC §10, letter point 3).
//
// Which report weeks feed a month's draft: a week belongs to the period that contains its last
// day (the Friday with the letter's settings) — the same day that names the week (see
// ``ReportWeekID``). One refinement keeps calendar-month periods in step with the reporting year:
// under ``MonthlyPeriodRule/calendarMonth`` a week never leaves the reporting year in its name, so
// "2020-W53" (Sat 26/12/2020 – Fri 01/01/2021) feeds December 2020, not January 2021. The
// twelve calendar-month periods of a year therefore take exactly that year's 52 or 53 weeks, and
// a month's figures never exceed its year-to-date figures. Under ``MonthlyPeriodRule/cutOff(day:)``
// the rule is applied as is: that regime's year runs from the 15th of December to the 14th of
// December, so January's period starts with weeks named in the previous year by design.

/// A month of a year, e.g. August 2021. Codable as "yyyy-MM".
public struct ReportMonth: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    public let year: Int
    public let month: Int

    /// Nil unless `month` is 1...12 and `year` 1...9999.
    public init?(year: Int, month: Int) {
        guard (1...9999).contains(year), (1...12).contains(month) else { return nil }
        self.year = year
        self.month = month
    }

    /// The month `date` falls in.
    public init(_ date: LocalDate) {
        self.year = date.year
        self.month = date.month
    }

    /// Normalises the month: (2021, 13) is January 2022, (2021, 0) December 2020.
    init(normalising year: Int, _ month: Int) {
        let index = year * 12 + (month - 1)
        self.year = LocalDate.floorDiv(index, 12)
        self.month = LocalDate.floorMod(index, 12) + 1
    }

    public func adding(months: Int) -> ReportMonth { ReportMonth(normalising: year, month + months) }
    public var next: ReportMonth { adding(months: 1) }
    public var previous: ReportMonth { adding(months: -1) }

    public var firstDay: LocalDate { LocalDate(unchecked: year, month, 1) }
    public var lastDay: LocalDate { LocalDate(unchecked: year, month, LocalDate.daysInMonth(year: year, month: month)) }
    public var dayCount: Int { LocalDate.daysInMonth(year: year, month: month) }

    public func contains(_ date: LocalDate) -> Bool { date.year == year && date.month == month }

    /// Day `day` of this month, clamped to 1...last day (31 in February gives the 28th or 29th).
    public func day(_ day: Int) -> LocalDate {
        LocalDate(unchecked: year, month, min(max(day, 1), dayCount))
    }

    /// "2021-08".
    public var description: String { "\(ASCII.padded(year, 4))-\(ASCII.padded(month, 2))" }
    /// "08/2021".
    public var vietnamese: String { "\(ASCII.padded(month, 2))/\(ASCII.padded(year, 4))" }
    /// "Tháng 8/2021".
    public var title: String { "Tháng \(month)/\(year)" }

    /// Parses exactly "yyyy-MM".
    public init?(_ text: String) {
        let b = Array(text.utf8)
        guard b.count == 7, b[4] == UInt8(ascii: "-"),
              let y = ASCII.number(b[0..<4]), let m = ASCII.number(b[5..<7]) else { return nil }
        self.init(year: y, month: m)
    }

    public static func < (lhs: ReportMonth, rhs: ReportMonth) -> Bool {
        (lhs.year, lhs.month) < (rhs.year, rhs.month)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let month = ReportMonth(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "Expected a yyyy-MM month, got \"\(text)\"")
        }
        self = month
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// How a monthly report's period is cut (a commune setting; SPEC §11).
public enum MonthlyPeriodRule: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The calendar month (the default).
    case calendarMonth
    /// From day `day` of the previous month to day `day - 1` of the report's month, the cut-off of
    /// state reporting rules with `day` 15: January's period is 15/12 of the previous year to 14/01.
    /// `day` must be 2...28 (``validated()``); other values are clamped into that range.
    case cutOff(day: Int)

    /// The state reporting rules' 15th-to-14th cut-off.
    public static let stateCutOff = MonthlyPeriodRule.cutOff(day: 15)

    /// Throws ``CalendarError/invalidSettings(_:)`` (Vietnamese) for a cut-off day outside 2...28.
    public func validated() throws -> MonthlyPeriodRule {
        if case .cutOff(let day) = self, !(2...28).contains(day) {
            throw CalendarError.invalidSettings("Ngày chốt số liệu báo cáo tháng phải là một ngày từ 2 đến 28.")
        }
        return self
    }

    /// "Theo tháng dương lịch" / "Từ ngày 15 tháng trước đến ngày 14 tháng báo cáo".
    public var title: String {
        switch self {
        case .calendarMonth: "Theo tháng dương lịch"
        case .cutOff: "Từ ngày \(cutOffDay) tháng trước đến ngày \(cutOffDay - 1) tháng báo cáo"
        }
    }

    /// "calendarMonth" or "cutOff:15"; the Codable form.
    public var description: String {
        switch self {
        case .calendarMonth: "calendarMonth"
        case .cutOff(let day): "cutOff:\(day)"
        }
    }

    /// Parses ``description``.
    public init?(string: String) {
        if string == "calendarMonth" {
            self = .calendarMonth
        } else if string.hasPrefix("cutOff:"), let day = ASCII.number(string.utf8.dropFirst(7)) {
            self = .cutOff(day: day)
        } else {
            return nil
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let rule = MonthlyPeriodRule(string: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "Expected \"calendarMonth\" or \"cutOff:N\", got \"\(text)\"")
        }
        self = rule
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    /// The effective cut-off day (clamped to 2...28); 1 for calendar months.
    var cutOffDay: Int {
        switch self {
        case .calendarMonth: 1
        case .cutOff(let day): min(max(day, 2), 28)
        }
    }
}

/// The days a monthly report of month `month` of `year` covers under `rule`.
public struct ReportingPeriod: Hashable, Sendable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let firstDay: LocalDate
    public let lastDay: LocalDate
    public let rule: MonthlyPeriodRule

    public var reportMonth: ReportMonth { ReportMonth(normalising: year, month) }
    public var dayCount: Int { lastDay.dayNumber - firstDay.dayNumber + 1 }
    public func contains(_ date: LocalDate) -> Bool { firstDay <= date && date <= lastDay }

    public var next: ReportingPeriod { ReportingPeriods.period(forMonth: month + 1, year: year, rule: rule) }
    public var previous: ReportingPeriod { ReportingPeriods.period(forMonth: month - 1, year: year, rule: rule) }

    /// "Tháng 1/2021: 15/12/2020 – 14/01/2021".
    public var title: String { "Tháng \(month)/\(year): \(firstDay.vietnamese) – \(lastDay.vietnamese)" }

    public var description: String { "\(reportMonth) [\(firstDay.iso)…\(lastDay.iso)]" }
}

/// Monthly reporting periods and the weeks that feed them. Pure functions of their arguments.
public enum ReportingPeriods {
    /// The period of the report for `month` of `year`. A month outside 1...12 is normalised
    /// (13 is January of the next year, 0 December of the previous one).
    ///
    /// Calendar month: the 1st to the last day. Cut-off `d`: day `d` of the previous month to day
    /// `d - 1` of the month (January: 15/12 of the previous year – 14/01 with `d` = 15).
    public static func period(forMonth month: Int, year: Int, rule: MonthlyPeriodRule) -> ReportingPeriod {
        let m = ReportMonth(normalising: year, month)
        switch rule {
        case .calendarMonth:
            return ReportingPeriod(year: m.year, month: m.month, firstDay: m.firstDay, lastDay: m.lastDay, rule: rule)
        case .cutOff:
            let day = rule.cutOffDay
            return ReportingPeriod(year: m.year, month: m.month,
                                   firstDay: m.previous.day(day), lastDay: m.day(day - 1), rule: rule)
        }
    }

    /// The period of `month`.
    public static func period(for month: ReportMonth, rule: MonthlyPeriodRule) -> ReportingPeriod {
        period(forMonth: month.month, year: month.year, rule: rule)
    }

    /// The period that contains `date`: its own month for calendar months; with cut-off `d`, a day
    /// on or after the `d`th belongs to the next month's report (15/12/2021 → January 2022).
    public static func period(containing date: LocalDate, rule: MonthlyPeriodRule) -> ReportingPeriod {
        switch rule {
        case .calendarMonth:
            return period(forMonth: date.month, year: date.year, rule: rule)
        case .cutOff:
            let shift = date.day >= rule.cutOffDay ? 1 : 0
            return period(forMonth: date.month + shift, year: date.year, rule: rule)
        }
    }

    /// The twelve periods of `year`, January first. They are contiguous and do not overlap.
    public static func periods(inYear year: Int, rule: MonthlyPeriodRule) -> [ReportingPeriod] {
        (1...12).map { period(forMonth: $0, year: year, rule: rule) }
    }

    /// The period whose monthly draft `week` feeds: the period containing the week's last day,
    /// except that under ``MonthlyPeriodRule/calendarMonth`` a week stays in the reporting year of
    /// its name (a last week ending on 1–3 January goes to December; a first week ending on
    /// 29–31 December, possible only with a Tuesday–Thursday week start, goes to January).
    public static func period(of week: ReportWeek, rule: MonthlyPeriodRule) -> ReportingPeriod {
        let last = week.end
        if case .calendarMonth = rule {
            if last.year > week.id.year { return period(forMonth: 12, year: week.id.year, rule: rule) }
            if last.year < week.id.year { return period(forMonth: 1, year: week.id.year, rule: rule) }
        }
        return period(containing: last, rule: rule)
    }

    /// The report weeks whose reports feed the draft of `period`, in order (see
    /// ``period(of:rule:)``). Every week belongs to exactly one period, so consecutive periods
    /// partition the weeks; under calendar months the twelve periods of a year hold exactly
    /// `calendar.weeks(inYear:)` of that year. Four or five weeks per period.
    public static func weeks(in period: ReportingPeriod, calendar: CommuneCalendar) -> [ReportWeekID] {
        var result: [ReportWeekID] = []
        var week = calendar.week(containing: period.firstDay.adding(days: -7))
        let stop = period.lastDay.adding(days: 7)
        while week.start <= stop {
            let owner = self.period(of: week, rule: period.rule)
            if owner.year == period.year, owner.month == period.month { result.append(week.id) }
            week = calendar.week(after: week)
        }
        return result
    }

    /// The weeks of the periods January...`month` of `year`: what "lũy kế từ đầu năm" sums in the
    /// monthly report for `month`. Under calendar months these are weeks 1...N of reporting year
    /// `year`; under a cut-off, the weeks from the cut-off day of December of the previous year.
    public static func weeksToDate(throughMonth month: Int, year: Int, rule: MonthlyPeriodRule,
                                   calendar: CommuneCalendar) -> [ReportWeekID] {
        guard month >= 1 else { return [] }
        return (1...min(month, 12)).flatMap { weeks(in: period(forMonth: $0, year: year, rule: rule), calendar: calendar) }
    }

    /// The months of `year` whose monthly report is owed by `today`: those whose period has
    /// begun (under a cut-off, December's begins on the 15th of November). The ledger lists
    /// these and no later ones.
    public static func reportMonthsBegun(inYear year: Int, rule: MonthlyPeriodRule, today: LocalDate) -> [ReportMonth] {
        (1...12).compactMap { ReportMonth(year: year, month: $0) }.filter { period(for: $0, rule: rule).firstDay <= today }
    }

    /// The month whose monthly report is being collected on `date`: the report for month M is due
    /// before day `dueDay` of M itself (letter: 20), so up to the day before the due day it is this
    /// month, from the due day on the next one. `dueDay` is clamped to 1...28.
    public static func reportMonthDue(on date: LocalDate, dueDay: Int) -> ReportMonth {
        let month = ReportMonth(date)
        return date.day < min(max(dueDay, 1), 28) ? month : month.next
    }
}

/// Party-cell meeting reports (letter point 3): the report on month M's meetings is due before
/// day `cellReportDueDay` (10) of month M+1. Cell meetings are counted by calendar month whatever
/// the monthly-report period rule.
public enum CellReportPeriod {
    /// The calendar month of meetings that a report for `month` covers.
    public static func period(for month: ReportMonth) -> ReportingPeriod {
        ReportingPeriods.period(for: month, rule: .calendarMonth)
    }

    /// The day at whose start (00:00, commune time) the report for `month` is due: day `dueDay` of
    /// the next month (clamped to that month's length). The instant is
    /// ``CommuneCalendar/cellReportDeadline(year:month:)``.
    public static func dueDate(for month: ReportMonth, dueDay: Int) -> LocalDate {
        month.next.day(dueDay)
    }

    /// The months of `year` whose cell report is owed by `today`: those that have begun.
    public static func monthsBegun(inYear year: Int, today: LocalDate) -> [ReportMonth] {
        (1...12).compactMap { ReportMonth(year: year, month: $0) }.filter { $0.firstDay <= today }
    }

    /// The month whose cell reports are being collected on `date`: before the due day, last
    /// month's; from the due day on, this month's (due next month). `dueDay` is clamped to 1...28.
    public static func reportMonthDue(on date: LocalDate, dueDay: Int) -> ReportMonth {
        let month = ReportMonth(date)
        return date.day < min(max(dueDay, 1), 28) ? month.previous : month
    }
}
