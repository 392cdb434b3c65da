import Foundation

/// One year's days off as the commune applies them: the office's confirmed list, or the
/// statutory suggestion while nobody has confirmed it (it applies all the same).
public struct DaysOffYear: Hashable, Codable, Sendable {
    public var year: Int
    public var confirmed: Bool
    public var days: [DayOff]

    public init(year: Int, confirmed: Bool, days: [DayOff]) {
        self.year = year
        self.confirmed = confirmed
        self.days = days.sorted { $0.date < $1.date }
    }
}

/// A commune's days off (ngày nghỉ lễ) and make-up working days (ngày làm bù), year by year. The
/// exact days change every year by government decision, so the office confirms each year's
/// list; until it does, ``StatutoryDaysOff/suggested(year:)`` applies.
public struct DaysOffSchedule: Hashable, Sendable {
    /// The lists the office confirmed, by year.
    public var confirmedYears: [Int: [DayOff]]
    /// Whether years without a confirmed list use the statutory suggestion (false only for
    /// ``none``, a regime without any day off).
    public var suggestsStatutoryDays: Bool

    public init(confirmedYears: [Int: [DayOff]] = [:], suggestsStatutoryDays: Bool = true) {
        self.confirmedYears = confirmedYears
        self.suggestsStatutoryDays = suggestsStatutoryDays
    }

    /// No day off at all: every Monday–Friday works (the pure calendar's default).
    public static let none = DaysOffSchedule(suggestsStatutoryDays: false)

    /// The list that applies in `year`.
    public func year(_ year: Int) -> DaysOffYear {
        if let days = confirmedYears[year] { return DaysOffYear(year: year, confirmed: true, days: days) }
        return DaysOffYear(year: year, confirmed: false,
                           days: suggestsStatutoryDays ? SuggestedDaysOff.days(year: year) : [])
    }

    /// How `date` is listed, if it is: a day off or a make-up working day.
    public func listing(of date: LocalDate) -> DayOff? {
        if let days = confirmedYears[date.year] { return days.first { $0.date == date } }
        guard suggestsStatutoryDays else { return nil }
        return SuggestedDaysOff.listing(of: date)
    }

    /// Monday–Friday unless listed as a day off, and any day listed as a make-up working day.
    public func isWorkingDay(_ date: LocalDate) -> Bool {
        switch listing(of: date)?.kind {
        case .holiday: return false
        case .workday: return true
        case nil: return date.weekday != .saturday && date.weekday != .sunday
        }
    }

    /// Whether `date` is listed as a day off (a weekend is not: the regime's own days are kept).
    public func isHoliday(_ date: LocalDate) -> Bool { listing(of: date)?.kind == .holiday }
}

/// The statutory suggestion, computed once per year: the lunar conversion behind Tết is
/// arithmetic on series of the moon's and sun's positions, too costly to redo per week.
enum SuggestedDaysOff {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var byYear: [Int: [Int: DayOff]] = [:]

    static func days(year: Int) -> [DayOff] {
        table(year: year).values.sorted { $0.date < $1.date }
    }

    static func listing(of date: LocalDate) -> DayOff? {
        table(year: date.year)[date.dayNumber]
    }

    private static func table(year: Int) -> [Int: DayOff] {
        lock.lock()
        defer { lock.unlock() }
        if let table = byYear[year] { return table }
        let table = Dictionary(StatutoryDaysOff.suggested(year: year).map { ($0.date.dayNumber, $0) },
                               uniquingKeysWith: { first, _ in first })
        byYear[year] = table
        return table
    }
}

extension DaysOffYear {
    /// One problem of a submitted list, with the position of the day in the list.
    public struct Problem: Hashable, Sendable {
        public var index: Int
        public var message: String
    }

    public static let maxNameLength = 200
    public static let maxDays = 100

    /// Every problem of a refused list.
    public struct Problems: Error, Hashable, Sendable {
        public var all: [Problem]
    }

    /// The list as the office confirms it, or every problem found (Vietnamese): each day in
    /// `year`, named, listed once; a make-up working day is a Saturday or Sunday (the weekday it
    /// replaces is listed as a day off).
    public static func validated(year: Int, days: [DayOff]) -> Result<DaysOffYear, Problems> {
        var problems: [Problem] = []
        if days.count > maxDays {
            problems.append(Problem(index: maxDays, message: "Một năm có tối đa \(maxDays) ngày nghỉ và ngày làm bù."))
        }
        var seen: Set<LocalDate> = []
        for (index, day) in days.enumerated() {
            if day.date.year != year {
                problems.append(Problem(index: index, message: "Ngày \(day.date.vietnamese) không thuộc năm \(year)."))
            }
            if day.name.trimmedWhitespaceAndNewlines.isEmpty {
                problems.append(Problem(index: index, message: "Ghi tên ngày nghỉ, ví dụ “Quốc khánh”."))
            }
            if day.name.count > maxNameLength {
                problems.append(Problem(index: index, message: "Tên ngày nghỉ quá dài (tối đa \(maxNameLength) ký tự)."))
            }
            if !seen.insert(day.date).inserted {
                problems.append(Problem(index: index, message: "Ngày \(day.date.vietnamese) được liệt kê hai lần."))
            }
            if day.kind == .workday && day.date.weekday != .saturday && day.date.weekday != .sunday {
                problems.append(Problem(index: index, message: "Ngày làm bù phải là thứ Bảy hoặc Chủ nhật (\(day.date.vietnamese) là \(day.date.weekday.vietnameseName))."))
            }
        }
        return problems.isEmpty ? .success(DaysOffYear(year: year, confirmed: true, days: days)) : .failure(Problems(all: problems))
    }
}
