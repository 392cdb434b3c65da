import Foundation
import Testing
@testable import GiaoBanCore

/// The week rule with days off (issue: the ledger tells the truth from the first real week) and
/// what is owed around the commune's first day on GiaoBan and each person's working period.
@Suite("Days off, the week rule and what is owed")
struct DaysOffWeekRuleTests {
    static func calendar(_ days: [DayOff], year: Int = 2021, inUseSince: LocalDate? = nil) -> CommuneCalendar {
        var settings = CalendarSettings.letterDefaults
        settings.inUseSince = inUseSince
        return CommuneCalendar(settings: settings, daysOff: DaysOffSchedule(confirmedYears: [year: days]))
    }
    static func off(_ iso: String, _ name: String = "Nghỉ") -> DayOff { DayOff(date: CalFixture.day(iso), name: name) }

    @Test("2021-W35 with 02/09 and 03/09 off: briefing Wednesday 01/09 14:00, reports due Tuesday 31/08 20:00, 19:00 Tuesday is on time")
    func nationalDay2021() throws {
        let calendar = Self.calendar([Self.off("2021-09-02", "Quốc khánh"), Self.off("2021-09-03", "Quốc khánh")])
        let week = try calendar.week(parsing: "2021-W35")
        #expect(week.start == CalFixture.day("2021-08-28"))
        #expect(calendar.briefingDay(of: week) == CalFixture.day("2021-09-01"))
        let deadlines = calendar.deadlines(for: week)
        #expect(deadlines.weeklyReport == CalFixture.instant("2021-08-31T20:00:00+07:00"))
        #expect(deadlines.groupCompilation == CalFixture.instant("2021-09-01T14:00:00+07:00"))
        let meetings = calendar.meetings(for: week)
        #expect(meetings.map(\.date) == Array(repeating: CalFixture.day("2021-09-01"), count: 3))
        #expect(meetings.first?.startInstant == CalFixture.instant("2021-09-01T14:00:00+07:00"))
        let entry = LedgerRules.entry(dueAt: deadlines.weeklyReport, dueDay: CalFixture.day("2021-08-31"),
                                      firstSubmittedAt: CalFixture.instant("2021-08-31T19:00:00+07:00"),
                                      now: CalFixture.instant("2021-09-06T08:00:00+07:00"), leaves: [])
        #expect(entry.status == .onTime)
    }

    @Test("The statutory suggestion applies while the office has not confirmed a list")
    func suggestionApplies() throws {
        let calendar = CommuneCalendar(settings: .letterDefaults, daysOff: DaysOffSchedule())
        #expect(!calendar.daysOff.year(2021).confirmed)
        let week = try calendar.week(parsing: "2021-W35")
        #expect(calendar.deadlines(for: week).weeklyReport == CalFixture.instant("2021-08-31T20:00:00+07:00"))
        // The pure calendar has no days off at all.
        #expect(CommuneCalendar().deadlines(for: week).weeklyReport == CalFixture.instant("2021-09-02T20:00:00+07:00"))
    }

    @Test("A week whose Friday alone is off: briefing Thursday 14:00, reports Wednesday 20:00")
    func fridayOff() throws {
        let calendar = Self.calendar([Self.off("2021-04-30", "Ngày Chiến thắng")])
        let week = try calendar.week(parsing: "2021-W17")
        #expect(week.end == CalFixture.day("2021-04-30"))
        let deadlines = calendar.deadlines(for: week)
        #expect(deadlines.weeklyReport == CalFixture.instant("2021-04-28T20:00:00+07:00"))
        #expect(deadlines.groupCompilation == CalFixture.instant("2021-04-29T14:00:00+07:00"))
        #expect(calendar.meetings(for: week).allSatisfy { $0.date == CalFixture.day("2021-04-29") })
    }

    @Test("A week whose Thursday alone is off: reports due Wednesday 20:00, the briefing stays on Friday")
    func thursdayOff() throws {
        let calendar = Self.calendar([Self.off("2021-11-11")])
        let week = calendar.week(containing: CalFixture.day("2021-11-11"))
        let deadlines = calendar.deadlines(for: week)
        #expect(deadlines.weeklyReport == CalFixture.instant("2021-11-10T20:00:00+07:00"))
        #expect(deadlines.groupCompilation == CalFixture.instant("2021-11-12T14:00:00+07:00"))
    }

    @Test("A Tết week with fewer than two working days owes no report, no compilation and has no briefing")
    func tetWeek() throws {
        // Tết Tân Sửu: 10/02–16/02/2021 off (Wednesday to Tuesday).
        let days = (10...16).map { Self.off("2021-02-\($0)", "Tết Nguyên Đán") }
        let calendar = Self.calendar(days)
        let week = calendar.week(containing: CalFixture.day("2021-02-12"))  // Sat 06/02 – Fri 12/02
        #expect(calendar.workingDays(in: week) == [CalFixture.day("2021-02-08"), CalFixture.day("2021-02-09")])
        #expect(calendar.owesWeeklyReport(week))  // Monday and Tuesday work: two days
        let next = calendar.week(after: week)  // Sat 13/02 – Fri 19/02: Wed–Fri work
        #expect(calendar.owesWeeklyReport(next))
        let longer = Self.calendar((8...16).map { Self.off("2021-02-\(String(format: "%02d", $0))", "Tết Nguyên Đán") })
        #expect(!longer.owesWeeklyReport(week))
        #expect(longer.meetings(for: week).isEmpty)
        #expect(!LedgerRules.owesWeeklyReport(week, duty: ReportingDuty(), calendar: longer))
        #expect(!LedgerRules.owesCompilation(week, calendar: longer))
        // A briefing moved by the office still takes place.
        let move = BriefingMove(week: week.id, slotKey: "general", date: CalFixture.day("2021-02-17"), start: CalFixture.time("8:00"),
                                end: CalFixture.time("10:00"), reason: "Sau Tết")
        #expect(longer.meetings(for: week, moves: [move]).count == 1)
    }

    @Test("The year's effects of days off: the weeks without a report and the weeks whose deadlines moved, nothing else")
    func yearEffects() throws {
        let tet = (8...16).map { Self.off("2021-02-\(String(format: "%02d", $0))", "Tết Nguyên Đán") }
        let calendar = Self.calendar(tet + [Self.off("2021-09-02", "Quốc khánh"), Self.off("2021-09-03", "Quốc khánh")])
        let effects = calendar.daysOffEffects(inYear: 2021)
        let tetWeek = calendar.week(containing: CalFixture.day("2021-02-12"))
        let nationalDay = try calendar.week(parsing: "2021-W35")
        // 13/02–19/02 has 15/02 and 16/02 off but keeps Thursday and Friday: not listed.
        #expect(effects.map(\.week.id) == [tetWeek.id, nationalDay.id])
        #expect(effects.first == .noWeeklyReport(tetWeek))
        #expect(effects.last == .moved(nationalDay, WeekDeadlines(weeklyReport: CalFixture.instant("2021-08-31T20:00:00+07:00"),
                                                                  groupCompilation: CalFixture.instant("2021-09-01T14:00:00+07:00"))))
        #expect(CommuneCalendar().daysOffEffects(inYear: 2021).isEmpty, "no days off, no effects")
    }

    @Test("Why a week is not owed: too few working days, or before the commune's first day; nothing when owed")
    func whyNotOwed() throws {
        let tet = (8...16).map { Self.off("2021-02-\(String(format: "%02d", $0))", "Tết Nguyên Đán") }
        let calendar = Self.calendar(tet, inUseSince: CalFixture.day("2021-11-01"))
        let tetWeek = calendar.week(containing: CalFixture.day("2021-02-12"))
        #expect(LedgerRules.whyNotOwed(tetWeek, calendar: calendar) == .tooFewWorkingDays)
        #expect(LedgerRules.whyNotOwed(try calendar.week(parsing: "2021-W35"), calendar: calendar)
                == .beforeInUse(since: CalFixture.day("2021-11-01")))
        // The first week whose Thursday deadline falls on or after 01/11/2021 is owed.
        #expect(LedgerRules.whyNotOwed(try calendar.week(parsing: "2021-W44"), calendar: calendar) == nil)
        #expect(LedgerRules.whyNotOwed(try calendar.week(parsing: "2021-W43"), calendar: calendar) != nil)
    }

    @Test("A make-up working Saturday counts as a working day; a weekend is not a holiday")
    func makeUpDay() {
        let schedule = DaysOffSchedule(confirmedYears: [2021: [DayOff(date: CalFixture.day("2021-04-24"), name: "Làm bù", kind: .workday)]])
        #expect(schedule.isWorkingDay(CalFixture.day("2021-04-24")))
        #expect(!schedule.isWorkingDay(CalFixture.day("2021-04-25")))
        #expect(!schedule.isHoliday(CalFixture.day("2021-04-25")))
        #expect(DaysOffSchedule.none.isWorkingDay(CalFixture.day("2021-09-02")))
    }

    @Test("Moving a briefing to Monday moves the meeting only: the deadlines stay")
    func moveKeepsDeadlines() throws {
        let calendar = Self.calendar([])
        let week = try calendar.week(parsing: "2021-W33")
        let move = BriefingMove(week: week.id, slotKey: "general", date: CalFixture.day("2021-08-23"), start: CalFixture.time("7:30"),
                                end: CalFixture.time("9:30"), reason: "Họp cấp trên")
        #expect(calendar.meetings(for: week, moves: [move]).first { $0.slotKey == "general" }?.date == CalFixture.day("2021-08-23"))
        #expect(calendar.deadlines(for: week).weeklyReport == CalFixture.instant("2021-08-19T20:00:00+07:00"))
    }

    @Test("Weeks before the commune's first day on GiaoBan are owed by nobody; the week of that day is owed if its deadline is on or after it")
    func inUseSince() throws {
        // In use since Monday 01/11/2021 (week 44 runs Sat 30/10 – Fri 05/11, reports due Thu 04/11).
        let calendar = Self.calendar([], inUseSince: CalFixture.day("2021-11-01"))
        let w43 = try calendar.week(parsing: "2021-W43")
        let w44 = try calendar.week(parsing: "2021-W44")
        #expect(!LedgerRules.owesWeeklyReport(w43, duty: ReportingDuty(), calendar: calendar))
        #expect(LedgerRules.weeklyReportDue(w43, calendar: calendar) == nil)
        #expect(!LedgerRules.owesCompilation(w43, calendar: calendar))
        #expect(LedgerRules.owesWeeklyReport(w44, duty: ReportingDuty(), calendar: calendar))
        #expect(LedgerRules.owesCompilation(w44, calendar: calendar))
        let friday = Self.calendar([], inUseSince: CalFixture.day("2021-11-05"))
        #expect(!LedgerRules.owesWeeklyReport(w44, duty: ReportingDuty(), calendar: friday))
        #expect(LedgerRules.owesCompilation(w44, calendar: friday))
        // Monthly obligations: a period that ended before the first day is not owed.
        #expect(!LedgerRules.owesPeriod(endingOn: CalFixture.day("2021-10-31"), calendar: calendar))
        #expect(LedgerRules.owesPeriod(endingOn: CalFixture.day("2021-11-14"), calendar: calendar))
    }

    @Test("A person who joins or leaves mid-year owes only the weeks whose deadline falls in their period; leaders who do not file weekly owe none")
    func personPeriod() {
        let calendar = Self.calendar([])
        let weeks = calendar.weeks(inYear: 2021)
        let duty = ReportingDuty(joinedOn: CalFixture.day("2021-03-05"), leftOn: CalFixture.day("2021-06-30"))
        let owed = weeks.filter { LedgerRules.owesWeeklyReport($0, duty: duty, calendar: calendar) }
        #expect(owed.first?.id.description == "2021-W10")  // due Thu 11/03; W09 was due Thu 04/03, before joining
        #expect(owed.last?.id.description == "2021-W25")   // due Thu 24/06; W26 is due Thu 01/07, after leaving
        #expect(weeks.filter { LedgerRules.owesWeeklyReport($0, duty: ReportingDuty(reportsWeekly: false), calendar: calendar) }.isEmpty)
    }

    @Test("The monthly report is never due before its period ends: the 15th–14th period before the 20th, a calendar month on the 20th of the next")
    func monthlyDue() {
        var settings = CalendarSettings.letterDefaults
        #expect(settings.monthlyPeriodRule == .stateCutOff)
        var calendar = CommuneCalendar(settings: settings)
        #expect(calendar.monthlyReportDeadline(year: 2021, month: 8) == CalFixture.instant("2021-08-20T00:00:00+07:00"))
        #expect(ReportingPeriods.period(forMonth: 8, year: 2021, rule: .stateCutOff).lastDay == CalFixture.day("2021-08-14"))
        settings.monthlyPeriodRule = .calendarMonth
        calendar = CommuneCalendar(settings: settings)
        #expect(calendar.monthlyReportDeadline(year: 2021, month: 8) == CalFixture.instant("2021-09-20T00:00:00+07:00"))
        #expect(calendar.monthlyReportDeadline(year: 2021, month: 12) == CalFixture.instant("2022-01-20T00:00:00+07:00"))
        // Whatever the rule, the deadline is after the period's last day.
        for rule in [MonthlyPeriodRule.calendarMonth, .stateCutOff, .cutOff(day: 25)] {
            settings.monthlyPeriodRule = rule
            let calendar = CommuneCalendar(settings: settings)
            for month in 1...12 {
                let period = ReportingPeriods.period(forMonth: month, year: 2021, rule: rule)
                #expect(calendar.monthlyReportDeadline(year: 2021, month: month) > calendar.instant(period.lastDay, .midnight))
            }
        }
    }

    @Test("A list the office confirms is checked: in the year, named, listed once, make-up days on weekends")
    func validation() {
        let good = DaysOffYear.validated(year: 2021, days: [Self.off("2021-09-02", "Quốc khánh")])
        #expect((try? good.get())?.confirmed == true)
        guard case .failure(let problems) = DaysOffYear.validated(year: 2021, days: [
            Self.off("2022-01-01", "Tết"), DayOff(date: CalFixture.day("2021-09-02"), name: " "),
            Self.off("2021-09-03", "A"), Self.off("2021-09-03", "B"),
            DayOff(date: CalFixture.day("2021-09-06"), name: "Làm bù", kind: .workday),
        ]) else { Issue.record("accepted"); return }
        #expect(problems.all.map(\.index) == [0, 1, 3, 4])
        #expect(problems.all[0].message.contains("không thuộc năm 2021"))
    }

    @Test("Settings stored before inUseSince existed still decode, and round-trip with it")
    func settingsCodable() throws {
        var settings = CalendarSettings.letterDefaults
        settings.inUseSince = CalFixture.day("2026-11-02")
        let data = try JSONEncoder().encode(settings)
        #expect(try JSONDecoder().decode(CalendarSettings.self, from: data) == settings)
        var object = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        object.removeValue(forKey: "inUseSince")
        let old = try JSONDecoder().decode(CalendarSettings.self, from: JSONSerialization.data(withJSONObject: object))
        #expect(old.inUseSince == nil)
    }
}
