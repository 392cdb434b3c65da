import Foundation

/// A person's standing on one obligation for one period in the compliance ledger (sổ theo dõi
/// chấp hành, SPEC §8). Derived from timestamps, never typed.
public enum LedgerStatus: String, Codable, CaseIterable, Sendable {
    /// The order of a list sorted by status: what needs the office's attention first (missing,
    /// then late), then what is still open (not yet due), then the settled (excused, on time).
    public var attentionRank: Int {
        switch self {
        case .missing: return 0
        case .late: return 1
        case .notDue: return 2
        case .excused: return 3
        case .onTime: return 4
        }
    }

    case onTime = "on_time"
    case late
    case missing
    case notDue = "not_due"
    case excused

    public var vietnameseName: String {
        switch self {
        case .onTime: return "Đúng hạn"
        case .late: return "Muộn"
        case .missing: return "Chưa nộp"
        case .notDue: return "Chưa đến hạn"
        case .excused: return "Vắng có lý do"
        }
    }
}

/// Leave recorded by the office (nghỉ phép, đi học, ốm…): calendar days, inclusive.
public struct LeavePeriod: Hashable, Codable, Sendable {
    public var from: LocalDate
    public var to: LocalDate
    public var reason: String

    public init(from: LocalDate, to: LocalDate, reason: String) {
        self.from = from
        self.to = to
        self.reason = reason
    }

    public func covers(_ date: LocalDate) -> Bool { from <= date && date <= to }
}

public struct LedgerEntry: Hashable, Sendable {
    public var status: LedgerStatus
    /// Seconds after the deadline of the first submission; 0 unless `late`.
    public var lateBySeconds: Int
    public var submittedAt: Date?
    /// The leave that excused the person, when `excused`.
    public var excuse: LeavePeriod?

    public init(status: LedgerStatus, lateBySeconds: Int = 0, submittedAt: Date? = nil, excuse: LeavePeriod? = nil) {
        self.status = status
        self.lateBySeconds = lateBySeconds
        self.submittedAt = submittedAt
        self.excuse = excuse
    }
}

/// What a person owes as a weekly reporter: their working period in the commune and whether
/// they file weekly reports at all (the letter: "Thường trực Đảng ủy và lãnh đạo UBND do Văn
/// phòng tổng hợp" — the office compiles the leaders' work, they file nothing).
public struct ReportingDuty: Hashable, Sendable {
    /// First working day; nil: since before the commune used GiaoBan.
    public var joinedOn: LocalDate?
    /// Last working day; nil: still working.
    public var leftOn: LocalDate?
    public var reportsWeekly: Bool

    public init(joinedOn: LocalDate? = nil, leftOn: LocalDate? = nil, reportsWeekly: Bool = true) {
        self.joinedOn = joinedOn
        self.leftOn = leftOn
        self.reportsWeekly = reportsWeekly
    }

    /// Whether `date` is within the working period.
    public func isWorking(on date: LocalDate) -> Bool {
        (joinedOn.map { $0 <= date } ?? true) && (leftOn.map { date <= $0 } ?? true)
    }

    /// Whether a weekly report due on `dueDay` is owed: the person files weekly and works then.
    public func owesReport(dueDay: LocalDate) -> Bool {
        reportsWeekly && isWorking(on: dueDay)
    }
}

public enum LedgerRules {
    /// Whether `week`'s report is owed by someone with `duty`: a report is owed when its deadline
    /// day falls while the commune runs GiaoBan and the person works there and files weekly,
    /// and the week has working days enough to have a report (``CommuneCalendar/owesWeeklyReport(_:)``).
    /// A week that is not owed is no row of the ledger: it counts nowhere.
    public static func owesWeeklyReport(_ week: ReportWeek, duty: ReportingDuty, calendar: CommuneCalendar) -> Bool {
        guard let due = weeklyReportDue(week, calendar: calendar) else { return false }
        return duty.owesReport(dueDay: due.day)
    }

    /// The deadline of `week`'s reports, when the commune owes any that week: nil for a week
    /// without a report or whose deadline falls before the commune used GiaoBan.
    public static func weeklyReportDue(_ week: ReportWeek, calendar: CommuneCalendar) -> (instant: Date, day: LocalDate)? {
        guard calendar.owesWeeklyReport(week) else { return nil }
        let instant = calendar.deadlines(for: week).weeklyReport
        let day = calendar.localDate(of: instant)
        return calendar.isInUse(on: day) ? (instant, day) : nil
    }

    /// Why nobody owes `week`'s report (nil when it is owed): the ledger says so instead of
    /// showing an empty week.
    public enum WeekNotOwed: Equatable, Sendable {
        /// Fewer than two working days: the work is reported with the next week's.
        case tooFewWorkingDays
        /// The deadline falls before the commune's first day on GiaoBan.
        case beforeInUse(since: LocalDate?)
    }

    public static func whyNotOwed(_ week: ReportWeek, calendar: CommuneCalendar) -> WeekNotOwed? {
        guard weeklyReportDue(week, calendar: calendar) == nil else { return nil }
        return calendar.owesWeeklyReport(week) ? .beforeInUse(since: calendar.settings.inUseSince) : .tooFewWorkingDays
    }

    /// Whether a week's group compilation is owed: the week has a report and its deadline falls
    /// while the commune runs GiaoBan.
    public static func owesCompilation(_ week: ReportWeek, calendar: CommuneCalendar) -> Bool {
        calendar.owesWeeklyReport(week) && calendar.isInUse(on: calendar.localDate(of: calendar.deadlines(for: week).groupCompilation))
    }

    /// Whether a monthly obligation (a unit's monthly report, a cell's report) whose period ends
    /// on `periodEnd` is owed: not for periods that ended before the commune used GiaoBan.
    public static func owesPeriod(endingOn periodEnd: LocalDate, calendar: CommuneCalendar) -> Bool {
        calendar.isInUse(on: periodEnd)
    }

    /// The status of one obligation.
    ///
    /// - The first submission instant decides (later corrections never move it): at or before
    ///   the deadline is on time, after it late by the difference in whole seconds.
    /// - Without a submission: excused when a leave covers the deadline's calendar day (in the
    ///   commune's zone), otherwise not yet due up to the deadline and missing after it. At the
    ///   deadline instant itself a submission would still be on time, so it is not missing yet.
    /// - A submission is counted even from someone on leave: the work was done.
    public static func entry(dueAt: Date, dueDay: LocalDate, firstSubmittedAt: Date?, now: Date,
                             leaves: [LeavePeriod]) -> LedgerEntry {
        if let submitted = firstSubmittedAt {
            if submitted <= dueAt {
                return LedgerEntry(status: .onTime, submittedAt: submitted)
            }
            let late = Int(submitted.timeIntervalSince(dueAt).rounded(.up))
            return LedgerEntry(status: .late, lateBySeconds: late, submittedAt: submitted)
        }
        if let leave = leaves.first(where: { $0.covers(dueDay) }) {
            return LedgerEntry(status: .excused, excuse: leave)
        }
        return LedgerEntry(status: now <= dueAt ? .notDue : .missing)
    }
}

/// Counts of statuses over some obligations, and the on-time rate used for emulation and the
/// annual evaluation. Excused and not-yet-due obligations leave the denominator.
public struct LedgerTally: Hashable, Codable, Sendable {
    public var onTime = 0
    public var late = 0
    public var missing = 0
    public var notDue = 0
    public var excused = 0
    /// Total lateness of the late submissions, in seconds.
    public var lateSeconds = 0

    public init() {}

    public init<S: Sequence>(_ entries: S) where S.Element == LedgerEntry {
        for entry in entries { add(entry) }
    }

    public mutating func add(_ entry: LedgerEntry) {
        switch entry.status {
        case .onTime: onTime += 1
        case .late: late += 1; lateSeconds += entry.lateBySeconds
        case .missing: missing += 1
        case .notDue: notDue += 1
        case .excused: excused += 1
        }
    }

    public mutating func merge(_ other: LedgerTally) {
        onTime += other.onTime
        late += other.late
        missing += other.missing
        notDue += other.notDue
        excused += other.excused
        lateSeconds += other.lateSeconds
    }

    /// Obligations that were due and not excused.
    public var counted: Int { onTime + late + missing }
    public var submitted: Int { onTime + late }

    /// On time as a percentage of the counted obligations, one decimal; nil when none counted.
    public var onTimeRate: Decimal? {
        guard counted > 0 else { return nil }
        return YearToDate.percentOfPlan(yearToDate: Decimal(onTime), planned: Decimal(counted))
    }
}

public enum LateText {
    /// "muộn 2 giờ 5 phút" — how late, in at most two units.
    public static func vietnamese(seconds: Int) -> String {
        guard seconds > 0 else { return "" }
        let minutes = seconds / 60
        let days = minutes / 1440, hours = (minutes % 1440) / 60, rest = minutes % 60
        var parts: [String] = []
        if days > 0 { parts.append("\(days) ngày") }
        if hours > 0 { parts.append("\(hours) giờ") }
        if rest > 0 && days == 0 { parts.append("\(rest) phút") }
        if parts.isEmpty { return "muộn \(seconds) giây" }
        return "muộn " + parts.prefix(2).joined(separator: " ")
    }
}
