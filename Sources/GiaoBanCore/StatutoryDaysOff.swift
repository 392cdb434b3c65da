import Foundation

/// Whether a listed day is taken off or worked.
public enum DayOffKind: String, Codable, Sendable, CaseIterable {
    /// A public holiday or a compensatory day off (ngày nghỉ bù).
    case holiday
    /// A make-up working day (ngày làm bù), usually a Saturday worked in exchange for a bridge day
    /// the government adds to a holiday.
    case workday
}

/// One entry of a year's list of days off, e.g. 2021-09-02 "Quốc khánh".
public struct DayOff: Hashable, Codable, Sendable {
    public var date: LocalDate
    /// Vietnamese, shown as is.
    public var name: String
    public var kind: DayOffKind

    public init(date: LocalDate, name: String, kind: DayOffKind = .holiday) {
        self.date = date
        self.name = name
        self.kind = kind
    }
}

/// The public holidays of the Labour Code (Bộ luật Lao động 2019, art. 112) for a Gregorian year,
/// as a first draft the office reviews: each year the government fixes the exact Tết and Quốc
/// khánh days, often with bridge days and make-up Saturdays that no rule can predict.
public enum StatutoryDaysOff {
    /// The suggested days off of `year`, sorted by date (all of kind `.holiday`), empty outside
    /// the years 1...9999:
    /// - 01/01 Tết Dương lịch;
    /// - Tết Nguyên Đán: the last day of the lunar year and the first 4 days of the next;
    /// - 10/3 lunar Giỗ Tổ Hùng Vương; 30/04 Ngày Chiến thắng; 01/05 Ngày Quốc tế Lao động;
    /// - 02/09 Quốc khánh and an adjacent day: 03/09 when 02/09 is a Thursday or a Monday,
    ///   otherwise 01/09 (see `quocKhanhAdjacentDay(year:)`);
    /// - for each of these on a Saturday or Sunday, a compensatory day off (art. 111 §3) on the
    ///   next Monday–Friday not already off, named "Nghỉ bù " + the holiday's name.
    ///
    /// Giỗ Tổ can fall on 30/04 (by this calendar in 1947, and not again before 2200); both
    /// entries are then listed on that day and no extra day is given, as the Code has no rule.
    public static func suggested(year: Int) -> [DayOff] {
        guard let newYearsDay = LocalDate(year: year, month: 1, day: 1),
              let tet = VietnameseLunarCalendar.solarDate(lunarYear: year, month: 1, day: 1),
              let hungKingsDay = VietnameseLunarCalendar.solarDate(lunarYear: year, month: 3, day: 10)
        else { return [] }

        var holidays = [DayOff(date: newYearsDay, name: "Tết Dương lịch")]
        holidays += (-1...3).map { DayOff(date: tet.adding(days: $0), name: "Tết Nguyên Đán") }
        holidays.append(DayOff(date: hungKingsDay, name: "Giỗ Tổ Hùng Vương"))
        holidays.append(DayOff(date: LocalDate(unchecked: year, 4, 30), name: "Ngày Chiến thắng"))
        holidays.append(DayOff(date: LocalDate(unchecked: year, 5, 1), name: "Ngày Quốc tế Lao động"))
        holidays.append(DayOff(date: LocalDate(unchecked: year, 9, 2), name: "Quốc khánh"))
        holidays.append(DayOff(date: quocKhanhAdjacentDay(year: year), name: "Quốc khánh"))
        holidays.sort(by: DayOff.chronologically)

        var daysAlreadyOff = Set(holidays.map(\.date))
        var compensatoryDays: [DayOff] = []
        for holiday in holidays where holiday.date.weekday.isWeekend {
            var day = holiday.date.adding(days: 1)
            while day.weekday.isWeekend || daysAlreadyOff.contains(day) {
                day = day.adding(days: 1)
            }
            daysAlreadyOff.insert(day)
            compensatoryDays.append(DayOff(date: day, name: "Nghỉ bù \(holiday.name)"))
        }
        return (holidays + compensatoryDays).sorted(by: DayOff.chronologically)
    }

    /// The second Quốc khánh day, which the Labour Code leaves as "the day before or after 2/9".
    /// The rule follows the government's recent choices: Friday 03/09 when 02/09 is a Thursday
    /// (a four-day weekend, as in 2021), otherwise 01/09, except 03/09 when 01/09 is a Sunday (so
    /// the day is not lost to the weekend, as in 2024).
    static func quocKhanhAdjacentDay(year: Int) -> LocalDate {
        let nationalDay = LocalDate(unchecked: year, 9, 2)
        switch nationalDay.weekday {
        case .thursday, .monday: return nationalDay.adding(days: 1)
        default: return nationalDay.adding(days: -1)
        }
    }
}

extension DayOff {
    /// Date first; the rest only makes the order total so that sorting is deterministic.
    static func chronologically(_ lhs: DayOff, _ rhs: DayOff) -> Bool {
        (lhs.date.dayNumber, lhs.kind.rawValue, lhs.name) < (rhs.date.dayNumber, rhs.kind.rawValue, rhs.name)
    }
}

extension Weekday {
    /// Saturday and Sunday, the weekly rest of offices (civil servants work Monday–Friday).
    var isWeekend: Bool { self == .saturday || self == .sunday }
}
