import Foundation
import Testing
@testable import GiaoBanCore

@Suite("A report's standing and lock")
struct ReportStandingTests {
    let calendar = CommuneCalendar()
    let group1 = UUID(), group2 = UUID()

    func instant(_ iso: String) -> Date { ISO8601DateFormatter().date(from: iso)! }

    @Test("Submitted at 19:42 in the commune (12:42 UTC): the home page says so, in UTC+7")
    func submittedOnTime() throws {
        let week = try calendar.week(parsing: "2026-W49")
        let due = calendar.deadlines(for: week).weeklyReport
        let at = instant("2026-12-03T12:42:00Z")
        #expect(at < due)
        let standing = ReportStanding.of(firstSubmittedAt: at, returned: false, due: due, now: at, excuse: nil)
        #expect(standing == .submitted(at: at, lateBySeconds: 0))
        #expect(standing.isDone)
        #expect(standing.vietnamese(week: week.id, calendar: calendar) == "Đã nộp báo cáo tuần 49 lúc 19:42 (Thứ Năm 03/12) ✓")
    }

    @Test("Submitted after the deadline: done, late, and how late")
    func submittedLate() throws {
        let week = try calendar.week(parsing: "2026-W49")
        let due = calendar.deadlines(for: week).weeklyReport
        let at = due.addingTimeInterval(3900)
        let standing = ReportStanding.of(firstSubmittedAt: at, returned: false, due: due, now: at, excuse: nil)
        #expect(standing == .submitted(at: at, lateBySeconds: 3900))
        let text = standing.vietnamese(week: week.id, calendar: calendar)
        #expect(text.hasPrefix("Đã nộp muộn báo cáo tuần 49"))
        #expect(text.contains("muộn 1 giờ 5 phút"))
    }

    @Test("A week across the new year, submitted at 23:30 on 31/12 local (16:30 UTC)")
    func yearBoundary() throws {
        let week = calendar.week(containing: instant("2026-12-31T16:30:00Z"))
        let standing = ReportStanding.submitted(at: instant("2026-12-31T16:30:00Z"), lateBySeconds: 0)
        let text = standing.vietnamese(week: week.id, calendar: calendar)
        #expect(text.contains("lúc 23:30"))
        #expect(text.contains("31/12"))
        #expect(text.contains("tuần \(week.id.week)"))
        // One hour later it is already 1 January locally.
        let later = ReportStanding.submitted(at: instant("2026-12-31T17:30:00Z"), lateBySeconds: 0)
        #expect(later.vietnamese(week: week.id, calendar: calendar).contains("lúc 00:30 (Thứ Sáu 01/01)"))
    }

    @Test("Returned wins over submitted; leave excuses; otherwise to do, overdue after the deadline")
    func otherStandings() throws {
        let week = try calendar.week(parsing: "2026-W49")
        let due = calendar.deadlines(for: week).weeklyReport
        #expect(ReportStanding.of(firstSubmittedAt: due, returned: true, due: due, now: due, excuse: nil) == .returned)
        #expect(!ReportStanding.returned.isDone)
        #expect(ReportStanding.returned.vietnamese(week: week.id, calendar: calendar).contains("trả lại — cần sửa"))
        let leave = LeavePeriod(from: LocalDate(year: 2026, month: 12, day: 1)!, to: LocalDate(year: 2026, month: 12, day: 5)!, reason: "Nghỉ phép")
        let excused = ReportStanding.of(firstSubmittedAt: nil, returned: false, due: due, now: due, excuse: leave)
        #expect(excused == .onLeave(leave))
        #expect(excused.isDone)
        #expect(excused.vietnamese(week: week.id, calendar: calendar) == "Nghỉ phép từ 01/12 đến 05/12: không phải nộp báo cáo tuần 49")
        #expect(ReportStanding.of(firstSubmittedAt: nil, returned: false, due: due, now: due.addingTimeInterval(-1), excuse: nil) == .toDo(overdue: false))
        #expect(ReportStanding.of(firstSubmittedAt: nil, returned: false, due: due, now: due, excuse: nil) == .toDo(overdue: true))
        #expect(ReportStanding.toDo(overdue: true).vietnamese(week: week.id, calendar: calendar).contains("quá hạn"))
    }

    @Test("Locked once ever submitted and a group compiled or approved; never while returned or never submitted")
    func locks() {
        let compiled: [(groupID: UUID, state: GroupWeekState)] = [(group1, .open), (group2, .compiled)]
        #expect(ReportLock.of(everSubmitted: true, returned: false, groupStates: compiled) == ReportLock(reason: .compiled, groupID: group2))
        #expect(ReportLock.of(everSubmitted: false, returned: false, groupStates: compiled) == nil)
        #expect(ReportLock.of(everSubmitted: true, returned: true, groupStates: compiled) == nil)
        #expect(ReportLock.of(everSubmitted: true, returned: false, groupStates: [(group1, .compiled), (group2, .approved)])
                == ReportLock(reason: .approved, groupID: group2))
        for state in [GroupWeekState.open, .returned, .unlocked] {
            #expect(ReportLock.of(everSubmitted: true, returned: false, groupStates: [(group1, state)]) == nil)
        }
        #expect(ReportLock.of(everSubmitted: true, returned: false, groupStates: []) == nil)
    }

    @Test("The lock names the group and whom to contact")
    func lockText() {
        let compiled = ReportLock(reason: .compiled, groupID: group1).vietnameseReason(groupName: "Khối Đảng", focalPoints: ["Phạm Thị Ngọc Anh"], approver: nil)
        #expect(compiled.contains("Khối Đảng"))
        #expect(compiled.contains("liên hệ đầu mối Phạm Thị Ngọc Anh"))
        let approved = ReportLock(reason: .approved, groupID: group1).vietnameseReason(groupName: "Khối UBND", focalPoints: [], approver: "Nguyễn Văn Bình")
        #expect(approved.contains("người duyệt Nguyễn Văn Bình"))
        #expect(approved.contains("đầu mối của nhóm"))
    }
}

@Suite("The form's own targets")
struct ReportTargetSplitTests {
    let me = UUID(), colleague = UUID()
    let a = UUID(), b = UUID(), c = UUID(), d = UUID()

    func entries(_ list: [(UUID, UUID, Int)]) -> [ReportTargetSplit.Entry] {
        list.flatMap { target, person, weeks in Array(repeating: ReportTargetSplit.Entry(targetID: target, enteredBy: person), count: weeks) }
    }

    @Test("Named to me, or mostly entered by me this year (unless named to someone else), or with something typed")
    func own() {
        let targets = [ReportTargetSplit.Candidate(id: a, namedPersonID: me), .init(id: b, namedPersonID: nil),
                       .init(id: c, namedPersonID: colleague), .init(id: d, namedPersonID: nil)]
        // b: me 3 weeks, the colleague 3 (a tie is mine); c: named to the colleague; d: mostly the colleague.
        let history = entries([(b, me, 3), (b, colleague, 3), (c, me, 5), (d, me, 1), (d, colleague, 4)])
        #expect(ReportTargetSplit.own(targets, authorID: me, entries: history, onForm: []) == [a, b])
        #expect(ReportTargetSplit.own(targets, authorID: me, entries: [], onForm: [d]) == [a, d])
    }

    @Test("Nothing to go by: every target is the author's")
    func nothingKnown() {
        let targets = [ReportTargetSplit.Candidate(id: a, namedPersonID: nil), .init(id: b, namedPersonID: colleague)]
        #expect(ReportTargetSplit.own(targets, authorID: me, entries: entries([(a, colleague, 2)]), onForm: []) == [a, b])
        #expect(ReportTargetSplit.own([], authorID: me, entries: [], onForm: []).isEmpty)
    }
}
