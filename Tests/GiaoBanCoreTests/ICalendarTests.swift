import Foundation
import Testing
@testable import GiaoBanCore

@Suite("iCalendar feeds")
struct ICalendarTests {
    let zone = TimeZone(identifier: "Asia/Ho_Chi_Minh")!
    let generatedAt = Date(timeIntervalSince1970: 1_629_252_000) // 2021-08-18T02:00:00Z

    @Test("Escaping and folding follow RFC 5545")
    func escapingAndFolding() {
        #expect(ICalendar.escape("Họp; bàn, kế hoạch\\\ndòng 2") == "Họp\\; bàn\\, kế hoạch\\\\\\ndòng 2")
        let long = "SUMMARY:" + String(repeating: "Tuyên truyền phòng chống dịch ", count: 8)
        let folded = ICalendar.fold(long)
        for line in folded.components(separatedBy: "\r\n") { #expect(line.utf8.count <= 75) }
        #expect(folded.replacingOccurrences(of: "\r\n ", with: "") == long)
    }

    @Test("A feed has the zone, CRLF line ends and every event")
    func feed() {
        let events = [ICalendar.Event(uid: "a@giaoban", date: LocalDate(year: 2021, month: 8, day: 23)!, start: LocalTime(hour: 7, minute: 30)!,
                                      end: LocalTime(hour: 9, minute: 0)!, summary: "Giao ban, UBND", location: "Phòng họp tầng 2")]
        let text = ICalendar.calendar(name: "Lịch công tác", events: events, zone: zone, generatedAt: generatedAt)
        #expect(text.hasPrefix("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"))
        #expect(text.hasSuffix("END:VCALENDAR\r\n"))
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        #expect(text.contains("DTSTART;TZID=Asia/Ho_Chi_Minh:20210823T073000"))
        #expect(text.contains("DTEND;TZID=Asia/Ho_Chi_Minh:20210823T090000"))
        #expect(text.contains("TZOFFSETTO:+0700"))
        #expect(text.contains("DTSTAMP:20210818T020000Z"))
        #expect(text.contains("SUMMARY:Giao ban\\, UBND"))
    }
}
