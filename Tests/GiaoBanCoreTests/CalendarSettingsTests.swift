import Foundation
import Testing
@testable import GiaoBanCore

@Suite("Calendar settings")
struct CalendarSettingsTests {
    @Test("letter 62-CV/ĐU defaults")
    func letterDefaults() throws {
        let s = CalendarSettings.letterDefaults
        #expect(s.timeZoneIdentifier == "Asia/Ho_Chi_Minh")
        #expect(s.timeZone.identifier == "Asia/Ho_Chi_Minh")
        #expect(s.weekStartDay == .saturday)
        #expect(s.weeklyReportDeadline == WeeklyDeadlineRule(weekday: .thursday, time: CalFixture.time("20:00")))
        #expect(s.groupCompilationDeadline == WeeklyDeadlineRule(weekday: .friday, time: CalFixture.time("14:00")))
        #expect(s.meetingSlots == [
            MeetingSlot(key: "general", title: "Giao ban chung", weekday: .friday,
                        start: CalFixture.time("14:00"), end: CalFixture.time("16:00")),
            MeetingSlot(key: "committeeBloc", title: "Giao ban khối UBND", weekday: .friday,
                        start: CalFixture.time("16:00"), end: CalFixture.time("17:30")),
            MeetingSlot(key: "partyBloc", title: "Giao ban khối Đảng, Mặt trận, đoàn thể", weekday: .friday,
                        start: CalFixture.time("16:00"), end: CalFixture.time("17:30")),
        ])
        #expect(s.cellReportDueDay == 10 && s.monthlyReportDueDay == 20)
        #expect(try s.validated() == s)
        #expect(CommuneCalendar().settings == s)
    }

    @Test("valid variations", arguments: [
        CalFixture.settings(zone: "Europe/Paris"), CalFixture.settings(weekStart: .monday),
        CalFixture.settings(zone: "UTC", weekStart: .sunday),
    ])
    func validVariations(settings: CalendarSettings) throws {
        #expect(try settings.validated() == settings)
    }

    @Test func equalDeadlinesAreAllowed() throws {
        var s = CalendarSettings.letterDefaults
        s.groupCompilationDeadline = s.weeklyReportDeadline
        #expect(try s.validated() == s)
    }

    static func broken(_ change: (inout CalendarSettings) -> Void) -> CalendarSettings {
        var s = CalendarSettings.letterDefaults
        change(&s)
        return s
    }

    @Test("invalid settings are refused with a Vietnamese message", arguments: [
        (broken { $0.timeZoneIdentifier = "Mars/Olympus" }, "Múi giờ"),
        (broken { $0.timeZoneIdentifier = "" }, "Múi giờ"),
        (broken { $0.timeZoneIdentifier = " Asia/Ho_Chi_Minh" }, "Múi giờ"),
        (broken { $0.meetingSlots[0].end = CalFixture.time("14:00") }, "giờ kết thúc"),
        (broken { $0.meetingSlots[1].end = CalFixture.time("15:00") }, "giờ kết thúc"),
        (broken { $0.meetingSlots[2].key = "general" }, "bị trùng"),
        (broken { $0.meetingSlots[2].key = "  " }, "phải có mã"),
        (broken { $0.meetingSlots[2].title = "" }, "chưa có tên"),
        (broken { $0.groupCompilationDeadline.time = CalFixture.time("19:00"); $0.groupCompilationDeadline.weekday = .thursday }, "Hạn tổng hợp"),
        (broken { $0.weekStartDay = .friday }, "Hạn tổng hợp"),  // Friday compilation would come before Thursday's reports
        (broken { $0.cellReportDueDay = 0 }, "sinh hoạt chi bộ"),
        (broken { $0.cellReportDueDay = 29 }, "sinh hoạt chi bộ"),
        (broken { $0.monthlyReportDueDay = 31 }, "báo cáo tháng"),
    ])
    func invalid(settings: CalendarSettings, fragment: String) {
        do {
            _ = try settings.validated()
            Issue.record("should be refused")
        } catch let error as CalendarError {
            guard case .invalidSettings(let message) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(message.contains(fragment), "\(message)")
            #expect(error.vietnameseMessage == message)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test("an unknown zone falls back to Asia/Ho_Chi_Minh")
    func zoneFallback() throws {
        let settings = CalFixture.settings(zone: "Nowhere/Atlantis")
        #expect(settings.timeZone.identifier == "Asia/Ho_Chi_Minh")
        let calendar = CommuneCalendar(settings: settings)
        #expect(calendar.timeZone.identifier == "Asia/Ho_Chi_Minh")
        #expect(calendar.deadlines(for: try calendar.week(parsing: "2021-W33")).weeklyReport
                == CalFixture.instant("2021-08-19T13:00:00Z"))
    }

    @Test func codableRoundTrip() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(CalendarSettings.letterDefaults)
        let json = String(decoding: data, as: UTF8.self)
        #expect(json.contains(#""weekStartDay":6"#))
        #expect(json.contains(#""weeklyReportDeadline":{"time":"20:00","weekday":4}"#))
        #expect(json.contains(#""timeZoneIdentifier":"Asia\/Ho_Chi_Minh""#))
        #expect(try JSONDecoder().decode(CalendarSettings.self, from: data) == .letterDefaults)
        #expect(try JSONDecoder().decode(MonthlyDeadlineRule.self, from: Data(#"{"dayOfMonth":10}"#.utf8)) == MonthlyDeadlineRule(dayOfMonth: 10))
    }
}
