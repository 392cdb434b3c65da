import Foundation

/// Who owes a monthly report in a commune (a commune setting, SPEC §11). Letter 62-CV/ĐU asks
/// "các tổ chức và cá nhân" for monthly reports; a commune may want them from its units (what
/// the office compiles for the Standing Committee), from each official (what the yearly
/// evaluation of cadres reads), or both.
public enum MonthlyReporters: String, Codable, CaseIterable, Sendable {
    case units
    case people
    case both

    public var includesUnits: Bool { self != .people }
    public var includesPeople: Bool { self != .units }

    /// The settings page's words for each choice.
    public var title: String {
        switch self {
        case .units: "Các đơn vị, tổ chức"
        case .people: "Từng cán bộ, công chức"
        case .both: "Cả đơn vị và từng cán bộ, công chức"
        }
    }
}

/// Who owes which monthly report (SPEC §8, §11). Pure: everything comes from the calendar (its
/// settings: period rule, due day, `inUseSince`, `monthlyReporters`) and the person's duty.
public enum MonthlyDuty {
    /// The period the report for `month` covers under the commune's rule.
    public static func period(_ month: ReportMonth, calendar: CommuneCalendar) -> ReportingPeriod {
        ReportingPeriods.period(for: month, rule: calendar.settings.monthlyPeriodRule)
    }

    /// The last calendar day on which the report for `month` is on time. The deadline is 00:00 of
    /// the due day ("trước ngày 20"), so this is the day before it.
    public static func lastDayToSubmit(_ month: ReportMonth, calendar: CommuneCalendar) -> LocalDate {
        let due = calendar.monthlyReportDeadline(year: month.year, month: month.month)
        return calendar.localDate(of: due.addingTimeInterval(-1))
    }

    /// Whether every unit owes its report for `month`: the commune asks units, and the period
    /// did not end before the commune used GiaoBan.
    public static func unitOwes(_ month: ReportMonth, calendar: CommuneCalendar) -> Bool {
        calendar.settings.monthlyReporters.includesUnits
            && LedgerRules.owesPeriod(endingOn: period(month, calendar: calendar).lastDay, calendar: calendar)
    }

    /// Whether an official with `duty` owes a personal report for `month`.
    ///
    /// The weekly rule, carried over to a month: the commune asks people; the period did not
    /// end before the commune used GiaoBan; the official files reports at all (the leaders whose
    /// work the office compiles, `reportsWeekly = false`, owe no personal monthly report either:
    /// the office writes it up from its own compilation); and the official works both on the
    /// period's last day (they did its work) and on the last day to submit (they are still there
    /// to file it). Someone who joined after the period ended, or left before the deadline, owes
    /// nothing for that month.
    public static func personOwes(_ month: ReportMonth, duty: ReportingDuty, calendar: CommuneCalendar) -> Bool {
        guard calendar.settings.monthlyReporters.includesPeople, duty.reportsWeekly else { return false }
        let end = period(month, calendar: calendar).lastDay
        guard LedgerRules.owesPeriod(endingOn: end, calendar: calendar) else { return false }
        return duty.isWorking(on: end) && duty.isWorking(on: lastDayToSubmit(month, calendar: calendar))
    }

    /// The months of `year` a unit owes by `today`: the periods that have begun and are owed.
    public static func unitMonths(inYear year: Int, today: LocalDate, calendar: CommuneCalendar) -> [ReportMonth] {
        ReportingPeriods.reportMonthsBegun(inYear: year, rule: calendar.settings.monthlyPeriodRule, today: today)
            .filter { unitOwes($0, calendar: calendar) }
    }

    /// The months of `year` an official with `duty` owes by `today`.
    public static func personMonths(inYear year: Int, today: LocalDate, duty: ReportingDuty, calendar: CommuneCalendar) -> [ReportMonth] {
        ReportingPeriods.reportMonthsBegun(inYear: year, rule: calendar.settings.monthlyPeriodRule, today: today)
            .filter { personOwes($0, duty: duty, calendar: calendar) }
    }
}
