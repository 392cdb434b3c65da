import Foundation
import Testing
@testable import GiaoBanCore

@Suite("Time zones")
struct TimeZoneTests {
    /// A sample of results that must not depend on the process time zone.
    static func fingerprint() throws -> [String] {
        let calendar = CommuneCalendar()
        let instants = ["2021-08-20T16:59:59Z", "2021-08-20T17:00:00Z", "2020-12-31T18:00:00Z", "2025-12-27T00:00:00+07:00"]
            .map(CalFixture.instant)
        let week = try calendar.week(parsing: "2021-W33")
        let deadlines = calendar.deadlines(for: week)
        var out = instants.map { calendar.week(containing: $0).id.description }
        out += instants.map(calendar.isoString)
        out += instants.map { LocalDate.inZone($0, calendar.timeZone).iso }
        out += instants.map { calendar.localTime(of: $0).text }
        out += [week.startInstant, week.endInstant, deadlines.weeklyReport, deadlines.groupCompilation]
            .map { String($0.timeIntervalSince1970) }
        out += calendar.meetings(for: week).map { String($0.startInstant.timeIntervalSince1970) }
        out.append(String(calendar.instant(CalFixture.day("2021-08-19"), CalFixture.time("20:00")).timeIntervalSince1970))
        out.append(String(calendar.cellReportDeadline(year: 2021, month: 12).timeIntervalSince1970))
        out.append(TimeLeft.vietnamese(from: instants[0], to: deadlines.weeklyReport))
        return out
    }

    static let expectedFingerprint = [
        "2021-W33", "2021-W34", "2020-W53", "2026-W01",
        "2021-08-20T23:59:59+07:00", "2021-08-21T00:00:00+07:00", "2021-01-01T01:00:00+07:00", "2025-12-27T00:00:00+07:00",
        "2021-08-20", "2021-08-21", "2021-01-01", "2025-12-27",
        "23:59", "00:00", "01:00", "00:00",
        "1628874000.0", "1629478800.0", "1629378000.0", "1629442800.0",
        "1629442800.0", "1629450000.0", "1629450000.0",
        "1629378000.0", "1641747600.0", "quá hạn 1 ngày 3 giờ",
    ]

    @Test("the process time zone is never consulted (UTC, Los Angeles, Kiritimati, Hồ Chí Minh)")
    func processZoneIsIgnored() throws {
        let saved = NSTimeZone.default
        defer { NSTimeZone.default = saved }
        #expect(try Self.fingerprint() == Self.expectedFingerprint)
        for id in ["UTC", "America/Los_Angeles", "Pacific/Kiritimati", "Asia/Ho_Chi_Minh"] {
            NSTimeZone.default = CalFixture.zone(id)
            #expect(try Self.fingerprint() == Self.expectedFingerprint, "process zone \(id)")
        }
    }

    @Test("the module sources never read the process zone, locale or clock")
    func noAmbientStateInSources() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Sources/GiaoBanCore").standardized
        let files = ["LocalDate", "Weekday", "LocalTime", "ReportWeekID", "ZoneMath", "CalendarSettings",
                     "CommuneCalendar", "TimeLeft", "VietnameseNumber", "VietnameseText"]
        for file in files {
            let url = folder.appendingPathComponent("\(file).swift")
            guard let source = try? String(contentsOf: url, encoding: .utf8) else { continue }  // other layouts
            let text = source.split(separator: "\n")
                .filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("//") }  // doc comments may name them
                .joined(separator: "\n")
            for forbidden in ["TimeZone.current", "NSTimeZone", "Calendar.current", "Locale.current",
                              "autoupdatingCurrent", "Date()", ".now"] {
                #expect(!text.contains(forbidden), "\(file).swift uses \(forbidden)")
            }
        }
    }

    @Test("ISO strings carry the commune offset", arguments: [
        ("Asia/Ho_Chi_Minh", "2021-08-19T13:00:00Z", "2021-08-19T20:00:00+07:00"),
        ("Asia/Ho_Chi_Minh", "2021-08-19T13:00:00.999Z", "2021-08-19T20:00:00+07:00"),
        ("America/Los_Angeles", "2021-08-19T13:00:00Z", "2021-08-19T06:00:00-07:00"),
        ("America/Los_Angeles", "2021-01-19T13:00:00Z", "2021-01-19T05:00:00-08:00"),
        ("Pacific/Kiritimati", "2021-08-19T13:00:00Z", "2021-08-20T03:00:00+14:00"),
        ("UTC", "2021-08-19T13:00:00Z", "2021-08-19T13:00:00+00:00"),
        ("Asia/Kolkata", "2021-08-19T13:00:00Z", "2021-08-19T18:30:00+05:30"),
        ("Asia/Kathmandu", "2021-08-19T13:00:00Z", "2021-08-19T18:45:00+05:45"),
        ("UTC", "1969-12-31T23:59:59.500Z", "1969-12-31T23:59:59+00:00"),
        ("Europe/Paris", "2024-03-31T01:30:00Z", "2024-03-31T03:30:00+02:00"),
        ("Europe/Paris", "2024-10-27T00:30:00Z", "2024-10-27T02:30:00+02:00"),
        ("Europe/Paris", "2024-10-27T01:30:00Z", "2024-10-27T02:30:00+01:00"),
    ])
    func isoStrings(zone: String, instant: String, expected: String) {
        let calendar = CommuneCalendar(settings: CalFixture.settings(zone: zone))
        #expect(calendar.isoString(CalFixture.instant(instant)) == expected)
        #expect(CalFixture.instant(expected).timeIntervalSince1970 == CalFixture.instant(instant).timeIntervalSince1970.rounded(.down))
    }

    @Test("a Paris commune: weeks and deadlines across the spring-forward change")
    func parisSpring() throws {
        let calendar = CommuneCalendar(settings: CalFixture.settings(zone: "Europe/Paris"))
        let week = calendar.week(containing: CalFixture.day("2024-03-31"))
        #expect(week.id.description == "2024-W14")
        #expect(week.start.iso == "2024-03-30" && week.end.iso == "2024-04-05")
        #expect(week.startInstant == CalFixture.instant("2024-03-30T00:00:00+01:00"))
        #expect(week.endInstant == CalFixture.instant("2024-04-06T00:00:00+02:00"))
        #expect(week.endInstant.timeIntervalSince(week.startInstant) == 7 * 86_400 - 3600)
        let deadlines = calendar.deadlines(for: week)
        #expect(deadlines.weeklyReport == CalFixture.instant("2024-04-04T18:00:00Z"))
        #expect(calendar.isoString(deadlines.weeklyReport) == "2024-04-04T20:00:00+02:00")
        #expect(calendar.isoString(deadlines.groupCompilation) == "2024-04-05T14:00:00+02:00")
        let before = calendar.deadlines(for: calendar.week(before: week))
        #expect(before.weeklyReport == CalFixture.instant("2024-03-28T19:00:00Z"))
        #expect(calendar.meetings(for: week).first?.startInstant == CalFixture.instant("2024-04-05T12:00:00Z"))
        // Saturday 00:30 in Paris is still Friday 23:30 UTC, and already the new week.
        #expect(calendar.week(containing: CalFixture.instant("2024-03-29T23:30:00Z")) == week)
        #expect(calendar.week(containing: CalFixture.instant("2024-03-29T22:59:59Z")).id.description == "2024-W13")
    }

    @Test("a Paris commune: the fall-back week is 7 days and 1 hour")
    func parisAutumn() throws {
        let calendar = CommuneCalendar(settings: CalFixture.settings(zone: "Europe/Paris"))
        let week = calendar.week(containing: CalFixture.day("2024-10-27"))
        #expect(week.start.iso == "2024-10-26" && week.id.description == "2024-W44")
        #expect(week.startInstant == CalFixture.instant("2024-10-25T22:00:00Z"))
        #expect(week.endInstant == CalFixture.instant("2024-11-01T23:00:00Z"))
        #expect(week.endInstant.timeIntervalSince(week.startInstant) == 7 * 86_400 + 3600)
        #expect(calendar.meetings(for: week).first?.startInstant == CalFixture.instant("2024-11-01T13:00:00Z"))
        #expect(calendar.isoString(calendar.deadlines(for: week).weeklyReport) == "2024-10-31T20:00:00+01:00")
    }

    @Test("skipped and repeated wall times")
    func dstEdges() {
        let paris = CommuneCalendar(settings: CalFixture.settings(zone: "Europe/Paris"))
        // 02:30 does not exist on 31/03/2024: moved forward by the one-hour gap.
        #expect(paris.instant(CalFixture.day("2024-03-31"), CalFixture.time("02:30")) == CalFixture.instant("2024-03-31T01:30:00Z"))
        #expect(paris.instant(CalFixture.day("2024-03-31"), CalFixture.time("03:00")) == CalFixture.instant("2024-03-31T01:00:00Z"))
        #expect(paris.instant(CalFixture.day("2024-03-31"), CalFixture.time("01:59")) == CalFixture.instant("2024-03-31T00:59:00Z"))
        // 02:30 happens twice on 27/10/2024: the first one.
        #expect(paris.instant(CalFixture.day("2024-10-27"), CalFixture.time("02:30")) == CalFixture.instant("2024-10-27T00:30:00Z"))
        #expect(paris.instant(CalFixture.day("2024-10-27"), CalFixture.time("03:00")) == CalFixture.instant("2024-10-27T02:00:00Z"))
        // São Paulo skipped midnight on 04/11/2018: the day starts at 01:00 -02:00.
        let saoPaulo = CommuneCalendar(settings: CalFixture.settings(zone: "America/Sao_Paulo", weekStart: .sunday))
        let start = saoPaulo.instant(CalFixture.day("2018-11-04"), .midnight)
        #expect(start == CalFixture.instant("2018-11-04T03:00:00Z"))
        #expect(saoPaulo.isoString(start) == "2018-11-04T01:00:00-02:00")
        let week = saoPaulo.week(containing: CalFixture.day("2018-11-04"))
        #expect(week.startInstant == start)
        #expect(saoPaulo.week(containing: start.addingTimeInterval(-1)).end.iso == "2018-11-03")
    }

    @Test("instant(date, time) inverts the wall clock for every quarter hour of 2024", arguments: [
        "Europe/Paris", "America/Los_Angeles", "Australia/Lord_Howe", "Asia/Ho_Chi_Minh", "Pacific/Kiritimati",
    ])
    func wallClockRoundTrip(zoneID: String) throws {
        let calendar = CommuneCalendar(settings: CalFixture.settings(zone: zoneID))
        let reference = CalFixture.gregorian(zoneID)
        var t = CalFixture.instant("2024-01-01T00:00:00Z")
        let end = CalFixture.instant("2025-01-01T00:00:00Z")
        var failures: [String] = []
        while t < end {
            let c = reference.dateComponents([.year, .month, .day, .hour, .minute], from: t)
            let date = try #require(LocalDate(year: c.year!, month: c.month!, day: c.day!))
            let time = try #require(LocalTime(hour: c.hour!, minute: c.minute!))
            if calendar.localDate(of: t) != date || calendar.localTime(of: t) != time { failures.append("local \(t)") }
            let back = calendar.instant(date, time)
            // Equal, or — for the second pass of a repeated hour — the earlier occurrence.
            let repeated = back < t && calendar.localDate(of: back) == date && calendar.localTime(of: back) == time
            if back != t && !repeated { failures.append("instant \(t) → \(back)") }
            t = t.addingTimeInterval(900)
        }
        #expect(failures.prefix(5) == [])
    }
}
