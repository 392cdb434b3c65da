import Foundation
import Testing
@testable import GiaoBanCore

/// Shared fixtures for the calendar tests. Every reference instant is written with an explicit
/// offset and parsed by `ISO8601DateFormatter`, so no test depends on the process time zone.
enum CalFixture {
    static let calendar = CommuneCalendar()

    /// A date from "yyyy-MM-dd" (test data is known to be valid).
    static func day(_ iso: String) -> LocalDate {
        guard let date = LocalDate(iso: iso) else { fatalError("bad fixture date \(iso)") }
        return date
    }

    static func time(_ text: String) -> LocalTime {
        guard let time = LocalTime(string: text) else { fatalError("bad fixture time \(text)") }
        return time
    }

    /// An instant from an ISO-8601 string with an explicit offset ("2021-08-19T13:00:00Z",
    /// "2021-08-19T20:00:00+07:00"); fractional seconds allowed.
    static func instant(_ text: String) -> Date {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = text.contains(".") ? [.withInternetDateTime, .withFractionalSeconds] : [.withInternetDateTime]
        guard let date = formatter.date(from: text) else { fatalError("bad fixture instant \(text)") }
        return date
    }

    static func zone(_ id: String) -> TimeZone {
        guard let zone = TimeZone(identifier: id) else { fatalError("unknown zone \(id)") }
        return zone
    }

    static func settings(zone: String = "Asia/Ho_Chi_Minh", weekStart: Weekday = .saturday) -> CalendarSettings {
        var settings = CalendarSettings.letterDefaults
        settings.timeZoneIdentifier = zone
        settings.weekStartDay = weekStart
        return settings
    }

    /// A Gregorian calendar pinned to `zone` — the independent reference implementation.
    static func gregorian(_ zoneID: String = "UTC") -> Calendar {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = zone(zoneID)
        cal.locale = Locale(identifier: "en_US_POSIX")
        return cal
    }

    /// An ISO-8601 week calendar pinned to UTC.
    static func isoCalendar() -> Calendar {
        var cal = Calendar(identifier: .iso8601)
        cal.timeZone = zone("UTC")
        cal.firstWeekday = 2
        cal.minimumDaysInFirstWeek = 4
        return cal
    }
}
