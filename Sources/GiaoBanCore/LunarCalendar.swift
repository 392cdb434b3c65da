import Foundation

/// A day of the Vietnamese lunisolar calendar (âm lịch).
///
/// The initialiser does not validate: whether such a day exists (month 3 may or may not be
/// repeated in a year, a month has 29 or 30 days) is answered by
/// ``VietnameseLunarCalendar/solarDate(lunarYear:month:day:isLeapMonth:)``.
public struct LunarDate: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    /// Numbered like the Gregorian year in which the lunar year's first day (Tết) falls, so lunar
    /// 12/2024 runs into January 2025.
    public let year: Int
    /// 1...12; a leap month carries the number of the month it repeats.
    public let month: Int
    /// 1...30.
    public let day: Int
    /// True for the repeated month (tháng nhuận), which follows the ordinary month of that number.
    public let isLeapMonth: Bool

    public init(year: Int, month: Int, day: Int, isLeapMonth: Bool = false) {
        self.year = year
        self.month = month
        self.day = day
        self.isLeapMonth = isLeapMonth
    }

    /// `10/3/2024`, or `1/2 nhuận/2023` in a leap month.
    public var description: String {
        "\(day)/\(month)\(isLeapMonth ? " nhuận" : "")/\(year)"
    }

    public static func < (lhs: LunarDate, rhs: LunarDate) -> Bool {
        // A leap month comes right after the ordinary month with the same number.
        (lhs.year, lhs.month, lhs.isLeapMonth ? 1 : 0, lhs.day) < (rhs.year, rhs.month, rhs.isLeapMonth ? 1 : 0, rhs.day)
    }
}

/// The Vietnamese lunar calendar, computed for Vietnam's civil time UTC+7 with Hồ Ngọc Đức's
/// algorithm (the one behind the calendars published in Vietnam):
/// - a month starts on the local day of a new moon (Meeus' abridged series);
/// - month 11 is the month that contains the winter solstice;
/// - in a year with 13 new moons between two months 11, the first month without a major solar
///   term (the sun crossing a multiple of 30° of longitude) is the leap month.
///
/// China applies the same rules at UTC+8, so the two calendars differ when a new moon or a solar
/// term falls between 16:00 and 17:00 UT (1985: Tết on 21 January in Vietnam, 20 February in
/// China; 2030: 2 February against 3 February); this is why Foundation's `.chinese` calendar
/// cannot be used.
///
/// Range: every day from 1968 to May 2054 agrees with Hồ Ngọc Đức's published tables. Later, a
/// handful of months start one day later than in those tables, which were computed with longer
/// series (new moons within minutes of midnight, e.g. lunar 1/4/2054 on 2054-05-07). Before 1968
/// Vietnam reckoned the calendar at UTC+8 and the published tables follow China there; this type
/// does not. Far outside 1800–2200 the results stay well defined but are not authoritative.
public enum VietnameseLunarCalendar {
    /// The lunar date of a Gregorian day.
    public static func lunarDate(of date: LocalDate) -> LunarDate {
        let day = julianDayNumber(of: date)
        let monthNumber = newMoonNumber(ofMonthContaining: day)

        // The lunar year ends with months 11 and 12, so the month is placed after the latest
        // month 11 that began at or before it.
        var month11Year = date.year
        if monthNumber < month11Number(gregorianYear: month11Year) { month11Year -= 1 }
        let previousMonth11 = month11Number(gregorianYear: month11Year)
        let nextMonth11 = month11Number(gregorianYear: month11Year + 1)

        let monthsAfter11 = monthNumber - previousMonth11
        var month = (monthsAfter11 + 10) % 12 + 1
        var isLeapMonth = false
        if nextMonth11 - previousMonth11 > 12 {
            let leapOffset = leapMonthOffset(afterMonth11: previousMonth11)
            if monthsAfter11 >= leapOffset {
                month = (monthsAfter11 + 9) % 12 + 1
                isLeapMonth = monthsAfter11 == leapOffset
            }
        }
        // Months 11 and 12 (and a leap 11 or 12) close the lunar year that began before them.
        let lunarYear = month >= 11 && monthsAfter11 <= 2 ? month11Year : month11Year + 1
        return LunarDate(year: lunarYear, month: month, day: day - newMoonDay(monthNumber) + 1, isLeapMonth: isLeapMonth)
    }

    /// The Gregorian day of a lunar date; nil if that day does not exist (month outside 1...12,
    /// day 30 of a 29-day month, a leap month the year does not have) or falls outside the years
    /// 1...9999 that `LocalDate` covers.
    public static func solarDate(lunarYear: Int, month: Int, day: Int, isLeapMonth: Bool = false) -> LocalDate? {
        guard (1...30).contains(day),
              let monthNumber = newMoonNumber(lunarYear: lunarYear, month: month, isLeapMonth: isLeapMonth)
        else { return nil }
        let monthStart = newMoonDay(monthNumber)
        guard day <= newMoonDay(monthNumber + 1) - monthStart else { return nil }
        let date = LocalDate(dayNumber: monthStart + day - 1 - julianDayOfUnixEpoch)
        return (1...9999).contains(date.year) ? date : nil
    }

    /// The Gregorian day of `lunar`, see ``solarDate(lunarYear:month:day:isLeapMonth:)``.
    public static func solarDate(of lunar: LunarDate) -> LocalDate? {
        solarDate(lunarYear: lunar.year, month: lunar.month, day: lunar.day, isLeapMonth: lunar.isLeapMonth)
    }

    /// 29 or 30; nil if the year has no such (leap) month.
    public static func daysInMonth(lunarYear: Int, month: Int, isLeapMonth: Bool = false) -> Int? {
        guard let monthNumber = newMoonNumber(lunarYear: lunarYear, month: month, isLeapMonth: isLeapMonth)
        else { return nil }
        return newMoonDay(monthNumber + 1) - newMoonDay(monthNumber)
    }

    /// The number of the month that is repeated in `lunarYear`, nil in a 12-month year.
    public static func leapMonth(ofLunarYear lunarYear: Int) -> Int? {
        (1...12).first { newMoonNumber(lunarYear: lunarYear, month: $0, isLeapMonth: true) != nil }
    }

    // MARK: Calendar rules
    // Months are handled as numbers of new moons in Meeus' series (0 = 1900-01-01), so that
    // counting months never depends on how many days they have.

    /// Vietnam's civil time, UTC+7: a new moon at 16:30 UT is still on that day here (23:30) but
    /// already on the next one in China (00:30).
    static let utcOffsetInDays = 7.0 / 24

    /// Julian Day Number of 1970-01-01, the origin of `LocalDate.dayNumber`.
    static let julianDayOfUnixEpoch = 2_440_588

    /// Mean length of a lunation, in days.
    static let synodicMonth = 29.530588853

    /// Julian Date of new moon number 0 of Meeus' series (1900-01-01 13:52 UT).
    static let newMoonEpoch = 2_415_021.076998695

    /// Lunar years that can have a day in `LocalDate`'s years 1...9999 (lunar 12/0 ends in
    /// January of year 1); outside them the Gregorian arithmetic could overflow.
    static let supportedLunarYears = 0...9999

    static func julianDayNumber(of date: LocalDate) -> Int {
        date.dayNumber + julianDayOfUnixEpoch
    }

    /// The new moon that starts the lunar month containing Julian day `day`.
    static func newMoonNumber(ofMonthContaining day: Int) -> Int {
        // The mean lunation only gives an estimate: a true new moon can be half a day away from
        // the mean one, enough to put the estimate one month off near a month's first day.
        var number = Int(((Double(day) - newMoonEpoch) / synodicMonth).rounded(.down))
        while newMoonDay(number + 1) <= day { number += 1 }
        while newMoonDay(number) > day { number -= 1 }
        return number
    }

    /// The new moon that starts a lunar month; nil when the month does not exist.
    static func newMoonNumber(lunarYear: Int, month: Int, isLeapMonth: Bool) -> Int? {
        guard supportedLunarYears.contains(lunarYear), (1...12).contains(month) else { return nil }
        // Months 1...10 follow the month 11 that starts in the previous Gregorian year, months
        // 11 and 12 the one that starts in the lunar year's own Gregorian year.
        let month11Year = month < 11 ? lunarYear - 1 : lunarYear
        let previousMonth11 = month11Number(gregorianYear: month11Year)
        let nextMonth11 = month11Number(gregorianYear: month11Year + 1)
        var monthsAfter11 = month >= 11 ? month - 11 : month + 1

        if nextMonth11 - previousMonth11 > 12 {
            let leapOffset = leapMonthOffset(afterMonth11: previousMonth11)
            // The leap month repeats the month before it, which is leapOffset - 1 months after month 11.
            let repeatedMonth = (leapOffset + 9) % 12 + 1
            if isLeapMonth && month != repeatedMonth { return nil }
            if isLeapMonth || monthsAfter11 >= leapOffset { monthsAfter11 += 1 }
        } else if isLeapMonth {
            return nil
        }
        return previousMonth11 + monthsAfter11
    }

    /// The new moon that starts lunar month 11 (the month containing the winter solstice) of
    /// Gregorian `year`, in its November or December.
    static func month11Number(gregorianYear year: Int) -> Int {
        let endOfYear = julianDayNumber(of: LocalDate(unchecked: year, 12, 31))
        let lastNewMoonOfYear = Int((Double(endOfYear - 2_415_021) / synodicMonth).rounded(.down))
        // The sun past 270° at the start of that month means the solstice came before it.
        return majorTermSector(onDay: newMoonDay(lastNewMoonOfYear)) >= 9 ? lastNewMoonOfYear - 1 : lastNewMoonOfYear
    }

    /// In a 13-month year, how many months after month 11 the leap month comes: the first month
    /// during which the sun crosses no multiple of 30°, i.e. starts in the same 30° sector as the
    /// next month.
    static func leapMonthOffset(afterMonth11 month11: Int) -> Int {
        var offset = 1
        var sector = majorTermSector(onDay: newMoonDay(month11 + offset))
        var previousSector: Int
        repeat {
            previousSector = sector
            offset += 1
            sector = majorTermSector(onDay: newMoonDay(month11 + offset))
        } while sector != previousSector && offset < 14
        return offset - 1
    }

    // MARK: Astronomy

    /// Julian Day Number of the local (UTC+7) day on which new moon `k` of Meeus' series falls.
    static func newMoonDay(_ k: Int) -> Int {
        Int((newMoonJulianDate(k) + 0.5 + utcOffsetInDays).rounded(.down))
    }

    /// Julian Date (UT) of new moon `k`, counted from the new moon of 1900-01-01 (Meeus,
    /// "Astronomical Algorithms", the abridged series used by Hồ Ngọc Đức; the coefficients must
    /// stay exactly as published so that the calendar agrees with his tables day for day).
    static func newMoonJulianDate(_ k: Int) -> Double {
        let kk = Double(k)
        let t = kk / 1236.85
        let t2 = t * t
        let t3 = t2 * t
        let dr = Double.pi / 180
        var jd1 = 2_415_020.75933 + 29.53058868 * kk + 0.0001178 * t2 - 0.000000155 * t3
        jd1 += 0.00033 * sin((166.56 + 132.87 * t - 0.009173 * t2) * dr)
        let sunAnomaly = 359.2242 + 29.10535608 * kk - 0.0000333 * t2 - 0.00000347 * t3
        let moonAnomaly = 306.0253 + 385.81691806 * kk + 0.0107306 * t2 + 0.00001236 * t3
        let moonLatitude = 21.2964 + 390.67050646 * kk - 0.0016528 * t2 - 0.00000239 * t3
        var c1 = (0.1734 - 0.000393 * t) * sin(sunAnomaly * dr) + 0.0021 * sin(2 * dr * sunAnomaly)
        c1 -= 0.4068 * sin(moonAnomaly * dr)
        c1 += 0.0161 * sin(dr * 2 * moonAnomaly)
        c1 -= 0.0004 * sin(dr * 3 * moonAnomaly)
        c1 += 0.0104 * sin(dr * 2 * moonLatitude)
        c1 -= 0.0051 * sin(dr * (sunAnomaly + moonAnomaly))
        c1 -= 0.0074 * sin(dr * (sunAnomaly - moonAnomaly))
        c1 += 0.0004 * sin(dr * (2 * moonLatitude + sunAnomaly))
        c1 -= 0.0004 * sin(dr * (2 * moonLatitude - sunAnomaly))
        c1 -= 0.0006 * sin(dr * (2 * moonLatitude + moonAnomaly))
        c1 += 0.0010 * sin(dr * (2 * moonLatitude - moonAnomaly))
        c1 += 0.0005 * sin(dr * (2 * moonAnomaly + sunAnomaly))
        // ΔT (terrestrial minus universal time), in days.
        let deltaT = t < -11
            ? 0.001 + 0.000839 * t + 0.0002261 * t2 - 0.00000845 * t3 - 0.000000081 * t * t3
            : -0.000278 + 0.000265 * t + 0.000262 * t2
        return jd1 + c1 - deltaT
    }

    /// Which 30° sector (0...11, 0 = from the March equinox) the sun is in at the start of local
    /// day `julianDay`; sector 9 begins at the winter solstice.
    static func majorTermSector(onDay julianDay: Int) -> Int {
        let longitude = sunLongitude(julianDate: Double(julianDay) - 0.5 - utcOffsetInDays)
        return Int((longitude / Double.pi * 6).rounded(.down))
    }

    /// The sun's true longitude in radians, 0..<2π (Meeus, low-accuracy series). Nutation and
    /// aberration (about −0.006°) are left out as in Hồ Ngọc Đức's program, whose results the
    /// published calendars reproduce.
    static func sunLongitude(julianDate: Double) -> Double {
        let t = (julianDate - 2_451_545.0) / 36_525
        let t2 = t * t
        let dr = Double.pi / 180
        let meanAnomaly = 357.52910 + 35_999.05030 * t - 0.0001559 * t2 - 0.00000048 * t * t2
        let meanLongitude = 280.46645 + 36_000.76983 * t + 0.0003032 * t2
        var equationOfCentre = (1.914600 - 0.004817 * t - 0.000014 * t2) * sin(dr * meanAnomaly)
        equationOfCentre += (0.019993 - 0.000101 * t) * sin(dr * 2 * meanAnomaly) + 0.000290 * sin(dr * 3 * meanAnomaly)
        let longitude = (meanLongitude + equationOfCentre) * dr
        let fullTurn = Double.pi * 2
        return longitude - fullTurn * (longitude / fullTurn).rounded(.down)
    }
}
