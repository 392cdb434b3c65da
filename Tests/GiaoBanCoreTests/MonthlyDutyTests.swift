import Foundation
import Testing
@testable import GiaoBanCore

@Suite("Who owes a monthly report: units, people or both")
struct MonthlyDutyTests {
    static func calendar(_ reporters: MonthlyReporters, rule: MonthlyPeriodRule = .stateCutOff, inUseSince: String? = nil) -> CommuneCalendar {
        var settings = CalendarSettings.letterDefaults
        settings.monthlyReporters = reporters
        settings.monthlyPeriodRule = rule
        settings.inUseSince = inUseSince.map(CalFixture.day)
        return CommuneCalendar(settings: settings)
    }

    static func duty(joined: String? = nil, left: String? = nil, weekly: Bool = true) -> ReportingDuty {
        ReportingDuty(joinedOn: joined.map(CalFixture.day), leftOn: left.map(CalFixture.day), reportsWeekly: weekly)
    }

    static let august2021 = ReportMonth(year: 2021, month: 8)!

    @Test("The setting decides who owes: units, people, or both")
    func setting() {
        let anyone = Self.duty()
        for (reporters, unit, person) in [(MonthlyReporters.units, true, false), (.people, false, true), (.both, true, true)] {
            let calendar = Self.calendar(reporters)
            #expect(MonthlyDuty.unitOwes(Self.august2021, calendar: calendar) == unit, "\(reporters)")
            #expect(MonthlyDuty.personOwes(Self.august2021, duty: anyone, calendar: calendar) == person, "\(reporters)")
        }
        #expect(CalendarSettings.letterDefaults.monthlyReporters == .units)
        #expect(MonthlyReporters.both.includesUnits && MonthlyReporters.both.includesPeople)
        #expect(!MonthlyReporters.people.includesUnits && !MonthlyReporters.units.includesPeople)
    }

    @Test("Leaders whose work the office compiles owe no personal monthly report")
    func leadersExcused() {
        let calendar = Self.calendar(.both)
        #expect(!MonthlyDuty.personOwes(Self.august2021, duty: Self.duty(weekly: false), calendar: calendar))
        #expect(MonthlyDuty.personMonths(inYear: 2021, today: CalFixture.day("2021-12-31"), duty: Self.duty(weekly: false),
                                         calendar: calendar).isEmpty)
    }

    @Test("Cut-off 15: the August report covers 15/07–14/08 and is on time through 19/08 (+07)")
    func workingPeriodCutOff() {
        let calendar = Self.calendar(.people)
        #expect(MonthlyDuty.period(Self.august2021, calendar: calendar).lastDay == CalFixture.day("2021-08-14"))
        #expect(calendar.monthlyReportDeadline(year: 2021, month: 8) == CalFixture.instant("2021-08-20T00:00:00+07:00"))
        #expect(MonthlyDuty.lastDayToSubmit(Self.august2021, calendar: calendar) == CalFixture.day("2021-08-19"))
        let cases: [(String?, String?, Bool)] = [
            ("2021-08-14", nil, true),    // joined on the period's last day: did some of its work
            ("2021-08-15", nil, false),   // joined after the period ended
            (nil, "2021-08-19", true),    // still there on the last day to submit
            (nil, "2021-08-18", false),   // left before the deadline: the handover covers it
            (nil, "2021-08-13", false),
            ("2021-07-01", "2021-12-31", true),
        ]
        for (joined, left, owes) in cases {
            #expect(MonthlyDuty.personOwes(Self.august2021, duty: Self.duty(joined: joined, left: left), calendar: calendar) == owes,
                    "joined \(joined ?? "-") left \(left ?? "-")")
        }
    }

    @Test("Calendar month: the August report covers the whole month and is due on 20/09")
    func workingPeriodCalendarMonth() {
        let calendar = Self.calendar(.people, rule: .calendarMonth)
        #expect(MonthlyDuty.lastDayToSubmit(Self.august2021, calendar: calendar) == CalFixture.day("2021-09-19"))
        #expect(!MonthlyDuty.personOwes(Self.august2021, duty: Self.duty(left: "2021-09-10"), calendar: calendar))
        #expect(MonthlyDuty.personOwes(Self.august2021, duty: Self.duty(left: "2021-09-19"), calendar: calendar))
        #expect(MonthlyDuty.personOwes(Self.august2021, duty: Self.duty(joined: "2021-08-31"), calendar: calendar))
        #expect(!MonthlyDuty.personOwes(Self.august2021, duty: Self.duty(joined: "2021-09-01"), calendar: calendar))
    }

    @Test("Nothing is owed for a period that ended before the commune used GiaoBan")
    func inUseSince() {
        for reporters in MonthlyReporters.allCases {
            let calendar = Self.calendar(reporters, inUseSince: "2021-11-01")
            // October's period (15/09–14/10) ended before; November's (15/10–14/11) did not.
            let today = CalFixture.day("2021-11-25")
            let units = MonthlyDuty.unitMonths(inYear: 2021, today: today, calendar: calendar).map(\.month)
            let people = MonthlyDuty.personMonths(inYear: 2021, today: today, duty: Self.duty(), calendar: calendar).map(\.month)
            #expect(units == (reporters.includesUnits ? [11, 12] : []), "\(reporters)")
            #expect(people == (reporters.includesPeople ? [11, 12] : []), "\(reporters)")
        }
    }

    @Test("Year boundary with cut-off 15: January's report covers 15/12–14/01 and begins in December")
    func yearBoundary() {
        let calendar = Self.calendar(.both, inUseSince: "2022-01-01")
        let january = ReportMonth(year: 2022, month: 1)!
        #expect(MonthlyDuty.period(january, calendar: calendar).firstDay == CalFixture.day("2021-12-15"))
        #expect(MonthlyDuty.lastDayToSubmit(january, calendar: calendar) == CalFixture.day("2022-01-19"))
        // January 2022 is owed (its period ends after the commune started); December 2021 is not.
        #expect(MonthlyDuty.unitOwes(january, calendar: calendar))
        #expect(!MonthlyDuty.unitOwes(ReportMonth(year: 2021, month: 12)!, calendar: calendar))
        // On 20/12/2021 January's period has begun: it is the one month of 2022 listed.
        let december20 = CalFixture.day("2021-12-20")
        #expect(MonthlyDuty.personMonths(inYear: 2022, today: december20, duty: Self.duty(), calendar: calendar) == [january])
        #expect(MonthlyDuty.personMonths(inYear: 2021, today: december20, duty: Self.duty(), calendar: calendar).isEmpty)
        // Someone who joined on 20/12 worked in January's period; someone who left on 31/12 did not stay to file it.
        #expect(MonthlyDuty.personOwes(january, duty: Self.duty(joined: "2021-12-20"), calendar: calendar))
        #expect(!MonthlyDuty.personOwes(january, duty: Self.duty(left: "2021-12-31"), calendar: calendar))
        // Calendar months: December 2021 is due on 20/01/2022, in the next year.
        let calendarMonths = Self.calendar(.people, rule: .calendarMonth)
        let december = ReportMonth(year: 2021, month: 12)!
        #expect(MonthlyDuty.lastDayToSubmit(december, calendar: calendarMonths) == CalFixture.day("2022-01-19"))
        #expect(MonthlyDuty.personOwes(december, duty: Self.duty(left: "2022-01-19"), calendar: calendarMonths))
        #expect(!MonthlyDuty.personOwes(december, duty: Self.duty(left: "2022-01-18"), calendar: calendarMonths))
    }

    @Test("Settings stored before the choice existed read as units; the choice round-trips")
    func settingsCoding() throws {
        var settings = CalendarSettings.letterDefaults
        settings.monthlyReporters = .both
        let data = try JSONEncoder().encode(settings)
        #expect(try JSONDecoder().decode(CalendarSettings.self, from: data).monthlyReporters == .both)
        var object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["monthlyReporters"] as? String == "both")
        object.removeValue(forKey: "monthlyReporters")
        let old = try JSONSerialization.data(withJSONObject: object)
        #expect(try JSONDecoder().decode(CalendarSettings.self, from: old).monthlyReporters == .units)
    }
}
