import Foundation
import Testing
@testable import GiaoBanCore

@Suite("Time rules change only at whole minutes (what the page cache relies on)")
struct MinuteGrainTests {
    @Test("open minutes: named by their start, none on a whole-minute instant")
    func openMinutes() {
        let whole = CalFixture.instant("2021-08-19T20:00:00+07:00")
        #expect(MinuteGrain.openMinute(containing: whole) == nil)
        #expect(MinuteGrain.openMinute(containing: whole.addingTimeInterval(0.001)) == MinuteGrain.minute(of: whole))
        #expect(MinuteGrain.openMinute(containing: whole.addingTimeInterval(59.999)) == MinuteGrain.minute(of: whole))
        #expect(MinuteGrain.openMinute(containing: whole.addingTimeInterval(-0.001)) == MinuteGrain.minute(of: whole) - 1)
        // Before 1970 too (rounded down, not towards zero).
        let old = Date(timeIntervalSince1970: -90)
        #expect(MinuteGrain.openMinute(containing: old) == -2)
    }

    @Test("week starts, deadlines and briefings fall on whole minutes in zones with odd offsets and daylight saving",
          arguments: ["Asia/Ho_Chi_Minh", "Asia/Kathmandu", "America/St_Johns", "Europe/Berlin", "Australia/Lord_Howe"])
    func boundariesAreWholeMinutes(zone: String) throws {
        let calendar = CommuneCalendar(settings: CalFixture.settings(zone: zone))
        var instant = CalFixture.instant("2021-01-01T12:00:00Z")
        for _ in 0..<60 {
            let week = calendar.week(containing: instant)
            let deadlines = calendar.deadlines(for: week)
            var boundaries = [week.startInstant, week.endInstant, deadlines.weeklyReport, deadlines.groupCompilation]
            for meeting in calendar.meetings(for: week) { boundaries += [meeting.startInstant, meeting.endInstant] }
            for boundary in boundaries {
                #expect(MinuteGrain.openMinute(containing: boundary) == nil, "\(zone) \(week.id): \(boundary)")
            }
            instant = week.endInstant.addingTimeInterval(3600)
        }
    }

    @Test("within one open minute the ledger status and the countdown give one answer")
    func constantWithinAnOpenMinute() {
        let due = CalFixture.instant("2021-08-19T20:00:00+07:00")
        let thursday = CalFixture.day("2021-08-19")
        for start in stride(from: -180.0, through: 120, by: 60) {
            let instants = [0.001, 17.5, 59.999].map { due.addingTimeInterval(start + $0) }
            let statuses = Set(instants.map { LedgerRules.entry(dueAt: due, dueDay: thursday, firstSubmittedAt: nil, now: $0, leaves: []).status })
            let countdowns = Set(instants.map { TimeLeft.vietnamese(from: $0, to: due) })
            #expect(statuses.count == 1 && countdowns.count == 1, "minute starting \(start) s from the deadline: \(statuses) \(countdowns)")
        }
    }
}
