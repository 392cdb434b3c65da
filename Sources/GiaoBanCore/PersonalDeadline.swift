import Foundation

/// The one deadline the page header shows a person: what they should act on next.
///
/// - An overdue weekly report of the current week that they still owe comes first: after
///   Thursday 20:00 the header must not move on to next week while this week's report is missing.
/// - Otherwise the nearest deadline still ahead: their weekly report (this week's unless already
///   submitted or excused, then next week's) and, for focal points, the group compilation.
public enum PersonalDeadline {
    public enum Kind: String, Sendable, Equatable { case weeklyReport, groupCompilation }

    public struct Item: Equatable, Sendable {
        public var kind: Kind
        public var week: ReportWeekID
        public var dueAt: Date
        public var overdue: Bool
    }

    /// - Parameters:
    ///   - owesWeeklyReport: whether the person is a member of a reporting group.
    ///   - currentWeekEntry: their ledger entry for the current week's report, when they owe it.
    ///   - duty: their working period; weeks they do not owe (before the commune used GiaoBan,
    ///     outside their period, weeks without a report) are skipped.
    public static func next(now: Date, calendar: CommuneCalendar, owesWeeklyReport: Bool,
                            currentWeekEntry: LedgerEntry?, isAggregator: Bool, duty: ReportingDuty = ReportingDuty()) -> Item? {
        let week = calendar.week(containing: now)
        if owesWeeklyReport, currentWeekEntry?.status == .missing {
            return Item(kind: .weeklyReport, week: week.id, dueAt: calendar.deadlines(for: week).weeklyReport, overdue: true)
        }
        let nextWeek = calendar.week(containing: week.end.adding(days: 1))
        var candidates: [Item] = []
        // This week's report already done (submitted, or excused by leave) is not what comes next:
        // the header moves on, as the home page says "Đã nộp ✓".
        let currentDone = [LedgerStatus.onTime, .late, .excused].contains { $0 == currentWeekEntry?.status }
        for candidate in [week, nextWeek] {
            let deadlines = calendar.deadlines(for: candidate)
            if (owesWeeklyReport || !isAggregator) && !(candidate == week && currentDone)
                && LedgerRules.owesWeeklyReport(candidate, duty: duty, calendar: calendar) {
                candidates.append(Item(kind: .weeklyReport, week: candidate.id, dueAt: deadlines.weeklyReport, overdue: false))
            }
            if isAggregator && LedgerRules.owesCompilation(candidate, calendar: calendar) {
                candidates.append(Item(kind: .groupCompilation, week: candidate.id, dueAt: deadlines.groupCompilation, overdue: false))
            }
        }
        // The deadline instant itself is still in time ("chậm nhất 20h").
        return candidates.filter { $0.dueAt >= now }.min { $0.dueAt < $1.dueAt }
    }
}
