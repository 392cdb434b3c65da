import Foundation
import GiaoBanCore

/// How a deadline is worded wherever one is shown (home, ledger, report form, week, group week):
/// "Thứ Năm, 19/08/2021 lúc 20:00" in the commune's zone.
enum DueWording {
    static func vietnamese(_ instant: Date, calendar: CommuneCalendar) -> String {
        let date = LocalDate.inZone(instant, calendar.timeZone)
        let minutes = Int(instant.timeIntervalSince(calendar.instant(date, LocalTime(hour: 0, minute: 0)!)) / 60)
        let time = LocalTime(hour: minutes / 60, minute: minutes % 60)?.text ?? ""
        return "\(date.weekday.vietnameseName), \(date.vietnamese) lúc \(time)"
    }
}
