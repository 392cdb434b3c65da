import Foundation
import Testing
@testable import GiaoBanCore

@Suite("LocalDate")
struct LocalDateTests {
    @Test("validating initialiser", arguments: [
        (2021, 8, 14, true), (2024, 2, 29, true), (2000, 2, 29, true), (1900, 2, 29, false),
        (2023, 2, 29, false), (2100, 2, 29, false), (2021, 4, 31, false), (2021, 4, 30, true),
        (2021, 12, 31, true), (2021, 13, 1, false), (2021, 0, 1, false), (2021, 1, 0, false),
        (2021, 1, 32, false), (1, 1, 1, true), (9999, 12, 31, true), (0, 1, 1, false), (10000, 1, 1, false),
        (-5, 1, 1, false),
    ])
    func validation(year: Int, month: Int, day: Int, valid: Bool) {
        let date = LocalDate(year: year, month: month, day: day)
        #expect((date != nil) == valid)
        if let date {
            #expect(date.year == year && date.month == month && date.day == day)
        }
    }

    @Test("strict ISO parsing", arguments: [
        ("2021-08-14", "2021-08-14"), ("2024-02-29", "2024-02-29"), ("0001-01-01", "0001-01-01"),
        ("2021-8-14", nil), ("2021-08-4", nil), ("21-08-14", nil), ("2021/08/14", nil), ("20210814", nil),
        (" 2021-08-14", nil), ("2021-08-14 ", nil), ("2021-08-14T00:00", nil), ("", nil), ("2021-02-29", nil),
        ("2021-13-01", nil), ("+021-08-14", nil), ("2021-0a-14", nil), ("２０２１-08-14", nil), ("2021-08-1٤", nil),
        ("0000-01-01", nil),
    ] as [(String, String?)])
    func isoParsing(text: String, expected: String?) {
        #expect(LocalDate(iso: text)?.iso == expected)
    }

    @Test("Vietnamese parsing", arguments: [
        ("14/08/2021", "2021-08-14"), ("4/8/2021", "2021-08-04"), ("04/8/2021", "2021-08-04"),
        ("4/08/2021", "2021-08-04"), (" 29/02/2024 ", "2024-02-29"), ("31/12/1999", "1999-12-31"),
        ("29/02/2023", nil), ("32/01/2021", nil), ("14/13/2021", nil), ("14/08/21", nil), ("14-08-2021", nil),
        ("14.08.2021", nil), ("014/08/2021", nil), ("14/08/02021", nil), ("14/08", nil), ("", nil),
        ("//2021", nil), ("1 4/08/2021", nil), ("14/08/2021/1", nil), ("2021-08-14", nil),
    ] as [(String, String?)])
    func vietnameseParsing(text: String, expected: String?) {
        #expect(LocalDate(vietnamese: text)?.iso == expected)
    }

    @Test func formatting() {
        let date = CalFixture.day("2021-08-04")
        #expect(date.iso == "2021-08-04")
        #expect(date.description == "2021-08-04")
        #expect("\(date)" == "2021-08-04")
        #expect(date.vietnamese == "04/08/2021")
        #expect(date.dayMonth == "04/08")
        #expect(CalFixture.day("0099-01-02").iso == "0099-01-02")
        #expect(CalFixture.day("0099-01-02").vietnamese == "02/01/0099")
    }

    @Test("known day numbers", arguments: [
        ("1970-01-01", 0), ("1969-12-31", -1), ("1970-01-02", 1), ("2000-03-01", 11_017),
        ("2021-08-14", 18_853), ("1900-01-01", -25_567), ("0001-01-01", -719_162), ("9999-12-31", 2_932_896),
    ])
    func dayNumbers(iso: String, number: Int) {
        #expect(CalFixture.day(iso).dayNumber == number)
        #expect(LocalDate(dayNumber: number).iso == iso)
    }

    @Test("day numbers and weekdays agree with Foundation for every day 1900–2100")
    func crossCheckWithFoundation() throws {
        let cal = CalFixture.gregorian("UTC")
        var date = CalFixture.day("1900-01-01")
        let last = CalFixture.day("2100-12-31")
        while date <= last {
            let reference = try #require(cal.date(from: DateComponents(year: date.year, month: date.month, day: date.day)))
            let expectedNumber = Int(reference.timeIntervalSince1970) / 86_400
            #expect(date.dayNumber == expectedNumber)
            // Foundation numbers Sunday 1 … Saturday 7.
            let foundationWeekday = cal.component(.weekday, from: reference)
            #expect(date.weekday.rawValue == (foundationWeekday + 5) % 7 + 1)
            #expect(date.dayOfYear == cal.ordinality(of: .day, in: .year, for: reference))
            date = date.adding(days: 1)
        }
    }

    @Test("dayNumber and init(dayNumber:) are inverse over years 1–9999")
    func dayNumberRoundTrip() {
        let first = CalFixture.day("0001-01-01").dayNumber
        let last = CalFixture.day("9999-12-31").dayNumber
        var previous = LocalDate(dayNumber: first - 1)
        var failures: [Int] = []  // collected, so a bug reports a few day numbers, not millions of issues
        for number in first...last {
            let date = LocalDate(dayNumber: number)
            if date.dayNumber != number || !(previous < date)
                || LocalDate(year: date.year, month: date.month, day: date.day) != date {
                failures.append(number)
            }
            previous = date
        }
        #expect(failures.prefix(10) == [])
    }

    @Test func arithmeticAndOrdering() {
        let date = CalFixture.day("2020-12-26")
        #expect(date.adding(days: 6).iso == "2021-01-01")
        #expect(date.adding(days: 65).iso == "2021-03-01")
        #expect(CalFixture.day("2024-02-28").adding(days: 1).iso == "2024-02-29")
        #expect(CalFixture.day("2024-03-01").adding(days: -1).iso == "2024-02-29")
        #expect(date.adding(days: 0) == date)
        #expect(CalFixture.day("2021-08-13") < CalFixture.day("2021-08-14"))
        #expect(CalFixture.day("2020-12-31") < CalFixture.day("2021-01-01"))
        #expect(CalFixture.day("2021-01-31") < CalFixture.day("2021-02-01"))
        #expect(!(date < date))
        #expect(CalFixture.day("2021-08-14").weekday == .saturday)
        #expect(CalFixture.day("2021-08-20").weekday == .friday)
        #expect(CalFixture.day("1970-01-01").weekday == .thursday)
        #expect(CalFixture.day("1969-12-29").weekday == .monday)
        #expect(CalFixture.day("2024-12-31").dayOfYear == 366)
    }

    @Test func calendarHelpers() {
        #expect(LocalDate.isLeapYear(2000) && LocalDate.isLeapYear(2024) && !LocalDate.isLeapYear(1900) && !LocalDate.isLeapYear(2023))
        #expect(LocalDate.daysInMonth(year: 2024, month: 2) == 29)
        #expect(LocalDate.daysInMonth(year: 2023, month: 2) == 28)
        #expect(LocalDate.daysInMonth(year: 2023, month: 4) == 30)
        #expect(LocalDate.daysInMonth(year: 2023, month: 13) == 0)
    }

    @Test("calendar day of an instant in a given zone", arguments: [
        ("2021-08-13T17:00:00Z", "Asia/Ho_Chi_Minh", "2021-08-14"),
        ("2021-08-13T16:59:59Z", "Asia/Ho_Chi_Minh", "2021-08-13"),
        ("2021-08-13T17:00:00Z", "UTC", "2021-08-13"),
        ("2021-08-14T06:59:59Z", "America/Los_Angeles", "2021-08-13"),
        ("2021-08-14T07:00:00Z", "America/Los_Angeles", "2021-08-14"),
        ("2021-08-13T10:00:00Z", "Pacific/Kiritimati", "2021-08-14"),
        ("2021-08-13T09:59:59Z", "Pacific/Kiritimati", "2021-08-13"),
        ("1969-12-31T23:59:59Z", "UTC", "1969-12-31"),
        ("1969-12-31T23:59:59Z", "Asia/Ho_Chi_Minh", "1970-01-01"),
        ("1969-12-31T23:59:59.500Z", "UTC", "1969-12-31"),
        ("2024-03-30T23:00:00Z", "Europe/Paris", "2024-03-31"),
        ("2024-03-31T21:59:59Z", "Europe/Paris", "2024-03-31"),
        ("2024-03-31T22:00:00Z", "Europe/Paris", "2024-04-01"),
    ])
    func inZone(instant: String, zone: String, expected: String) {
        #expect(LocalDate.inZone(CalFixture.instant(instant), CalFixture.zone(zone)).iso == expected)
    }

    @Test func codableAsISOString() throws {
        let date = CalFixture.day("2021-08-14")
        let data = try JSONEncoder().encode([date])
        #expect(String(decoding: data, as: UTF8.self) == #"["2021-08-14"]"#)
        #expect(try JSONDecoder().decode([LocalDate].self, from: data) == [date])
        for bad in [#"["14/08/2021"]"#, #"["2021-02-30"]"#, #"[20210814]"#] {
            #expect(throws: DecodingError.self) { try JSONDecoder().decode([LocalDate].self, from: Data(bad.utf8)) }
        }
    }
}

@Suite("Weekday")
struct WeekdayTests {
    @Test("names", arguments: [
        (Weekday.monday, "Thứ Hai", "T2", "monday"), (.tuesday, "Thứ Ba", "T3", "tuesday"),
        (.wednesday, "Thứ Tư", "T4", "wednesday"), (.thursday, "Thứ Năm", "T5", "thursday"),
        (.friday, "Thứ Sáu", "T6", "friday"), (.saturday, "Thứ Bảy", "T7", "saturday"),
        (.sunday, "Chủ nhật", "CN", "sunday"),
    ])
    func names(day: Weekday, name: String, short: String, english: String) {
        #expect(day.vietnameseName == name)
        #expect(day.shortVietnamese == short)
        #expect(day.englishName == english)
        #expect(Weekday(string: english) == day)
        #expect(Weekday(string: short) == day)
        #expect(Weekday(string: String(english.prefix(3))) == day)
        #expect(Weekday(string: String(day.rawValue)) == day)
    }

    @Test("parsing", arguments: [
        ("saturday", Weekday.saturday), ("Saturday", .saturday), (" SAT ", .saturday), ("sat", .saturday),
        ("6", .saturday), ("7", .sunday), ("1", .monday), ("t7", .saturday), ("cn", .sunday),
        ("", nil), ("8", nil), ("0", nil), ("sa", nil), ("saturdays", nil), ("thứ bảy", nil), ("T8", nil), ("T1", nil),
    ] as [(String, Weekday?)])
    func parsing(text: String, expected: Weekday?) {
        #expect(Weekday(string: text) == expected)
    }

    @Test func distances() {
        #expect(Weekday.saturday.days(to: .friday) == 6)
        #expect(Weekday.saturday.days(to: .saturday) == 0)
        #expect(Weekday.saturday.days(to: .thursday) == 5)
        #expect(Weekday.monday.days(to: .sunday) == 6)
        #expect(Weekday.sunday.days(to: .monday) == 1)
    }

    @Test func codableAsNumber() throws {
        let data = try JSONEncoder().encode([Weekday.saturday])
        #expect(String(decoding: data, as: UTF8.self) == "[6]")
    }
}

@Suite("LocalTime")
struct LocalTimeTests {
    @Test("parsing", arguments: [
        ("20:00", "20:00"), ("07:30", "07:30"), ("7:30", "07:30"), ("0:00", "00:00"), ("23:59", "23:59"),
        (" 8:15 ", "08:15"), ("20h", "20:00"), ("7h30", "07:30"), ("16h05", "16:05"), ("14H", "14:00"),
        ("24:00", nil), ("12:60", nil), ("7:5", nil), ("123:00", nil), ("", nil), (":30", nil), ("12:", nil),
        ("12-30", nil), ("12:30:00", nil), ("h30", nil), ("7h3", nil), ("7h300", nil), ("a:bc", nil), ("-1:00", nil),
        ("24h", nil), ("12:3a", nil), ("１２:00", nil),
    ] as [(String, String?)])
    func parsing(text: String, expected: String?) {
        #expect(LocalTime(string: text)?.text == expected)
    }

    @Test func valuesAndOrdering() throws {
        #expect(LocalTime(hour: 24, minute: 0) == nil)
        #expect(LocalTime(hour: -1, minute: 0) == nil)
        #expect(LocalTime(hour: 23, minute: 60) == nil)
        let t = try #require(LocalTime(hour: 17, minute: 30))
        #expect(t.text == "17:30" && t.description == "17:30")
        #expect(t.minutesFromMidnight == 1050)
        #expect(LocalTime(minutesFromMidnight: 1050) == t)
        #expect(LocalTime(minutesFromMidnight: 1440) == nil)
        #expect(LocalTime(minutesFromMidnight: -1) == nil)
        #expect(CalFixture.time("16:00") < t)
        #expect(LocalTime.midnight.text == "00:00")
    }

    @Test func codableAsText() throws {
        let data = try JSONEncoder().encode([CalFixture.time("7:30")])
        #expect(String(decoding: data, as: UTF8.self) == #"["07:30"]"#)
        #expect(try JSONDecoder().decode([LocalTime].self, from: data) == [CalFixture.time("07:30")])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([LocalTime].self, from: Data(#"["25:00"]"#.utf8)) }
    }
}
