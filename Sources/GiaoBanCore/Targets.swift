import Foundation

/// What kind of value a target (chỉ tiêu) is reported in (SPEC §6).
public enum TargetValueKind: String, Codable, CaseIterable, Sendable {
    /// Whole numbers: households, people, sessions… (số đếm)
    case count
    /// Decimals: hectares, km, million VND, percentages… (số thập phân)
    case decimal
    /// Met / not met, e.g. an NTM criterion (có/không, đạt/chưa đạt)
    case yesNo
}

/// How the year-to-date figure (lũy kế từ đầu năm) of a target is formed (SPEC §6).
public enum YearToDateRule: String, Codable, CaseIterable, Sendable {
    /// Sum of the weeks (cộng dồn), e.g. households mobilised.
    case sum
    /// The latest reported value (mới nhất), e.g. criteria met, people currently quarantined.
    case latest
    /// The largest weekly value (lớn nhất), e.g. highest number of cases in one week.
    case max
}

/// One week's figure for one target.
///
/// For yes/no targets the value is 1 (met) or 0 (not met).
public struct WeeklyFigure: Hashable, Codable, Sendable {
    /// ISO week number of the report week within its reporting year (SPEC §2).
    public var weekIndex: Int
    public var value: Decimal
    /// Only completed work counts towards the target table (SPEC §4.2).
    public var completed: Bool

    public init(weekIndex: Int, value: Decimal, completed: Bool = true) {
        self.weekIndex = weekIndex
        self.value = value
        self.completed = completed
    }
}

/// A target's year-to-date through one week under each rule at once (`YearToDate.running`): what
/// the database keeps on each of the target's weekly figures, so that a page reads one row per
/// target instead of the year's figures. Nil where no completed figure counts yet.
public struct RunningYearToDate: Hashable, Sendable {
    public var sum: Decimal?
    public var max: Decimal?
    public var latest: Decimal?

    public init(sum: Decimal? = nil, max: Decimal? = nil, latest: Decimal? = nil) {
        self.sum = sum
        self.max = max
        self.latest = latest
    }

    /// The year-to-date under `rule`: `YearToDate.value(rule:figures:throughWeek:)` of the same weeks.
    public func value(rule: YearToDateRule) -> Decimal? {
        switch rule {
        case .sum: sum
        case .max: max
        case .latest: latest
        }
    }
}

/// Year-to-date arithmetic for the target tables (SPEC §5, §6).
public enum YearToDate {
    /// The year-to-date through each week that has a figure (completed or not) of one target's
    /// year: the running form of `value(rule:figures:throughWeek:)`, which it equals for every
    /// rule and week (tested). Weeks outside 1...53 count nowhere, as there.
    public static func running(_ figures: [WeeklyFigure]) -> [Int: RunningYearToDate] {
        var weekTotals = [Decimal?](repeating: nil, count: 54)
        var weeksWithFigures = Set<Int>()
        for figure in figures where figure.weekIndex >= 1 && figure.weekIndex <= 53 {
            weeksWithFigures.insert(figure.weekIndex)
            if figure.completed { weekTotals[figure.weekIndex] = (weekTotals[figure.weekIndex] ?? 0) + figure.value }
        }
        var result: [Int: RunningYearToDate] = [:]
        var running = RunningYearToDate()
        for week in 1...53 {
            if let total = weekTotals[week] {
                running.sum = (running.sum ?? 0) + total
                running.max = Swift.max(running.max ?? total, total)
                running.latest = total
            }
            if weeksWithFigures.contains(week) { result[week] = running }
        }
        return result
    }

    /// The year-to-date value of a target through week `throughWeek` of the reporting year.
    ///
    /// Only completed figures of weeks `1...throughWeek` count. A target has one figure per week
    /// (the database holds it so); should several of one week be given, they are added up into
    /// that week's total; then
    /// - `sum` adds the weekly totals,
    /// - `latest` takes the total of the latest week that has a figure,
    /// - `max` takes the largest weekly total.
    ///
    /// Returns `nil` when no figure counts.
    public static func value(rule: YearToDateRule, figures: [WeeklyFigure], throughWeek: Int) -> Decimal? {
        guard throughWeek >= 1 else { return nil }
        // The weekly totals by week number, in an array: a dictionary hashed every figure of a
        // year, for every target of a briefing. A year has at most 53 weeks; a figure of a later
        // week number is past `throughWeek` anyway.
        var weekTotals = [Decimal?](repeating: nil, count: Swift.min(throughWeek, 53) + 1)
        for figure in figures where figure.completed && figure.weekIndex >= 1 && figure.weekIndex < weekTotals.count {
            weekTotals[figure.weekIndex] = (weekTotals[figure.weekIndex] ?? 0) + figure.value
        }
        let totals = weekTotals.compactMap { $0 }
        guard let latest = totals.last else { return nil }
        switch rule {
        case .sum:
            return totals.reduce(Decimal(0), +)
        case .latest:
            return latest
        case .max:
            return totals.max()
        }
    }

    /// A target's weekly figure as the database keeps it: its week, value, whether the work is
    /// done, and the year-to-date through its week (`running`).
    public struct KeptFigure: Sendable {
        public var week: Int
        public var value: Decimal
        public var completed: Bool
        public var running: RunningYearToDate

        public init(week: Int, value: Decimal, completed: Bool, running: RunningYearToDate) {
            self.week = week
            self.value = value
            self.completed = completed
            self.running = running
        }
    }

    /// Week `week`'s figure (completed only) and the year-to-date through `week` under `rule`,
    /// from a target's kept figures that include its latest one at or before `week`: that one
    /// holds the year-to-date through `week`, no figure lying between them. Nil where there is none.
    public static func through(week: Int, kept: [KeptFigure], rule: YearToDateRule) -> (weekValue: Decimal?, yearToDate: Decimal?) {
        guard let latest = kept.filter({ $0.week <= week }).max(by: { $0.week < $1.week }) else { return (nil, nil) }
        return (latest.week == week && latest.completed ? latest.value : nil, latest.running.value(rule: rule))
    }

    /// The year-to-date value as a percentage of the annual plan, rounded to one decimal
    /// (half away from zero): 45 of 320 → 14.1.
    ///
    /// Returns `nil` when there is no plan, the plan is 0, or there is no year-to-date value yet.
    public static func percentOfPlan(yearToDate: Decimal?, planned: Decimal?) -> Decimal? {
        guard let yearToDate, let planned, !planned.isZero, !planned.isNaN, !yearToDate.isNaN else { return nil }
        let percent = yearToDate * 100 / planned
        return rounded(percent, scale: 1)
    }

    /// The mean of some targets' percentages of plan, one decimal; nil without any.
    public static func averagePercent(_ percents: [Decimal]) -> Decimal? {
        guard !percents.isEmpty else { return nil }
        return rounded(percents.reduce(0, +) / Decimal(percents.count), scale: 1)
    }

    /// The share of the year elapsed after week `week`, as a fraction between 0 and 1
    /// (`week / weeksInYear`, clamped): what a target growing in a straight line would have reached.
    /// Compare it with `percentOfPlan / 100` to tell whether a target is falling behind plan.
    /// Returns 0 when `weeksInYear` is not positive.
    public static func straightLineShare(week: Int, weeksInYear: Int) -> Decimal {
        guard weeksInYear > 0 else { return 0 }
        let clamped = Swift.min(Swift.max(week, 0), weeksInYear)
        return Decimal(clamped) / Decimal(weeksInYear)
    }

    /// `value` rounded to `scale` decimals, half away from zero.
    public static func rounded(_ value: Decimal, scale: Int) -> Decimal {
        var input = value
        var result = Decimal()
        NSDecimalRound(&result, &input, scale, .plain)
        return result
    }
}

/// Before a target's weekly figure belonged to the target, several reporters could each give one
/// for the same week. Folding them into the one figure of the week keeps what they meant: a
/// cumulative (`sum`) target keeps their total; a level (`latest`) or a peak (`max`) keeps the
/// figure submitted last, which is what a person entering it later would have replaced it with.
public enum FigureFolding {
    public struct Entry: Hashable, Sendable {
        public var value: Decimal
        public var submittedAt: Date
        public init(value: Decimal, submittedAt: Date) {
            self.value = value
            self.submittedAt = submittedAt
        }
    }

    /// The one figure of a week; nil for no entries. Ties in time keep the larger value.
    public static func fold(_ entries: [Entry], rule: YearToDateRule) -> Decimal? {
        guard !entries.isEmpty else { return nil }
        switch rule {
        case .sum:
            return entries.reduce(Decimal(0)) { $0 + $1.value }
        case .latest, .max:
            return entries.max { ($0.submittedAt, $0.value) < ($1.submittedAt, $1.value) }!.value
        }
    }
}
