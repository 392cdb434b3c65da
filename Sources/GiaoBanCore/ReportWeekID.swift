import Foundation

/// The name of a reporting week, written `YYYY-Www` (e.g. "2021-W33").
///
/// Naming rule (SPEC §2): a report week carries the ISO-8601 week number and ISO year of its
/// **last day**. With the letter's Saturday start the last day is the Friday, so the week
/// Sat 14/08/2021 – Fri 20/08/2021 is "2021-W33" because Friday 20/08/2021 is in ISO week 33.
/// For any other start day the same rule applies (a Monday-start week is exactly its ISO week;
/// a Sunday-start week is named by its Saturday). Every ISO week contains exactly one day of each
/// weekday, so this is a one-to-one mapping between report weeks and ISO weeks: no gaps, no
/// duplicates, 52 or 53 weeks per reporting year.
///
/// `init(year:week:)` does not validate; ``CommuneCalendar/week(_:)`` checks that the week exists.
/// Codable as its string form.
public struct ReportWeekID: Hashable, Comparable, Codable, Sendable, CustomStringConvertible, LosslessStringConvertible {
    public let year: Int
    public let week: Int

    public init(year: Int, week: Int) {
        self.year = year
        self.week = week
    }

    /// Parses exactly `YYYY-Www`: four ASCII digits, "-", capital "W", two digits 01...53.
    /// Anything else (lowercase "w", one-digit week, whitespace, suffixes) gives nil.
    /// Whether week 53 exists in that year is checked by ``CommuneCalendar/week(_:)``.
    public init?(_ description: String) {
        let b = Array(description.utf8)
        guard b.count == 8, b[4] == UInt8(ascii: "-"), b[5] == UInt8(ascii: "W"),
              let y = ASCII.number(b[0..<4]), let w = ASCII.number(b[6..<8]), (1...53).contains(w)
        else { return nil }
        self.init(year: y, week: w)
    }

    /// "2021-W33" (year padded to four digits, week to two).
    public var description: String { "\(ASCII.padded(year, 4))-W\(ASCII.padded(week, 2))" }

    public static func < (lhs: ReportWeekID, rhs: ReportWeekID) -> Bool {
        (lhs.year, lhs.week) < (rhs.year, rhs.week)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let id = ReportWeekID(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "Expected a YYYY-Www week, got \"\(text)\"")
        }
        self = id
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// ISO-8601 week arithmetic (weeks start on Monday; week 1 is the week with the year's first Thursday).
public enum WeekNaming {
    /// ISO year and week number of `date`.
    public static func isoWeek(of date: LocalDate) -> ReportWeekID {
        // The ISO year of a week is the calendar year of its Thursday.
        let thursday = date.adding(days: Weekday.thursday.rawValue - date.weekday.rawValue)
        return ReportWeekID(year: thursday.year, week: (thursday.dayOfYear - 1) / 7 + 1)
    }

    /// 53 for ISO years that have a week 53 (e.g. 2015, 2020, 2026, 2032), otherwise 52.
    public static func weeksInISOYear(_ year: Int) -> Int {
        // 28 December is always in the last ISO week of its year.
        isoWeek(of: LocalDate(unchecked: year, 12, 28)).week
    }

    /// Monday of ISO week `week` of ISO year `year` (no range check; week 0 or 54 run on into the
    /// neighbouring years).
    public static func monday(ofISOWeek week: Int, year: Int) -> LocalDate {
        // 4 January is always in week 1.
        let jan4 = LocalDate(unchecked: year, 1, 4)
        return jan4.adding(days: 1 - jan4.weekday.rawValue + (week - 1) * 7)
    }
}
