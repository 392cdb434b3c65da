import Foundation
import Testing
@testable import GiaoBanCore

private let periodRules: [MonthlyPeriodRule] = [.calendarMonth, .cutOff(day: 15)]

@Suite("Monthly reporting periods")
struct ReportingPeriodTests {
    @Test("every month of 2021 under both periodRules: contiguous, non-overlapping, covering the year", arguments: periodRules)
    func year2021(rule: MonthlyPeriodRule) {
        let periods = ReportingPeriods.periods(inYear: 2021, rule: rule)
        #expect(periods.map(\.month) == Array(1...12))
        #expect(periods.allSatisfy { $0.year == 2021 && $0.rule == rule && $0.firstDay <= $0.lastDay })
        for (a, b) in zip(periods, periods.dropFirst()) {
            #expect(a.lastDay.adding(days: 1) == b.firstDay)
        }
        #expect(periods.reduce(0) { $0 + $1.dayCount } == 365)
        switch rule {
        case .calendarMonth:
            #expect(periods.first?.firstDay == CalFixture.day("2021-01-01"))
            #expect(periods.last?.lastDay == CalFixture.day("2021-12-31"))
            #expect(periods.map(\.dayCount) == [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
        case .cutOff:
            #expect(periods.first?.firstDay == CalFixture.day("2020-12-15"))
            #expect(periods.last?.lastDay == CalFixture.day("2021-12-14"))
            #expect(periods.map(\.dayCount) == [31, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30])
        }
        // Every day of the covered span lies in exactly one period.
        var day = periods[0].firstDay
        while day <= periods[11].lastDay {
            #expect(periods.filter { $0.contains(day) }.count == 1)
            day = day.adding(days: 1)
        }
    }

    @Test("the cut-off: 15th of the previous month to the 14th, January spanning the year boundary")
    func cutOff() {
        let rule = MonthlyPeriodRule.stateCutOff
        let january = ReportingPeriods.period(forMonth: 1, year: 2021, rule: rule)
        #expect(january.firstDay == CalFixture.day("2020-12-15"))
        #expect(january.lastDay == CalFixture.day("2021-01-14"))
        #expect(january.title == "Tháng 1/2021: 15/12/2020 – 14/01/2021")
        #expect(january.previous == ReportingPeriods.period(forMonth: 12, year: 2020, rule: rule))
        #expect(january.previous.lastDay == CalFixture.day("2020-12-14"))
        #expect(january.previous.next == january)
        let march = ReportingPeriods.period(forMonth: 3, year: 2021, rule: rule)
        #expect((march.firstDay.iso, march.lastDay.iso) == ("2021-02-15", "2021-03-14"))
        // Other cut-off days.
        let fifth = ReportingPeriods.period(forMonth: 1, year: 2021, rule: .cutOff(day: 5))
        #expect((fifth.firstDay.iso, fifth.lastDay.iso) == ("2020-12-05", "2021-01-04"))
        let late = ReportingPeriods.period(forMonth: 3, year: 2021, rule: .cutOff(day: 28))
        #expect((late.firstDay.iso, late.lastDay.iso) == ("2021-02-28", "2021-03-27"))
    }

    @Test("leap years: February and the cut-off March period grow by a day")
    func leapYears() {
        for (year, leap) in [(2020, true), (2021, false), (2024, true), (2000, true), (2100, false)] {
            let february = ReportingPeriods.period(forMonth: 2, year: year, rule: .calendarMonth)
            #expect(february.dayCount == (leap ? 29 : 28))
            #expect(february.lastDay.day == (leap ? 29 : 28))
            let march = ReportingPeriods.period(forMonth: 3, year: year, rule: .stateCutOff)
            #expect(march.dayCount == (leap ? 29 : 28))
            #expect(ReportingPeriods.periods(inYear: year, rule: .stateCutOff).reduce(0) { $0 + $1.dayCount }
                    == (LocalDate.isLeapYear(year) ? 366 : 365))
            #expect(ReportingPeriods.periods(inYear: year, rule: .calendarMonth).reduce(0) { $0 + $1.dayCount }
                    == (leap ? 366 : 365))
        }
        #expect(ReportingPeriods.period(containing: CalFixture.day("2024-02-29"), rule: .stateCutOff).month == 3)
        #expect(ReportingPeriods.period(containing: CalFixture.day("2024-02-29"), rule: .calendarMonth).month == 2)
    }

    @Test("period(containing:) for every day of 2019–2030 contains the day; cut-off days move to next month")
    func containing() {
        for rule in periodRules + [.cutOff(day: 2), .cutOff(day: 28)] {
            var day = CalFixture.day("2019-01-01")
            while day <= CalFixture.day("2030-12-31") {
                let period = ReportingPeriods.period(containing: day, rule: rule)
                #expect(period.contains(day))
                #expect(period == ReportingPeriods.period(forMonth: period.month, year: period.year, rule: rule))
                day = day.adding(days: 1)
            }
        }
        let rule = MonthlyPeriodRule.stateCutOff
        func month(_ iso: String) -> String { ReportingPeriods.period(containing: CalFixture.day(iso), rule: rule).reportMonth.description }
        #expect(month("2021-01-14") == "2021-01")
        #expect(month("2021-01-15") == "2021-02")
        #expect(month("2021-12-14") == "2021-12")
        #expect(month("2021-12-15") == "2022-01")
        #expect(month("2021-12-31") == "2022-01")
        #expect(month("2022-01-01") == "2022-01")
    }

    @Test("months outside 1...12 are normalised across years")
    func normalising() {
        #expect(ReportingPeriods.period(forMonth: 13, year: 2021, rule: .calendarMonth)
                == ReportingPeriods.period(forMonth: 1, year: 2022, rule: .calendarMonth))
        #expect(ReportingPeriods.period(forMonth: 0, year: 2021, rule: .stateCutOff)
                == ReportingPeriods.period(forMonth: 12, year: 2020, rule: .stateCutOff))
        #expect(ReportingPeriods.period(forMonth: -11, year: 2021, rule: .calendarMonth).reportMonth.description == "2020-01")
        let december = ReportingPeriods.period(forMonth: 12, year: 2021, rule: .calendarMonth)
        #expect(december.next.reportMonth.description == "2022-01")
    }

    @Test("rule settings: validation, titles, JSON form")
    func ruleSettings() throws {
        #expect(try MonthlyPeriodRule.calendarMonth.validated() == .calendarMonth)
        #expect(try MonthlyPeriodRule.stateCutOff.validated() == .cutOff(day: 15))
        #expect(throws: CalendarError.invalidSettings("Ngày chốt số liệu báo cáo tháng phải là một ngày từ 2 đến 28.")) {
            _ = try MonthlyPeriodRule.cutOff(day: 31).validated()
        }
        #expect(throws: CalendarError.self) { _ = try MonthlyPeriodRule.cutOff(day: 1).validated() }
        // Unvalidated values are clamped rather than producing impossible dates.
        #expect(ReportingPeriods.period(forMonth: 3, year: 2021, rule: .cutOff(day: 31)).lastDay == CalFixture.day("2021-03-27"))
        #expect(MonthlyPeriodRule.stateCutOff.title == "Từ ngày 15 tháng trước đến ngày 14 tháng báo cáo")
        #expect(MonthlyPeriodRule.calendarMonth.title == "Theo tháng dương lịch")
        let data = try JSONEncoder().encode([MonthlyPeriodRule.calendarMonth, .stateCutOff])
        #expect(String(decoding: data, as: UTF8.self) == #"["calendarMonth","cutOff:15"]"#)
        #expect(try JSONDecoder().decode([MonthlyPeriodRule].self, from: data) == [.calendarMonth, .stateCutOff])
        #expect(throws: DecodingError.self) { _ = try JSONDecoder().decode([MonthlyPeriodRule].self, from: Data(#"["cutoff:15"]"#.utf8)) }
        #expect(MonthlyPeriodRule(string: "cutOff:") == nil)
    }

    @Test("report months: parsing, JSON, arithmetic")
    func reportMonths() throws {
        let month = try #require(ReportMonth("2021-08"))
        #expect(month.title == "Tháng 8/2021")
        #expect(month.vietnamese == "08/2021")
        #expect(month.next.description == "2021-09")
        #expect(ReportMonth(year: 2021, month: 12)!.next.description == "2022-01")
        #expect(ReportMonth(year: 2021, month: 1)!.previous.description == "2020-12")
        #expect(ReportMonth("2021-13") == nil && ReportMonth("2021-8") == nil && ReportMonth(year: 2021, month: 0) == nil)
        #expect(ReportMonth(CalFixture.day("2021-08-14")) == month)
        let data = try JSONEncoder().encode(month)
        #expect(String(decoding: data, as: UTF8.self) == #""2021-08""#)
        #expect(try JSONDecoder().decode(ReportMonth.self, from: data) == month)
    }
}

@Suite("Weeks feeding a monthly report")
struct PeriodWeeksTests {
    let calendar = CalFixture.calendar

    @Test("August 2021: the weeks whose Friday is in August, W33 included")
    func august2021() throws {
        let august = ReportingPeriods.period(forMonth: 8, year: 2021, rule: .calendarMonth)
        #expect(ReportingPeriods.weeks(in: august, calendar: calendar).map(\.description)
                == ["2021-W31", "2021-W32", "2021-W33", "2021-W34"])
        // Fridays 06, 13, 20, 27/08. With the cut-off: Fridays 16/07 … 13/08.
        let cut = ReportingPeriods.period(forMonth: 8, year: 2021, rule: .stateCutOff)
        #expect(ReportingPeriods.weeks(in: cut, calendar: calendar).map(\.description)
                == ["2021-W28", "2021-W29", "2021-W30", "2021-W31", "2021-W32"])
        let w33 = try calendar.week(parsing: "2021-W33")
        #expect(ReportingPeriods.period(of: w33, rule: .calendarMonth) == august)
        #expect(ReportingPeriods.period(of: w33, rule: .stateCutOff).month == 9)
    }

    @Test("calendar months: the twelve periods partition the year's weeks, 2015–2035, any week start",
          arguments: Weekday.allCases)
    func partitionCalendarMonths(start: Weekday) {
        let calendar = CommuneCalendar(settings: CalFixture.settings(weekStart: start))
        for year in 2015...2035 {
            let perMonth = ReportingPeriods.periods(inYear: year, rule: .calendarMonth)
                .map { ReportingPeriods.weeks(in: $0, calendar: calendar) }
            #expect(perMonth.flatMap { $0 } == calendar.weeks(inYear: year).map(\.id))
            #expect(perMonth.allSatisfy { (4...5).contains($0.count) })
            #expect(ReportingPeriods.weeksToDate(throughMonth: 12, year: year, rule: .calendarMonth, calendar: calendar)
                    == calendar.weeks(inYear: year).map(\.id))
        }
    }

    @Test("the year boundary: 2020-W53 (Friday 01/01/2021) stays in December 2020 under calendar months")
    func yearBoundary() throws {
        let w53 = try calendar.week(parsing: "2020-W53")
        #expect(w53.end == CalFixture.day("2021-01-01"))
        #expect(ReportingPeriods.period(of: w53, rule: .calendarMonth).reportMonth.description == "2020-12")
        let december2020 = ReportingPeriods.period(forMonth: 12, year: 2020, rule: .calendarMonth)
        #expect(ReportingPeriods.weeks(in: december2020, calendar: calendar).map(\.description)
                == ["2020-W49", "2020-W50", "2020-W51", "2020-W52", "2020-W53"])
        let january2021 = ReportingPeriods.period(forMonth: 1, year: 2021, rule: .calendarMonth)
        #expect(ReportingPeriods.weeks(in: january2021, calendar: calendar).map(\.description)
                == ["2021-W01", "2021-W02", "2021-W03", "2021-W04"])
        // Under the cut-off January 2021 (15/12/2020 – 14/01/2021) takes the weeks by their Friday.
        let cutJanuary = ReportingPeriods.period(forMonth: 1, year: 2021, rule: .stateCutOff)
        #expect(ReportingPeriods.weeks(in: cutJanuary, calendar: calendar).map(\.description)
                == ["2020-W51", "2020-W52", "2020-W53", "2021-W01"])
        // 2026 has 53 weeks; W53 ends Friday 01/01/2027.
        let december2026 = ReportingPeriods.period(forMonth: 12, year: 2026, rule: .calendarMonth)
        #expect(ReportingPeriods.weeks(in: december2026, calendar: calendar).last?.description == "2026-W53")
    }

    @Test("cut-off periods: consecutive periods take consecutive weeks, each by its last day, 2015–2035",
          arguments: [MonthlyPeriodRule.stateCutOff, .cutOff(day: 2), .cutOff(day: 28)])
    func partitionCutOff(rule: MonthlyPeriodRule) throws {
        var expected = calendar.week(containing: ReportingPeriods.period(forMonth: 1, year: 2015, rule: rule).firstDay)
        if !ReportingPeriods.period(forMonth: 1, year: 2015, rule: rule).contains(expected.end) {
            expected = calendar.week(after: expected)
        }
        for year in 2015...2035 {
            for period in ReportingPeriods.periods(inYear: year, rule: rule) {
                let ids = ReportingPeriods.weeks(in: period, calendar: calendar)
                #expect((4...5).contains(ids.count))
                for id in ids {
                    let week = try calendar.week(id)
                    #expect(week == expected)
                    #expect(period.contains(week.end))
                    expected = calendar.week(after: week)
                }
            }
        }
    }

    @Test("year to date: weeks of January…M")
    func yearToDate() {
        let ids = ReportingPeriods.weeksToDate(throughMonth: 8, year: 2021, rule: .calendarMonth, calendar: calendar)
        #expect(ids.first?.description == "2021-W01" && ids.last?.description == "2021-W34")
        #expect(ids.count == 34)
        let cut = ReportingPeriods.weeksToDate(throughMonth: 1, year: 2021, rule: .stateCutOff, calendar: calendar)
        #expect(cut.first?.description == "2020-W51")
        #expect(ReportingPeriods.weeksToDate(throughMonth: 0, year: 2021, rule: .calendarMonth, calendar: calendar).isEmpty)
    }
}

@Suite("Which month's report is due")
struct ReportDueTests {
    let calendar = CalFixture.calendar

    @Test("monthly report for month M before the 20th of M; cell report for M before the 10th of M+1")
    func dueMonths() {
        func monthly(_ iso: String) -> String { ReportingPeriods.reportMonthDue(on: CalFixture.day(iso), dueDay: 20).description }
        func cell(_ iso: String) -> String { CellReportPeriod.reportMonthDue(on: CalFixture.day(iso), dueDay: 10).description }
        #expect(monthly("2021-08-19") == "2021-08")
        #expect(monthly("2021-08-20") == "2021-09")
        #expect(monthly("2021-12-25") == "2022-01")
        #expect(cell("2021-09-09") == "2021-08")
        #expect(cell("2021-09-10") == "2021-09")
        #expect(cell("2022-01-05") == "2021-12")
    }

    @Test("cell report due dates agree with the calendar's deadlines")
    func cellDueDates() {
        for index in 0..<36 {
            let month = ReportMonth(year: 2025, month: 1)!.adding(months: index)
            let due = CellReportPeriod.dueDate(for: month, dueDay: calendar.settings.cellReportDueDay)
            #expect(calendar.instant(due, .midnight) == calendar.cellReportDeadline(year: month.year, month: month.month))
            #expect(CellReportPeriod.reportMonthDue(on: due.adding(days: -1), dueDay: 10) == month)
            #expect(CellReportPeriod.period(for: month).firstDay == month.firstDay)
            #expect(CellReportPeriod.period(for: month).lastDay == month.lastDay)
        }
        #expect(CellReportPeriod.dueDate(for: ReportMonth(year: 2025, month: 12)!, dueDay: 10) == CalFixture.day("2026-01-10"))
    }
}
