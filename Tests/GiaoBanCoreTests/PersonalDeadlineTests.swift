import Foundation
import Testing
@testable import GiaoBanCore

@Suite("The header's next deadline")
struct PersonalDeadlineTests {
    let calendar = CalFixture.calendar

    func entry(dueAt: Date, submitted: Date? = nil, now: Date, leaves: [LeavePeriod] = []) -> LedgerEntry {
        LedgerRules.entry(dueAt: dueAt, dueDay: calendar.localDate(of: dueAt), firstSubmittedAt: submitted, now: now, leaves: leaves)
    }

    @Test("up to Thursday 20:00 itself the current week's report is next, not yet overdue")
    func beforeDeadline() throws {
        let due = calendar.deadlines(for: try calendar.week(parsing: "2021-W33")).weeklyReport
        for text in ["2021-08-19T19:59:00+07:00", "2021-08-19T20:00:00+07:00"] {
            let now = CalFixture.instant(text)
            let item = try #require(PersonalDeadline.next(now: now, calendar: calendar, owesWeeklyReport: true,
                                                          currentWeekEntry: entry(dueAt: due, now: now), isAggregator: false))
            #expect(item == .init(kind: .weeklyReport, week: ReportWeekID(year: 2021, week: 33), dueAt: due, overdue: false), "\(text)")
        }
    }

    @Test("submitted before the deadline: next week's report is next (the header moves on)")
    func submittedEarly() throws {
        let week = try calendar.week(parsing: "2021-W33")
        let due = calendar.deadlines(for: week).weeklyReport
        let now = CalFixture.instant("2021-08-18T09:00:00+07:00")
        let item = try #require(PersonalDeadline.next(now: now, calendar: calendar, owesWeeklyReport: true,
                                                      currentWeekEntry: entry(dueAt: due, submitted: now, now: now), isAggregator: false))
        let next = calendar.week(after: week)
        #expect(item == .init(kind: .weeklyReport, week: next.id, dueAt: calendar.deadlines(for: next).weeklyReport, overdue: false))
        // A focal point who has submitted still sees Friday's compilation first.
        let focal = try #require(PersonalDeadline.next(now: now, calendar: calendar, owesWeeklyReport: true,
                                                       currentWeekEntry: entry(dueAt: due, submitted: now, now: now), isAggregator: true))
        #expect(focal.kind == .groupCompilation && focal.week == week.id)
    }

    @Test("after the deadline an unsubmitted report stays in the header as overdue, until the week ends")
    func overdueStays() throws {
        let due = calendar.deadlines(for: try calendar.week(parsing: "2021-W33")).weeklyReport
        for text in ["2021-08-19T20:00:01+07:00", "2021-08-20T15:00:00+07:00", "2021-08-20T23:59:59+07:00"] {
            let now = CalFixture.instant(text)
            let item = try #require(PersonalDeadline.next(now: now, calendar: calendar, owesWeeklyReport: true,
                                                          currentWeekEntry: entry(dueAt: due, now: now), isAggregator: true))
            #expect(item.overdue && item.kind == .weeklyReport && item.week == ReportWeekID(year: 2021, week: 33) && item.dueAt == due)
        }
        // Saturday 00:00 starts week 34: its report is next.
        let saturday = CalFixture.instant("2021-08-21T00:00:00+07:00")
        let next = try #require(PersonalDeadline.next(now: saturday, calendar: calendar, owesWeeklyReport: true,
                                                      currentWeekEntry: nil, isAggregator: false))
        #expect(next.week == ReportWeekID(year: 2021, week: 34) && !next.overdue)
    }

    @Test("submitted late, or excused by leave: nothing overdue, the focal point sees Friday's compilation")
    func submittedOrExcused() throws {
        let due = calendar.deadlines(for: try calendar.week(parsing: "2021-W33")).weeklyReport
        let now = CalFixture.instant("2021-08-20T09:00:00+07:00")
        let late = entry(dueAt: due, submitted: CalFixture.instant("2021-08-20T08:00:00+07:00"), now: now)
        let leave = LeavePeriod(from: CalFixture.day("2021-08-18"), to: CalFixture.day("2021-08-20"), reason: "Ốm")
        let excused = entry(dueAt: due, now: now, leaves: [leave])
        #expect(excused.status == .excused)
        for current in [late, excused] {
            let item = try #require(PersonalDeadline.next(now: now, calendar: calendar, owesWeeklyReport: true,
                                                          currentWeekEntry: current, isAggregator: true))
            #expect(item.kind == .groupCompilation && !item.overdue)
            #expect(calendar.isoString(item.dueAt) == "2021-08-20T14:00:00+07:00")
        }
        // A plain member's next deadline is next week's report.
        let member = try #require(PersonalDeadline.next(now: now, calendar: calendar, owesWeeklyReport: true,
                                                        currentWeekEntry: late, isAggregator: false))
        #expect(member.week == ReportWeekID(year: 2021, week: 34) && calendar.isoString(member.dueAt) == "2021-08-26T20:00:00+07:00")
    }

    @Test("someone who owes no report is never told it is overdue")
    func notObliged() throws {
        let now = CalFixture.instant("2021-08-20T09:00:00+07:00")
        let item = try #require(PersonalDeadline.next(now: now, calendar: calendar, owesWeeklyReport: false,
                                                      currentWeekEntry: nil, isAggregator: false))
        #expect(!item.overdue && item.week == ReportWeekID(year: 2021, week: 34))
    }

    @Test("across the year boundary: the last week of 2025 overdue, then week 1 of 2026")
    func yearBoundary() throws {
        let last = try #require(calendar.weeks(inYear: 2025).last)
        let due = calendar.deadlines(for: last).weeklyReport
        let afterDue = due.addingTimeInterval(3600)
        let overdue = try #require(PersonalDeadline.next(now: afterDue, calendar: calendar, owesWeeklyReport: true,
                                                         currentWeekEntry: entry(dueAt: due, now: afterDue), isAggregator: false))
        #expect(overdue.overdue && overdue.week == last.id)
        let nextWeekStart = last.endInstant
        let next = try #require(PersonalDeadline.next(now: nextWeekStart, calendar: calendar, owesWeeklyReport: true,
                                                      currentWeekEntry: nil, isAggregator: false))
        #expect(next.week == ReportWeekID(year: 2026, week: 1) && !next.overdue)
    }
}
