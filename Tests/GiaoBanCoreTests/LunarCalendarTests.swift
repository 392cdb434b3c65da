import Foundation
import Testing
@testable import GiaoBanCore

/// A date from "yyyy-MM-dd" (test data is known to be valid).
private func date(_ iso: String) -> LocalDate {
    guard let date = LocalDate(iso: iso) else { fatalError("bad fixture date \(iso)") }
    return date
}

@Suite("Vietnamese lunar calendar")
struct LunarCalendarTests {
    // Tết dates as published by Vietnamese calendars (Hồ Ngọc Đức's tables). 2030 is on 2 February
    // in Vietnam: the new moon is at 16:09 UT, 23:09 in Hà Nội but 00:09 on 3 February in Beijing,
    // so Chinese calendars (and Foundation's `.chinese`) give 3 February.
    @Test("Tết Nguyên Đán 2021–2030", arguments: [
        (2021, "2021-02-12"), (2022, "2022-02-01"), (2023, "2023-01-22"), (2024, "2024-02-10"),
        (2025, "2025-01-29"), (2026, "2026-02-17"), (2027, "2027-02-06"), (2028, "2028-01-26"),
        (2029, "2029-02-13"), (2030, "2030-02-02"),
    ])
    func tet(year: Int, expected: String) {
        #expect(VietnameseLunarCalendar.solarDate(lunarYear: year, month: 1, day: 1) == date(expected))
        #expect(VietnameseLunarCalendar.lunarDate(of: date(expected)) == LunarDate(year: year, month: 1, day: 1))
    }

    @Test("Giỗ Tổ Hùng Vương (10/3 lunar) 2021–2030", arguments: [
        (2021, "2021-04-21"), (2022, "2022-04-10"), (2023, "2023-04-29"), (2024, "2024-04-18"),
        (2025, "2025-04-07"), (2026, "2026-04-26"), (2027, "2027-04-16"), (2028, "2028-04-04"),
        (2029, "2029-04-23"), (2030, "2030-04-12"),
    ])
    func hungKingsDay(year: Int, expected: String) {
        #expect(VietnameseLunarCalendar.solarDate(lunarYear: year, month: 3, day: 10) == date(expected))
        #expect(VietnameseLunarCalendar.lunarDate(of: date(expected)) == LunarDate(year: year, month: 3, day: 10))
    }

    @Test("UTC+7, not China's UTC+8: Tết 1985 and 2007")
    func vietnameseNotChineseTet() {
        // 1985: the new moon of 21 January fell at 16:28 UT, so Vietnam's month 1 began a month
        // before China's; 20 February, China's Tết, is 1/2 in Vietnam.
        #expect(VietnameseLunarCalendar.solarDate(lunarYear: 1985, month: 1, day: 1) == date("1985-01-21"))
        #expect(VietnameseLunarCalendar.lunarDate(of: date("1985-02-20")) == LunarDate(year: 1985, month: 2, day: 1))
        #expect(VietnameseLunarCalendar.lunarDate(of: date("1985-01-20")) == LunarDate(year: 1984, month: 12, day: 30))
        // 2007: 17 February in Vietnam, 18 February in China.
        #expect(VietnameseLunarCalendar.solarDate(lunarYear: 2007, month: 1, day: 1) == date("2007-02-17"))
    }

    @Test("leap months", arguments: [
        (2020, 4 as Int?), (2021, nil), (2023, 2), (2024, nil), (2025, 6), (2026, nil), (2028, 5), (2033, 11),
    ])
    func leapMonth(year: Int, expected: Int?) {
        #expect(VietnameseLunarCalendar.leapMonth(ofLunarYear: year) == expected)
    }

    @Test("a leap month follows the ordinary month of the same number")
    func leapMonthDays() {
        // 2023 (Quý Mão): month 2 from 20 February, leap month 2 from 22 March, month 3 from 20 April.
        #expect(VietnameseLunarCalendar.solarDate(lunarYear: 2023, month: 2, day: 1) == date("2023-02-20"))
        #expect(VietnameseLunarCalendar.solarDate(lunarYear: 2023, month: 2, day: 1, isLeapMonth: true) == date("2023-03-22"))
        #expect(VietnameseLunarCalendar.lunarDate(of: date("2023-03-22")) == LunarDate(year: 2023, month: 2, day: 1, isLeapMonth: true))
        #expect(VietnameseLunarCalendar.lunarDate(of: date("2023-04-20")) == LunarDate(year: 2023, month: 3, day: 1))
        // 2025 (Ất Tỵ): leap month 6 from 25 July (29 days), month 7 from 23 August.
        #expect(VietnameseLunarCalendar.solarDate(lunarYear: 2025, month: 6, day: 1, isLeapMonth: true) == date("2025-07-25"))
        #expect(VietnameseLunarCalendar.lunarDate(of: date("2025-08-23")) == LunarDate(year: 2025, month: 7, day: 1))
        // 2033: the rare leap month 11, which still belongs to lunar year 2033.
        #expect(VietnameseLunarCalendar.lunarDate(of: date("2033-12-22")) == LunarDate(year: 2033, month: 11, day: 1, isLeapMonth: true))
        #expect(LunarDate(year: 2023, month: 2, day: 29) < LunarDate(year: 2023, month: 2, day: 1, isLeapMonth: true))
        #expect(LunarDate(year: 2023, month: 2, day: 29, isLeapMonth: true) < LunarDate(year: 2023, month: 3, day: 1))
    }

    @Test("days that do not exist give nil")
    func invalidLunarDates() {
        #expect(VietnameseLunarCalendar.solarDate(lunarYear: 2024, month: 2, day: 1, isLeapMonth: true) == nil)
        #expect(VietnameseLunarCalendar.solarDate(lunarYear: 2023, month: 3, day: 1, isLeapMonth: true) == nil)
        #expect(VietnameseLunarCalendar.solarDate(lunarYear: 2024, month: 13, day: 1) == nil)
        #expect(VietnameseLunarCalendar.solarDate(lunarYear: 2024, month: 0, day: 1) == nil)
        #expect(VietnameseLunarCalendar.solarDate(lunarYear: 2024, month: 1, day: 0) == nil)
        #expect(VietnameseLunarCalendar.solarDate(lunarYear: 2024, month: 1, day: 31) == nil)
        #expect(VietnameseLunarCalendar.solarDate(lunarYear: 10_000, month: 1, day: 1) == nil)
        #expect(VietnameseLunarCalendar.solarDate(lunarYear: Int.max, month: 1, day: 1) == nil)
        #expect(VietnameseLunarCalendar.daysInMonth(lunarYear: 2024, month: 4, isLeapMonth: true) == nil)
        // Lunar 12/2024 has 29 days (no "30 Tết" before Ất Tỵ), 12/2022 has 30.
        #expect(VietnameseLunarCalendar.daysInMonth(lunarYear: 2024, month: 12) == 29)
        #expect(VietnameseLunarCalendar.solarDate(lunarYear: 2024, month: 12, day: 30) == nil)
        #expect(VietnameseLunarCalendar.solarDate(lunarYear: 2024, month: 12, day: 29) == date("2025-01-28"))
        #expect(VietnameseLunarCalendar.daysInMonth(lunarYear: 2022, month: 12) == 30)
        #expect(VietnameseLunarCalendar.solarDate(lunarYear: 2022, month: 12, day: 30) == date("2023-01-21"))
    }

    @Test("every day of 2000–2040 converts back to itself, day after day")
    func roundTrip() {
        var previous: LunarDate?
        for dayNumber in date("2000-01-01").dayNumber...date("2040-12-31").dayNumber {
            let solar = LocalDate(dayNumber: dayNumber)
            let lunar = VietnameseLunarCalendar.lunarDate(of: solar)
            #expect(VietnameseLunarCalendar.solarDate(of: lunar) == solar, "\(solar) → \(lunar)")
            if let previous {
                #expect(previous < lunar, "\(solar): \(previous) then \(lunar)")
                if lunar.day == 1 {
                    #expect(previous.day == 29 || previous.day == 30, "\(solar): month of \(previous.day) days")
                    #expect(VietnameseLunarCalendar.daysInMonth(lunarYear: previous.year, month: previous.month,
                                                                isLeapMonth: previous.isLeapMonth) == previous.day)
                } else {
                    #expect(lunar.day == previous.day + 1 && lunar.month == previous.month
                        && lunar.isLeapMonth == previous.isLeapMonth && lunar.year == previous.year, "\(solar)")
                }
            }
            previous = lunar
        }
    }

    @Test("the first and last years of LocalDate still give valid lunar dates", arguments: [
        "0001-01-01", "0001-07-15", "9999-01-01", "9999-12-31",
    ])
    func extremeYears(iso: String) {
        let lunar = VietnameseLunarCalendar.lunarDate(of: date(iso))
        #expect((1...12).contains(lunar.month) && (1...30).contains(lunar.day))
        #expect(VietnameseLunarCalendar.solarDate(of: lunar) == date(iso))
    }

    @Test("description marks leap months")
    func description() {
        #expect(LunarDate(year: 2024, month: 3, day: 10).description == "10/3/2024")
        #expect(LunarDate(year: 2023, month: 2, day: 1, isLeapMonth: true).description == "1/2 nhuận/2023")
    }
}

@Suite("Statutory days off")
struct StatutoryDaysOffTests {
    private func holiday(_ iso: String, _ name: String) -> DayOff {
        DayOff(date: date(iso), name: name, kind: .holiday)
    }

    @Test("2021: Tết from 30 Tết with two compensatory days, 1/5 on a Saturday, 2–3/9")
    func suggestion2021() {
        #expect(StatutoryDaysOff.suggested(year: 2021) == [
            holiday("2021-01-01", "Tết Dương lịch"),
            holiday("2021-02-11", "Tết Nguyên Đán"),
            holiday("2021-02-12", "Tết Nguyên Đán"),
            holiday("2021-02-13", "Tết Nguyên Đán"),
            holiday("2021-02-14", "Tết Nguyên Đán"),
            holiday("2021-02-15", "Tết Nguyên Đán"),
            holiday("2021-02-16", "Nghỉ bù Tết Nguyên Đán"),
            holiday("2021-02-17", "Nghỉ bù Tết Nguyên Đán"),
            holiday("2021-04-21", "Giỗ Tổ Hùng Vương"),
            holiday("2021-04-30", "Ngày Chiến thắng"),
            holiday("2021-05-01", "Ngày Quốc tế Lao động"),
            holiday("2021-05-03", "Nghỉ bù Ngày Quốc tế Lao động"),
            holiday("2021-09-02", "Quốc khánh"),
            holiday("2021-09-03", "Quốc khánh"),
        ])
    }

    @Test("Tết covers the last day of the lunar year, 29 Tết when month 12 is short")
    func tetWithShortTwelfthMonth() {
        // Lunar 12/2024 has 29 days: Tết Ất Tỵ 2025 starts on 29 Tết, Tuesday 28 January.
        let tet = StatutoryDaysOff.suggested(year: 2025).filter { $0.name == "Tết Nguyên Đán" }.map(\.date)
        #expect(tet == ["2025-01-28", "2025-01-29", "2025-01-30", "2025-01-31", "2025-02-01"].map(date))
    }

    @Test("holidays on a weekend are made up on the next working day not already off")
    func compensatoryDays() {
        // 2023: Giỗ Tổ on Saturday 29/4 and 30/4 on Sunday, before Monday 1/5 (as decided that year).
        let days = StatutoryDaysOff.suggested(year: 2023)
        #expect(days.contains(holiday("2023-01-02", "Nghỉ bù Tết Dương lịch")))
        #expect(days.contains(holiday("2023-05-02", "Nghỉ bù Giỗ Tổ Hùng Vương")))
        #expect(days.contains(holiday("2023-05-03", "Nghỉ bù Ngày Chiến thắng")))
        #expect(days.contains(holiday("2023-09-04", "Nghỉ bù Quốc khánh")))
        // 2022: 30/4 and 1/5 on the weekend give Monday 2 and Tuesday 3 May.
        let days2022 = StatutoryDaysOff.suggested(year: 2022)
        #expect(days2022.contains(holiday("2022-05-02", "Nghỉ bù Ngày Chiến thắng")))
        #expect(days2022.contains(holiday("2022-05-03", "Nghỉ bù Ngày Quốc tế Lao động")))
    }

    @Test("the second Quốc khánh day", arguments: [
        (2018, "2018-09-01"), // 2/9 Sunday: Saturday 1/9, then two compensatory days
        (2019, "2019-09-03"), // 2/9 Monday: 1/9 is a Sunday
        (2021, "2021-09-03"), // 2/9 Thursday: Friday 3/9
        (2022, "2022-09-01"), (2023, "2023-09-01"), (2024, "2024-09-03"), (2025, "2025-09-01"), (2026, "2026-09-01"),
    ])
    func quocKhanhAdjacentDay(year: Int, expected: String) {
        #expect(StatutoryDaysOff.quocKhanhAdjacentDay(year: year) == date(expected))
        #expect(StatutoryDaysOff.suggested(year: year).contains(holiday(expected, "Quốc khánh")))
    }

    @Test("2000–2100: eleven holidays plus one working day off per weekend holiday, sorted")
    func suggestionShape() {
        for year in 2000...2100 {
            let days = StatutoryDaysOff.suggested(year: year)
            let compensatory = days.filter { $0.name.hasPrefix("Nghỉ bù ") }
            let holidays = days.filter { !$0.name.hasPrefix("Nghỉ bù ") }
            #expect(holidays.count == 11, "\(year)")
            #expect(compensatory.count == holidays.filter { $0.date.weekday.isWeekend }.count, "\(year)")
            #expect(compensatory.allSatisfy { !$0.date.weekday.isWeekend }, "\(year)")
            #expect(Set(days.map(\.date)).count == days.count, "\(year): two entries on one day")
            #expect(days.map(\.date) == days.map(\.date).sorted(), "\(year)")
            #expect(days.allSatisfy { $0.kind == .holiday && $0.date.year == year }, "\(year)")
        }
        #expect(StatutoryDaysOff.suggested(year: 0).isEmpty)
        #expect(StatutoryDaysOff.suggested(year: 10_000).isEmpty)
    }

    @Test("DayOff is stored as an ISO date, a name and a kind")
    func codable() throws {
        let day = DayOff(date: date("2021-09-04"), name: "Làm bù", kind: .workday)
        let json = try JSONEncoder().encode(day)
        #expect(try JSONDecoder().decode(DayOff.self, from: json) == day)
        let object = try JSONSerialization.jsonObject(with: json) as? [String: String]
        #expect(object == ["date": "2021-09-04", "name": "Làm bù", "kind": "workday"])
    }
}

@Suite("Days-off schedule")
struct DaysOffScheduleTests {
    @Test("without days off, Monday to Friday work")
    func none() {
        #expect(DaysOffSchedule.none.isWorkingDay(date("2021-09-02")))  // Thursday
        #expect(DaysOffSchedule.none.isWorkingDay(date("2021-09-03")))  // Friday
        #expect(!DaysOffSchedule.none.isWorkingDay(date("2021-09-04"))) // Saturday
        #expect(!DaysOffSchedule.none.isWorkingDay(date("2021-09-05"))) // Sunday
    }

    @Test("holidays are off, a make-up Saturday works")
    func holidaysAndMakeUpWorkdays() {
        let schedule = DaysOffSchedule(confirmedYears: [2021: StatutoryDaysOff.suggested(year: 2021) + [
            DayOff(date: date("2021-02-20"), name: "Làm bù", kind: .workday),
        ]])
        #expect(!schedule.isWorkingDay(date("2021-09-02")))
        #expect(!schedule.isWorkingDay(date("2021-09-03")))
        #expect(schedule.isWorkingDay(date("2021-09-06")))
        #expect(!schedule.isWorkingDay(date("2021-02-16")))  // Nghỉ bù Tết, a Tuesday
        #expect(schedule.isWorkingDay(date("2021-02-18")))
        #expect(schedule.isWorkingDay(date("2021-02-20")))   // Saturday listed as a workday
        #expect(!schedule.isWorkingDay(date("2021-02-21")))  // the Sunday after stays off
        #expect(!schedule.isWorkingDay(date("2021-02-27")))  // an ordinary Saturday
        #expect(schedule.listing(of: date("2021-09-03")) == DayOff(date: date("2021-09-03"), name: "Quốc khánh"))
    }

    @Test("a confirmed year replaces the suggestion; other years keep it")
    func confirmedReplacesSuggestion() {
        let schedule = DaysOffSchedule(confirmedYears: [2021: [DayOff(date: date("2021-09-02"), name: "Quốc khánh")]])
        #expect(schedule.year(2021).confirmed && schedule.year(2021).days.count == 1)
        #expect(schedule.isWorkingDay(date("2021-09-03")))
        #expect(!schedule.year(2022).confirmed)
        #expect(schedule.year(2022).days == StatutoryDaysOff.suggested(year: 2022))
        #expect(!schedule.isWorkingDay(date("2022-09-02")))
    }
}
