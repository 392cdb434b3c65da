import Foundation
import Testing
@testable import GiaoBanCore

@Suite("Briefing conclusions: tasks, their assignees and the next briefing's order")
struct BriefingConclusionsTests {
    static let briefingDay = CalFixture.day("2021-08-20") // Friday of 2021-W33
    static let person = UUID(), otherPerson = UUID(), unit = UUID(), otherUnit = UUID()
    static let w32 = ReportWeekID(year: 2021, week: 32), w33 = ReportWeekID(year: 2021, week: 33), w34 = ReportWeekID(year: 2021, week: 34)

    static func task(_ week: ReportWeekID = w33, _ assignee: BriefingTaskAssignee = .person(person), due: String = "2021-08-27",
                     state: BriefingTaskState = .open, position: Int = 0) -> BriefingTaskFacts {
        BriefingTaskFacts(id: UUID(), briefingWeek: week, assignee: assignee, dueOn: CalFixture.day(due), state: state, position: position)
    }

    @Test("A task needs content, exactly one assignee and a due date on or after the briefing day")
    func validation() {
        let good = BriefingTaskDraft(content: "Đôn đốc thu BHYT hộ cận nghèo thôn Kim Lữ", assigneeUnitID: Self.unit,
                                     dueOn: CalFixture.day("2021-08-27"))
        #expect(BriefingTaskRules.problems(good, briefingDay: Self.briefingDay).isEmpty)
        #expect(BriefingTaskRules.assignee(of: good) == .unit(Self.unit))

        var sameDay = good
        sameDay.dueOn = Self.briefingDay
        #expect(BriefingTaskRules.problems(sameDay, briefingDay: Self.briefingDay).isEmpty, "due on the briefing day itself is allowed")

        let empty = BriefingTaskDraft(content: "  \n ", dueOn: nil)
        let problems = BriefingTaskRules.problems(empty, briefingDay: Self.briefingDay)
        #expect(Set(problems.keys) == ["content", "assignee", "dueOn"])
        #expect(BriefingTaskRules.assignee(of: empty) == nil)

        let both = BriefingTaskDraft(content: "Việc", assigneePersonID: Self.person, assigneeUnitID: Self.unit, dueOn: CalFixture.day("2021-08-19"))
        let bothProblems = BriefingTaskRules.problems(both, briefingDay: Self.briefingDay)
        #expect(bothProblems["assignee"]?.contains("không giao cả hai") == true)
        #expect(bothProblems["dueOn"]?.contains("20/08/2021") == true, "before the briefing day")
        #expect(BriefingTaskRules.assignee(of: both) == nil)

        let long = BriefingTaskDraft(content: String(repeating: "a", count: BriefingTaskRules.maxContentLength + 1),
                                     assigneePersonID: Self.person, dueOn: Self.briefingDay)
        #expect(BriefingTaskRules.problems(long, briefingDay: Self.briefingDay).keys.sorted() == ["content"])
    }

    @Test("A report of not done says why; any report has a length limit")
    func reports() {
        #expect(BriefingTaskRules.reportProblems(state: .done, report: "").isEmpty)
        #expect(BriefingTaskRules.reportProblems(state: .inProgress, report: "Đã thu 30/45 hộ").isEmpty)
        #expect(BriefingTaskRules.reportProblems(state: .notDone, report: " ")["report"] != nil)
        #expect(BriefingTaskRules.reportProblems(state: .notDone, report: "Hộ đi làm ăn xa").isEmpty)
        #expect(BriefingTaskRules.reportProblems(state: .done, report: String(repeating: "x", count: 4_001))["report"] != nil)
    }

    @Test("States are stored as the API names them")
    func stateNames() {
        #expect(BriefingTaskState.allCases.map(\.rawValue) == ["open", "done", "in_progress", "not_done"])
        #expect(BriefingTaskState(rawValue: "in_progress") == .inProgress)
    }

    @Test("Overdue: the due day has passed in the commune and the task is not done")
    func overdue() {
        let calendar = CalFixture.calendar
        let task = Self.task(due: "2021-08-27")
        // Friday 27/08 23:59 in Hà Nội: due today, not overdue.
        #expect(!BriefingTaskRules.isOverdue(task, now: CalFixture.instant("2021-08-27T23:59:00+07:00"), calendar: calendar))
        // Saturday 28/08 00:00 in Hà Nội (still Friday 17:00 UTC): overdue.
        #expect(BriefingTaskRules.isOverdue(task, now: CalFixture.instant("2021-08-27T17:00:00Z"), calendar: calendar))
        var done = task
        done.state = .done
        #expect(!BriefingTaskRules.isOverdue(done, now: CalFixture.instant("2021-09-30T09:00:00+07:00"), calendar: calendar))
        for state in [BriefingTaskState.open, .inProgress, .notDone] {
            #expect(BriefingTaskRules.isOverdue(dueOn: CalFixture.day("2021-08-27"), state: state, today: CalFixture.day("2021-08-28")))
        }
    }

    @Test("Overdue follows the commune's zone, not the server's")
    func overdueInAnotherZone() {
        var settings = CalFixture.settings(zone: "America/New_York")
        settings.weekStartDay = .saturday
        let calendar = CommuneCalendar(settings: settings)
        let task = Self.task(due: "2021-08-27")
        // 28/08 02:00 UTC is still 27/08 22:00 in New York.
        #expect(!BriefingTaskRules.isOverdue(task, now: CalFixture.instant("2021-08-28T02:00:00Z"), calendar: calendar))
        #expect(BriefingTaskRules.isOverdue(task, now: CalFixture.instant("2021-08-28T04:00:00Z"), calendar: calendar))
    }

    @Test("An assignee reports on earlier briefings' tasks not done, theirs or their units'")
    func mustReport() {
        let mine = Self.task(.w33, .person(Self.person))
        let myUnit = Self.task(.w33, .unit(Self.unit), position: 1)
        let someoneElse = Self.task(.w33, .person(Self.otherPerson))
        let otherUnit = Self.task(.w33, .unit(Self.otherUnit))
        let done = Self.task(.w32, .person(Self.person), state: .done)
        let thisWeeks = Self.task(.w34, .person(Self.person))
        let older = Self.task(.w32, .unit(Self.unit), due: "2021-08-20", state: .inProgress)
        let all = [mine, myUnit, someoneElse, otherUnit, done, thisWeeks, older]
        let listed = BriefingTaskRules.toReport(all, personID: Self.person, unitIDs: [Self.unit], week: .w34, today: CalFixture.day("2021-08-24"))
        #expect(listed.map(\.id) == [older.id, mine.id, myUnit.id], "overdue first, then by due date; w34's own briefing comes next week")
        #expect(BriefingTaskRules.toReport(all, personID: Self.person, unitIDs: [], week: .w34, today: CalFixture.day("2021-08-24")).map(\.id) == [mine.id])
        #expect(BriefingTaskRules.toReport(all, personID: Self.person, unitIDs: [Self.unit], week: .w33, today: CalFixture.day("2021-08-17")).map(\.id) == [older.id])
    }

    @Test("The next briefing reads overdue tasks first, then by due date, then by list position")
    func ordering() {
        let today = CalFixture.day("2021-08-28")
        let a = Self.task(due: "2021-09-03", position: 0)
        let b = Self.task(due: "2021-08-27", state: .inProgress, position: 1) // overdue
        let c = Self.task(due: "2021-08-25", state: .done, position: 2)       // done: never overdue
        let d = Self.task(due: "2021-08-26", state: .open, position: 3)        // overdue, earlier
        let e = Self.task(due: "2021-09-03", position: -1)
        #expect(BriefingTaskRules.briefingOrder([a, b, c, d, e], today: today).map(\.id) == [d.id, b.id, c.id, e.id, a.id])
    }

    @Test("Looking back: every task of last week's briefing and earlier ones not done")
    func lookBack() {
        let today = CalFixture.day("2021-08-27")
        let lastWeekDone = Self.task(.w33, due: "2021-08-24", state: .done)
        let lastWeekOpen = Self.task(.w33, due: "2021-08-31")
        let olderOverdue = Self.task(.w32, due: "2021-08-20", state: .notDone)
        let olderDone = Self.task(.w32, due: "2021-08-20", state: .done)
        let thisWeek = Self.task(.w34, due: "2021-09-03")
        let listed = BriefingTaskRules.lookBack([lastWeekDone, lastWeekOpen, olderOverdue, olderDone, thisWeek],
                                                week: .w34, previousWeek: .w33, today: today)
        #expect(listed.map(\.id) == [olderOverdue.id, lastWeekDone.id, lastWeekOpen.id])
    }

    @Test("Recording opens at the start of the week's first briefing")
    func recordingOpens() {
        let calendar = CalFixture.calendar
        let week = calendar.week(containing: CalFixture.day("2021-08-18"))
        let meetings = calendar.meetings(for: week)
        let opens = BriefingTaskRules.recordingOpens(meetings: meetings)
        #expect(opens == meetings.map(\.startInstant).min())
        #expect(opens.map { calendar.localDate(of: $0) } == CalFixture.day("2021-08-20"))
        #expect(BriefingTaskRules.recordingOpens(meetings: []) == nil)
    }

    @Test("Who records, reports on and reads the tasks")
    func access() {
        func actor(_ roles: Set<Role>, person: UUID = UUID(), units: Set<UUID> = []) -> Actor {
            Actor(personID: person, communeID: UUID(), roles: roles, unitIDs: units)
        }
        for role in [Role.leader, .office, .admin] { #expect(AccessPolicy.allows(actor([role]), .recordBriefingConclusions)) }
        for role in [Role.reporter, .regional] { #expect(!AccessPolicy.allows(actor([role]), .recordBriefingConclusions)) }

        let toPerson = BriefingTaskAssignee.person(Self.person), toUnit = BriefingTaskAssignee.unit(Self.unit)
        let assignee = actor([.reporter], person: Self.person)
        let unitMember = actor([.reporter], units: [Self.unit])
        let stranger = actor([.reporter], units: [Self.otherUnit])
        #expect(AccessPolicy.allows(assignee, .reportOnBriefingTask(assignee: toPerson)))
        #expect(!AccessPolicy.allows(assignee, .reportOnBriefingTask(assignee: toUnit)))
        #expect(AccessPolicy.allows(unitMember, .reportOnBriefingTask(assignee: toUnit)))
        #expect(!AccessPolicy.allows(stranger, .reportOnBriefingTask(assignee: toUnit)))
        #expect(AccessPolicy.allows(actor([.office]), .reportOnBriefingTask(assignee: toUnit)))
        #expect(!AccessPolicy.allows(actor([.leader]), .reportOnBriefingTask(assignee: toUnit)), "leaders read, the assignee reports")

        #expect(AccessPolicy.allows(actor([.leader]), .readBriefingTask(assignee: toUnit)))
        #expect(AccessPolicy.allows(unitMember, .readBriefingTask(assignee: toUnit)))
        #expect(!AccessPolicy.allows(stranger, .readBriefingTask(assignee: toPerson)))
    }
}

private extension ReportWeekID {
    static let w32 = BriefingConclusionsTests.w32, w33 = BriefingConclusionsTests.w33, w34 = BriefingConclusionsTests.w34
}
