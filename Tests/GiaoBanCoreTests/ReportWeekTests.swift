import Foundation
import Testing
@testable import GiaoBanCore

@Suite("Week names (YYYY-Www) and ISO weeks")
struct WeekNamingTests {
    @Test("accepted week IDs", arguments: [
        ("2021-W33", 2021, 33), ("2020-W53", 2020, 53), ("2021-W01", 2021, 1), ("0001-W01", 1, 1), ("9999-W52", 9999, 52),
        ("2021-W53", 2021, 53),  // well-formed; CommuneCalendar.week(_:) decides it does not exist
    ])
    func accepted(text: String, year: Int, week: Int) throws {
        let id = try #require(ReportWeekID(text))
        #expect(id == ReportWeekID(year: year, week: week))
        #expect(id.description == text)
    }

    @Test("rejected week IDs", arguments: [
        "2021-W3", "2021W33", "2021-w33", "21-W33", "2021-W00", "2021-W54", "", "2021-W33x", " 2021-W33",
        "2021-W33 ", "2021-33", "2021-W+3", "2021-W-1", "２０２１-W33", "2021-W٣٣", "02021-W33", "2021-W033", "W33-2021",
    ])
    func rejected(text: String) {
        #expect(ReportWeekID(text) == nil)
    }

    @Test func descriptionOrderingAndCoding() throws {
        #expect(ReportWeekID(year: 800, week: 3).description == "0800-W03")
        #expect(ReportWeekID(year: 2021, week: 33) < ReportWeekID(year: 2021, week: 34))
        #expect(ReportWeekID(year: 2020, week: 53) < ReportWeekID(year: 2021, week: 1))
        let data = try JSONEncoder().encode([ReportWeekID(year: 2021, week: 33)])
        #expect(String(decoding: data, as: UTF8.self) == #"["2021-W33"]"#)
        #expect(try JSONDecoder().decode([ReportWeekID].self, from: data) == [ReportWeekID(year: 2021, week: 33)])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([ReportWeekID].self, from: Data(#"["2021-w33"]"#.utf8)) }
    }

    @Test("ISO week numbering agrees with Foundation's ISO-8601 calendar, 1990–2045")
    func isoWeeksAgreeWithFoundation() throws {
        let cal = CalFixture.isoCalendar()
        var date = CalFixture.day("1990-01-01")
        var mismatches: [String] = []
        while date <= CalFixture.day("2045-12-31") {
            let reference = try #require(cal.date(from: DateComponents(year: date.year, month: date.month, day: date.day)))
            let expected = ReportWeekID(year: cal.component(.yearForWeekOfYear, from: reference),
                                        week: cal.component(.weekOfYear, from: reference))
            if WeekNaming.isoWeek(of: date) != expected { mismatches.append(date.iso) }
            date = date.adding(days: 1)
        }
        #expect(mismatches.prefix(10) == [])
    }

    @Test("years with 53 ISO weeks, 2000–2040")
    func longYears() {
        let long = (2000...2040).filter { WeekNaming.weeksInISOYear($0) == 53 }
        #expect(long == [2004, 2009, 2015, 2020, 2026, 2032, 2037])
        #expect((2000...2040).allSatisfy { [52, 53].contains(WeekNaming.weeksInISOYear($0)) })
    }

    @Test func mondayOfISOWeek() {
        #expect(WeekNaming.monday(ofISOWeek: 1, year: 2021).iso == "2021-01-04")
        #expect(WeekNaming.monday(ofISOWeek: 1, year: 2026).iso == "2025-12-29")
        #expect(WeekNaming.monday(ofISOWeek: 53, year: 2020).iso == "2020-12-28")
        #expect(WeekNaming.monday(ofISOWeek: 33, year: 2021).iso == "2021-08-16")
    }
}

@Suite("Report weeks (default Saturday start)")
struct ReportWeekTests {
    let calendar = CalFixture.calendar

    @Test("letter's fixed point: week 33/2021 = Sat 14/08/2021 – Fri 20/08/2021")
    func fixedPoint() throws {
        let week = calendar.week(containing: CalFixture.day("2021-08-14"))
        #expect(week.id == ReportWeekID(year: 2021, week: 33))
        #expect(week.start.iso == "2021-08-14" && week.start.weekday == .saturday)
        #expect(week.end.iso == "2021-08-20" && week.end.weekday == .friday)
        #expect(week.title == "Tuần 33/2021: 14/08 – 20/08")
        #expect(week.startInstant == CalFixture.instant("2021-08-13T17:00:00Z"))
        #expect(week.endInstant == CalFixture.instant("2021-08-20T17:00:00Z"))
        #expect(week.days.map(\.dayMonth) == ["14/08", "15/08", "16/08", "17/08", "18/08", "19/08", "20/08"])
        #expect(try calendar.week(parsing: "2021-W33") == week)
        #expect(try calendar.week(ReportWeekID(year: 2021, week: 33)) == week)
        #expect(calendar.week(containing: CalFixture.day("2021-08-20")) == week)
        #expect(week.contains(CalFixture.day("2021-08-14")) && week.contains(CalFixture.day("2021-08-20")))
        #expect(!week.contains(CalFixture.day("2021-08-13")) && !week.contains(CalFixture.day("2021-08-21")))
        #expect(week.date(of: .thursday).iso == "2021-08-19")
    }

    @Test("every week 2015–2035: 7 days, contiguous, named 1…52/53 in order without gaps")
    func contiguousWeeks() throws {
        let all = (2015...2035).flatMap { calendar.weeks(inYear: $0) }
        for year in 2015...2035 {
            let weeks = calendar.weeks(inYear: year)
            #expect(weeks.map(\.id.week) == Array(1...WeekNaming.weeksInISOYear(year)))
            #expect(weeks.allSatisfy { $0.id.year == year })
        }
        #expect(all.first?.start.iso == "2014-12-27")
        #expect(all.last?.end.iso == "2035-12-28")
        for week in all {
            #expect(week.end == week.start.adding(days: 6))
            #expect(week.days.count == 7 && week.days.first == week.start && week.days.last == week.end)
            #expect(week.start.weekday == .saturday && week.end.weekday == .friday)
            // Asia/Ho_Chi_Minh has no DST: every week is exactly 7 × 24 h.
            #expect(week.endInstant.timeIntervalSince(week.startInstant) == 7 * 86_400)
            #expect(WeekNaming.isoWeek(of: week.end) == week.id)
        }
        for (previous, next) in zip(all, all.dropFirst()) {
            #expect(next.start == previous.end.adding(days: 1))
            #expect(next.startInstant == previous.endInstant)
            #expect(previous.id < next.id)
            let sameYear = next.id.year == previous.id.year && next.id.week == previous.id.week + 1
            let newYear = next.id.year == previous.id.year + 1 && next.id.week == 1
                && previous.id.week == WeekNaming.weeksInISOYear(previous.id.year)
            #expect(sameYear || newYear, "\(previous.id) → \(next.id)")
            #expect(calendar.week(after: previous) == next)
            #expect(calendar.week(before: next) == previous)
        }
    }

    @Test("every day 2015–2035 lies in exactly the week found for it")
    func everyDayHasItsWeek() throws {
        var date = CalFixture.day("2015-01-01")
        var failures: [String] = []
        while date <= CalFixture.day("2035-12-31") {
            let week = calendar.week(containing: date)
            let byID = try calendar.week(week.id)
            let ok = week.contains(date) && byID == week
                && calendar.week(containing: week.startInstant) == week
                && calendar.week(containing: week.endInstant.addingTimeInterval(-1)) == week
                && calendar.week(containing: calendar.instant(date, CalFixture.time("12:00"))) == week
            if !ok { failures.append(date.iso) }
            date = date.adding(days: 1)
        }
        #expect(failures.prefix(10) == [])
    }

    @Test("53-week years: W53 exists and parses", arguments: [2015, 2020, 2026, 2032])
    func longYear(year: Int) throws {
        #expect(WeekNaming.weeksInISOYear(year) == 53)
        #expect(calendar.weeks(inYear: year).count == 53)
        let w53 = try calendar.week(parsing: "\(year)-W53")
        #expect(w53.id == ReportWeekID(year: year, week: 53))
        #expect(w53.end.weekday == .friday)
        #expect(WeekNaming.isoWeek(of: w53.end) == w53.id)
        #expect(calendar.week(after: w53).id == ReportWeekID(year: year + 1, week: 1))
        #expect(throws: CalendarError.weekOutOfRange(ReportWeekID(year: year, week: 54))) {
            try calendar.week(ReportWeekID(year: year, week: 54))
        }
    }

    @Test("52-week years: W53 is out of range", arguments: [2016, 2017, 2018, 2019, 2021, 2022, 2023, 2024, 2025, 2027])
    func shortYear(year: Int) throws {
        #expect(WeekNaming.weeksInISOYear(year) == 52)
        #expect(calendar.weeks(inYear: year).count == 52)
        #expect(throws: CalendarError.weekOutOfRange(ReportWeekID(year: year, week: 53))) {
            try calendar.week(parsing: "\(year)-W53")
        }
        #expect(try calendar.week(parsing: "\(year)-W52").id.week == 52)
    }

    @Test("year boundaries", arguments: [
        ("2020-12-26", "2020-W53", "2020-12-26", "2021-01-01"),
        ("2021-01-01", "2020-W53", "2020-12-26", "2021-01-01"),
        ("2021-01-02", "2021-W01", "2021-01-02", "2021-01-08"),
        ("2025-12-27", "2026-W01", "2025-12-27", "2026-01-02"),  // starts in December 2025, Friday is 02/01/2026
        ("2025-12-31", "2026-W01", "2025-12-27", "2026-01-02"),
        ("2025-12-26", "2025-W52", "2025-12-20", "2025-12-26"),
        ("2026-12-26", "2026-W53", "2026-12-26", "2027-01-01"),
        ("2027-01-02", "2027-W01", "2027-01-02", "2027-01-08"),
        ("2015-12-26", "2015-W53", "2015-12-26", "2016-01-01"),
        ("2016-01-02", "2016-W01", "2016-01-02", "2016-01-08"),
        ("2018-12-29", "2019-W01", "2018-12-29", "2019-01-04"),
        ("2018-12-28", "2018-W52", "2018-12-22", "2018-12-28"),
    ])
    func yearBoundaries(day: String, id: String, start: String, end: String) throws {
        let week = calendar.week(containing: CalFixture.day(day))
        #expect(week.id.description == id)
        #expect(week.start.iso == start)
        #expect(week.end.iso == end)
        #expect(try calendar.week(parsing: id) == week)
    }

    @Test func titlesAcrossTheYearEnd() throws {
        #expect(try calendar.week(parsing: "2020-W53").title == "Tuần 53/2020: 26/12 – 01/01")
        #expect(try calendar.week(parsing: "2021-W01").title == "Tuần 1/2021: 02/01 – 08/01")
    }

    @Test("a Saturday belongs to the week after the Friday before it (every Friday 2015–2035)")
    func saturdayStartsNextWeek() {
        var friday = CalFixture.day("2015-01-02")
        while friday.year <= 2035 {
            let thisWeek = calendar.week(containing: friday)
            let saturdayWeek = calendar.week(containing: friday.adding(days: 1))
            #expect(thisWeek.end == friday)
            #expect(saturdayWeek.start == friday.adding(days: 1))
            #expect(saturdayWeek.id > thisWeek.id)
            #expect(calendar.week(containing: friday.adding(days: 2)) == saturdayWeek)  // Sunday too
            friday = friday.adding(days: 7)
        }
        #expect(calendar.week(containing: CalFixture.day("2021-08-21")).id.description == "2021-W34")
        #expect(calendar.week(containing: CalFixture.day("2021-08-22")).id.description == "2021-W34")
    }

    @Test("instant lookup at the week boundary uses commune midnight", arguments: [
        ("2021-08-20T23:59:59+07:00", "2021-W33"),
        ("2021-08-20T16:59:59Z", "2021-W33"),
        ("2021-08-20T16:59:59.999Z", "2021-W33"),
        ("2021-08-21T00:00:00+07:00", "2021-W34"),
        ("2021-08-20T17:00:00Z", "2021-W34"),
        ("2021-08-13T17:00:00Z", "2021-W33"),
        ("2021-08-13T16:59:59Z", "2021-W32"),
        ("2021-08-20T20:00:00-07:00", "2021-W34"),  // Fri 20:00 in Los Angeles is already Sat 10:00 in Việt Nam
    ])
    func instantLookup(instant: String, expected: String) {
        #expect(calendar.week(containing: CalFixture.instant(instant)).id.description == expected)
    }

    @Test("out-of-range and malformed week IDs", arguments: [
        ("2021-W53", CalendarError.weekOutOfRange(ReportWeekID(year: 2021, week: 53))),
        ("1899-W10", .weekOutOfRange(ReportWeekID(year: 1899, week: 10))),
        ("0001-W01", .weekOutOfRange(ReportWeekID(year: 1, week: 1))),
        ("2021-W00", .invalidWeekID("2021-W00")),
        ("2020-W54", .invalidWeekID("2020-W54")),
        ("2021-w33", .invalidWeekID("2021-w33")),
        ("", .invalidWeekID("")),
    ])
    func parsingErrors(text: String, error: CalendarError) {
        #expect(throws: error) { try calendar.week(parsing: text) }
        #expect(!error.vietnameseMessage.isEmpty)
    }

    @Test("week(_:) range checks", arguments: [
        ReportWeekID(year: 2020, week: 54), ReportWeekID(year: 2021, week: 53), ReportWeekID(year: 2021, week: 0),
        ReportWeekID(year: 2021, week: -1), ReportWeekID(year: 1899, week: 52), ReportWeekID(year: 10_000, week: 1),
    ])
    func outOfRange(id: ReportWeekID) {
        #expect(throws: CalendarError.weekOutOfRange(id)) { try calendar.week(id) }
    }

    @Test func supportedYearLimits() throws {
        #expect(try calendar.week(parsing: "1900-W01").start.iso == "1899-12-30")
        #expect(try calendar.week(parsing: "9999-W52").end.iso == "9999-12-31")
        #expect(calendar.weeks(inYear: 1899).isEmpty)
        #expect(calendar.weeks(inYear: 10_000).isEmpty)
    }

    @Test func errorMessagesAreVietnamese() {
        #expect(CalendarError.weekOutOfRange(ReportWeekID(year: 2021, week: 53)).vietnameseMessage
                == "Năm 2021 không có tuần 53 (năm này có 52 tuần).")
        #expect(CalendarError.weekOutOfRange(ReportWeekID(year: 1899, week: 1)).vietnameseMessage
                == "Năm 1899 nằm ngoài phạm vi hỗ trợ (1900–9999).")
        #expect(CalendarError.invalidWeekID("x").vietnameseMessage.contains("2021-W33"))
        #expect(CalendarError.invalidMove("Lỗi").vietnameseMessage == "Lỗi")
        #expect(CalendarError.invalidSettings("Lỗi").localizedDescription == "Lỗi")
    }
}

@Suite("Report weeks with other start days")
struct OtherWeekStartTests {
    @Test("Monday start: the week is exactly its ISO week")
    func mondayStart() throws {
        let calendar = CommuneCalendar(settings: CalFixture.settings(weekStart: .monday))
        let week = calendar.week(containing: CalFixture.day("2021-08-14"))
        #expect(week.start.iso == "2021-08-09" && week.start.weekday == .monday)
        #expect(week.end.iso == "2021-08-15" && week.end.weekday == .sunday)
        #expect(week.id.description == "2021-W32")
        #expect(week.title == "Tuần 32/2021: 09/08 – 15/08")
        #expect(calendar.week(containing: CalFixture.day("2021-08-16")).id.description == "2021-W33")
        #expect(try calendar.week(parsing: "2021-W33").start.iso == "2021-08-16")
        let deadlines = calendar.deadlines(for: week)
        #expect(calendar.isoString(deadlines.weeklyReport) == "2021-08-12T20:00:00+07:00")
        #expect(calendar.isoString(deadlines.groupCompilation) == "2021-08-13T14:00:00+07:00")
        #expect(calendar.meetings(for: week).map(\.date.iso) == ["2021-08-13", "2021-08-13", "2021-08-13"])
        #expect(try calendar.week(parsing: "2026-W01").start.iso == "2025-12-29")
    }

    @Test("Sunday start: named by its Saturday")
    func sundayStart() throws {
        let calendar = CommuneCalendar(settings: CalFixture.settings(weekStart: .sunday))
        let week = calendar.week(containing: CalFixture.day("2021-08-14"))
        #expect(week.start.iso == "2021-08-08" && week.end.iso == "2021-08-14")
        #expect(week.id.description == "2021-W32")
        #expect(calendar.week(containing: CalFixture.day("2021-08-15")).id.description == "2021-W33")
    }

    @Test("any start day: weeks 2015–2035 are contiguous and map one-to-one onto ISO weeks", arguments: Weekday.allCases)
    func anyStartDay(start: Weekday) throws {
        let calendar = CommuneCalendar(settings: CalFixture.settings(weekStart: start))
        let all = (2015...2035).flatMap { calendar.weeks(inYear: $0) }
        let isoWeekCount = (2015...2035).map(WeekNaming.weeksInISOYear).reduce(0, +)
        #expect(all.count == isoWeekCount)
        #expect(Set(all.map(\.id)).count == all.count)
        var failures: [String] = []
        for week in all where week.start.weekday != start || WeekNaming.isoWeek(of: week.end) != week.id {
            failures.append(week.id.description)
        }
        for (a, b) in zip(all, all.dropFirst()) where b.start != a.end.adding(days: 1) || !(a.id < b.id) {
            failures.append("\(a.id)→\(b.id)")
        }
        var date = CalFixture.day("2015-06-01")
        while date <= CalFixture.day("2016-06-01") {
            let week = calendar.week(containing: date)
            let byID = try calendar.week(week.id)
            if !week.contains(date) || byID != week { failures.append(date.iso) }
            date = date.adding(days: 1)
        }
        #expect(failures == [])
    }
}
