import Foundation
import Testing
@testable import GiaoBanCore

@Suite("Compliance ledger rules")
struct LedgerTests {
    let calendar = CommuneCalendar()
    var week33: ReportWeek { try! calendar.week(parsing: "2021-W33") }
    var due: Date { calendar.deadlines(for: week33).weeklyReport }
    let thursday = LocalDate(year: 2021, month: 8, day: 19)!

    @Test("Sorted by status, what needs attention comes first: missing, late, not yet due, excused, on time")
    func attentionOrder() {
        let order = LedgerStatus.allCases.sorted { $0.attentionRank < $1.attentionRank }
        #expect(order == [.missing, .late, .notDue, .excused, .onTime])
        #expect(Set(LedgerStatus.allCases.map(\.attentionRank)).count == LedgerStatus.allCases.count)
    }

    @Test("Submitted at the deadline to the second is on time; one second later is late by one second")
    func lateBySeconds() {
        let onTime = LedgerRules.entry(dueAt: due, dueDay: thursday, firstSubmittedAt: due, now: due.addingTimeInterval(9999), leaves: [])
        #expect(onTime.status == .onTime)
        #expect(onTime.lateBySeconds == 0)
        let late = LedgerRules.entry(dueAt: due, dueDay: thursday, firstSubmittedAt: due.addingTimeInterval(1), now: due.addingTimeInterval(9999), leaves: [])
        #expect(late.status == .late)
        #expect(late.lateBySeconds == 1)
        let veryLate = LedgerRules.entry(dueAt: due, dueDay: thursday, firstSubmittedAt: due.addingTimeInterval(3 * 86400 + 7200), now: due.addingTimeInterval(9e6), leaves: [])
        #expect(veryLate.lateBySeconds == 266_400)
        #expect(LateText.vietnamese(seconds: veryLate.lateBySeconds) == "muộn 3 ngày 2 giờ")
        #expect(LateText.vietnamese(seconds: 1) == "muộn 1 giây")
        #expect(LateText.vietnamese(seconds: 3900) == "muộn 1 giờ 5 phút")
    }

    @Test("Without a submission: not due up to the deadline (a submission then is still on time), missing after it")
    func unsubmitted() {
        #expect(LedgerRules.entry(dueAt: due, dueDay: thursday, firstSubmittedAt: nil, now: due.addingTimeInterval(-1), leaves: []).status == .notDue)
        #expect(LedgerRules.entry(dueAt: due, dueDay: thursday, firstSubmittedAt: nil, now: due, leaves: []).status == .notDue)
        #expect(LedgerRules.entry(dueAt: due, dueDay: thursday, firstSubmittedAt: nil, now: due.addingTimeInterval(0.001), leaves: []).status == .missing)
    }

    @Test("Leave covering the deadline's day excuses; leave ending the day before does not")
    func excused() {
        let leave = LeavePeriod(from: LocalDate(year: 2021, month: 8, day: 16)!, to: thursday, reason: "Nghỉ phép")
        let entry = LedgerRules.entry(dueAt: due, dueDay: thursday, firstSubmittedAt: nil, now: due.addingTimeInterval(60), leaves: [leave])
        #expect(entry.status == .excused)
        #expect(entry.excuse == leave)
        let earlier = LeavePeriod(from: LocalDate(year: 2021, month: 8, day: 16)!, to: LocalDate(year: 2021, month: 8, day: 18)!, reason: "Ốm")
        #expect(LedgerRules.entry(dueAt: due, dueDay: thursday, firstSubmittedAt: nil, now: due.addingTimeInterval(60), leaves: [earlier]).status == .missing)
        // Submitting while on leave still counts as submitted.
        #expect(LedgerRules.entry(dueAt: due, dueDay: thursday, firstSubmittedAt: due, now: due, leaves: [leave]).status == .onTime)
    }

    @Test("A report is owed when its deadline day is within the person's working period")
    func joined() {
        #expect(LedgerRules.owesWeeklyReport(week33, duty: ReportingDuty(), calendar: calendar))
        #expect(LedgerRules.owesWeeklyReport(week33, duty: ReportingDuty(joinedOn: thursday), calendar: calendar))
        #expect(!LedgerRules.owesWeeklyReport(week33, duty: ReportingDuty(joinedOn: thursday.adding(days: 1)), calendar: calendar))
        #expect(LedgerRules.owesWeeklyReport(week33, duty: ReportingDuty(leftOn: thursday), calendar: calendar))
        #expect(!LedgerRules.owesWeeklyReport(week33, duty: ReportingDuty(leftOn: thursday.adding(days: -1)), calendar: calendar))
        #expect(!LedgerRules.owesWeeklyReport(week33, duty: ReportingDuty(reportsWeekly: false), calendar: calendar))
    }

    @Test("The tally leaves excused and not-due obligations out of the on-time rate")
    func tally() {
        var tally = LedgerTally([
            LedgerEntry(status: .onTime), LedgerEntry(status: .onTime), LedgerEntry(status: .late, lateBySeconds: 60),
            LedgerEntry(status: .missing), LedgerEntry(status: .excused), LedgerEntry(status: .notDue),
        ])
        #expect(tally.counted == 4)
        #expect(tally.onTimeRate == 50)
        #expect(tally.lateSeconds == 60)
        tally.merge(LedgerTally([LedgerEntry(status: .onTime)]))
        #expect(tally.onTimeRate == 60)
        #expect(LedgerTally([LedgerEntry(status: .excused)]).onTimeRate == nil)
        #expect(LedgerTally([LedgerEntry(status: .onTime), LedgerEntry(status: .late), LedgerEntry(status: .late)]).onTimeRate == Decimal(string: "33.3"))
    }

    @Test("Year boundary: the week of 01/01/2021 belongs to 2020 and its deadline is on 31/12/2020")
    func yearBoundary() throws {
        let week = try calendar.week(parsing: "2020-W53")
        let deadline = calendar.deadlines(for: week).weeklyReport
        #expect(calendar.isoString(deadline) == "2020-12-31T20:00:00+07:00")
        let entry = LedgerRules.entry(dueAt: deadline, dueDay: LocalDate.inZone(deadline, calendar.timeZone),
                                      firstSubmittedAt: deadline.addingTimeInterval(4 * 3600 + 1), now: deadline.addingTimeInterval(86400), leaves: [])
        #expect(entry.status == .late)
        #expect(entry.lateBySeconds == 14401)
    }
}
