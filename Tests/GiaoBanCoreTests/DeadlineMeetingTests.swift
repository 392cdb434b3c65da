import Foundation
import Testing
@testable import GiaoBanCore

@Suite("Deadlines")
struct DeadlineTests {
    let calendar = CalFixture.calendar

    @Test("letter's fixed point: report due Thu 19/08/2021 20:00 +07, compilation Fri 20/08 14:00 +07")
    func weekDeadlines() throws {
        let week = try calendar.week(parsing: "2021-W33")
        let deadlines = calendar.deadlines(for: week)
        #expect(deadlines.weeklyReport == CalFixture.instant("2021-08-19T13:00:00Z"))
        #expect(deadlines.groupCompilation == CalFixture.instant("2021-08-20T07:00:00Z"))
        #expect(calendar.isoString(deadlines.weeklyReport) == "2021-08-19T20:00:00+07:00")
        #expect(calendar.isoString(deadlines.groupCompilation) == "2021-08-20T14:00:00+07:00")
        #expect(calendar.vietnameseDateTime(deadlines.weeklyReport) == "19/08/2021 20:00")
    }

    @Test("deadlines fall inside their week, Thursday and Friday, every week 2015–2035")
    func deadlinesEveryWeek() {
        for week in (2015...2035).flatMap(calendar.weeks(inYear:)) {
            let deadlines = calendar.deadlines(for: week)
            #expect(week.startInstant < deadlines.weeklyReport && deadlines.groupCompilation < week.endInstant)
            #expect(deadlines.groupCompilation.timeIntervalSince(deadlines.weeklyReport) == 18 * 3600)
            #expect(calendar.localDate(of: deadlines.weeklyReport) == week.start.adding(days: 5))
            #expect(calendar.localTime(of: deadlines.weeklyReport).text == "20:00")
        }
    }

    @Test("a deadline weekday is resolved inside the week, even when it is the start day")
    func deadlineWeekdayResolution() throws {
        var settings = CalendarSettings.letterDefaults
        settings.weeklyReportDeadline = WeeklyDeadlineRule(weekday: .saturday, time: CalFixture.time("08:00"))
        settings.groupCompilationDeadline = WeeklyDeadlineRule(weekday: .sunday, time: CalFixture.time("00:00"))
        let calendar = CommuneCalendar(settings: settings)
        let deadlines = calendar.deadlines(for: try calendar.week(parsing: "2021-W33"))
        #expect(calendar.isoString(deadlines.weeklyReport) == "2021-08-14T08:00:00+07:00")
        #expect(calendar.isoString(deadlines.groupCompilation) == "2021-08-15T00:00:00+07:00")
    }

    @Test("party-cell report for month M is due 00:00 on the 10th of M+1", arguments: [
        (2021, 8, "2021-09-10T00:00:00+07:00"), (2021, 12, "2022-01-10T00:00:00+07:00"),
        (2021, 1, "2021-02-10T00:00:00+07:00"), (2024, 2, "2024-03-10T00:00:00+07:00"),
        (2021, 13, "2022-02-10T00:00:00+07:00"), (2021, 0, "2021-01-10T00:00:00+07:00"),
    ])
    func cellDeadline(year: Int, month: Int, expected: String) {
        #expect(calendar.isoString(calendar.cellReportDeadline(year: year, month: month)) == expected)
        #expect(calendar.cellReportDeadline(year: year, month: month) == CalFixture.instant(expected))
    }

    @Test("monthly report for month M is due 00:00 on the 20th of the same month", arguments: [
        (2021, 8, "2021-08-20T00:00:00+07:00"), (2021, 12, "2021-12-20T00:00:00+07:00"),
        (2022, 1, "2022-01-20T00:00:00+07:00"), (2024, 2, "2024-02-20T00:00:00+07:00"),
        (2021, 0, "2020-12-20T00:00:00+07:00"), (2021, 13, "2022-01-20T00:00:00+07:00"),
    ])
    func monthlyDeadline(year: Int, month: Int, expected: String) {
        #expect(calendar.isoString(calendar.monthlyReportDeadline(year: year, month: month)) == expected)
    }

    @Test func monthlyDeadlinesAsUTC() {
        #expect(calendar.cellReportDeadline(year: 2021, month: 8) == CalFixture.instant("2021-09-09T17:00:00Z"))
        #expect(calendar.cellReportDeadline(year: 2021, month: 12) == CalFixture.instant("2022-01-09T17:00:00Z"))
        #expect(calendar.monthlyReportDeadline(year: 2021, month: 8) == CalFixture.instant("2021-08-19T17:00:00Z"))
    }

    @Test("configured due days, clamped to the month's length when unvalidated")
    func configuredDueDays() {
        var settings = CalendarSettings.letterDefaults
        settings.cellReportDueDay = 5
        settings.monthlyReportDueDay = 25
        var calendar = CommuneCalendar(settings: settings)
        #expect(calendar.isoString(calendar.cellReportDeadline(year: 2021, month: 12)) == "2022-01-05T00:00:00+07:00")
        #expect(calendar.isoString(calendar.monthlyReportDeadline(year: 2021, month: 12)) == "2021-12-25T00:00:00+07:00")
        settings.cellReportDueDay = 31
        settings.monthlyReportDueDay = 0
        calendar = CommuneCalendar(settings: settings)
        #expect(calendar.isoString(calendar.cellReportDeadline(year: 2024, month: 1)) == "2024-02-29T00:00:00+07:00")
        // Day 0 is clamped to the 1st, which comes before April's 15th–14th period ends: May 1st.
        #expect(calendar.isoString(calendar.monthlyReportDeadline(year: 2024, month: 4)) == "2024-05-01T00:00:00+07:00")
    }
}

@Suite("Briefings")
struct MeetingTests {
    let calendar = CalFixture.calendar

    func moveGeneral(to date: String, _ start: String = "07:30", _ end: String = "09:30", week: String = "2021-W33") -> BriefingMove {
        BriefingMove(week: ReportWeekID(week)!, slotKey: "general", date: CalFixture.day(date),
                     start: CalFixture.time(start), end: CalFixture.time(end), reason: "Thứ Sáu có nhiệm vụ đột xuất")
    }

    @Test("the letter's three Friday briefings")
    func regularMeetings() throws {
        let meetings = calendar.meetings(for: try calendar.week(parsing: "2021-W33"))
        #expect(meetings.map(\.slotKey) == ["general", "committeeBloc", "partyBloc"])
        #expect(meetings.map(\.title) == ["Giao ban chung", "Giao ban khối UBND", "Giao ban khối Đảng, Mặt trận, đoàn thể"])
        #expect(meetings.allSatisfy { $0.date.iso == "2021-08-20" && !$0.moved })
        #expect(meetings.map { "\($0.start.text)–\($0.end.text)" } == ["14:00–16:00", "16:00–17:30", "16:00–17:30"])
        #expect(meetings.map(\.startInstant) == ["2021-08-20T07:00:00Z", "2021-08-20T09:00:00Z", "2021-08-20T09:00:00Z"].map(CalFixture.instant))
        #expect(meetings.map(\.endInstant) == ["2021-08-20T09:00:00Z", "2021-08-20T10:30:00Z", "2021-08-20T10:30:00Z"].map(CalFixture.instant))
        #expect(calendar.isoString(meetings[0].startInstant) == "2021-08-20T14:00:00+07:00")
    }

    @Test("moving the general briefing to Monday 07:30 of the next week")
    func moveToMonday() throws {
        let week = try calendar.week(parsing: "2021-W33")
        let move = moveGeneral(to: "2021-08-23")
        try calendar.validate(move, for: week)
        let meetings = calendar.meetings(for: week, moves: [move])
        #expect(meetings.map(\.slotKey) == ["committeeBloc", "partyBloc", "general"])  // sorted by start
        let general = try #require(meetings.last)
        #expect(general.moved && general.date.iso == "2021-08-23" && general.date.weekday == .monday)
        #expect(general.title == "Giao ban chung")
        #expect(general.startInstant == CalFixture.instant("2021-08-23T00:30:00Z"))
        #expect(general.endInstant == CalFixture.instant("2021-08-23T02:30:00Z"))
        #expect(meetings.filter { $0.slotKey != "general" }.allSatisfy { !$0.moved })
        // Report content and deadlines stay with week 33.
        #expect(calendar.deadlines(for: week) == calendar.deadlines(for: try calendar.week(parsing: "2021-W33")))
        #expect(calendar.deadlines(for: week).weeklyReport == CalFixture.instant("2021-08-19T13:00:00Z"))
        // The next week's own briefing is untouched.
        let next = calendar.meetings(for: calendar.week(after: week), moves: [move])
        #expect(next.allSatisfy { !$0.moved && $0.date.iso == "2021-08-27" })
    }

    @Test func moveCodableRoundTrip() throws {
        let move = moveGeneral(to: "2021-08-23")
        let json = String(decoding: try JSONEncoder().encode(move), as: UTF8.self)
        #expect(json.contains(#""week":"2021-W33""#) && json.contains(#""date":"2021-08-23""#) && json.contains(#""start":"07:30""#))
        #expect(try JSONDecoder().decode(BriefingMove.self, from: Data(json.utf8)) == move)
    }

    @Test("the last matching move wins; moves of other weeks or unknown slots are ignored")
    func moveSelection() throws {
        let week = try calendar.week(parsing: "2021-W33")
        let first = moveGeneral(to: "2021-08-23")
        let second = moveGeneral(to: "2021-08-24", "08:00", "10:00")
        let otherWeek = moveGeneral(to: "2021-08-30", week: "2021-W34")
        let unknown = BriefingMove(week: week.id, slotKey: "nope", date: CalFixture.day("2021-08-23"),
                                   start: CalFixture.time("07:30"), end: CalFixture.time("08:30"), reason: "")
        let meetings = calendar.meetings(for: week, moves: [first, otherWeek, second, unknown])
        #expect(meetings.count == 3)
        let general = try #require(meetings.first { $0.slotKey == "general" })
        #expect(general.date.iso == "2021-08-24" && general.start.text == "08:00")
    }

    @Test("valid move boundaries", arguments: ["2021-08-14", "2021-08-20", "2021-08-23", "2021-09-03"])
    func validMoves(date: String) throws {
        try calendar.validate(moveGeneral(to: date), for: try calendar.week(parsing: "2021-W33"))
    }

    @Test("invalid moves", arguments: [
        ("2021-08-23", "09:30", "09:30", "general", "2021-W33"),    // end == start
        ("2021-08-23", "09:30", "07:30", "general", "2021-W33"),    // end before start
        ("2021-08-13", "07:30", "09:30", "general", "2021-W33"),    // before the week starts
        ("2021-09-04", "07:30", "09:30", "general", "2021-W33"),    // more than 14 days after the week ends
        ("2021-08-23", "07:30", "09:30", "nope", "2021-W33"),       // no such slot
        ("2021-08-23", "07:30", "09:30", "general", "2021-W34"),    // a move of another week
    ])
    func invalidMoves(date: String, start: String, end: String, slot: String, week: String) throws {
        let move = BriefingMove(week: ReportWeekID(week)!, slotKey: slot, date: CalFixture.day(date),
                                start: CalFixture.time(start), end: CalFixture.time(end), reason: "x")
        let target = try calendar.week(parsing: "2021-W33")
        do {
            try calendar.validate(move, for: target)
            Issue.record("move should be refused")
        } catch let error as CalendarError {
            guard case .invalidMove(let message) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(!message.isEmpty && error.vietnameseMessage == message)
        }
    }

    @Test func invalidMoveMessages() throws {
        let week = try calendar.week(parsing: "2021-W33")
        #expect(throws: CalendarError.invalidMove("Giờ kết thúc (07:30) phải sau giờ bắt đầu (09:30).")) {
            try calendar.validate(moveGeneral(to: "2021-08-23", "09:30", "07:30"), for: week)
        }
        #expect(throws: CalendarError.invalidMove("Chỉ có thể dời cuộc họp đến muộn nhất ngày 03/09/2021 (14 ngày sau khi tuần kết thúc).")) {
            try calendar.validate(moveGeneral(to: "2021-09-04"), for: week)
        }
    }

    @Test("next meeting", arguments: [
        ("2021-08-20T13:59:00+07:00", "general", "2021-08-20T14:00:00+07:00"),
        ("2021-08-20T14:00:00+07:00", "general", "2021-08-20T14:00:00+07:00"),   // starting now counts
        ("2021-08-20T15:00:00+07:00", "committeeBloc", "2021-08-20T16:00:00+07:00"),
        ("2021-08-20T17:00:00+07:00", "general", "2021-08-27T14:00:00+07:00"),
        ("2021-08-21T00:00:00+07:00", "general", "2021-08-27T14:00:00+07:00"),
        ("2021-08-14T00:00:00+07:00", "general", "2021-08-20T14:00:00+07:00"),
    ])
    func nextMeeting(now: String, slot: String, start: String) throws {
        let meeting = try #require(calendar.nextMeeting(after: CalFixture.instant(now), moves: []))
        #expect(meeting.slotKey == slot)
        #expect(calendar.isoString(meeting.startInstant) == start)
    }

    @Test("next meeting sees a briefing moved from last week into this one")
    func nextMeetingWithMove() throws {
        let moves = [moveGeneral(to: "2021-08-23")]
        let friday = try #require(calendar.nextMeeting(after: CalFixture.instant("2021-08-20T13:00:00+07:00"), moves: moves))
        #expect(friday.slotKey == "committeeBloc")
        let saturday = try #require(calendar.nextMeeting(after: CalFixture.instant("2021-08-21T09:00:00+07:00"), moves: moves))
        #expect(saturday.slotKey == "general" && saturday.moved)
        #expect(calendar.isoString(saturday.startInstant) == "2021-08-23T07:30:00+07:00")
        let afterIt = try #require(calendar.nextMeeting(after: CalFixture.instant("2021-08-23T08:00:00+07:00"), moves: moves))
        #expect(!afterIt.moved && afterIt.date.iso == "2021-08-27")
    }

    @Test func noSlotsNoMeetings() throws {
        var settings = CalendarSettings.letterDefaults
        settings.meetingSlots = []
        let calendar = CommuneCalendar(settings: settings)
        #expect(calendar.meetings(for: try calendar.week(parsing: "2021-W33")).isEmpty)
        #expect(calendar.nextMeeting(after: CalFixture.instant("2021-08-20T00:00:00Z"), moves: []) == nil)
    }
}
